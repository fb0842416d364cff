"""Writes to a member's journal. Each public function is one transaction.

Every function first locks the member's `MemberChangeLock` row (the database trigger
locks it as well; see `journaling.selectors.change_feed` for why). Taking it first
means every journal writer acquires locks in one order, the member first and then
rows, so two of them can never wait for each other in a circle. It also serialises
one member's creates, which is what makes an offline client's retried create safe:
the retry waits for the first attempt, then finds its row.

Clients may name the id of what they create. A create that names an existing id is:
- the same request again (same owner, same content as first sent): the stored record
  comes back and nothing is written;
- anything else (different content, or another member's record): `IdConflictError`,
  which says nothing about whose record it is;
- an id the member has deleted: `IdDeletedError`, so a late retry does not resurrect it.

Writes to an existing record take `expected_versions`: the versions the client may
overwrite (from `If-Match`, read by the view), or None to write regardless.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils import timezone

from core.errors import RecordNotFoundError, StaleVersionError
from events.models import Event
from journaling.errors import IdConflictError, IdDeletedError
from journaling.models import (
    Commitment,
    EntryTag,
    JournalEntry,
    MemberTag,
    Tombstone,
    TombstonePurge,
)
from journaling.selectors import member_today
from strategies.models import Exercise, Prompt, Strategy


def lock_member_journal(owner_id: int) -> None:
    """Hold the member's change lock until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO journaling_memberchangelock (owner_id) VALUES (%s) "
            "ON CONFLICT (owner_id) DO NOTHING",
            [owner_id],
        )
        cursor.execute(
            "SELECT 1 FROM journaling_memberchangelock WHERE owner_id = %s FOR UPDATE",
            [owner_id],
        )


JournalRecord = JournalEntry | Commitment
TOMBSTONE_KINDS = {JournalEntry: Tombstone.Kind.ENTRY, Commitment: Tombstone.Kind.COMMITMENT}


def _locked(record: JournalRecord, expected_versions: Collection[int] | None) -> Any:
    """The record's row, locked until commit, after checking it is still the version
    the client expects. `RecordNotFoundError` if a concurrent request deleted it."""
    lock_member_journal(record.owner_id)
    try:
        current = type(record).objects.select_for_update().get(pk=record.pk)
    except type(record).DoesNotExist:
        raise RecordNotFoundError() from None
    if expected_versions is not None and current.version not in expected_versions:
        raise StaleVersionError()
    return current


def _digest(values: dict[str, Any]) -> str:
    def normalise(value: Any) -> Any:
        if isinstance(value, Model):
            return value.pk
        if isinstance(value, date | datetime | uuid.UUID):
            return str(value)
        return value

    canonical = {key: normalise(value) for key, value in values.items()}
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _create_once(
    model: type[JournalRecord],
    *,
    owner: Any,
    object_id: uuid.UUID | None,
    digest: str,
    build: Callable[[uuid.UUID], JournalRecord],
) -> tuple[Any, bool]:
    """Insert `build(id)`, or, when `object_id` names the same create done before,
    return that record with False (see the module's docstring for the other cases).
    The caller holds the member's change lock, so a retry waits for the first attempt."""
    if object_id is not None:
        existing = model.objects.filter(pk=object_id).only("owner_id", "create_digest").first()
        if existing is not None:
            if existing.owner_id == owner.pk and existing.create_digest == digest:
                return existing, False
            raise IdConflictError()
        if Tombstone.objects.filter(
            owner_id=owner.pk, kind=TOMBSTONE_KINDS[model], object_id=object_id
        ).exists():
            raise IdDeletedError()
    instance = build(object_id or uuid.uuid4())
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError:
        # Another member's concurrent create with the same id won the race.
        if model.objects.filter(pk=instance.pk).exists():
            raise IdConflictError() from None
        raise
    return instance, True


def normalise_tag_names(names: Iterable[str]) -> list[str]:
    """Trimmed, inner spaces collapsed, duplicates (whatever their case) dropped."""
    seen: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean and clean.lower() not in seen:
            seen[clean.lower()] = clean
    return list(seen.values())


def _tags_for(owner_id: int, names: Sequence[str]) -> list[MemberTag]:
    """The member's tags with these names, creating those that do not exist yet; an
    existing tag keeps the spelling it was first written with."""
    if not names:
        return []
    wanted = {name.lower(): name for name in names}
    found = {
        tag.name.lower(): tag
        for tag in MemberTag.objects.annotate(lower_name=Lower("name")).filter(
            owner_id=owner_id, lower_name__in=list(wanted)
        )
    }
    missing = [MemberTag(owner_id=owner_id, name=wanted[key]) for key in wanted if key not in found]
    for tag in MemberTag.objects.bulk_create(missing):
        found[tag.name.lower()] = tag
    return [found[key] for key in wanted]


