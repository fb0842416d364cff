"""Everything a member wrote, as a stream of text chunks (JSON, Markdown or CSV).

Rows are read with a server-side cursor in chunks of `CHUNK_SIZE` (tags prefetched per
chunk), serialised and sent chunk by chunk, so memory stays flat whether a journal
holds fifty entries or fifty thousand.

JSON holds entries, commitments, tags and tombstones, each entry in the very shape the
entries API returns and accepts, so an export can be posted back entry by entry. CSV
holds entries only, one row each, with `tags` one name per line (names never hold a
line break; they may hold commas and semicolons).

The member's own text must not be able to forge the file's structure, for whoever
opens it later (the member, or the app they import it into):
- CSV: a cell that starts with `=`, `+`, `-`, `@`, a tab or a CR would run as a
  formula in a spreadsheet; such a cell, and one that starts with an apostrophe (so the
  rule can be undone: strip one leading `'`), gets an apostrophe in front.
- Markdown: one-line texts (titles, tags, commitments, notes) have their line breaks
  folded into spaces, so they cannot start a heading or a list item; a body is a block
  quote, so its headings and rules stay inside it; and `<!--` and `-->` are escaped
  everywhere, so no text opens or closes an HTML comment (that would hide the rest
  of the file from a Markdown viewer).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

import orjson
from django.utils import timezone

from journaling.api.serializers import (
    CommitmentSerializer,
    JournalEntrySerializer,
    MemberTagSerializer,
    TombstoneSerializer,
)
from journaling.models import Commitment, JournalEntry, MemberTag, Tombstone
from journaling.selectors import commitment_list, entry_list

CHUNK_SIZE = 500
FORMATS = {
    "json": ("application/json", "json"),
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
CSV_COLUMNS = [
    "id",
    "entry_date",
    "title",
    "body",
    "strategy",
    "exercise",
    "prompt",
    "event",
    "commitment",
    "tags",
    "mood_before",
    "mood_after",
    "version",
    "created_at",
    "updated_at",
]


def _batches(rows: Iterable[Any], size: int = CHUNK_SIZE) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _ordered_entries(owner: Any) -> Iterator[Any]:
    return (
        entry_list(owner).order_by("entry_date", "created_at", "id").iterator(chunk_size=CHUNK_SIZE)
    )


def entry_dicts(owner: Any) -> Iterator[dict[str, Any]]:
    for batch in _batches(_ordered_entries(owner)):
        yield from JournalEntrySerializer(batch, many=True).data


def commitment_dicts(owner: Any) -> Iterator[dict[str, Any]]:
    rows = commitment_list(owner).order_by("due_date", "created_at", "id")
    for batch in _batches(rows.iterator(chunk_size=CHUNK_SIZE)):
        yield from CommitmentSerializer(batch, many=True).data


def tag_dicts(owner: Any) -> list[dict[str, Any]]:
    return list(MemberTagSerializer(MemberTag.objects.filter(owner=owner), many=True).data)


def tombstone_dicts(owner: Any) -> list[dict[str, Any]]:
    return list(TombstoneSerializer(Tombstone.objects.filter(owner=owner), many=True).data)


def _json_array(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + orjson.dumps(item).decode()
    yield "]"


def stream_json(owner: Any, *, now: datetime | None = None) -> Iterator[str]:
    header = {
        "format": "breakthrough-journal",
        "format_version": 2,  # 2: links are references, entries may name an event
        "exported_at": (now or timezone.now()).isoformat(),
        "timezone": owner.timezone,
    }
    yield orjson.dumps(header).decode()[:-1] + ',"entries":'
    yield from _json_array(entry_dicts(owner))
    yield ',"commitments":'
    yield from _json_array(commitment_dicts(owner))
    yield ',"tags":' + orjson.dumps(tag_dicts(owner)).decode()
    yield ',"tombstones":' + orjson.dumps(tombstone_dicts(owner)).decode()
    yield "}\n"


REFERENCE_KEYS = {"strategy": "slug", "exercise": "slug", "prompt": "id", "event": "slug"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def stream_csv(owner: Any) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writeheader()
    yield flush()
    for batch in _batches(entry_dicts(owner), CHUNK_SIZE):
        for row in batch:
            cells = {key: "" if row[key] is None else row[key] for key in CSV_COLUMNS}
            cells["tags"] = "\n".join(row["tags"])
            # A spreadsheet cell holds the link's key, as the API takes it on writes.
            for key, field in REFERENCE_KEYS.items():
                cells[key] = row[key][field] if row[key] else ""
            writer.writerow({key: csv_cell(value) for key, value in cells.items()})
        yield flush()


def _escape_comments(text: str) -> str:
    # `<\!--` and `--\>` render as the characters typed, and open or close nothing.
    return text.replace("<!--", "<\\!--").replace("-->", "--\\>")


def _one_line(text: str) -> str:
    return _escape_comments(" ".join(text.split()))


def _quoted(body: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in _escape_comments(body).splitlines()]


def _markdown_entry(entry: JournalEntry, data: dict[str, Any]) -> str:
    heading = f"## {data['entry_date']}"
    if data["title"]:
        heading += f": {_one_line(data['title'])}"
    facts = [f"- id: `{data['id']}`"]
    for label, text in (
        ("strategy", entry.strategy and entry.strategy.title),
        ("exercise", entry.exercise and entry.exercise.title),
        ("prompt", entry.prompt and entry.prompt.text),
        ("event", entry.event and entry.event.title),
        ("commitment", entry.commitment and entry.commitment.text),
    ):
        if text:
            facts.append(f"- {label}: {_one_line(text)}")
    if data["mood_before"] is not None or data["mood_after"] is not None:
        before = "?" if data["mood_before"] is None else data["mood_before"]
        after = "?" if data["mood_after"] is None else data["mood_after"]
        facts.append(f"- mood: {before} → {after} (of 10)")
    if data["tags"]:
        facts.append("- tags: " + ", ".join(_one_line(tag) for tag in data["tags"]))
    facts.append(
        f"- written {data['created_at']}, last changed {data['updated_at']} "
        f"(version {data['version']})"
    )
    body = [*_quoted(data["body"]), ""] if data["body"] else []
    return "\n".join([heading, "", *facts, "", *body, "---", "", ""])


def _markdown_commitment(commitment: Commitment, data: dict[str, Any]) -> str:
    box = {"open": "[ ]", "done": "[x]", "partly": "[~]", "skipped": "[-]"}[data["status"]]
    line = f"- {box} {data['due_date']}: {_one_line(data['text'])} ({data['status']})"
    if commitment.strategy is not None:
        line += f", strategy: {_one_line(commitment.strategy.title)}"
    if commitment.exercise is not None:
        line += f", exercise: {_one_line(commitment.exercise.title)}"
    if data["note"]:
        line += f". Note: {_one_line(data['note'])}"
    return line + f" (id `{data['id']}`)\n"


def _with_data(rows: Iterable[Any], serializer: type) -> Iterator[list[tuple[Any, dict]]]:
    for batch in _batches(rows):
        yield list(zip(batch, serializer(batch, many=True).data, strict=True))


def stream_markdown(owner: Any, *, now: datetime | None = None) -> Iterator[str]:
    stamp = (now or timezone.now()).isoformat()
    yield f"# My Breakthrough journal\n\nExported {stamp} (time zone {owner.timezone}).\n\n"
    # Prompts and commitments are shown by their words, so they come with the rows.
    entries = (
        entry_list(owner)
        .select_related("prompt", "commitment")
        .order_by("entry_date", "created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for batch in _with_data(entries, JournalEntrySerializer):
        yield "".join(_markdown_entry(entry, data) for entry, data in batch)
    yield "# Commitments\n\n"
    commitments = (
        commitment_list(owner)
        .order_by("due_date", "created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for batch in _with_data(commitments, CommitmentSerializer):
        yield "".join(_markdown_commitment(commitment, data) for commitment, data in batch)
    tags = tag_dicts(owner)
    if tags:
        yield "\n# Tags\n\n" + "".join(f"- {_one_line(tag['name'])}\n" for tag in tags)


STREAMS = {"json": stream_json, "markdown": stream_markdown, "csv": stream_csv}


def account_export(owner: Any) -> dict[str, Any]:
    """The journal's part of `GET /api/v1/me/export/`."""
    return {
        "entries": list(entry_dicts(owner)),
        "commitments": list(commitment_dicts(owner)),
        "tags": tag_dicts(owner),
        "tombstones": tombstone_dicts(owner),
    }
