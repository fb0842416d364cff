"""Authors edit (for 15 minutes) and delete their own comments; any verified member
reports a comment once; nobody reaches anyone else's comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comments.models import Comment, CommentStatus, Flag, ModerationMode
from tests.comments.factories import (
    CommentFactory,
    VerifiedMemberFactory,
    WatchWordFactory,
    moderation,
)
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def detail(comment) -> str:
    return f"/api/v1/guides/{comment.guide.slug}/comments/{comment.pk}/"


def test_the_author_edits_within_15_minutes(writer, writer_client, api_client):
    moderation(ModerationMode.POST)
    comment = CommentFactory(author=writer)

    response = writer_client.patch(detail(comment), {"body": "Better *words*"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["comment"]["body_html"] == "<p>Better <em>words</em></p>"
    assert response.json()["comment"]["edited_at"]
    listed = api_client.get(f"/api/v1/guides/{comment.guide.slug}/comments/").json()
    assert listed["results"][0]["body_html"] == "<p>Better <em>words</em></p>"


def test_after_15_minutes_a_comment_is_locked(writer, writer_client):
    comment = CommentFactory(author=writer, body_markdown="As written")

    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=1)):
        response = writer_client.patch(detail(comment), {"body": "Changed"}, format="json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "edit_window_closed"
    comment.refresh_from_db()
    assert comment.body_markdown == "As written"


def test_an_edit_with_a_watch_word_goes_back_to_the_queue(writer, writer_client, api_client):
    moderation(ModerationMode.POST)
    comment = CommentFactory(author=writer)
    WatchWordFactory(phrase="buy now")

    response = writer_client.patch(detail(comment), {"body": "Buy now!"}, format="json")

    assert response.status_code == 202
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING
    assert api_client.get(f"/api/v1/guides/{comment.guide.slug}/comments/").json()["count"] == 0


@pytest.mark.parametrize("actor", ["other", "editor"])
def test_nobody_else_edits_or_deletes_a_comment(writer, actor, editor):
    comment = CommentFactory(author=writer, body_markdown="Mine")
    client = client_for(editor if actor == "editor" else VerifiedMemberFactory())

    patched = client.patch(detail(comment), {"body": "Theirs"}, format="json")
    deleted = client.delete(detail(comment))

    assert patched.status_code == deleted.status_code == 404
    assert Comment.objects.get(pk=comment.pk).body_markdown == "Mine"


def test_a_malformed_id_is_a_404(writer_client, guide):
    response = writer_client.delete(f"/api/v1/guides/{guide.slug}/comments/not-a-uuid/")

    assert response.status_code == 404


def test_deleting_a_comment_without_replies_removes_it(writer, writer_client):
    comment = CommentFactory(author=writer)

    assert writer_client.delete(detail(comment)).status_code == 204
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_a_comment_with_replies_leaves_removed(writer, writer_client):
    comment = CommentFactory(author=writer, body_markdown="Gone soon")
    reply = CommentFactory(parent=comment)

    assert writer_client.delete(detail(comment)).status_code == 204

    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    assert comment.body_markdown == ""
    assert comment.author_id is None
    assert Comment.objects.filter(pk=reply.pk).exists()
    assert writer_client.delete(detail(comment)).status_code == 404


def test_a_member_reports_a_comment_once(writer_client):
    comment = CommentFactory()

    first = writer_client.post(detail(comment) + "flag/")
    again = writer_client.post(detail(comment) + "flag/")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["detail"] != again.json()["detail"]
    assert Flag.objects.filter(comment=comment).count() == 1


def test_nobody_reports_their_own_comment(writer, writer_client):
    comment = CommentFactory(author=writer)

    response = writer_client.post(detail(comment) + "flag/")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "own_comment"


def test_a_held_comment_cannot_be_reported(writer_client):
    comment = CommentFactory(status=CommentStatus.PENDING)

    assert writer_client.post(detail(comment) + "flag/").status_code == 404


def test_post_moderation_hides_a_comment_flagged_enough(api_client):
    moderation(ModerationMode.POST, flag_threshold=2)
    comment = CommentFactory()
    list_url = f"/api/v1/guides/{comment.guide.slug}/comments/"

    client_for(VerifiedMemberFactory()).post(detail(comment) + "flag/")
    assert api_client.get(list_url).json()["count"] == 1
    client_for(VerifiedMemberFactory()).post(detail(comment) + "flag/")

    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN
    assert api_client.get(list_url).json()["count"] == 0


def test_pre_moderation_keeps_a_reviewed_comment_up_when_flagged():
    moderation(ModerationMode.PRE, flag_threshold=1)
    comment = CommentFactory()

    client_for(VerifiedMemberFactory()).post(detail(comment) + "flag/")

    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED
