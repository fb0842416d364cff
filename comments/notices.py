"""Reply notices: "someone answered in a thread you follow", batched.

When a reply is published, every follower of its thread except the reply's author gets
a `ReplyNotice` row. The every-minute job (`comments.tasks.send_reply_notices`) sends
each member with unsent rows one mail holding all of them, unless it sent them one in
the last hour (`BATCH_INTERVAL`): then the rows wait for the next mail, so a busy
thread costs a member at most one mail an hour. A member's rows are claimed with
`SELECT ... FOR UPDATE SKIP LOCKED` on their preference row, so two workers never mail
the same batch; the rows are marked sent in the transaction that sent the mail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentStatus, NoticePreference, ReplyNotice, ThreadFollow
from core.markdown import markdown_to_text
from core.references import web_url

logger = logging.getLogger(__name__)

BATCH_INTERVAL = timedelta(hours=1)
EXCERPT_LENGTH = 280


def queue_for_reply(reply: Comment) -> int:
    """Rows for everyone who follows the reply's thread, except its author and members
    who switched reply notices off. Nothing for a top-level comment."""
    if reply.parent_id is None:
        return 0
    followers = (
        ThreadFollow.objects.filter(thread_id=reply.parent_id)
        .exclude(member_id=reply.author_id)
        .exclude(member__notice_preference__reply_notices=False)
        .values_list("member_id", flat=True)
    )
    rows = [ReplyNotice(recipient_id=member_id, reply=reply) for member_id in followers]
    ReplyNotice.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def forget_member(user) -> None:
    ReplyNotice.objects.filter(recipient=user).delete()


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def one_click_url(token: str) -> str:
    return f"{_absolute(reverse('comments-unsubscribe'))}?token={token}"


def unsubscribe_page_url(token: str) -> str:
    return settings.COMMENTS_UNSUBSCRIBE_URL.format(token=token)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def _message(member, preference: NoticePreference, notices: list[ReplyNotice]) -> EmailMessage:
    from comments.services import display_name

    follows = {
        follow.thread_id: follow
        for follow in ThreadFollow.objects.filter(
            member=member, thread_id__in={n.reply.parent_id for n in notices}
        )
    }
    parts = []
    for notice in notices:
        reply = notice.reply
        guide = reply.guide
        follow = follows[reply.parent_id]
        # The guide's page on the front end shows its comments; else the API's list.
        comments_url = web_url("guide", guide.slug) or _absolute(
            reverse("guide-comment-list", kwargs={"slug": guide.slug})
        )
        parts.append(
            f"{display_name(reply.author)} replied under \u201c{guide.title}\u201d:\n"
            f"  {_excerpt(markdown_to_text(reply.body_markdown))}\n"
            f"  Read the thread: {comments_url}\n"
            f"  Stop notices for this thread: {unsubscribe_page_url(follow.unsubscribe_token)}"
        )
    count = len(notices)
    subject = (
        "A new reply in a thread you follow"
        if count == 1
        else f"{count} new replies in threads you follow"
    )
    body = (
        "Hello,\n\nSomeone answered in a conversation you are part of on Breakthrough.\n\n"
        + "\n\n".join(parts)
        + "\n\nYou get at most one of these mails an hour. To stop all reply notices, "
        f"open {unsubscribe_page_url(preference.unsubscribe_token)}\n\n-- \nBreakthrough"
    )
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return EmailMessage(
        subject=subject,
        body=body,
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{one_click_url(preference.unsubscribe_token)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Reply notices <replies.{domain}>",
            "Message-ID": f"<reply-notices.{notices[0].pk}@{domain}>",
        },
    )


def due_recipient_ids(now: datetime) -> list[int]:
    """Members with unsent notices whose last notice mail is an hour old or more."""
    return list(
        ReplyNotice.objects.filter(sent_at__isnull=True)
        .filter(
            Q(recipient__notice_preference__isnull=True)
            | Q(recipient__notice_preference__last_sent_at__isnull=True)
            | Q(recipient__notice_preference__last_sent_at__lte=now - BATCH_INTERVAL)
        )
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


@transaction.atomic
def send_batch(member_id: int, now: datetime) -> int:
    """One mail with every unsent notice of the member that is still worth sending;
    returns how many replies it named (0: nothing sent)."""
    NoticePreference.objects.get_or_create(member_id=member_id)
    preference = (
        NoticePreference.objects.select_for_update(skip_locked=True)
        .select_related("member")
        .filter(member_id=member_id)
        .first()
    )
    if preference is None:  # another worker has this member's batch
        return 0
    if preference.last_sent_at and preference.last_sent_at > now - BATCH_INTERVAL:
        return 0
    pending = ReplyNotice.objects.filter(recipient_id=member_id, sent_at__isnull=True)
    member = preference.member
    worth_sending = list(
        pending.filter(reply__status=CommentStatus.APPROVED)
        .exclude(reply__author_id=member_id)
        .filter(reply__parent__follows__member_id=member_id)
        .select_related("reply__author", "reply__guide")
        .order_by("created_at", "id")
    )
    if not preference.reply_notices or not member.is_active:
        worth_sending = []
    # Replies withdrawn or hidden since, threads unfollowed: nothing to say about them.
    pending.exclude(pk__in=[n.pk for n in worth_sending]).delete()
    if not worth_sending:
        return 0
    _message(member, preference, worth_sending).send()
    ReplyNotice.objects.filter(pk__in=[n.pk for n in worth_sending]).update(sent_at=now)
    preference.last_sent_at = now
    preference.save(update_fields=["last_sent_at"])
    return len(worth_sending)


def send_due(now: datetime | None = None) -> int:
    """Every member's batch that is due; returns the number of mails sent."""
    now = now or timezone.now()
    sent = 0
    for member_id in due_recipient_ids(now):
        if send_batch(member_id, now):
            sent += 1
    if sent:
        logger.info("comments: sent %s reply notice mails", sent)
    return sent
