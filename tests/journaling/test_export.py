"""The journal export: streamed, in three formats, holding exactly what the member
wrote (and nothing of anyone else's), and complete enough to rebuild the journal from
(every field survives the trip out and back in)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.http import StreamingHttpResponse

from journaling.export import CSV_COLUMNS
from journaling.models import Commitment, JournalEntry, Tombstone
from strategies.models import Exercise, Prompt
from tests.accounts.factories import PASSWORD
from tests.journaling.factories import (
    CommitmentFactory,
    JournalEntryFactory,
    MemberTagFactory,
    TombstoneFactory,
)
from tests.strategies.factories import ExerciseFactory, PromptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    # Exports address links on SITE_URL; here it is the test client's host, so an
    # exported entry can be compared with the API's answer.
    settings.SITE_URL = "http://testserver"


EXPORT = "/api/v1/journal/export/"
ENTRIES = "/api/v1/journal/entries/"
COMMITMENTS = "/api/v1/journal/commitments/"
SERVER_KEPT = {"version", "created_at", "updated_at", "checked_in_at"}
TITLE = 'Quotes "here", commas, and; semicolons'
BODY = "Line one\nLine two, with a comma\n\n## Not a heading\nÉtoile ✨"
FORMULA_TITLE = "=SUM(A1:A9)"
NOT_MINE = "Someone else's secret"


def streamed(response) -> str:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


@dataclass
class Journal:
    exercise: Exercise
    prompt: Prompt
    commitment: Commitment
    entries: list[JournalEntry]  # in export order: oldest entry_date first
    tombstone: Tombstone


@pytest.fixture
def journal(member, other_member) -> Journal:
    """Three entries using every field between them, a checked-in commitment, two tags
    and a tombstone; and another member's entry and commitment, which no export shows."""
    exercise = ExerciseFactory(title="Box breathing")
    prompt = PromptFactory(strategy=exercise.strategy, text="What did you notice?")
    work = MemberTagFactory(owner=member, name="Work")
    sleep = MemberTagFactory(owner=member, name="sleep; deep")
    commitment = CommitmentFactory(
        owner=member,
        strategy=exercise.strategy,
        exercise=exercise,
        text='Say "no" once',
        due_date=date(2025, 1, 2),
        status=Commitment.Status.PARTLY,
        check_in_note="Halfway, then; stopped.",
        checked_in_at=datetime(2025, 1, 2, 20, tzinfo=UTC),
    )
    entries = [
        JournalEntryFactory(
            owner=member,
            entry_date=date(2025, 1, 2),
            title=TITLE,
            body=BODY,
            strategy=exercise.strategy,
            exercise=exercise,
            prompt=prompt,
            commitment=commitment,
            mood_before=0,
            mood_after=10,
            tags=[work, sleep],
        ),
        JournalEntryFactory(
            owner=member, entry_date=date(2025, 1, 3), title="", body="Just words."
        ),
        JournalEntryFactory(
            owner=member, entry_date=date(2025, 1, 4), title=FORMULA_TITLE, body="", mood_before=5
        ),
    ]
    JournalEntryFactory(owner=other_member, title=NOT_MINE, body=NOT_MINE)
    CommitmentFactory(owner=other_member, text=NOT_MINE)
    MemberTagFactory(owner=other_member, name=NOT_MINE)
    TombstoneFactory(owner=other_member)
    return Journal(
        exercise=exercise,
        prompt=prompt,
        commitment=commitment,
        entries=entries,
        tombstone=TombstoneFactory(owner=member),
    )


SITE = "http://testserver"  # SITE_URL in these tests, the API's host


