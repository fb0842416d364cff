"""The journal export: streamed, in three formats, and complete enough to rebuild the
journal from (every field survives the trip out and back in)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date

import pytest
from django.http import StreamingHttpResponse

from strategies.models import Prompt, Strategy
from tests.accounts.factories import PASSWORD, UserFactory
from tests.helpers import client_for
from tests.journaling.factories import TombstoneFactory
from tests.strategies.factories import ExerciseFactory, PromptFactory

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/journal/export/"
ENTRIES = "/api/v1/journal/entries/"
COMMITMENTS = "/api/v1/journal/commitments/"
SERVER_KEPT = {"version", "created_at", "updated_at", "checked_in_at"}


def streamed(response) -> str:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def full_journal(member_client):
    """Entries using every field, through the API, with awkward text on purpose."""
    exercise = ExerciseFactory()
    prompt = PromptFactory(strategy=exercise.strategy)
    commitment = member_client.post(
        COMMITMENTS,
        {"exercise": exercise.slug, "due_date": "2025-01-02", "text": 'Say "no" once'},
        format="json",
    ).json()
    member_client.post(
        f"{COMMITMENTS}{commitment['id']}/check-in/",
        {"status": "partly", "note": "Halfway, then; stopped."},
        format="json",
    )
    entries = [
        {
            "title": 'Quotes "here", commas, and; semicolons',
            "body": "Line one\nLine two, with a comma\r\n\n## Not a heading\n=1+1\nÉtoile ✨",
            "entry_date": "2025-01-02",
            "strategy": exercise.strategy.slug,
            "exercise": exercise.slug,
            "prompt": prompt.pk,
            "commitment": commitment["id"],
            "tags": ["sleep; deep", 'odd "tag"', "Work"],
            "mood_before": 0,
            "mood_after": 10,
        },
        {"title": "", "body": "Just words.", "entry_date": "2025-01-03"},
        {"mood_before": 5, "entry_date": "2025-01-04"},
    ]
    for entry in entries:
        assert member_client.post(ENTRIES, entry, format="json").status_code == 201
    member_client.patch(
        f"{ENTRIES}{member_client.get(ENTRIES).json()['results'][1]['id']}/",
        {"body": "Just words, edited."},
        format="json",
    )
    return member_client


def api_entries(client) -> dict[str, dict]:
    return {row["id"]: row for row in client.get(f"{ENTRIES}?page_size=100").json()["results"]}


def test_json_export_holds_every_field_of_everything(full_journal, member):
    TombstoneFactory(owner=member)
    response = full_journal.get(f"{EXPORT}?format=json")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment;" in response["Content-Disposition"]
    data = json.loads(streamed(response))

    assert data["format"] == "breakthrough-journal"
    assert {row["id"]: row for row in data["entries"]} == api_entries(full_journal)
    (commitment,) = data["commitments"]
    assert commitment == full_journal.get(f"{COMMITMENTS}{commitment['id']}/").json()
    assert {tag["name"] for tag in data["tags"]} == {"sleep; deep", 'odd "tag"', "Work"}
    assert len(data["tombstones"]) == 1
    assert [row["entry_date"] for row in data["entries"]] == [
        "2025-01-02",
        "2025-01-03",
        "2025-01-04",
    ]


def test_json_export_rebuilds_the_journal_in_a_new_account(full_journal, member):
    exported = json.loads(streamed(full_journal.get(EXPORT)))
    deleted = full_journal.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert deleted.status_code == 204

    newcomer = client_for(UserFactory(email="again@example.com"))
    for commitment in exported["commitments"]:
        body = {k: commitment[k] for k in ("id", "strategy", "exercise", "text", "due_date")}
        assert newcomer.post(COMMITMENTS, body, format="json").status_code == 201
        if commitment["status"] != "open":
            newcomer.post(
                f"{COMMITMENTS}{commitment['id']}/check-in/",
                {"status": commitment["status"], "note": commitment["note"]},
                format="json",
            )
    for entry in exported["entries"]:
        body = {k: v for k, v in entry.items() if k not in SERVER_KEPT}
        assert newcomer.post(ENTRIES, body, format="json").status_code == 201, entry

    again = json.loads(streamed(newcomer.get(EXPORT)))

    def written(rows: list[dict]) -> list[dict]:
        return [{k: v for k, v in row.items() if k not in SERVER_KEPT} for row in rows]

    assert written(again["entries"]) == written(exported["entries"])
    assert written(again["commitments"]) == written(exported["commitments"])
    assert [t["name"] for t in again["tags"]] == [t["name"] for t in exported["tags"]]


def test_csv_export_round_trips_every_entry_field(full_journal):
    response = full_journal.get(f"{EXPORT}?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(streamed(response), newline="")))

    def typed(row: dict[str, str]) -> dict:
        def number(value: str) -> int | None:
            return int(value) if value else None

        def text(value: str) -> str:
            # A cell that could start a formula carries one leading apostrophe.
            return value.removeprefix("'")

        return {
            **{k: (v or None) for k, v in row.items()},
            "title": text(row["title"]),
            "body": text(row["body"]),
            "tags": [text(tag) for tag in row["tags"].split("\n")] if row["tags"] else [],
            "prompt": number(row["prompt"]),
            "mood_before": number(row["mood_before"]),
            "mood_after": number(row["mood_after"]),
            "version": int(row["version"]),
        }

    assert {row["id"]: typed(row) for row in rows} == api_entries(full_journal)


def test_markdown_export_shows_everything_for_reading(full_journal):
    response = full_journal.get(f"{EXPORT}?format=markdown")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].endswith('.md"')
    text = streamed(response)
    for entry in api_entries(full_journal).values():
        assert entry["id"] in text
        assert entry["entry_date"] in text
        for line in entry["body"].splitlines():
            assert f"> {line}".rstrip() in text
        if entry["title"]:
            assert entry["title"] in text
        for tag in entry["tags"]:
            assert tag in text
        if entry["strategy"] is not None:
            assert f"strategy: {Strategy.objects.get(slug=entry['strategy']).title}" in text
        if entry["prompt"] is not None:
            assert f"prompt: {Prompt.objects.get(pk=entry['prompt']).text}" in text
    assert "mood: 0 → 10 (of 10)" in text
    assert "mood: 5 → ? (of 10)" in text
    assert '[~] 2025-01-02: Say "no" once (partly)' in text
    assert "Halfway, then; stopped." in text


def test_export_is_read_in_chunks(member_client, member, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journaling import export
    from tests.journaling.factories import JournalEntryFactory

    JournalEntryFactory.create_batch(23, owner=member, entry_date=date(2025, 1, 1))
    original = export.CHUNK_SIZE
    export.CHUNK_SIZE = 5
    try:
        with CaptureQueriesContext(connection) as before_body:
            response = member_client.get(f"{EXPORT}?format=csv")
        with django_assert_max_num_queries(40) as while_streaming:
            text = streamed(response)
    finally:
        export.CHUNK_SIZE = original
    # The view only authenticates; rows are read while the body is sent.
    assert not [q for q in before_body.captured_queries if "journaling_" in q["sql"]]
    assert text.count("\r\n") == 24
    tags = [q for q in while_streaming.captured_queries if "journaling_entrytag" in q["sql"]]
    assert len(tags) == 5  # one per chunk of five entries


@pytest.mark.parametrize("fmt", ["xml", "JSON", "pdf", ""])
def test_an_unknown_format_is_a_json_400(member_client, fmt):
    response = member_client.get(f"{EXPORT}?format={fmt}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["attr"] == "format"


def test_an_empty_journal_exports_cleanly(member_client):
    data = json.loads(streamed(member_client.get(EXPORT)))
    assert (data["entries"], data["commitments"], data["tags"], data["tombstones"]) == (
        [],
        [],
        [],
        [],
    )
    assert streamed(member_client.get(f"{EXPORT}?format=csv")).startswith("id,entry_date,")


def test_ids_in_the_export_are_the_entry_ids(full_journal):
    data = json.loads(streamed(full_journal.get(EXPORT)))
    for row in data["entries"]:
        uuid.UUID(row["id"])
