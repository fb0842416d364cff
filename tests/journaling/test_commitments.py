"""Commitments: small dated steps, checked off with an optional entry, atomically."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from unittest import mock

import pytest
import time_machine

from journaling.models import Commitment, JournalEntry
from tests.journaling.conftest import journal_snapshot
from tests.journaling.factories import CommitmentFactory
from tests.strategies.factories import ExerciseFactory, PromptFactory, StrategyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/journal/commitments/"


def test_commit_to_a_strategys_smallest_step(member_client):
    strategy = StrategyFactory(
        smallest_step="Open the document for two minutes.",
        guide__published_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2025, 4, 2, 12, tzinfo=UTC), tick=False):
        response = member_client.post(URL, {"strategy": strategy.slug}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["text"] == "Open the document for two minutes."
    assert body["due_date"] == "2025-04-02"
    assert body["status"] == "open"
    assert body["checked_in_at"] is None
    assert response["ETag"] == '"1"'


def test_commit_to_an_exercise_links_its_strategy(member_client):
    exercise = ExerciseFactory(title="Sing one song")
    response = member_client.post(
        URL, {"exercise": exercise.slug, "due_date": "2025-05-01", "text": "Sing"}, format="json"
    )
    assert response.json()["strategy"]["slug"] == exercise.strategy.slug
    assert response.json()["text"] == "Sing"


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({}, "non_field_errors"),
        ({"text": "Something"}, "non_field_errors"),
        ({"strategy": "missing"}, "strategy"),
        ({"strategy": "__strategy__", "text": "  "}, "text"),
        ({"strategy": "__strategy__", "text": "x" * 281}, "text"),
        ({"strategy": "__strategy__", "due_date": "soon"}, "due_date"),
        ({"strategy": "__other__", "exercise": "__exercise__"}, "exercise"),
    ],
)
def test_bad_commitments_are_a_400(member_client, member, body, attr):
    exercise = ExerciseFactory()
    other = StrategyFactory()
    names = {
        "__strategy__": exercise.strategy.slug,
        "__other__": other.slug,
        "__exercise__": exercise.slug,
    }
    body = {key: names.get(value, value) for key, value in body.items()}
    response = member_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == attr
    assert not Commitment.objects.exists()


def test_retried_create_with_the_same_id_makes_one_commitment(member_client, member):
    body = {"id": str(uuid.uuid4()), "strategy": StrategyFactory().slug}
    assert member_client.post(URL, body, format="json").status_code == 201
    assert member_client.post(URL, body, format="json").status_code == 200
    changed = member_client.post(URL, {**body, "text": "Other"}, format="json")
    assert changed.status_code == 409
    assert Commitment.objects.filter(owner=member).count() == 1


def test_check_in_writes_the_entry_in_the_same_transaction(member_client, member):
    exercise = ExerciseFactory()
    prompt = PromptFactory(strategy=exercise.strategy)
    commitment = CommitmentFactory(owner=member, strategy=exercise.strategy, exercise=exercise)
    entry_id = str(uuid.uuid4())

    response = member_client.post(
        f"{URL}{commitment.pk}/check-in/",
        {
            "status": "partly",
            "note": "Did five minutes.",
            "entry": {
                "id": entry_id,
                "body": "Harder than I thought, then easier.",
                "mood_before": 3,
                "mood_after": 6,
                "tags": ["effort"],
                "prompt": prompt.pk,
            },
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    payload = response.json()
    assert payload["commitment"]["status"] == "partly"
    assert payload["commitment"]["note"] == "Did five minutes."
    assert payload["commitment"]["checked_in_at"] is not None
    assert payload["commitment"]["version"] == 2
    assert response["ETag"] == '"2"'
    entry = payload["entry"]
    assert entry["id"] == entry_id
    assert entry["commitment"] == str(commitment.pk)
    assert entry["strategy"]["slug"] == exercise.strategy.slug
    assert entry["exercise"]["slug"] == exercise.slug
    assert entry["tags"] == ["effort"]


def test_a_failed_entry_rolls_the_check_in_back(member_client, member):
    commitment = CommitmentFactory(owner=member, strategy=StrategyFactory())
    before = journal_snapshot()
    with (
        mock.patch("journaling.services._set_tags", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        member_client.post(
            f"{URL}{commitment.pk}/check-in/",
            {"status": "done", "entry": {"body": "Done it.", "tags": ["x"]}},
            format="json",
        )
    assert journal_snapshot() == before


def test_an_invalid_entry_refuses_the_whole_check_in(member_client, member):
    commitment = CommitmentFactory(owner=member)
    before = journal_snapshot()
    response = member_client.post(
        f"{URL}{commitment.pk}/check-in/",
        {"status": "done", "entry": {"body": "ok", "mood_after": 12}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "entry.mood_after"
    assert journal_snapshot() == before


def test_repeating_a_check_in_changes_nothing(member_client, member):
    commitment = CommitmentFactory(owner=member)
    body = {"status": "done", "entry": {"id": str(uuid.uuid4()), "body": "Done."}}
    first = member_client.post(f"{URL}{commitment.pk}/check-in/", body, format="json")
    again = member_client.post(f"{URL}{commitment.pk}/check-in/", body, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert JournalEntry.objects.filter(owner=member).count() == 1


def test_check_in_can_change_its_mind(member_client, member):
    commitment = CommitmentFactory(owner=member)
    member_client.post(f"{URL}{commitment.pk}/check-in/", {"status": "skipped"}, format="json")
    response = member_client.post(
        f"{URL}{commitment.pk}/check-in/", {"status": "done"}, format="json"
    )
    assert response.json()["commitment"]["status"] == "done"
    assert response.json()["entry"] is None


@pytest.mark.parametrize("status", ["open", "finished", ""])
def test_check_in_status_must_close_the_commitment(member_client, member, status):
    commitment = CommitmentFactory(owner=member)
    response = member_client.post(
        f"{URL}{commitment.pk}/check-in/", {"status": status}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "status"


def test_check_in_with_a_stale_if_match_is_412(member_client, member):
    commitment = CommitmentFactory(owner=member)
    member_client.patch(f"{URL}{commitment.pk}/", {"text": "Edited"}, format="json")
    before = journal_snapshot()
    response = member_client.post(
        f"{URL}{commitment.pk}/check-in/",
        {"status": "done", "entry": {"body": "x"}},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 412
    assert journal_snapshot() == before


def test_check_in_refuses_a_prompt_of_another_strategy(member_client, member):
    commitment = CommitmentFactory(owner=member, strategy=StrategyFactory())
    response = member_client.post(
        f"{URL}{commitment.pk}/check-in/",
        {"status": "done", "entry": {"body": "x", "prompt": PromptFactory().pk}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "entry.prompt"


def test_update_and_stale_update(member_client, member):
    commitment = CommitmentFactory(owner=member, strategy=StrategyFactory())
    url = f"{URL}{commitment.pk}/"
    ok = member_client.patch(url, {"due_date": "2025-07-01"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = member_client.patch(url, {"text": "late"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert Commitment.objects.get().due_date == date(2025, 7, 1)


def test_status_cannot_be_set_by_patch(member_client, member):
    commitment = CommitmentFactory(owner=member)
    response = member_client.patch(
        f"{URL}{commitment.pk}/",
        {"status": "done", "checked_in_at": "2025-01-01T00:00:00Z", "version": 9},
        format="json",
    )
    assert response.status_code == 200
    stored = Commitment.objects.get()
    assert (stored.status, stored.checked_in_at, stored.version) == ("open", None, 1)


def test_deleting_a_commitment_keeps_its_entries_unlinked(member_client, member):
    commitment = CommitmentFactory(owner=member)
    written = member_client.post(
        f"{URL}{commitment.pk}/check-in/",
        {"status": "done", "entry": {"body": "Kept."}},
        format="json",
    ).json()["entry"]
    assert member_client.delete(f"{URL}{commitment.pk}/").status_code == 204
    entry = member_client.get(f"/api/v1/journal/entries/{written['id']}/").json()
    assert entry["commitment"] is None
    assert entry["version"] == written["version"] + 1


def test_list_latest_due_first_with_filters(member_client, member):
    strategy = StrategyFactory()
    late = CommitmentFactory(owner=member, due_date=date(2025, 3, 3), strategy=strategy)
    early = CommitmentFactory(owner=member, due_date=date(2025, 3, 1))
    CommitmentFactory(
        owner=member,
        due_date=date(2025, 3, 2),
        status="done",
        checked_in_at=datetime(2025, 3, 2, tzinfo=UTC),
    )
    response = member_client.get(URL)
    assert [row["due_date"] for row in response.json()["results"]] == [
        "2025-03-03",
        "2025-03-02",
        "2025-03-01",
    ]
    open_ones = member_client.get(f"{URL}?status=open").json()["results"]
    assert {row["id"] for row in open_ones} == {str(late.pk), str(early.pk)}
    by_strategy = member_client.get(f"{URL}?strategy={strategy.slug}").json()["results"]
    assert [row["id"] for row in by_strategy] == [str(late.pk)]
    assert member_client.get(f"{URL}?status=maybe").status_code == 400
    either = member_client.get(f"{URL}?status=open&status=done").json()["results"]
    assert len(either) == 3
    assert member_client.get(f"{URL}?status=open&status=maybe").status_code == 400


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("due_from=2025-03-02&due_to=2025-03-01", 400),
        ("due_from=2025-03-02&due_to=2025-03-02", 200),
        ("due_from=2025-03-01&due_to=2025-03-02", 200),
    ],
)
def test_due_from_after_due_to_is_a_400(member_client, query, status):
    response = member_client.get(f"{URL}?{query}")
    assert response.status_code == status
    if status == 400:
        (error,) = response.json()["errors"]
        assert (error["code"], error["attr"]) == ("reversed_range", "due_from")


@pytest.mark.parametrize("page_size", [10, 100])
def test_query_count_does_not_grow_with_page_size(
    member_client, member, django_assert_max_num_queries, page_size
):
    exercise = ExerciseFactory()
    CommitmentFactory.create_batch(110, owner=member, strategy=exercise.strategy, exercise=exercise)
    # Token with its user, the member's tokens (knox), then commitments with their
    # strategy and exercise joined.
    with django_assert_max_num_queries(3):
        response = member_client.get(f"{URL}?page_size={page_size}")
    assert len(response.json()["results"]) == page_size
    with django_assert_max_num_queries(3):
        response = member_client.get(
            f"{URL}?page_size={page_size}&status=open&status=done"
            f"&strategy={exercise.strategy.slug}&strategy=other"
        )
    assert len(response.json()["results"]) == page_size