def written_entries(journal: Journal) -> list[dict]:
    """What the member wrote in each entry, as the API spells it (links as references,
    addressed on SITE_URL: an export has no request)."""
    strategy, exercise, prompt = journal.exercise.strategy, journal.exercise, journal.prompt
    first, second, third = (str(entry.id) for entry in journal.entries)
    no_links = {
        "strategy": None,
        "exercise": None,
        "prompt": None,
        "event": None,
        "commitment": None,
    }
    return [
        {
            "id": first,
            "entry_date": "2025-01-02",
            "title": TITLE,
            "body": BODY,
            "strategy": {
                "slug": strategy.slug,
                "title": strategy.title,
                "url": f"{SITE}/api/v1/strategies/{strategy.slug}/",
                "web_url": None,
            },
            "exercise": {
                "slug": exercise.slug,
                "title": exercise.title,
                "url": f"{SITE}/api/v1/exercises/{exercise.slug}/",
                "web_url": None,
            },
            "prompt": {
                "id": prompt.pk,
                "text": prompt.text,
                "url": f"{SITE}/api/v1/prompts/{prompt.pk}/",
            },
            "event": None,
            "commitment": str(journal.commitment.id),
            "tags": ["sleep; deep", "Work"],
            "mood_before": 0,
            "mood_after": 10,
        },
        {
            "id": second,
            "entry_date": "2025-01-03",
            "title": "",
            "body": "Just words.",
            **no_links,
            "tags": [],
            "mood_before": None,
            "mood_after": None,
        },
        {
            "id": third,
            "entry_date": "2025-01-04",
            "title": FORMULA_TITLE,
            "body": "",
            **no_links,
            "tags": [],
            "mood_before": 5,
            "mood_after": None,
        },
    ]


def without_server_fields(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in SERVER_KEPT} for row in rows]


def test_json_export_holds_exactly_what_the_member_wrote(member_client, member, journal):
    response = member_client.get(f"{EXPORT}?format=json")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="breakthrough-journal-')
    text = streamed(response)
    assert NOT_MINE not in text
    data = json.loads(text)

    assert (data["format"], data["format_version"], data["timezone"]) == (
        "breakthrough-journal",
        2,
        member.timezone,
    )
    assert without_server_fields(data["entries"]) == written_entries(journal)
    # Each entry in the very shape the entries API returns.
    for entry in data["entries"]:
        assert entry == member_client.get(f"{ENTRIES}{entry['id']}/").json()
    assert without_server_fields(data["commitments"]) == [
        {
            "id": str(journal.commitment.id),
            "strategy": written_entries(journal)[0]["strategy"],
            "exercise": written_entries(journal)[0]["exercise"],
            "text": 'Say "no" once',
            "due_date": "2025-01-02",
            "status": "partly",
            "note": "Halfway, then; stopped.",
        }
    ]
    assert data["commitments"][0]["checked_in_at"] == "2025-01-02T20:00:00Z"
    assert [tag["name"] for tag in data["tags"]] == ["sleep; deep", "Work"]
    assert [(row["kind"], row["id"]) for row in data["tombstones"]] == [
        ("entry", str(journal.tombstone.object_id))
    ]


def test_json_export_rebuilds_the_journal_in_a_new_account(
    member_client, other_client, other_member, journal
):
    exported = json.loads(streamed(member_client.get(EXPORT)))
    assert (len(exported["entries"]), len(exported["commitments"])) == (3, 1)
    deleted = member_client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert deleted.status_code == 204
    # The other member starts afresh, so the rebuilt journal is all that is theirs.
    JournalEntry.objects.filter(owner=other_member).delete()
    Commitment.objects.filter(owner=other_member).delete()

    for commitment in exported["commitments"]:
        body = {k: commitment[k] for k in ("id", "strategy", "exercise", "text", "due_date")}
        assert other_client.post(COMMITMENTS, body, format="json").status_code == 201
        checked_in = other_client.post(
            f"{COMMITMENTS}{commitment['id']}/check-in/",
            {"status": commitment["status"], "note": commitment["note"]},
            format="json",
        )
        assert checked_in.status_code == 200
    for entry in exported["entries"]:
        body = {k: v for k, v in entry.items() if k not in SERVER_KEPT}
        assert other_client.post(ENTRIES, body, format="json").status_code == 201, entry

    again = json.loads(streamed(other_client.get(EXPORT)))
    assert without_server_fields(again["entries"]) == without_server_fields(exported["entries"])
    assert without_server_fields(again["commitments"]) == without_server_fields(
        exported["commitments"]
    )
    names = [tag["name"] for tag in again["tags"] if tag["name"] != NOT_MINE]
    assert names == [tag["name"] for tag in exported["tags"]] == ["sleep; deep", "Work"]


