"""Everything a member wrote, as a stream of text chunks (JSON, Markdown or CSV).

Rows are read with a server-side cursor in chunks of `CHUNK_SIZE` (tags prefetched per
chunk), serialised and sent chunk by chunk, so memory stays flat whether a journal
holds fifty entries or fifty thousand.

JSON holds entries, commitments, tags and tombstones, each entry in the very shape the
entries API returns and accepts, so an export can be posted back entry by entry. CSV
holds entries only, one row each, with `tags` as a JSON array (tag names may contain
any character, commas and semicolons included). Cells are written as the member typed
them: the only person who can put text in this file is the member who downloads it.
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

from journaling.models import MemberTag, Tombstone
from journaling.selectors import commitments_of, entries_of
from journaling.serializers import (
    CommitmentSerializer,
    JournalEntrySerializer,
    MemberTagSerializer,
    TombstoneSerializer,
)

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
        entries_of(owner).order_by("entry_date", "created_at", "id").iterator(chunk_size=CHUNK_SIZE)
    )


def entry_dicts(owner: Any) -> Iterator[dict[str, Any]]:
    for batch in _batches(_ordered_entries(owner)):
        yield from JournalEntrySerializer(batch, many=True).data


def commitment_dicts(owner: Any) -> Iterator[dict[str, Any]]:
    rows = commitments_of(owner).order_by("due_date", "created_at", "id")
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
        "format_version": 1,
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
            writer.writerow(
                {
                    **{key: "" if row[key] is None else row[key] for key in CSV_COLUMNS},
                    "tags": orjson.dumps(row["tags"]).decode(),
                }
            )
        yield flush()


def _markdown_entry(entry: dict[str, Any]) -> str:
    heading = f"## {entry['entry_date']}"
    if entry["title"]:
        heading += f": {entry['title']}"
    facts = [f"- id: `{entry['id']}`"]
    for label, key in (
        ("strategy", "strategy"),
        ("exercise", "exercise"),
        ("prompt", "prompt"),
        ("commitment", "commitment"),
    ):
        if entry[key] is not None:
            facts.append(f"- {label}: `{entry[key]}`")
    if entry["mood_before"] is not None or entry["mood_after"] is not None:
        before = "?" if entry["mood_before"] is None else entry["mood_before"]
        after = "?" if entry["mood_after"] is None else entry["mood_after"]
        facts.append(f"- mood: {before} → {after} (of 10)")
    if entry["tags"]:
        facts.append("- tags: " + ", ".join(entry["tags"]))
    facts.append(
        f"- written {entry['created_at']}, last changed {entry['updated_at']} "
        f"(version {entry['version']})"
    )
    return "\n".join([heading, "", *facts, "", entry["body"], "", "---", "", ""])


def _markdown_commitment(commitment: dict[str, Any]) -> str:
    box = {"open": "[ ]", "done": "[x]", "partly": "[~]", "skipped": "[-]"}[commitment["status"]]
    line = f"- {box} {commitment['due_date']}: {commitment['text']} ({commitment['status']})"
    if commitment["strategy"]:
        line += f", strategy `{commitment['strategy']}`"
    if commitment["exercise"]:
        line += f", exercise `{commitment['exercise']}`"
    if commitment["note"]:
        line += f". Note: {commitment['note']}"
    return line + f" <!-- id {commitment['id']} -->\n"


def stream_markdown(owner: Any, *, now: datetime | None = None) -> Iterator[str]:
    stamp = (now or timezone.now()).isoformat()
    yield f"# My Breakthrough journal\n\nExported {stamp} (time zone {owner.timezone}).\n\n"
    for batch in _batches(entry_dicts(owner), CHUNK_SIZE):
        yield "".join(_markdown_entry(entry) for entry in batch)
    yield "# Commitments\n\n"
    for batch in _batches(commitment_dicts(owner), CHUNK_SIZE):
        yield "".join(_markdown_commitment(commitment) for commitment in batch)
    tags = tag_dicts(owner)
    if tags:
        yield "\n# Tags\n\n" + "".join(f"- {tag['name']}\n" for tag in tags)


STREAMS = {"json": stream_json, "markdown": stream_markdown, "csv": stream_csv}


def account_export(owner: Any) -> dict[str, Any]:
    """The journal's part of `GET /api/v1/me/export/`."""
    return {
        "entries": list(entry_dicts(owner)),
        "commitments": list(commitment_dicts(owner)),
        "tags": tag_dicts(owner),
        "tombstones": tombstone_dicts(owner),
    }
