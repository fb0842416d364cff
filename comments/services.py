"""Writes of comments: writing, editing, deleting and reporting one (members), the
moderation actions (editors), following threads and the notice switches, and what
account deletion removes. Every function here raises `DomainError`s, never HTTP ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import status

from comments import moderation, notices
from comments.models import (
    EDIT_WINDOW,
    Comment,
    CommentingBlock,
    CommentStatus,
    Flag,
    HeldReason,
    ModerationMode,
    ModerationSettings,
    NoticePreference,
    ThreadFollow,
)
from comments.moderation import Verdict
from core.errors import DomainError, RecordNotFoundError
from core.http_cache import bump_content_version
from strategies.models import Guide

REMOVED_NAME_FALLBACK = "a member"


class CommentingForbiddenError(DomainError):
    status_code = status.HTTP_403_FORBIDDEN


class EmailUnverifiedError(CommentingForbiddenError):
    default_code = "email_unverified"
    default_detail = (
        "Confirm your email address before you comment or report a comment "
        "(see auth/verify-email/resend/)."
    )


class CommentingBlockedError(CommentingForbiddenError):
    default_code = "commenting_blocked"
    default_detail = "An editor has stopped this account from commenting."


class EditWindowClosedError(CommentingForbiddenError):
    default_code = "edit_window_closed"
    default_detail = (
        "A comment can be edited for 15 minutes after it is written; this one is locked."
    )


class OwnCommentFlagError(DomainError):
    default_code = "own_comment"
    default_detail = "You cannot report your own comment."


class UnknownStrategyError(DomainError):
    default_code = "invalid"
    default_detail = "This guide has no strategy with that slug."

    def __init__(self) -> None:
        super().__init__(field="strategy")


class UnknownParentError(DomainError):
    default_code = "invalid"
    default_detail = "There is no published comment with this id under this guide."

    def __init__(self) -> None:
        super().__init__(field="parent")


class UnknownThreadError(DomainError):
    default_code = "invalid"
    default_detail = "There is no published thread with this id."

    def __init__(self) -> None:
        super().__init__(field="threads")


def public_content_changed() -> None:
    """What the public sees changed: renew the content version now (so this process's
    next read renders afresh) and once more after commit (so a read that raced the
    transaction cannot keep the old page under the new version)."""
    bump_content_version()
    transaction.on_commit(bump_content_version)


def display_name(user) -> str:
    return (getattr(user, "display_name", "") or "").strip() or "Member"


def _check_may_write(member) -> None:
    if not member.email_verified:
        raise EmailUnverifiedError()
    if CommentingBlock.objects.filter(member=member).exists():
        raise CommentingBlockedError()


def follow_thread(*, member, thread: Comment) -> ThreadFollow:
    follow, _ = ThreadFollow.objects.get_or_create(member=member, thread=thread)
    return follow


@transaction.atomic
def comment_create(
    *,
    author,
    guide: Guide,
    body: str,
    strategy_slug: str | None = None,
    parent_id=None,
) -> tuple[Comment, Verdict]:
    """A new comment or reply. Published at once or held, as `moderation.judge` says;
    its author follows its thread from now on."""
    _check_may_write(author)
    parent = reply_to_name = None
    strategy = None
    if parent_id is not None:
        answered = (
            Comment.objects.select_related("parent", "author")
            .filter(guide=guide, pk=parent_id, status=CommentStatus.APPROVED)
            .first()
        )
        if answered is None:
            raise UnknownParentError()
        parent = answered.parent or answered
        if answered.parent_id is not None:
            reply_to_name = display_name(answered.author)
        # A reply is about what its thread is about.
        strategy = parent.strategy
    elif strategy_slug:
        strategy = guide.strategies.filter(slug=strategy_slug).first()
        if strategy is None:
            raise UnknownStrategyError()
    verdict = moderation.judge(text=body, author=author)
    now = timezone.now()
    comment = Comment.objects.create(
        guide=guide,
        strategy=strategy,
        parent=parent,
        author=author,
        reply_to_name=reply_to_name or "",
        body_markdown=body,
        status=verdict.status,
        held_reasons=verdict.held_reasons,
        watch_word_hits=verdict.watch_word_hits,
        danger=verdict.danger,
        published_at=None if verdict.held else now,
    )
    follow_thread(member=author, thread=parent or comment)
    if not verdict.held:
        notices.queue_for_reply(comment)
        public_content_changed()
    return comment, verdict


@transaction.atomic
def comment_edit(*, comment: Comment, body: str) -> tuple[Comment, Verdict]:
    """The author's edit, within `EDIT_WINDOW` of writing. The new text is judged
    again: a watch-word (or pre-moderation) sends a published comment back to the
    queue."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    now = timezone.now()
    if now - comment.created_at > EDIT_WINDOW:
        raise EditWindowClosedError()
    verdict = moderation.judge(text=body, author=comment.author)
    was_public = comment.status == CommentStatus.APPROVED
    comment.body_markdown = body
    comment.edited_at = now
    if comment.status == CommentStatus.PENDING:
        comment.held_reasons = verdict.held_reasons or comment.held_reasons
    elif was_public and verdict.held:
        comment.status = CommentStatus.PENDING
        comment.held_reasons = [r for r in verdict.held_reasons if r != HeldReason.FIRST_COMMENT]
    comment.watch_word_hits = verdict.watch_word_hits
    comment.danger = comment.danger or verdict.danger
    comment.save()
    if was_public:
        public_content_changed()
    return comment, Verdict(
        status=comment.status,
        held_reasons=list(comment.held_reasons),
        watch_word_hits=list(comment.watch_word_hits),
        danger=verdict.danger,
    )


