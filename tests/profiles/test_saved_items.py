"""Saved guides, strategies, exercises and events: private to their owner, in the
export, gone with the account. Owner, other member, anonymous and editor are each checked."""

from __future__ import annotations

import uuid

import pytest

from profiles.models import SavedItem
from strategies.models import Guide
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

SAVED = "/api/v1/me/saved/"


def save(client, **target):
    return client.post(SAVED, target, format="json")


def test_anonymous_gets_401_everywhere(api_client, tree):
    assert api_client.get(SAVED).status_code == 401
    assert save(api_client, guide="public-guide").status_code == 401
    assert api_client.delete(f"{SAVED}{uuid.uuid4()}/").status_code == 401


def test_member_saves_a_guide_and_a_strategy(member_client, tree):
    guide = save(member_client, guide="public-guide")
    assert guide.status_code == 201, guide.content
    assert guide.json()["type"] == "guide"
    assert guide.json()["guide"]["slug"] == "public-guide"
    assert guide.json()["strategy"] is None
    strategy = save(member_client, strategy="public-strategy-1")
    assert strategy.status_code == 201
    assert strategy.json()["type"] == "strategy"
    assert strategy.json()["strategy"]["url"].endswith("/api/v1/strategies/public-strategy-1/")
    listed = member_client.get(SAVED).json()["results"]
    assert [item["id"] for item in listed] == [strategy.json()["id"], guide.json()["id"]]


def test_saving_twice_returns_the_same_item(member_client, tree):
    first = save(member_client, guide="public-guide")
    again = save(member_client, guide="public-guide")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert SavedItem.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"guide": "public-guide", "strategy": "public-strategy-1"},
        {"guide": "no-such-guide"},
        {"guide": "draft-guide"},
        {"guide": "scheduled-guide"},
        {"strategy": "strategy-of-draft-guide"},
        {"guide": ["public-guide"]},
        {"guide": None},
    ],
)
def test_invalid_saves_are_400(member_client, tree, payload):
    response = member_client.post(SAVED, payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"
    assert not SavedItem.objects.exists()


def test_other_members_items_are_invisible_and_undeletable(member_client, other_client, tree):
    item = save(member_client, guide="public-guide").json()
    assert other_client.get(SAVED).json()["results"] == []
    assert other_client.delete(f"{SAVED}{item['id']}/").status_code == 404
    assert SavedItem.objects.filter(pk=item["id"]).exists()


def test_editors_cannot_see_members_items(member_client, editor_client, tree):
    item = save(member_client, guide="public-guide").json()
    assert editor_client.get(SAVED).json()["results"] == []
    assert editor_client.delete(f"{SAVED}{item['id']}/").status_code == 404


def test_owner_deletes_an_item(member_client, tree):
    item = save(member_client, guide="public-guide").json()
    assert member_client.delete(f"{SAVED}{item['id']}/").status_code == 204
    assert member_client.get(SAVED).json()["results"] == []
    assert member_client.delete(f"{SAVED}{item['id']}/").status_code == 404


def test_malformed_id_is_404(member_client, tree):
    assert member_client.delete(f"{SAVED}not-a-uuid/").status_code == 404
    assert member_client.delete(f"{SAVED}{'a' * 36}/").status_code == 404


def test_unpublished_content_drops_out_of_the_list_and_returns(member_client, tree):
    save(member_client, guide="public-guide")
    save(member_client, strategy="public-strategy-2")
    Guide.objects.filter(slug="public-guide").update(status=Guide.Status.DRAFT)
    assert member_client.get(SAVED).json()["results"] == []
    Guide.objects.filter(slug="public-guide").update(status=Guide.Status.PUBLISHED)
    assert len(member_client.get(SAVED).json()["results"]) == 2


def test_saved_items_are_never_cached_publicly(member_client, tree):
    assert member_client.get(SAVED)["Cache-Control"] == "private, no-store"


def test_export_lists_saved_items(member, member_client, tree):
    save(member_client, guide="public-guide")
    save(member_client, strategy="public-strategy-1")
    Guide.objects.filter(slug="public-guide").update(status=Guide.Status.DRAFT)
    exported = member_client.get("/api/v1/me/export/").json()["saved_items"]
    assert [(row["type"], row["slug"]) for row in exported] == [
        ("guide", "public-guide"),
        ("strategy", "public-strategy-1"),
    ]
    # The member keeps the reference; a title edited while unpublished is not revealed.
    assert [row["title"] for row in exported] == [None, None]
    assert all(row["saved_at"] and row["id"] for row in exported)


def test_export_does_not_include_other_members_items(member_client, other_client, tree):
    save(other_client, guide="public-guide")
    assert member_client.get("/api/v1/me/export/").json()["saved_items"] == []


def test_account_deletion_erases_saved_items(member, member_client, other_client, tree):
    save(member_client, guide="public-guide")
    save(other_client, guide="public-guide")
    response = member_client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not SavedItem.objects.filter(owner_id=member.pk).exists()
    assert SavedItem.objects.count() == 1


def test_deleting_a_guide_removes_its_saved_items(member_client, tree):
    save(member_client, guide="public-guide")
    tree["guide"].delete()
    assert member_client.get(SAVED).json()["results"] == []


# --- Exercises and events, and "which of these have I saved" ------------------------------


@pytest.fixture
def event(db):
    from tests.events.factories import EventFactory

    return EventFactory(slug="live-talk")


def test_member_saves_an_exercise_and_an_event(member_client, tree, event):
    exercise = save(member_client, exercise="exercise-of-public-strategy-1")
    assert exercise.status_code == 201, exercise.content
    assert exercise.json()["type"] == "exercise"
    assert exercise.json()["exercise"]["url"].endswith(
        "/api/v1/exercises/exercise-of-public-strategy-1/"
    )
    saved_event = save(member_client, event="live-talk")
    assert saved_event.status_code == 201, saved_event.content
    assert saved_event.json()["type"] == "event"
    assert saved_event.json()["event"]["slug"] == "live-talk"
    assert saved_event.json()["guide"] is None
    listed = member_client.get(SAVED).json()["results"]
    assert [item["type"] for item in listed] == ["event", "exercise"]
    assert save(member_client, event="live-talk").status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"exercise": "exercise-of-draft-guide"},
        {"exercise": "no-such-exercise"},
        {"event": "no-such-event"},
        {"event": "live-talk", "guide": "public-guide"},
    ],
)
def test_invalid_exercise_and_event_saves_are_400(member_client, tree, event, payload):
    response = member_client.post(SAVED, payload, format="json")
    assert response.status_code == 400, response.content
    assert not SavedItem.objects.exists()


