"""Editors preview drafts through the API with `?preview=true` and a staff account;
nobody else can, and a preview never leaks into the shared public cache."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_editor_sees_drafts_and_scheduled_guides_in_preview(editor_client, tree):
    listed = editor_client.get("/api/v1/guides/", {"preview": "true"})
    assert listed.status_code == 200
    assert {"draft-guide", "scheduled-guide"} <= {g["slug"] for g in listed.json()["results"]}
    detail = editor_client.get("/api/v1/guides/draft-guide/", {"preview": "true"})
    assert detail.status_code == 200
    assert detail.json()["status"] == "draft"


def test_preview_shows_hidden_related_guides_and_children(editor_client, tree):
    detail = editor_client.get("/api/v1/guides/public-guide/?preview=true").json()
    assert [g["slug"] for g in detail["related_guides"]] == [
        "draft-guide",
        "other-public-guide",
        "scheduled-guide",
    ]
    strategy = editor_client.get("/api/v1/strategies/strategy-of-draft-guide/?preview=1")
    assert strategy.status_code == 200
    exercise = editor_client.get("/api/v1/exercises/exercise-of-draft-guide/?preview=true")
    assert exercise.status_code == 200


def test_editor_without_preview_sees_what_the_public_sees(editor_client, tree):
    assert editor_client.get("/api/v1/guides/draft-guide/").status_code == 404
    listed = editor_client.get("/api/v1/guides/").json()["results"]
    assert "draft-guide" not in {g["slug"] for g in listed}


def test_anonymous_preview_is_401(api_client, tree):
    response = api_client.get("/api/v1/guides/draft-guide/", {"preview": "true"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_member_preview_is_403(member_client, tree):
    response = member_client.get("/api/v1/guides/", {"preview": "true"})
    assert response.status_code == 403
    assert "editors" in response.json()["errors"][0]["detail"]


def test_preview_false_is_the_public_view(member_client, tree):
    response = member_client.get("/api/v1/guides/", {"preview": "false"})
    assert response.status_code == 200
    assert "draft-guide" not in {g["slug"] for g in response.json()["results"]}


def test_unreadable_preview_value_is_400(editor_client, tree):
    response = editor_client.get("/api/v1/guides/", {"preview": "perhaps"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "preview"


def test_preview_is_never_cached_publicly(editor_client, api_client, tree):
    response = editor_client.get("/api/v1/guides/draft-guide/?preview=true")
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    # The same URL without credentials is still refused, not served from a cache.
    assert api_client.get("/api/v1/guides/draft-guide/?preview=true").status_code == 401
    assert api_client.get("/api/v1/guides/draft-guide/").status_code == 404


def test_editor_session_from_the_admin_can_preview(client, editor, tree):
    client.force_login(editor)
    assert client.get("/api/v1/guides/draft-guide/?preview=true").status_code == 200