def test_csv_export_holds_every_entry_field_in_plain_cells(member_client, journal):
    response = member_client.get(f"{EXPORT}?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    text = streamed(response)
    assert NOT_MINE not in text
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))

    def cells(entry: dict) -> dict[str, str]:
        # A link is its key in a cell: the slug, or a prompt's id.
        keys = {
            key: (value["id"] if key == "prompt" else value["slug"])
            for key, value in entry.items()
            if isinstance(value, dict)
        }
        return {
            key: "" if value is None else str(value)
            for key, value in {**entry, **keys, "tags": "\n".join(entry["tags"])}.items()
        }

    expected = [cells(entry) for entry in written_entries(journal)]
    # A title a spreadsheet would run as a formula carries one apostrophe in front.
    expected[2]["title"] = f"'{FORMULA_TITLE}"
    assert [{k: row[k] for k in expected[0]} for row in rows] == expected
    api = {e["id"]: e for e in member_client.get(ENTRIES).json()["results"]}
    for row in rows:
        entry = api[row["id"]]
        assert (row["version"], row["created_at"], row["updated_at"]) == (
            str(entry["version"]),
            entry["created_at"],
            entry["updated_at"],
        )


def test_markdown_export_shows_everything_for_reading(member_client, member, journal):
    response = member_client.get(f"{EXPORT}?format=markdown")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].endswith('.md"')
    text = streamed(response)
    assert NOT_MINE not in text
    assert text.startswith("# My Breakthrough journal\n\nExported ")
    assert f"(time zone {member.timezone})" in text

    first, second, third = (str(entry.id) for entry in journal.entries)
    strategy = journal.exercise.strategy.title
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# My Breakthrough journal",
        f"## 2025-01-02: {TITLE}",
        "## 2025-01-03",
        f"## 2025-01-04: {FORMULA_TITLE}",
        "# Commitments",
        "# Tags",
    ]
    assert (
        f"## 2025-01-02: {TITLE}\n\n"
        f"- id: `{first}`\n"
        f"- strategy: {strategy}\n"
        "- exercise: Box breathing\n"
        "- prompt: What did you notice?\n"
        '- commitment: Say "no" once\n'
        "- mood: 0 → 10 (of 10)\n"
        "- tags: sleep; deep, Work\n"
    ) in text
    assert (
        "> Line one\n> Line two, with a comma\n>\n> ## Not a heading\n> Étoile ✨\n\n---\n"
    ) in text
    assert f"## 2025-01-03\n\n- id: `{second}`\n- written " in text
    assert "> Just words.\n" in text
    assert f"- id: `{third}`\n- mood: 5 → ? (of 10)\n- written " in text
    assert (
        f'- [~] 2025-01-02: Say "no" once (partly), strategy: {strategy}, exercise: Box '
        f"breathing. Note: Halfway, then; stopped. (id `{journal.commitment.id}`)\n"
    ) in text
    assert text.endswith("# Tags\n\n- sleep; deep\n- Work\n")


def test_export_is_read_in_chunks(member_client, member, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journaling import export

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
    assert streamed(member_client.get(f"{EXPORT}?format=csv")) == ",".join(CSV_COLUMNS) + "\r\n"
    assert streamed(member_client.get(f"{EXPORT}?format=markdown")).endswith(
        "\n\n# Commitments\n\n"
    )


def test_the_schema_example_of_the_csv_export_has_its_columns(api_client):
    # A client reads the example to learn the file: it must name the real columns.
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    examples = [
        content["example"]
        for operation in schema["paths"][EXPORT].values()
        for response in operation.get("responses", {}).values()
        for media, content in response.get("content", {}).items()
        if media == "text/csv"
    ]
    assert examples
    assert all(example.split("\r\n")[0] == ",".join(CSV_COLUMNS) for example in examples)
