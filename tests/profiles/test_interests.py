"""Interests: a member picks tags with `PUT /api/v1/me/interests/`; an unknown tag is a
400 that changes nothing; they are private, in the export and gone with the account."""

from __future__ import annotations

import pytest

from profiles.models import MAX_INTERESTS, Interest
from tests.accounts.factories import PASSWORD
from tests.strategies.factories import TagFactory

pytestmark = pytest.mark.django_db

INTERESTS = "/api/v1/me/interests/"


@pytest.fixture
def tags(db):
    return [TagFactory(name=name, slug=name.lower()) for name in ("Sleep", "Anxiety", "Work")]


def put(client, *slugs):
    return client.put(INTERESTS, {"tags": list(slugs)}, format="json")


def test_a_new_member_has_none(member_client):
    response = member_client.get(INTERESTS)
    assert response.status_code == 200
    assert response.json() == {"tags": []}
    assert response["Cache-Control"] == "private, no-store"


def test_put_sets_the_whole_list_by_name(member_client, tags):
    response = put(member_client, "work", "sleep")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "tags": [{"name": "Sleep", "slug": "sleep"}, {"name": "Work", "slug": "work"}]
    }
    assert member_client.get(INTERESTS).json() == response.json()


def test_put_replaces_and_keeps_what_stays(member, member_client, tags):
    put(member_client, "work", "sleep")
    kept = Interest.objects.get(owner=member, tag__slug="sleep")
    response = put(member_client, "sleep", "anxiety", "anxiety")
    assert [t["slug"] for t in response.json()["tags"]] == ["anxiety", "sleep"]
    assert Interest.objects.get(owner=member, tag__slug="sleep").pk == kept.pk
    assert put(member_client).json() == {"tags": []}
    assert not Interest.objects.filter(owner=member).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"tags": ["sleep", "no-such-tag"]},
        {"tags": ["bad slug!"]},
        {"tags": "sleep"},
        {"tags": [None]},
        {"tags": [["sleep"]]},
        {},
        {"tags": ["sleep"], "extra": 1},
    ],
)
def test_bad_lists_are_400_and_change_nothing(member, member_client, tags, body):
    put(member_client, "work")
    response = member_client.put(INTERESTS, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"
    assert list(Interest.objects.filter(owner=member).values_list("tag__slug", flat=True)) == [
        "work"
    ]


def test_unknown_tag_names_itself(member_client, tags):
    (error,) = put(member_client, "sleep", "no-such-tag").json()["errors"]
    assert (error["attr"], error["code"]) == ("tags", "does_not_exist")
    assert "no-such-tag" in error["detail"]


def test_too_many_is_400(member_client):
    slugs = [TagFactory().slug for _ in range(MAX_INTERESTS + 1)]
    assert put(member_client, *slugs).status_code == 400
    assert put(member_client, *slugs[:MAX_INTERESTS]).status_code == 200


def test_interests_are_each_members_own(member_client, other_client, tags):
    put(member_client, "work")
    assert other_client.get(INTERESTS).json() == {"tags": []}
    put(other_client, "sleep")
    assert [t["slug"] for t in member_client.get(INTERESTS).json()["tags"]] == ["work"]


def test_anonymous_gets_401(api_client, tags):
    assert api_client.get(INTERESTS).status_code == 401
    assert put(api_client, "work").status_code == 401
    assert not Interest.objects.exists()


def test_export_lists_interests_and_deletion_erases_them(member, member_client, other_client, tags):
    put(member_client, "work", "anxiety")
    put(other_client, "sleep")
    exported = member_client.get("/api/v1/me/export/").json()["interests"]
    assert exported == [{"name": "Anxiety", "slug": "anxiety"}, {"name": "Work", "slug": "work"}]

    response = member_client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not Interest.objects.filter(owner_id=member.pk).exists()
    assert Interest.objects.count() == 1
