"""Reply notices: followers of a thread hear of each published reply, in batches of at
most one mail an hour, never about their own reply; one click stops a thread or all of
them; `/api/v1/me/notifications/` holds the choices."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comments import notices, services
from comments.models import Comment, CommentStatus, ModerationMode, ReplyNotice, ThreadFollow
from comments.tasks import send_reply_notices
from tests.comments.factories import CommentFactory, VerifiedMemberFactory, moderation
from tests.helpers import client_for
from tests.workers import run_workers

pytestmark = pytest.mark.django_db


def reply_via_api(member, thread, text="An answer"):
    client = client_for(member)
    response = client.post(
        f"/api/v1/guides/{thread.guide.slug}/comments/",
        {"body": text, "parent": str(thread.pk)},
        format="json",
    )
    assert response.status_code in (201, 202), response.content
    return Comment.objects.get(pk=response.json()["comment"]["id"])


@pytest.fixture
def thread(writer, guide):
    """A published thread opened by `writer`, who follows it."""
    moderation(ModerationMode.POST)
    top = CommentFactory(author=writer, guide=guide)
    services.follow_thread(member=writer, thread=top)
    return top


def known_member(guide):
    member = VerifiedMemberFactory()
    CommentFactory(author=member, guide=guide)
    return member


def test_a_published_reply_is_mailed_to_the_follower_not_its_author(
    writer, thread, guide, mailoutbox
):
    replier = known_member(guide)

    reply_via_api(replier, thread, "I know that feeling")
    sent = notices.send_due()

    assert sent == 1
    [mail] = mailoutbox
    assert mail.to == [writer.email]
    assert "I know that feeling" in mail.body
    assert replier.email not in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The replier now follows the thread too, but never hears of their own reply.
    assert ThreadFollow.objects.filter(member=replier, thread=thread).exists()
    assert not ReplyNotice.objects.filter(recipient=replier).exists()


def test_several_replies_make_one_mail_then_at_most_one_an_hour(writer, thread, guide, mailoutbox):
    def to_writer():
        return [m for m in mailoutbox if m.to == [writer.email]]

    first, second = known_member(guide), known_member(guide)
    reply_via_api(first, thread, "First answer")
    reply_via_api(second, thread, "Second answer")

    # The writer gets both replies in one mail; the first replier, who follows the
    # thread now, hears of the second.
    assert notices.send_due() == 2
    [batch] = to_writer()
    assert "First answer" in batch.body
    assert "Second answer" in batch.body
    assert batch.subject == "2 new replies in threads you follow"
    [to_first] = [m for m in mailoutbox if m.to == [first.email]]
    assert "Second answer" in to_first.body
    assert not [m for m in mailoutbox if m.to == [second.email]]

    reply_via_api(known_member(guide), thread, "Third answer")
    # Only the second replier, never mailed yet, hears of it now.
    assert notices.send_due() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert notices.send_due() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert notices.send_due() == 2
        assert notices.send_due() == 0

    assert len(to_writer()) == 2
    assert "Third answer" in to_writer()[1].body
    assert "First answer" not in to_writer()[1].body


def test_a_held_reply_is_told_only_once_published(writer, thread, guide, mailoutbox, editor):
    newcomer = VerifiedMemberFactory()
    held = reply_via_api(newcomer, thread, "My first reply")
    assert held.status == CommentStatus.PENDING
    assert notices.send_due() == 0

    services.comments_approve(comments=Comment.objects.filter(pk=held.pk), editor=editor)

    assert notices.send_due() == 1
    assert "My first reply" in mailoutbox[0].body


def test_a_reply_withdrawn_before_the_batch_is_not_mailed(writer, thread, guide, mailoutbox):
    reply = reply_via_api(known_member(guide), thread)
    services.comment_delete(comment=reply)

    assert notices.send_due() == 0
    assert mailoutbox == []


def test_one_click_stops_one_thread(writer, thread, guide, api_client, mailoutbox):
    follow = ThreadFollow.objects.get(member=writer, thread=thread)

    response = api_client.post(
        f"/api/v1/comments/unsubscribe/?token={follow.unsubscribe_token}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    reply_via_api(known_member(guide), thread)

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "thread"
    assert notices.send_due() == 0


def test_the_mails_one_click_link_stops_every_reply_notice(
    writer, thread, guide, api_client, mailoutbox
):
    reply_via_api(known_member(guide), thread)
    notices.send_due()
    link = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    response = api_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        reply_via_api(known_member(guide), thread)
        notices.send_due()

    assert [m.to for m in mailoutbox].count([writer.email]) == 1
    assert response.status_code == 200
    assert response.json()["scope"] == "all"
    assert client_for(writer).get("/api/v1/me/notifications/").json()["reply_notices"] is False


def test_a_bad_token_is_a_400(api_client):
    response = api_client.post("/api/v1/comments/unsubscribe/", {"token": "nope"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "token"


def test_members_choose_their_threads_and_the_switch(writer, writer_client, thread, guide):
    other_thread = CommentFactory(guide=guide)

    before = writer_client.get("/api/v1/me/notifications/").json()
    response = writer_client.put(
        "/api/v1/me/notifications/",
        {"reply_notices": True, "threads": [str(other_thread.pk)]},
        format="json",
    )

    assert [t["id"] for t in before["followed_threads"]] == [str(thread.pk)]
    assert before["reply_notices"] is True
    assert response.status_code == 200, response.content
    assert [t["id"] for t in response.json()["followed_threads"]] == [str(other_thread.pk)]
    assert response["Cache-Control"] == "private, no-store"


def test_a_held_thread_cannot_be_followed(writer_client, guide):
    held = CommentFactory(guide=guide, status=CommentStatus.PENDING)

    response = writer_client.put(
        "/api/v1/me/notifications/",
        {"reply_notices": True, "threads": [str(held.pk)]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "threads"


@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_sends_the_batch(queue, writer, guide, mailoutbox):
    moderation(ModerationMode.POST)
    top = CommentFactory(author=writer, guide=guide)
    services.follow_thread(member=writer, thread=top)
    reply_via_api(known_member(guide), top)

    send_reply_notices.defer(timestamp=int(timezone.now().timestamp()))
    run_workers()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [writer.email]
