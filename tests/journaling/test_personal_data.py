"""The account export and account deletion include the whole journal."""

from __future__ import annotations

import pytest

from journaling.models import (
    Commitment,
    EntryTag,
    JournalEntry,
    MemberChangeLock,
    MemberTag,
    Tombstone,
)
from tests.accounts.factories import PASSWORD
from tests.journaling.conftest import SECRET
from tests.journaling.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db


def test_account_export_includes_entries_commitments_tags_and_tombstones(member_client, journal):
    response = member_client.get("/api/v1/me/export/")
    assert response.status_code == 200
    section = response.json()["journal"]
    (entry,) = section["entries"]
    assert entry["id"] == str(journal.entry.pk)
    assert entry["body"] == journal.entry.body
    assert entry["tags"] == [journal.tag.name]
    assert [c["id"] for c in section["commitments"]] == [str(journal.commitment.pk)]
    assert [t["name"] for t in section["tags"]] == [journal.tag.name]
    assert [t["id"] for t in section["tombstones"]] == [str(journal.tombstone.object_id)]


def test_account_export_of_another_member_holds_none_of_it(other_client, journal):
    response = other_client.get("/api/v1/me/export/")
    assert SECRET not in response.content.decode()
    assert response.json()["journal"] == {
        "entries": [],
        "commitments": [],
        "tags": [],
        "tombstones": [],
    }


def test_account_deletion_erases_the_journal_and_only_this_one(
    member_client, other_client, journal, other_member
):
    other_client.post("/api/v1/journal/entries/", {"body": "Stays.", "tags": ["x"]}, format="json")
    JournalEntryFactory.create_batch(3, owner=journal.entry.owner)

    response = member_client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    owner_id = journal.entry.owner_id
    for model in (JournalEntry, Commitment, MemberTag, Tombstone, MemberChangeLock):
        assert not model.objects.filter(owner_id=owner_id).exists(), model
    assert JournalEntry.objects.filter(owner=other_member).count() == 1
    assert MemberTag.objects.filter(owner=other_member).count() == 1
    assert EntryTag.objects.count() == 1


def test_the_export_schema_describes_the_journal_section():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    export = schema["components"]["schemas"]["AccountExport"]["properties"]
    assert export["journal"]["$ref"].endswith("/JournalPersonalData")