def _has_replies(comment: Comment) -> bool:
    return comment.replies.exclude(status=CommentStatus.REMOVED).exists()


def _remove(comment: Comment) -> None:
    """Keep the row as the "[removed]" head of its thread: no text, no author."""
    comment.status = CommentStatus.REMOVED
    comment.body_markdown = ""
    comment.author = None
    comment.watch_word_hits = []
    comment.save()


@transaction.atomic
def comment_delete(*, comment: Comment) -> None:
    """The author takes a comment back: gone, or "[removed]" if it has replies."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    was_public = comment.status == CommentStatus.APPROVED
    if comment.parent_id is None and _has_replies(comment):
        _remove(comment)
        was_public = True
    else:
        comment.delete()
    if was_public:
        public_content_changed()


@transaction.atomic
def comment_flag(*, member, comment: Comment) -> bool:
    """A member reports a comment; True the first time, False when they already did.
    In post-moderation, enough reports hide it until an editor looks."""
    if not member.email_verified:
        raise EmailUnverifiedError()
    if comment.author_id == member.pk:
        raise OwnCommentFlagError()
    try:
        with transaction.atomic():
            Flag.objects.create(comment=comment, member=member)
    except IntegrityError:
        return False
    settings = ModerationSettings.current()
    if settings.mode == ModerationMode.POST:
        flags = Flag.objects.filter(comment=comment).count()
        hidden = (
            Comment.objects.filter(pk=comment.pk, status=CommentStatus.APPROVED).update(
                status=CommentStatus.HIDDEN,
                held_reasons=[HeldReason.FLAGGED],
                updated_at=timezone.now(),
            )
            if flags >= settings.flag_threshold
            else 0
        )
        if hidden:
            public_content_changed()
    return True


# --- Moderation (the admin) -----------------------------------------------------------


@transaction.atomic
def comments_approve(*, comments: QuerySet[Comment], editor) -> int:
    """Publish held or hidden comments; followers of their threads are told of new
    replies."""
    now = timezone.now()
    approved = 0
    for comment in comments.select_for_update().exclude(
        status__in=[CommentStatus.APPROVED, CommentStatus.REMOVED]
    ):
        first_time = comment.published_at is None
        comment.status = CommentStatus.APPROVED
        comment.published_at = comment.published_at or now
        comment.moderated_at, comment.moderated_by = now, editor
        comment.save(
            update_fields=["status", "published_at", "moderated_at", "moderated_by", "updated_at"]
        )
        # Flags before this review are answered by it.
        comment.flags.all().delete()
        if first_time:
            notices.queue_for_reply(comment)
        approved += 1
    if approved:
        public_content_changed()
    return approved


def _set_status(comments: QuerySet[Comment], *, status: str, editor) -> int:
    now = timezone.now()
    changed = comments.exclude(status__in=[status, CommentStatus.REMOVED])
    was_public = changed.filter(status=CommentStatus.APPROVED).exists()
    count = changed.update(status=status, moderated_at=now, moderated_by=editor, updated_at=now)
    if was_public:
        public_content_changed()
    return count


@transaction.atomic
def comments_reject(*, comments: QuerySet[Comment], editor) -> int:
    return _set_status(comments, status=CommentStatus.REJECTED, editor=editor)


@transaction.atomic
def comments_hide(*, comments: QuerySet[Comment], editor) -> int:
    return _set_status(comments, status=CommentStatus.HIDDEN, editor=editor)


@transaction.atomic
def members_block(*, members: Iterable, editor) -> int:
    """Stop members from commenting; what they wrote and is still waiting is rejected."""
    blocked = 0
    for member in members:
        if member is None:
            continue
        _, created = CommentingBlock.objects.get_or_create(
            member=member, defaults={"blocked_by": editor}
        )
        blocked += created
        _set_status(
            Comment.objects.filter(author=member, status=CommentStatus.PENDING),
            status=CommentStatus.REJECTED,
            editor=editor,
        )
    return blocked


# --- Notices: following threads and the switches --------------------------------------


def notice_preference(member) -> NoticePreference:
    return NoticePreference.objects.get_or_create(member=member)[0]


@transaction.atomic
def notice_settings_set(*, member, reply_notices: bool, thread_ids: list | None) -> None:
    """The member's choices: reply notices on or off, and (when given) exactly which
    threads they follow. A thread they do not follow yet must be a published one."""
    NoticePreference.objects.update_or_create(
        member=member, defaults={"reply_notices": reply_notices}
    )
    if thread_ids is None:
        return
    wanted = set(thread_ids)
    current = set(ThreadFollow.objects.filter(member=member).values_list("thread_id", flat=True))
    new = wanted - current
    threads = list(
        Comment.objects.filter(
            pk__in=new, parent__isnull=True, status=CommentStatus.APPROVED
        ).filter(guide__in=Guide.objects.published())
    )
    if len(threads) != len(new):
        raise UnknownThreadError()
    ThreadFollow.objects.filter(member=member).exclude(thread_id__in=wanted).delete()
    for thread in threads:
        follow_thread(member=member, thread=thread)


class UnsubscribeTokenError(DomainError):
    default_code = "invalid"
    default_detail = "This link is invalid or has already been used."

    def __init__(self) -> None:
        super().__init__(field="token")


def unsubscribe_by_token(*, token: str) -> str:
    """A link from a notice mail: a thread's token stops that thread, the member's
    token stops every reply notice. Returns which it was ("thread" or "all")."""
    if token:
        follows = ThreadFollow.objects.filter(unsubscribe_token=token)
        if follows.delete()[0]:
            return "thread"
        if NoticePreference.objects.filter(unsubscribe_token=token).update(reply_notices=False):
            return "all"
    raise UnsubscribeTokenError()


# --- Account deletion -----------------------------------------------------------------


def member_erase(user) -> None:
    """The member's comments go ("[removed]" where others replied), with their follows,
    reports, pending notices and switches."""
    public = False
    for comment in Comment.objects.filter(author=user).select_for_update():
        public = public or comment.status == CommentStatus.APPROVED
        if (
            comment.parent_id is None
            and comment.replies.exclude(author=user).exclude(status=CommentStatus.REMOVED).exists()
        ):
            _remove(comment)
        else:
            comment.delete()
    ThreadFollow.objects.filter(member=user).delete()
    Flag.objects.filter(member=user).delete()
    notices.forget_member(user)
    NoticePreference.objects.filter(member=user).delete()
    CommentingBlock.objects.filter(member=user).delete()
    if public:
        public_content_changed()


def comment_get_own(*, author, guide: Guide, comment_id) -> Comment:
    comment = (
        Comment.objects.filter(author=author, guide=guide, pk=comment_id)
        .exclude(status=CommentStatus.REMOVED)
        .first()
    )
    if comment is None:
        raise RecordNotFoundError()
    return comment