def test_lookup_answers_which_of_these_are_saved(member_client, other_client, tree, event):
    guide = save(member_client, guide="public-guide").json()
    saved_event = save(member_client, event="live-talk").json()
    save(other_client, strategy="public-strategy-1")
    response = member_client.get(
        f"{SAVED}lookup/",
        {
            "guides": "public-guide,other-public-guide,draft-guide",
            "strategies": "public-strategy-1",
            "events": "live-talk",
        },
    )
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    assert sorted(response.json()["results"], key=lambda r: r["type"]) == [
        {"type": "event", "slug": "live-talk", "id": saved_event["id"]},
        {"type": "guide", "slug": "public-guide", "id": guide["id"]},
    ]
    assert member_client.get(f"{SAVED}lookup/").json() == {"results": []}


def test_lookup_refuses_too_many_slugs(member_client, tree):
    slugs = ",".join(f"guide-{n}" for n in range(101))
    response = member_client.get(f"{SAVED}lookup/", {"guides": slugs})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many"


def test_public_pages_stay_the_same_for_savers(member_client, api_client, tree):
    before = api_client.get("/api/v1/guides/public-guide/")
    save(member_client, guide="public-guide")
    assert member_client.get("/api/v1/guides/public-guide/").content == before.content


def test_export_covers_every_type(member_client, tree, event):
    save(member_client, exercise="exercise-of-public-strategy-1")
    save(member_client, event="live-talk")
    exported = member_client.get("/api/v1/me/export/").json()["saved_items"]
    assert [(row["type"], row["slug"], row["title"] is not None) for row in exported] == [
        ("exercise", "exercise-of-public-strategy-1", True),
        ("event", "live-talk", True),
    ]
