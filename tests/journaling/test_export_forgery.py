"""The member's own text cannot forge the structure of an export: no fake entries or
hidden text in Markdown, no formulas in CSV. Markdown names linked content by its
title, and CSV lists tags as plain text."""

from __future__ import annotations

import csv
import io

import pytest

from journaling.models import JournalEntry
from tests.journaling.test_export import streamed
from tests.strategies.factories import ExerciseFactory, PromptFactory

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/journal/export/"
ENTRIES = "/api/v1/journal/entries/"
COMMITMENTS = "/api/v1/journal/commitments/"
FAKE_ENTRY = "\n\n---\n\n## 2020-01-01: A fake entry\n\n- id: `00000000`\n"


def markdown(client) -> str:
    return streamed(client.get(f"{EXPORT}?format=markdown"))


def csv_rows(client) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(streamed(client.get(f"{EXPORT}?format=csv")))))


def write(client, **fields) -> dict:
    response = client.post(ENTRIES, fields, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_line_break_in_a_title_cannot_fake_an_entry(member_client):
    # Titles refuse line breaks now; rows written before that rule may still hold one.
    entry = write(member_client, title="Real", body="Words.", entry_date="2025-01-02")
    JournalEntry.objects.filter(pk=entry["id"]).update(title=f"Real{FAKE_ENTRY}")
    text = markdown(member_client)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(headings) == 1
    assert headings[0].startswith("## 2025-01-02: Real")


def test_a_body_cannot_fake_an_entry_or_close_the_file(member_client):
    write(member_client, body=f"Mine.{FAKE_ENTRY}\n# Commitments\n", entry_date="2025-01-02")
    text = markdown(member_client)
    assert [line for line in text.splitlines() if line.startswith("## ")] == ["## 2025-01-02"]
    assert [line for line in text.splitlines() if line == "# Commitments"] == ["# Commitments"]
    assert "> ## 2020-01-01: A fake entry" in text


@pytest.mark.parametrize("hostile", ["-->", "<!--", "<!-- hidden"])
def test_comment_markers_in_text_are_neutralised(member_client, member, hostile):
    exercise = ExerciseFactory()
    created = member_client.post(
        COMMITMENTS, {"exercise": exercise.slug, "text": f"Walk {hostile} daily"}, format="json"
    ).json()
    member_client.post(
        f"{COMMITMENTS}{created['id']}/check-in/",
        {"status": "done", "note": f"ok {hostile} then"},
        format="json",
    )
    write(member_client, title=f"T {hostile}", body=f"B {hostile}", tags=[f"t {hostile}"])
    text = markdown(member_client)
    assert "<!--" not in text
    assert "-->" not in text


def test_markdown_names_linked_content_by_its_words(member_client):
    exercise = ExerciseFactory(title="Five-minute start")
    prompt = PromptFactory(strategy=exercise.strategy, text="What did you resist today?")
    commitment = member_client.post(COMMITMENTS, {"exercise": exercise.slug}, format="json").json()
    write(
        member_client,
        body="Words.",
        exercise=exercise.slug,
        prompt=prompt.pk,
        commitment=commitment["id"],
    )
    text = markdown(member_client)
    assert f"strategy: {exercise.strategy.title}" in text
    assert "exercise: Five-minute start" in text
    assert "prompt: What did you resist today?" in text
    assert f"commitment: {commitment['text']}" in text
    assert exercise.strategy.slug not in text
    assert f"prompt: `{prompt.pk}`" not in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_csv_cells_never_start_a_formula(member_client, start):
    stored = write(
        member_client,
        title=f'{start}HYPERLINK("http://x.example")',
        body=f"{start}1+1",
        tags=[f"{start}cmd"],
    )
    (row,) = csv_rows(member_client)
    cells = {"title": stored["title"], "body": stored["body"], "tags": stored["tags"][0]}
    # Titles and tags are trimmed when written, so a leading tab or CR only survives in
    # the body; whatever survives to the file is quoted with an apostrophe.
    for column, value in cells.items():
        expected = f"'{value}" if value.startswith(start) else value
        assert row[column] == expected, column
    assert row["body"] == f"'{start}1+1"


def test_csv_tags_are_a_plain_list(member_client):
    write(member_client, body="x", tags=["sleep; deep", "Work", 'odd "tag", really'])
    (row,) = csv_rows(member_client)
    assert row["tags"].split("\n") == ['odd "tag", really', "sleep; deep", "Work"]
