"""Moderation in the admin: the queue puts danger first, then watch-word hits, then the
most reported; bulk approve, reject, hide and block; a comment in its context; counts
per guide."""

from __future__ import annotations

import pytest

from comments.models import Comment, CommentingBlock, CommentStatus, Flag, ModerationSettings
from tests.accounts.factories import UserFactory
from tests.comments.factories import CommentFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/moderationqueueitem/"


@pytest.fixture
def editor_session(client):
    client.force_login(UserFactory(email="chief@example.com", is_staff=True, is_superuser=True))
    return client


def _queue_ids(response) -> list[str]:
    return [str(c.pk) for c in response.context["cl"].result_list]


def test_the_queue_puts_danger_first_then_watch_words_then_reports(editor_session, guide):
    plain = CommentFactory(guide=guide, status=CommentStatus.PENDING)
    reported = CommentFactory(guide=guide)
    Flag.objects.create(comment=reported, member=VerifiedMemberFactory())
    hit = CommentFactory(guide=guide, status=CommentStatus.PENDING, watch_word_hits=["spam"])
    danger = CommentFactory(
        guide=guide, status=CommentStatus.PENDING, watch_word_hits=["hurt"], danger=True
    )
    CommentFactory(guide=guide)  # published, unreported: not in the queue

    response = editor_session.get(QUEUE)

    assert response.status_code == 200
    assert _queue_ids(response) == [str(c.pk) for c in (danger, hit, reported, plain)]


def test_bulk_approve_publishes(editor_session, guide, api_client):
    held = CommentFactory.create_batch(2, guide=guide, status=CommentStatus.PENDING)

    response = editor_session.post(
        QUEUE, {"action": "approve", "_selected_action": [str(c.pk) for c in held]}
    )

    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.APPROVED}
    assert api_client.get(f"/api/v1/guides/{guide.slug}/comments/").json()["count"] == 2


@pytest.mark.parametrize(
    ("action", "status"), [("reject", CommentStatus.REJECTED), ("hide", CommentStatus.HIDDEN)]
)
def test_bulk_reject_and_hide(editor_session, guide, action, status):
    comment = CommentFactory(guide=guide, status=CommentStatus.PENDING)

    editor_session.post(QUEUE, {"action": action, "_selected_action": [str(comment.pk)]})

    assert Comment.objects.get(pk=comment.pk).status == status


def test_blocking_stops_the_author_and_rejects_what_waits(editor_session, guide, writer):
    waiting = CommentFactory(guide=guide, author=writer, status=CommentStatus.PENDING)

    editor_session.post(QUEUE, {"action": "block_authors", "_selected_action": [str(waiting.pk)]})

    assert CommentingBlock.objects.filter(member=writer).exists()
    assert Comment.objects.get(pk=waiting.pk).status == CommentStatus.REJECTED


def test_a_reply_is_shown_in_its_context(editor_session, guide, strategy):
    top = CommentFactory(guide=guide, strategy=strategy, body_markdown="The opening words")
    reply = CommentFactory(parent=top, status=CommentStatus.PENDING)

    page = editor_session.get(f"{QUEUE}{reply.pk}/change/").content.decode()

    assert guide.title in page
    assert strategy.title in page
    assert "The opening words" in page


def test_counts_per_guide(editor_session, guide):
    CommentFactory.create_batch(2, guide=guide)
    CommentFactory(guide=guide, status=CommentStatus.PENDING)

    response = editor_session.get("/admin/comments/guidecommentsummary/")

    [row] = response.context["cl"].result_list
    assert (row.approved_comments, row.pending_comments) == (2, 1)


def test_the_moderation_mode_is_one_row_editors_change(editor_session):
    settings = ModerationSettings.current()

    response = editor_session.post(
        f"/admin/comments/moderationsettings/{settings.pk}/change/",
        {"mode": "post", "flag_threshold": 5},
    )

    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.mode, settings.flag_threshold) == ("post", 5)
    assert editor_session.get("/admin/comments/moderationsettings/add/").status_code == 403
