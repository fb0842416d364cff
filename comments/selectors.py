"""Reads of comments, optimised in one place.

What the public may see is decided here: approved comments under a public guide, and
a removed top-level comment only as the "[removed]" head of approved replies. A page of
threads costs four queries whatever its size: the guide, the count, the top-level
comments with their authors, and their approved replies with their authors.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from comments.models import Comment, CommentStatus, ThreadFollow
from strategies.models import Guide, Strategy

PUBLIC_COMMENT_FIELDS = (
    "id",
    "guide_id",
    "parent_id",
    "strategy_id",
    "author_id",
    "author__display_name",
    "strategy__slug",
    "strategy__title",
    "reply_to_name",
    "body_html",
    "status",
    "created_at",
    "edited_at",
)


def public_guide_get(slug: str) -> Guide | None:
    """The guide, if the public may see it (published and due)."""
    return Guide.objects.published().only("id", "slug", "title").filter(slug=slug).first()


def _approved_replies() -> QuerySet[Comment]:
    return (
        Comment.objects.filter(status=CommentStatus.APPROVED)
        .select_related("author", "strategy")
        .only(*PUBLIC_COMMENT_FIELDS)
        .order_by("created_at", "id")
    )


def comment_thread_list(*, guide: Guide) -> QuerySet[Comment]:
    """The public threads of `guide`, oldest first (callers may reorder): approved
    top-level comments, and removed ones that still have approved replies."""
    has_replies = Exists(
        Comment.objects.filter(parent=OuterRef("pk"), status=CommentStatus.APPROVED)
    )
    return (
        Comment.objects.filter(guide=guide, parent__isnull=True)
        .filter(Q(status=CommentStatus.APPROVED) | Q(has_replies, status=CommentStatus.REMOVED))
        .select_related("author", "strategy")
        .only(*PUBLIC_COMMENT_FIELDS)
        .prefetch_related(
            Prefetch("replies", queryset=_approved_replies(), to_attr="public_replies")
        )
        .order_by("created_at", "id")
    )


def own_comment_list(*, author, guide: Guide) -> QuerySet[Comment]:
    """The member's own comments under `guide`, whatever their status (for their edits
    and deletions)."""
    return Comment.objects.filter(author=author, guide=guide).exclude(status=CommentStatus.REMOVED)


def public_comment_get(*, guide: Guide, comment_id) -> Comment | None:
    """A comment anyone may see (and report)."""
    return Comment.objects.filter(guide=guide, pk=comment_id, status=CommentStatus.APPROVED).first()


def guide_strategy_get(*, guide: Guide, slug: str) -> Strategy | None:
    return Strategy.objects.filter(guide=guide, slug=slug).only("id", "slug", "title").first()


def follow_list(*, member) -> QuerySet[ThreadFollow]:
    return (
        ThreadFollow.objects.filter(member=member)
        .select_related("thread__guide")
        .only(
            "id",
            "created_at",
            "thread_id",
            "thread__id",
            "thread__body_markdown",
            "thread__status",
            "thread__guide__slug",
            "thread__guide__title",
        )
        .order_by("created_at", "id")
    )


def guide_comment_counts() -> QuerySet[Guide]:
    """Per guide: comments published, waiting and hidden, for the admin."""
    return Guide.objects.annotate(
        all_comments=Count("comments"),
        approved_comments=Count("comments", filter=Q(comments__status=CommentStatus.APPROVED)),
        pending_comments=Count("comments", filter=Q(comments__status=CommentStatus.PENDING)),
        hidden_comments=Count("comments", filter=Q(comments__status=CommentStatus.HIDDEN)),
    ).filter(all_comments__gt=0)