def _tag_names_differ(entry: JournalEntry, names: Sequence[str]) -> bool:
    current = set(
        MemberTag.objects.filter(entries=entry)
        .annotate(lower_name=Lower("name"))
        .values_list("lower_name", flat=True)
    )
    return current != {name.lower() for name in names}


def _set_tags(entry: JournalEntry, names: Sequence[str]) -> None:
    tags = _tags_for(entry.owner_id, names)
    EntryTag.objects.filter(entry=entry).exclude(tag__in=tags).delete()
    present = set(EntryTag.objects.filter(entry=entry).values_list("tag_id", flat=True))
    EntryTag.objects.bulk_create(
        [EntryTag(entry=entry, tag=tag) for tag in tags if tag.pk not in present]
    )


@transaction.atomic
def entry_create(
    *,
    owner: Any,
    entry_id: uuid.UUID | None = None,
    title: str = "",
    body: str = "",
    strategy: Strategy | None = None,
    exercise: Exercise | None = None,
    prompt: Prompt | None = None,
    event: Event | None = None,
    commitment: Commitment | None = None,
    tags: Sequence[str] = (),
    mood_before: int | None = None,
    mood_after: int | None = None,
    entry_date: date | None = None,
) -> tuple[JournalEntry, bool]:
    """Create an entry; `(entry, False)` when this exact create was already done.

    `entry_date` defaults to today in the member's time zone."""
    lock_member_journal(owner.pk)
    tags = normalise_tag_names(tags)
    # What the client sent, not what we filled in: a retry the next day, without a
    # date, is still the same request.
    digest = _digest(
        {
            "title": title,
            "body": body,
            "strategy": strategy,
            "exercise": exercise,
            "prompt": prompt,
            **({"event": event} if event is not None else {}),
            "commitment": commitment,
            "tags": sorted(name.lower() for name in tags),
            "mood_before": mood_before,
            "mood_after": mood_after,
            "entry_date": entry_date,
        }
    )
    entry, created = _create_once(
        JournalEntry,
        owner=owner,
        object_id=entry_id,
        digest=digest,
        build=lambda pk: JournalEntry(
            id=pk,
            owner=owner,
            title=title,
            body=body,
            strategy=strategy,
            exercise=exercise,
            prompt=prompt,
            event=event,
            commitment=commitment,
            mood_before=mood_before,
            mood_after=mood_after,
            entry_date=entry_date or member_today(owner),
            create_digest=digest,
        ),
    )
    if created:
        _set_tags(entry, tags)
    return entry, created


ENTRY_FIELDS = (
    "title",
    "body",
    "strategy",
    "exercise",
    "prompt",
    "event",
    "commitment",
    "mood_before",
    "mood_after",
    "entry_date",
)


def _changed_fields(
    instance: Model, changes: dict[str, Any], editable: Collection[str]
) -> list[str]:
    """The fields `changes` really changes; set on `instance`, not yet saved."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = []
    for name, value in changes.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            current = getattr(instance, field.attname)
            new = value.pk if value is not None else None
        else:
            current, new = getattr(instance, name), value
        if current != new:
            changed.append(name)
            setattr(instance, name, value)
    return changed


def _delete(record: JournalRecord, expected_versions: Collection[int] | None) -> None:
    """Delete the record and leave a tombstone for devices that sync later."""
    current = _locked(record, expected_versions)
    current.delete()
    Tombstone.objects.create(
        owner_id=record.owner_id, kind=TOMBSTONE_KINDS[type(record)], object_id=record.pk
    )


@transaction.atomic
def entry_update(
    *,
    entry: JournalEntry,
    expected_versions: Collection[int] | None,
    changes: dict[str, Any],
    tags: Sequence[str] | None = None,
) -> JournalEntry:
    """Apply `changes` (a subset of `ENTRY_FIELDS`) and, when given, replace the tags.

    A request that changes nothing writes nothing, so the version only rises when the
    entry really changes."""
    current = _locked(entry, expected_versions)
    changed = _changed_fields(current, changes, ENTRY_FIELDS)
    names = normalise_tag_names(tags) if tags is not None else None
    tags_changed = names is not None and _tag_names_differ(current, names)
    if not changed and not tags_changed:
        return current
    # Saving the row even when only the tags changed: the trigger then raises the
    # version and gives the entry a new change number for the feed.
    current.save(update_fields=[*changed, "updated_at"])
    if tags_changed:
        _set_tags(current, names)
    return current


@transaction.atomic
def entry_delete(*, entry: JournalEntry, expected_versions: Collection[int] | None = None) -> None:
    """Delete the entry and leave a tombstone for devices that sync later."""
    _delete(entry, expected_versions)


def default_commitment_text(strategy: Strategy | None, exercise: Exercise | None) -> str:
    if exercise is not None:
        return exercise.title
    if strategy is not None:
        return strategy.smallest_step or strategy.title
    return ""


@transaction.atomic
def commitment_create(
    *,
    owner: Any,
    commitment_id: uuid.UUID | None = None,
    strategy: Strategy | None = None,
    exercise: Exercise | None = None,
    text: str = "",
    due_date: date | None = None,
) -> tuple[Commitment, bool]:
    """Turn a strategy's smallest step or an exercise into a dated commitment;
    `(commitment, False)` when this exact create was already done.

    The text defaults to the exercise's title or the strategy's smallest step; the
    date to today in the member's time zone."""
    lock_member_journal(owner.pk)
    if exercise is not None and strategy is None:
        strategy = exercise.strategy
    digest = _digest(
        {
            "strategy": strategy,
            "exercise": exercise,
            "text": text,
            "due_date": due_date,
        }
    )
    return _create_once(
        Commitment,
        owner=owner,
        object_id=commitment_id,
        digest=digest,
        build=lambda pk: Commitment(
            id=pk,
            owner=owner,
            strategy=strategy,
            exercise=exercise,
            text=text or default_commitment_text(strategy, exercise),
            due_date=due_date or member_today(owner),
            create_digest=digest,
        ),
    )


