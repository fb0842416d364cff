"""`POST /api/v1/guides/{slug}/comments/`: who may write, what is published at once and
what waits, replies one level deep, and the help resources when someone may be in
danger."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from comments.models import (
    Comment,
    CommentStatus,
    HeldReason,
    ModerationMode,
    ThreadFollow,
    WatchWordKind,
)
from tests.accounts.factories import UserFactory
from tests.comments.factories import CommentFactory, WatchWordFactory, moderation
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def url(guide) -> str:
    return f"/api/v1/guides/{guide.slug}/comments/"


@pytest.fixture
def known_writer(writer, guide):
    """A member with a published comment already (so not held as a first comment)."""
    CommentFactory(author=writer, guide=guide)
    return writer


def test_anonymous_gets_401(api_client, guide):
    response = api_client.post(url(guide), {"body": "Hello"}, format="json")

    assert response.status_code == 401
    assert not Comment.objects.exists()


def test_an_unverified_member_gets_403_saying_why(guide):
    client = client_for(UserFactory(email_verified_at=None))

    response = client.post(url(guide), {"body": "Hello"}, format="json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "email_unverified"
    assert not Comment.objects.exists()


def test_a_blocked_member_gets_403_saying_why(writer, writer_client, guide):
    from comments.services import members_block

    members_block(members=[writer], editor=None)

    response = writer_client.post(url(guide), {"body": "Hello"}, format="json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "commenting_blocked"


def test_a_first_comment_is_held_even_in_post_moderation(writer_client, guide, api_client):
    moderation(ModerationMode.POST)

    response = writer_client.post(url(guide), {"body": "My first words"}, format="json")

    assert response.status_code == 202, response.content
    comment = response.json()["comment"]
    assert comment["status"] == "pending"
    assert comment["held_reasons"] == [HeldReason.FIRST_COMMENT]
    assert response.json()["help"] is None
    assert api_client.get(url(guide)).json()["count"] == 0


def test_post_moderation_publishes_a_known_members_comment(known_writer, writer_client, guide):
    moderation(ModerationMode.POST)

    response = writer_client.post(url(guide), {"body": "More words"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["comment"]["status"] == "approved"
    assert client_for(known_writer).get(response.headers["Location"]).status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    listed = client_for(known_writer).get(url(guide)).json()
    assert listed["count"] == 2


def test_pre_moderation_holds_everything(known_writer, writer_client, guide, api_client):
    moderation(ModerationMode.PRE)

    response = writer_client.post(url(guide), {"body": "More words"}, format="json")

    assert response.status_code == 202
    assert response.json()["comment"]["held_reasons"] == [HeldReason.PRE_MODERATION]
    assert api_client.get(url(guide)).json()["count"] == 1


def test_a_watch_word_holds_the_comment(known_writer, writer_client, guide):
    moderation(ModerationMode.POST)
    WatchWordFactory(phrase="miracle cure")

    response = writer_client.post(url(guide), {"body": "Try this Miracle  Cure!"}, format="json")

    assert response.status_code == 202
    assert response.json()["comment"]["held_reasons"] == [HeldReason.WATCH_WORD]
    assert response.json()["help"] is None
    assert Comment.objects.get(pk=response.json()["comment"]["id"]).watch_word_hits == [
        "miracle cure"
    ]


def test_a_part_of_a_word_is_no_hit(known_writer, writer_client, guide):
    moderation(ModerationMode.POST)
    WatchWordFactory(phrase="die")

    response = writer_client.post(url(guide), {"body": "I am on a diet"}, format="json")

    assert response.status_code == 201


def test_a_danger_sign_answers_with_the_help_resources(known_writer, writer_client, guide):
    moderation(ModerationMode.POST)
    WatchWordFactory(phrase="end it all", kind=WatchWordKind.DANGER)

    response = writer_client.post(
        url(guide), {"body": "Some days I want to end it all."}, format="json"
    )

    assert response.status_code == 202
    body = response.json()
    assert body["help"]["resources"], body
    assert body["help"] == client_for(known_writer).get("/api/v1/help/").json()
    assert Comment.objects.get(pk=body["comment"]["id"]).danger is True


def test_a_reply_to_a_reply_joins_the_thread_and_names_whom_it_answers(
    known_writer, writer_client, guide
):
    moderation(ModerationMode.POST)
    top = CommentFactory(guide=guide)
    reply = CommentFactory(parent=top, author__display_name="Bea")

    response = writer_client.post(
        url(guide), {"body": "Agreed", "parent": str(reply.pk)}, format="json"
    )

    assert response.status_code == 201, response.content
    comment = Comment.objects.get(pk=response.json()["comment"]["id"])
    assert comment.parent_id == top.pk
    assert comment.reply_to_name == "Bea"
    assert ThreadFollow.objects.filter(member=known_writer, thread=top).exists()


def test_a_reply_to_a_held_comment_is_a_400(known_writer, writer_client, guide):
    held = CommentFactory(guide=guide, status=CommentStatus.PENDING)

    response = writer_client.post(url(guide), {"body": "Hi", "parent": str(held.pk)}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "parent"


def test_a_strategy_of_another_guide_is_a_400(writer_client, guide):
    from tests.strategies.factories import StrategyFactory

    elsewhere = StrategyFactory()

    response = writer_client.post(
        url(guide), {"body": "Hi", "strategy": elsewhere.slug}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "strategy"


def test_a_comment_anchored_to_a_strategy(known_writer, writer_client, guide, strategy):
    moderation(ModerationMode.POST)

    response = writer_client.post(
        url(guide), {"body": "About this part", "strategy": strategy.slug}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["comment"]["strategy"]["slug"] == strategy.slug


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_oversized_body_is_a_400(writer_client, guide, body):
    response = writer_client.post(url(guide), {"body": body}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "body"
    assert not Comment.objects.exists()


def test_an_unknown_field_is_a_400(writer_client, guide):
    response = writer_client.post(url(guide), {"body": "Hi", "status": "approved"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_field"


def test_writing_is_rate_limited_per_member(writer_client, guide, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "comments_write", "2/hour")

    statuses = [
        writer_client.post(url(guide), {"body": f"Note {n}"}, format="json").status_code
        for n in range(3)
    ]

    assert statuses == [202, 202, 429]
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["comments_write"]


def test_the_location_of_a_held_comment_reads_it_back_to_its_author_only(
    writer_client, guide, api_client
):
    response = writer_client.post(url(guide), {"body": "Waiting words"}, format="json")
    location = response.headers["Location"]

    mine = writer_client.get(location)
    theirs = client_for(UserFactory()).get(location)

    assert response.status_code == 202
    assert mine.status_code == 200
    assert mine.json()["comment"]["status"] == "pending"
    assert mine.json()["comment"]["body_html"] == "<p>Waiting words</p>"
    assert mine["Cache-Control"] == "private, no-store"
    assert theirs.status_code == 404
    assert api_client.get(location).status_code == 401
