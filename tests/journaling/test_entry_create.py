"""Writing entries: client-chosen ids and safe retries, defaults, validation."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine

from journaling.models import BODY_MAX_LENGTH, JournalEntry, MemberTag, Tombstone
from tests.journaling.factories import JournalEntryFactory
from tests.strategies.factories import ExerciseFactory, PromptFactory, StrategyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/journal/entries/"


def test_same_id_and_body_twice_creates_one_entry(member_client, member):
    strategy = StrategyFactory()
    body = {
        "id": str(uuid.uuid4()),
        "title": "Morning",
        "body": "Went for a walk.",
        "strategy": strategy.slug,
        "tags": ["walk", "Outside"],
        "mood_before": 3,
        "mood_after": 6,
    }
    first = member_client.post(URL, body, format="json")
    again = member_client.post(URL, body, format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["ETag"] == '"1"'
    assert JournalEntry.objects.filter(owner=member).count() == 1
    assert MemberTag.objects.filter(owner=member).count() == 2


def test_retry_without_a_date_the_next_day_is_still_the_same_create(member_client, member):
    body = {"id": str(uuid.uuid4()), "body": "Late night thoughts."}
    with time_machine.travel(datetime(2025, 3, 1, 23, 50, tzinfo=UTC), tick=False):
        first = member_client.post(URL, body, format="json")
    with time_machine.travel(datetime(2025, 3, 2, 0, 10, tzinfo=UTC), tick=False):
        again = member_client.post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["entry_date"] == "2025-03-01"


def test_retry_after_an_edit_returns_the_current_entry(member_client):
    body = {"id": str(uuid.uuid4()), "body": "First words."}
    member_client.post(URL, body, format="json")
    member_client.patch(f"{URL}{body['id']}/", {"body": "Edited words."}, format="json")
    again = member_client.post(URL, body, format="json")
    assert again.status_code == 200
    assert again.json()["body"] == "Edited words."
    assert again.json()["version"] == 2


def test_same_id_with_different_content_is_a_conflict(member_client, member):
    entry_id = str(uuid.uuid4())
    member_client.post(URL, {"id": entry_id, "body": "One thing."}, format="json")
    response = member_client.post(URL, {"id": entry_id, "body": "Another."}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "id_conflict"
    assert JournalEntry.objects.get(pk=entry_id).body == "One thing."


def test_a_deleted_id_is_not_brought_back_by_a_late_retry(member_client, member):
    body = {"id": str(uuid.uuid4()), "body": "Soon gone."}
    member_client.post(URL, body, format="json")
    assert member_client.delete(f"{URL}{body['id']}/").status_code == 204
    response = member_client.post(URL, body, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "id_deleted"
    assert not JournalEntry.objects.filter(pk=body["id"]).exists()
    assert Tombstone.objects.filter(object_id=body["id"]).count() == 1


def test_another_members_deleted_id_is_free(member_client, other_client):
    body = {"id": str(uuid.uuid4()), "body": "Words."}
    member_client.post(URL, body, format="json")
    member_client.delete(f"{URL}{body['id']}/")
    assert other_client.post(URL, body, format="json").status_code == 201


def test_server_chooses_an_id_when_none_is_sent(member_client):
    response = member_client.post(URL, {"body": "No id."}, format="json")
    assert response.status_code == 201
    assert uuid.UUID(response.json()["id"])


def test_entry_date_defaults_to_today_in_the_members_time_zone(member_client, member):
    member.timezone = "Pacific/Auckland"
    member.save()
    # 20:00 UTC on 1 March is 09:00 on 2 March in Auckland (UTC+13 in summer).
    with time_machine.travel(datetime(2025, 3, 1, 20, 0, tzinfo=UTC), tick=False):
        response = member_client.post(URL, {"body": "Kia ora."}, format="json")
    assert response.json()["entry_date"] == "2025-03-02"

    member.timezone = "America/Los_Angeles"
    member.save()
    with time_machine.travel(datetime(2025, 3, 1, 5, 0, tzinfo=UTC), tick=False):
        response = member_client.post(URL, {"body": "Evening."}, format="json")
    assert response.json()["entry_date"] == "2025-02-28"


def test_exercise_or_prompt_fills_in_the_strategy(member_client):
    exercise = ExerciseFactory()
    prompt = PromptFactory(strategy=exercise.strategy)
    response = member_client.post(
        URL, {"body": "Did it.", "exercise": exercise.slug, "prompt": prompt.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["strategy"]["slug"] == exercise.strategy.slug
    assert response.json()["prompt"]["id"] == prompt.pk


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"body": "x" * (BODY_MAX_LENGTH + 1)}, "body"),
        ({"title": "x" * 201, "body": "ok"}, "title"),
        ({"body": "ok", "mood_before": 11}, "mood_before"),
        ({"body": "ok", "mood_after": -1}, "mood_after"),
        ({"body": "ok", "mood_after": "high"}, "mood_after"),
        ({"body": "ok", "entry_date": "1899-12-31"}, "entry_date"),
        ({"body": "ok", "entry_date": "2999-01-01"}, "entry_date"),
        ({"body": "ok", "entry_date": "yesterday"}, "entry_date"),
        ({"body": "ok", "strategy": "no-such-strategy"}, "strategy"),
        ({"body": "ok", "prompt": 999999}, "prompt"),
        ({"body": "ok", "tags": ["x" * 51]}, "tags"),
        ({"body": "ok", "tags": ["fine", 3]}, "tags"),
        ({"body": "ok", "tags": [f"t{n}" for n in range(21)]}, "tags"),
        ({"body": "ok", "tags": "not-a-list"}, "tags"),
        ({"body": "ok", "id": "not-a-uuid"}, "id"),
        ({"title": "  ", "body": ""}, "non_field_errors"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(member_client, member, body, attr):
    response = member_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == attr
    assert not JournalEntry.objects.filter(owner=member).exists()


def test_body_at_the_cap_is_accepted(member_client):
    response = member_client.post(URL, {"body": "x" * BODY_MAX_LENGTH}, format="json")
    assert response.status_code == 201


def test_a_mood_alone_is_an_entry(member_client):
    response = member_client.post(URL, {"mood_before": 4}, format="json")
    assert response.status_code == 201


def test_draft_content_cannot_be_linked(member_client):
    draft = StrategyFactory(guide__status="draft", guide__published_at=None)
    response = member_client.post(URL, {"body": "ok", "strategy": draft.slug}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "strategy"


def test_exercise_of_another_strategy_is_refused(member_client):
    exercise = ExerciseFactory()
    other = StrategyFactory()
    response = member_client.post(
        URL, {"body": "ok", "strategy": other.slug, "exercise": exercise.slug}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "exercise"


def test_tags_are_the_members_own_and_case_insensitive(member_client, other_client, member):
    member_client.post(URL, {"body": "a", "tags": ["Sleep"]}, format="json")
    second = member_client.post(
        URL, {"body": "b", "tags": ["sleep", "  deep   work "]}, format="json"
    )
    other_client.post(URL, {"body": "c", "tags": ["sleep"]}, format="json")

    assert second.json()["tags"] == ["deep work", "Sleep"]
    assert list(MemberTag.objects.filter(owner=member).values_list("name", flat=True)) == [
        "deep work",
        "Sleep",
    ]
    assert MemberTag.objects.filter(name__iexact="sleep").count() == 2


@pytest.mark.parametrize("name", ["deep\nwork", "deep\twork", "deep\x85work"])
def test_a_tag_is_one_line_of_text(member_client, member, name):
    response = member_client.post(URL, {"body": "a", "tags": [name]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "tags"
    assert response.json()["errors"][0]["code"] == "control_characters"
    assert not MemberTag.objects.filter(owner=member).exists()


def test_database_refuses_moods_out_of_range(member):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntryFactory(owner=member, mood_after=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntryFactory(owner=member, body="x" * (BODY_MAX_LENGTH + 1))


def test_linked_content_unpublished_later_can_be_sent_back_unchanged(member_client):
    strategy = StrategyFactory()
    created = member_client.post(URL, {"body": "ok", "strategy": strategy.slug}, format="json")
    strategy.guide.status = "draft"
    strategy.guide.save()
    entry_url = f"{URL}{created.json()['id']}/"
    response = member_client.put(
        entry_url, {"body": "edited", "strategy": strategy.slug}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["strategy"]["slug"] == strategy.slug


def test_entry_date_of_tomorrow_is_allowed_for_travellers(member_client):
    with time_machine.travel(datetime(2025, 6, 1, 12, tzinfo=UTC), tick=False):
        ok = member_client.post(URL, {"body": "a", "entry_date": "2025-06-02"}, format="json")
        late = member_client.post(URL, {"body": "b", "entry_date": "2025-06-03"}, format="json")
    assert ok.status_code == 201
    assert late.status_code == 400
    assert JournalEntry.objects.get().entry_date == date(2025, 6, 2)


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"body": "x", "strategy": 5}, "strategy"),
        ({"body": "x", "commitment": "abc"}, "commitment"),
        ({"body": "x", "commitment": 5}, "commitment"),
        ({"body": "x", "prompt": "abc"}, "prompt"),
        ({"body": "x", "exercise": ""}, "exercise"),
        ({"body": "x", "prompt": ""}, "prompt"),
        ({"body": "x", "commitment": ""}, "commitment"),
    ],
)
def test_odd_values_are_a_400_never_a_500(member_client, body, attr):
    response = member_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
