"""Editing entries from several devices: versions, ETags, If-Match and mass assignment."""

from __future__ import annotations

import uuid

import pytest

from journaling.models import JournalEntry, Tombstone
from tests.journaling.conftest import journal_snapshot
from tests.strategies.factories import StrategyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/journal/entries/"


@pytest.fixture
def entry_url(member_client) -> str:
    created = member_client.post(
        URL, {"title": "Start", "body": "Words.", "tags": ["a"], "mood_before": 2}, format="json"
    )
    return f"{URL}{created.json()['id']}/"


def test_detail_carries_the_version_as_etag(member_client, entry_url):
    response = member_client.get(entry_url)
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_if_none_match_with_the_current_etag_is_a_304(member_client, entry_url):
    response = member_client.get(entry_url, HTTP_IF_NONE_MATCH='"1"')
    assert response.status_code == 304
    assert response.content == b""
    assert member_client.get(entry_url, HTTP_IF_NONE_MATCH='"0"').status_code == 200


def test_every_change_raises_the_version(member_client, entry_url):
    versions = []
    for change in [{"title": "Two"}, {"tags": ["a", "b"]}, {"mood_after": 5}, {"tags": []}]:
        response = member_client.patch(entry_url, change, format="json")
        assert response.status_code == 200
        versions.append(response.json()["version"])
        assert response["ETag"] == f'"{versions[-1]}"'
    assert versions == [2, 3, 4, 5]


def test_a_patch_that_changes_nothing_keeps_the_version(member_client, entry_url):
    response = member_client.patch(entry_url, {"title": "Start", "tags": ["A"]}, format="json")
    assert response.json()["version"] == 1


def test_stale_if_match_is_412_and_changes_nothing(member_client, entry_url):
    member_client.patch(entry_url, {"title": "Second device"}, format="json", HTTP_IF_MATCH='"1"')
    before = journal_snapshot()
    for method in ("put", "patch"):
        response = getattr(member_client, method)(
            entry_url, {"body": "First device, late."}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert response.status_code == 412
        assert response.json()["errors"][0]["code"] == "precondition_failed"
        assert response["Cache-Control"] == "private, no-store"
    # An invalid body is a 400 whatever the version: the client has a bug to hear about.
    response = member_client.patch(
        entry_url, {"mood_after": 99}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert member_client.delete(entry_url, HTTP_IF_MATCH='"1"').status_code == 412
    assert journal_snapshot() == before


def test_matching_if_match_in_any_accepted_form_writes(member_client, entry_url):
    accepted = [('"1"', 2), ('W/"2"', 3), ("3", 4), ('"0", "4"', 5), ("*", 6), ("", 7)]
    for header, version in accepted:
        response = member_client.patch(
            entry_url, {"body": f"v{version}"}, format="json", HTTP_IF_MATCH=header
        )
        assert response.status_code == 200, header
        assert response.json()["version"] == version


def test_delete_with_current_if_match_leaves_a_tombstone(member_client, entry_url, member):
    assert member_client.delete(entry_url, HTTP_IF_MATCH='"1"').status_code == 204
    assert member_client.get(entry_url).status_code == 404
    assert Tombstone.objects.filter(owner=member, kind="entry").count() == 1


def test_mass_assignment_changes_nothing(member_client, entry_url, member, other_member):
    stored = JournalEntry.objects.get()
    response = member_client.patch(
        entry_url,
        {
            "owner": other_member.pk,
            "owner_id": other_member.pk,
            "id": str(uuid.uuid4()),
            "version": 99,
            "change_seq": 0,
            "created_at": "2000-01-01T00:00:00Z",
            "updated_at": "2000-01-01T00:00:00Z",
            "create_digest": "forged",
        },
        format="json",
    )
    assert response.status_code == 200
    after = JournalEntry.objects.get()
    assert after.pk == stored.pk
    assert after.owner_id == member.pk
    assert after.version == stored.version == 1
    assert after.created_at == stored.created_at
    assert after.create_digest == stored.create_digest
    assert after.change_seq == stored.change_seq


def test_mass_assignment_on_create_cannot_pick_the_owner(member_client, member, other_member):
    response = member_client.post(
        URL, {"body": "Mine.", "owner": other_member.pk, "version": 7}, format="json"
    )
    assert response.status_code == 201
    entry = JournalEntry.objects.get()
    assert (entry.owner_id, entry.version) == (member.pk, 1)


def test_put_replaces_everything_but_the_date(member_client, entry_url):
    before = member_client.get(entry_url).json()
    response = member_client.put(entry_url, {"body": "Only this."}, format="json")
    after = response.json()
    assert after["title"] == ""
    assert after["tags"] == []
    assert after["mood_before"] is None
    assert after["entry_date"] == before["entry_date"]


def test_patch_validates_the_merged_entry(member_client, entry_url):
    response = member_client.patch(entry_url, {"title": "", "body": "", "mood_before": None})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "empty_entry"


def test_changing_the_strategy_keeps_links_consistent(member_client):
    from tests.strategies.factories import ExerciseFactory

    exercise = ExerciseFactory()
    created = member_client.post(URL, {"body": "x", "exercise": exercise.slug}, format="json")
    url = f"{URL}{created.json()['id']}/"
    response = member_client.patch(url, {"strategy": StrategyFactory().slug}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "exercise"


def test_an_edit_that_loses_the_race_with_a_delete_is_a_404(member_client, entry_url):
    from unittest import mock

    from journaling.api.views import JournalEntryViewSet

    entry = JournalEntry.objects.get()
    JournalEntry.objects.filter(pk=entry.pk).delete()
    # The view read the entry just before another device deleted it.
    with mock.patch.object(JournalEntryViewSet, "get_object", return_value=entry):
        response = member_client.patch(entry_url, {"title": "Too late"}, format="json")
        deleted = member_client.delete(entry_url)
    assert (response.status_code, deleted.status_code) == (404, 404)
