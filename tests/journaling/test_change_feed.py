"""The sync feed: a device that applies every page ends with exactly the server's
journal, whatever happened in between, and never sees another member's rows."""

from __future__ import annotations

import random
import uuid

import pytest
from django.core.management import call_command

from journaling.models import JournalEntry, Tombstone
from tests.journaling.factories import JournalEntryFactory, TombstoneFactory
from tests.strategies.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

FEED = "/api/v1/journal/changes/"
ENTRIES = "/api/v1/journal/entries/"
COMMITMENTS = "/api/v1/journal/commitments/"


class Device:
    """A client's local copy, kept up to date from the feed only."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = None
        self.records: dict[tuple[str, str], dict] = {}
        self.seen_ids: set[str] = set()

    def sync(self, limit: int = 500) -> int:
        pages = 0
        while True:
            query = f"?limit={limit}" + (f"&since={self.token}" if self.token else "")
            response = self.client.get(FEED + query)
            assert response.status_code == 200, response.content
            page = response.json()
            pages += 1
            for kind, rows in (("entry", page["entries"]), ("commitment", page["commitments"])):
                for row in rows:
                    self.records[kind, row["id"]] = row
                    self.seen_ids.add(row["id"])
            for tombstone in page["tombstones"]:
                self.records.pop((tombstone["kind"], tombstone["id"]), None)
                self.seen_ids.add(tombstone["id"])
            assert int(page["next_token"]) >= int(self.token or 0)
            self.token = page["next_token"]
            if not page["has_more"]:
                return pages


def server_state(client) -> dict[tuple[str, str], dict]:
    state = {}
    for kind, url in (("entry", ENTRIES), ("commitment", COMMITMENTS)):
        next_url = f"{url}?page_size=100"
        while next_url:
            page = client.get(next_url).json()
            state.update({(kind, row["id"]): row for row in page["results"]})
            next_url = page["next"]
    return state


def test_first_sync_returns_everything_and_a_token(member_client, member):
    entries = JournalEntryFactory.create_batch(3, owner=member)
    response = member_client.get(FEED)
    page = response.json()
    assert response["Cache-Control"] == "private, no-store"
    assert {row["id"] for row in page["entries"]} == {str(e.pk) for e in entries}
    assert page["has_more"] is False
    again = member_client.get(f"{FEED}?since={page['next_token']}").json()
    assert again == {
        "next_token": page["next_token"],
        "has_more": False,
        "entries": [],
        "commitments": [],
        "tombstones": [],
    }


def test_interleaved_creates_edits_and_deletes_miss_nothing(
    member_client, other_client, member, other_member
):
    rng = random.Random(20250301)  # noqa: S311 (a repeatable test script)
    exercise = ExerciseFactory()
    device = Device(member_client)
    others_device = Device(other_client)
    mine: dict[str, list[str]] = {"entry": [], "commitment": []}

    def act(client, ids) -> None:
        action = rng.choice(
            ["create", "create", "edit", "edit", "delete", "commit", "check_in", "uncommit"]
        )
        if action == "create" or (action in ("edit", "delete") and not ids["entry"]):
            created = client.post(
                ENTRIES, {"body": f"note {rng.random()}", "tags": ["t"]}, format="json"
            )
            ids["entry"].append(created.json()["id"])
        elif action == "edit":
            entry_id = rng.choice(ids["entry"])
            client.patch(f"{ENTRIES}{entry_id}/", {"mood_after": rng.randint(0, 10)}, format="json")
        elif action == "delete":
            entry_id = ids["entry"].pop(rng.randrange(len(ids["entry"])))
            assert client.delete(f"{ENTRIES}{entry_id}/").status_code == 204
        elif action == "commit" or not ids["commitment"]:
            created = client.post(COMMITMENTS, {"exercise": exercise.slug}, format="json")
            ids["commitment"].append(created.json()["id"])
        elif action == "check_in":
            commitment_id = rng.choice(ids["commitment"])
            result = client.post(
                f"{COMMITMENTS}{commitment_id}/check-in/",
                {"status": rng.choice(["done", "partly", "skipped"]), "entry": {"body": "x"}},
                format="json",
            ).json()
            ids["entry"].append(result["entry"]["id"])
        else:
            commitment_id = ids["commitment"].pop(rng.randrange(len(ids["commitment"])))
            assert client.delete(f"{COMMITMENTS}{commitment_id}/").status_code == 204

    others: dict[str, list[str]] = {"entry": [], "commitment": []}
    for step in range(120):
        act(member_client, mine)
        if step % 3 == 0:
            act(other_client, others)
        if rng.random() < 0.2:
            device.sync(limit=rng.randint(1, 7))
    device.sync(limit=3)
    others_device.sync()

    assert device.records == server_state(member_client)
    assert others_device.records == server_state(other_client)
    other_ids = {key[1] for key in server_state(other_client)} | set(others_device.seen_ids)
    assert not device.seen_ids & other_ids
    assert len(device.records) > 10


def test_deletions_come_as_tombstones_with_id_and_time(member_client, member):
    created = member_client.post(ENTRIES, {"body": "Going."}, format="json").json()
    token = member_client.get(FEED).json()["next_token"]
    member_client.delete(f"{ENTRIES}{created['id']}/")
    page = member_client.get(f"{FEED}?since={token}").json()
    assert page["entries"] == []
    (tombstone,) = page["tombstones"]
    assert tombstone["kind"] == "entry"
    assert tombstone["id"] == created["id"]
    assert tombstone["deleted_at"]


def test_limit_pages_through_in_order(member_client, member):
    JournalEntryFactory.create_batch(7, owner=member)
    first = member_client.get(f"{FEED}?limit=3").json()
    assert len(first["entries"]) == 3
    assert first["has_more"] is True
    second = member_client.get(f"{FEED}?limit=3&since={first['next_token']}").json()
    third = member_client.get(f"{FEED}?limit=3&since={second['next_token']}").json()
    assert (len(second["entries"]), len(third["entries"]), third["has_more"]) == (3, 1, False)
    seen = [row["id"] for page in (first, second, third) for row in page["entries"]]
    assert len(set(seen)) == 7


def test_content_deleted_by_an_editor_reaches_devices(member_client, member):
    exercise = ExerciseFactory()
    created = member_client.post(ENTRIES, {"body": "x", "exercise": exercise.slug}, format="json")
    token = member_client.get(FEED).json()["next_token"]
    exercise.strategy.delete()
    page = member_client.get(f"{FEED}?since={token}").json()
    (entry,) = page["entries"]
    assert entry["id"] == created.json()["id"]
    assert (entry["strategy"], entry["exercise"]) == (None, None)
    assert entry["version"] > created.json()["version"]


def test_two_writes_in_one_transaction_get_distinct_ordered_tokens(member):
    from django.db import transaction

    with transaction.atomic():
        first = JournalEntryFactory(owner=member)
        second = JournalEntryFactory(owner=member)
    first.refresh_from_db()
    second.refresh_from_db()
    assert 0 < first.change_seq < second.change_seq


@pytest.mark.parametrize("since", ["-1", "abc", "1.5", "9" * 19, ""])
def test_a_malformed_token_is_a_400(member_client, since):
    response = member_client.get(f"{FEED}?since={since}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "since"


@pytest.mark.parametrize("limit", ["0", "1001", "many"])
def test_a_bad_limit_is_a_400(member_client, limit):
    assert member_client.get(f"{FEED}?limit={limit}").status_code == 400


def test_a_token_older_than_purged_tombstones_must_resync(member_client, member, settings):
    JournalEntryFactory(owner=member)
    stale_token = member_client.get(FEED).json()["next_token"]
    old = TombstoneFactory(owner=member)
    old_token = member_client.get(FEED).json()["next_token"]
    JournalEntryFactory(owner=member)
    Tombstone.objects.filter(pk=old.pk).update(deleted_at="2000-01-01T00:00:00Z")
    newer = TombstoneFactory(owner=member)
    newer.refresh_from_db()
    call_command("purge_journal_tombstones", days=180, verbosity=0)

    stale = member_client.get(f"{FEED}?since={stale_token}")
    assert stale.status_code == 410
    assert stale.json()["errors"][0]["code"] == "change_token_expired"
    assert stale["Cache-Control"] == "private, no-store"
    # A token issued after the purged tombstone is still good, and so is a full sync.
    assert member_client.get(f"{FEED}?since={old_token}").status_code == 200
    full = member_client.get(FEED).json()
    assert [t["id"] for t in full["tombstones"]] == [str(newer.object_id)]


@pytest.mark.parametrize("count", [10, 100])
def test_query_count_does_not_grow_with_changes(
    member_client, member, django_assert_max_num_queries, count
):
    exercise = ExerciseFactory()
    JournalEntryFactory.create_batch(count, owner=member, strategy=exercise.strategy)
    for _ in range(3):
        TombstoneFactory(owner=member, object_id=uuid.uuid4())
    member_client.post(COMMITMENTS, {"exercise": exercise.slug}, format="json")
    # Token with its user, the member's tokens (knox), the member's change head, the changed
    # keys of all three tables (one statement), entries, their tags, commitments,
    # tombstones.
    with django_assert_max_num_queries(8):
        page = member_client.get(f"{FEED}?limit=1000").json()
    assert len(page["entries"]) == count
    assert JournalEntry.objects.filter(owner=member).count() == count
