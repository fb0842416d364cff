"""A member's comments are in their export, and go with their account: as "[removed]"
where others replied, so the thread still reads."""

from __future__ import annotations

import pytest

from comments.models import Comment, CommentStatus, Flag, ThreadFollow
from tests.accounts.factories import PASSWORD
from tests.comments.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_comments_follows_and_reports(writer, writer_client, guide):
    mine = CommentFactory(author=writer, guide=guide, body_markdown="My own words")
    ThreadFollow.objects.create(member=writer, thread=mine)
    reported = CommentFactory(guide=guide)
    Flag.objects.create(comment=reported, member=writer)
    CommentFactory(guide=guide, body_markdown="Someone else's words")

    section = writer_client.get("/api/v1/me/export/").json()["comments"]

    assert [c["body_markdown"] for c in section["comments"]] == ["My own words"]
    assert section["comments"][0]["guide"] == guide.slug
    assert [f["thread"] for f in section["followed_threads"]] == [str(mine.pk)]
    assert section["reported_comments"] == [str(reported.pk)]
    assert section["reply_notices"] is True


def test_deleting_the_account_removes_comments_and_keeps_threads_readable(
    writer, writer_client, guide, api_client
):
    with_replies = CommentFactory(author=writer, guide=guide, body_markdown="Answered")
    CommentFactory(parent=with_replies, body_markdown="An answer")
    alone = CommentFactory(author=writer, guide=guide)
    my_reply = CommentFactory(parent=CommentFactory(guide=guide), author=writer)
    ThreadFollow.objects.create(member=writer, thread=with_replies)

    response = writer_client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    with_replies.refresh_from_db()
    assert with_replies.status == CommentStatus.REMOVED
    assert with_replies.body_markdown == ""
    assert with_replies.author_id is None
    assert not Comment.objects.filter(pk__in=[alone.pk, my_reply.pk]).exists()
    assert not ThreadFollow.objects.exists()
    listed = api_client.get(f"/api/v1/guides/{guide.slug}/comments/").json()
    assert "Answered" not in str(listed)
    assert [t["removed"] for t in listed["results"]] == [True, False]