COMMITMENT_FIELDS = ("strategy", "exercise", "text", "due_date")


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    expected_versions: Collection[int] | None,
    changes: dict[str, Any],
) -> Commitment:
    """Apply `changes` (a subset of `COMMITMENT_FIELDS`); nothing changed, nothing written."""
    current = _locked(commitment, expected_versions)
    changed = _changed_fields(current, changes, COMMITMENT_FIELDS)
    if not changed:
        return current
    current.save(update_fields=[*changed, "updated_at"])
    return current


@transaction.atomic
def commitment_delete(
    *, commitment: Commitment, expected_versions: Collection[int] | None = None
) -> None:
    """Delete the commitment; entries written for it stay, unlinked (and re-synced)."""
    _delete(commitment, expected_versions)


@transaction.atomic
def commitment_check_in(
    *,
    commitment: Commitment,
    status: str,
    note: str | None = None,
    entry: dict[str, Any] | None = None,
    expected_versions: Collection[int] | None = None,
) -> tuple[Commitment, JournalEntry | None]:
    """Mark the commitment done, partly done or skipped and, when `entry` is given,
    write a journal entry about it in the same transaction: both happen or neither.

    `entry` takes `entry_create`'s arguments except the links, which come from the
    commitment. `note=None` keeps the stored note (a later check-in that says nothing
    must not erase what an earlier one said). Checking in again with the same status
    and note changes nothing, and an entry with an id already written is recognised,
    so a retry is safe."""
    if status == Commitment.Status.OPEN:
        raise ValueError("A check-in closes a commitment; it cannot reopen one.")
    current = _locked(commitment, expected_versions)
    if note is None:
        note = current.check_in_note
    if current.status != status or current.check_in_note != note:
        current.status = status
        current.check_in_note = note
        current.checked_in_at = timezone.now()
        current.save(update_fields=["status", "check_in_note", "checked_in_at", "updated_at"])
    written = None
    if entry is not None:
        written, _ = entry_create(
            owner=current.owner,
            strategy=current.strategy,
            exercise=current.exercise,
            commitment=current,
            **entry,
        )
    return current, written


def erase_member_journal(owner: Any) -> None:
    """Delete everything the member's journal holds (for account deletion).

    Plain DELETE statements: the ORM's delete would first load every entry, bodies and
    all, into memory to look for cascades, and a journal may hold tens of thousands."""
    statements = [
        (
            "DELETE FROM journaling_entrytag WHERE entry_id IN "
            "(SELECT id FROM journaling_journalentry WHERE owner_id = %s)"
        ),
        "DELETE FROM journaling_journalentry WHERE owner_id = %s",
        "DELETE FROM journaling_commitment WHERE owner_id = %s",
        "DELETE FROM journaling_membertag WHERE owner_id = %s",
        "DELETE FROM journaling_tombstone WHERE owner_id = %s",
        "DELETE FROM journaling_memberchangelock WHERE owner_id = %s",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        lock_member_journal(owner.pk)
        for statement in statements:
            cursor.execute(statement, [owner.pk])


PURGE_SQL = """
WITH purged AS (
    DELETE FROM journaling_tombstone WHERE deleted_at < %s RETURNING owner_id, change_seq
), watermarks AS (
    UPDATE journaling_memberchangelock AS member_lock
    SET purged_through = GREATEST(member_lock.purged_through, per_member.through)
    FROM (SELECT owner_id, MAX(change_seq) AS through FROM purged GROUP BY owner_id)
        AS per_member
    WHERE member_lock.owner_id = per_member.owner_id
)
SELECT COUNT(*) FROM purged
"""


def tombstones_purge(*, cutoff: datetime) -> int:
    """Delete the tombstones older than `cutoff` and move each member's watermark.

    One statement: the watermark moves with exactly the rows deleted, so the change
    feed answers 410 to any token that could have missed a purged deletion."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PURGE_SQL, [cutoff])
        (count,) = cursor.fetchone()
        if count:
            TombstonePurge.objects.create(purged_count=count)
    return count
