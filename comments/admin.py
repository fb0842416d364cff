"""Comments in the admin: the moderation queue (danger first, then watch-word hits,
then the most reported, then the oldest), bulk approve / reject / hide / block, each
comment shown in its context (guide, strategy, the comment it answers), counts per
guide, the moderation settings and the watch-word list."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from comments import selectors, services
from comments.models import (
    Comment,
    CommentingBlock,
    CommentStatus,
    GuideCommentSummary,
    ModerationQueueItem,
    ModerationSettings,
    WatchWord,
)


def _priority(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    return queryset.annotate(
        flag_count=Count("flags", distinct=True),
        hit_rank=Case(
            When(watch_word_hits=[], then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("-danger", "-hit_rank", "-flag_count", "created_at", "id")


class CommentAdminBase(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "guide",
        "author_name",
        "status",
        "danger_sign",
        "watch_words",
        "flag_count",
        "created_at",
    ]
    list_filter = ["status", "danger", "guide"]
    search_fields = ["body_markdown", "guide__title", "author__display_name"]
    list_select_related = ["guide", "author"]
    actions = ["approve", "reject", "hide", "block_authors"]
    fields = [
        "context",
        "body_markdown",
        "status",
        "held_reasons",
        "watch_word_hits",
        "danger",
        "author_name",
        "created_at",
        "edited_at",
        "published_at",
        "moderated_at",
        "moderated_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        # Annotated before ModelAdmin would order it by `get_ordering`.
        return _priority(self.model._default_manager.get_queryset())

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # The queue order, on the annotations of `_priority` (the changelist would
        # otherwise impose Meta.ordering).
        return ["-danger", "-hit_rank", "-flag_count", "created_at", "id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The page is read-only; the actions change comments (they need this right).
        return super().has_change_permission(request, obj)

    @admin.display(description="comment")
    def excerpt(self, comment: Comment) -> str:
        return str(comment)

    @admin.display(description="author")
    def author_name(self, comment: Comment) -> str:
        return services.display_name(comment.author) if comment.author_id else "—"

    @admin.display(description="danger", boolean=True, ordering="danger")
    def danger_sign(self, comment: Comment) -> bool:
        return comment.danger

    @admin.display(description="watch-words")
    def watch_words(self, comment: Comment) -> str:
        return ", ".join(comment.watch_word_hits)

    @admin.display(description="reports", ordering="flag_count")
    def flag_count(self, comment: Comment) -> int:
        return getattr(comment, "flag_count", 0)

    @admin.display(description="in context")
    def context(self, comment: Comment) -> str:
        rows = [("Guide", comment.guide.title)]
        strategy = comment.strategy or (comment.parent.strategy if comment.parent_id else None)
        if strategy is not None:
            rows.append(("About", strategy.title))
        if comment.parent_id:
            parent = comment.parent
            rows.append(("In the thread of", f"{services.display_name(parent.author)}: {parent}"))
        if comment.reply_to_name:
            rows.append(("Answering", comment.reply_to_name))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    @admin.action(description="Approve (publish) the selected comments")
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = services.comments_approve(comments=_plain(queryset), editor=request.user)
        self.message_user(request, f"{count} comment(s) published.", messages.SUCCESS)

    @admin.action(description="Reject the selected comments")
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = services.comments_reject(comments=_plain(queryset), editor=request.user)
        self.message_user(request, f"{count} comment(s) rejected.", messages.SUCCESS)

    @admin.action(description="Hide the selected comments")
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = services.comments_hide(comments=_plain(queryset), editor=request.user)
        self.message_user(request, f"{count} comment(s) hidden.", messages.SUCCESS)

    @admin.action(description="Block the authors of the selected comments from commenting")
    def block_authors(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        authors = {c.author for c in queryset.select_related("author") if c.author_id}
        count = services.members_block(members=authors, editor=request.user)
        self.message_user(
            request,
            f"{count} member(s) blocked; their waiting comments were rejected.",
            messages.SUCCESS,
        )


def _plain(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    # The changelist's annotations (counts, ranks) cannot go into SELECT ... FOR UPDATE.
    return Comment.objects.filter(pk__in=queryset.values("pk"))


@admin.register(Comment)
class CommentAdmin(CommentAdminBase):
    """Every comment, in queue order."""


@admin.register(ModerationQueueItem)
class ModerationQueueAdmin(CommentAdminBase):
    """What waits for an editor: held, hidden, or reported and still published."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return (
            super()
            .get_queryset(request)
            .filter(
                Q(status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
                | Q(status=CommentStatus.APPROVED, flag_count__gt=0)
            )
        )


@admin.register(GuideCommentSummary)
class GuideCommentSummaryAdmin(admin.ModelAdmin):
    list_display = ["title", "approved", "pending", "hidden"]
    search_fields = ["title"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.guide_comment_counts().order_by("-pending_comments", "title")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("comments.view_comment")

    @admin.display(description="published", ordering="approved_comments")
    def approved(self, guide) -> int:
        return guide.approved_comments

    @admin.display(description="waiting", ordering="pending_comments")
    def pending(self, guide) -> int:
        return guide.pending_comments

    @admin.display(description="hidden", ordering="hidden_comments")
    def hidden(self, guide) -> int:
        return guide.hidden_comments


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mode", "flag_threshold", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ModerationSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WatchWord)
class WatchWordAdmin(admin.ModelAdmin):
    list_display = ["phrase", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["phrase"]


@admin.register(CommentingBlock)
class CommentingBlockAdmin(admin.ModelAdmin):
    list_display = ["member", "blocked_by", "created_at"]
    raw_id_fields = ["member"]
    readonly_fields = ["blocked_by", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        obj.blocked_by = obj.blocked_by or request.user
        super().save_model(request, obj, form, change)
