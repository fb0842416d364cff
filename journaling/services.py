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
- anything else (different content, or another member's record): 409 `id_conflict`,
  which says nothing about whose record it is;
- an id the member has deleted: 409 `id_deleted`, so a late retry does not resurrect it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils import timezone
from rest_framework.exceptions import NotFound

from core.errors import PreconditionFailed
from journaling.errors import IdConflict, IdDeleted
from journaling.models import Commitment, EntryTag, JournalEntry, MemberTag, Tombstone
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


def _locked(model: type[JournalEntry] | type[Commitment], pk: uuid.UUID) -> Any:
    """The row, locked until commit; 404 if a concurrent request deleted it."""
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound() from None


def parse_if_match(header: str | None) -> list[str] | None:
    """The entity tags of an `If-Match` header, unquoted; None when there is none (an
    empty header included), which means "write regardless"."""
    if header is None:
        return None
    tags = []
    for raw in header.split(","):
        tag = raw.strip().removeprefix("W/").strip('"')
        if tag:
            tags.append(tag)
    return tags or None


def check_version(current: int, if_match: Sequence[str] | None) -> None:
    """412 unless `If-Match` is absent, `*`, or names the current version."""
    if if_match is None or "*" in if_match or str(current) in if_match:
        return
    raise PreconditionFailed()


def _digest(values: dict[str, Any]) -> str:
    def normalise(value: Any) -> Any:
        if isinstance(value, Model):
            return value.pk
        if isinstance(value, date | datetime | uuid.UUID):
            return str(value)
        return value

    canonical = {key: normalise(value) for key, value in values.items()}
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _existing_for_retry(
    model: type[JournalEntry] | type[Commitment],
    *,
    object_id: uuid.UUID,
    owner_id: int,
    digest: str,
    kind: str,
) -> Any:
    existing = model.objects.filter(pk=object_id).only("owner_id", "create_digest").first()
    if existing is not None:
        if existing.owner_id == owner_id and existing.create_digest == digest:
            return existing
        raise IdConflict()
    if Tombstone.objects.filter(owner_id=owner_id, kind=kind, object_id=object_id).exists():
        raise IdDeleted()
    return None


def _insert(instance: JournalEntry | Commitment) -> None:
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError:
        # Another member's concurrent create with the same id won the race.
        if type(instance).objects.filter(pk=instance.pk).exists():
            raise IdConflict() from None
        raise


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
            "commitment": commitment,
            "tags": sorted(name.lower() for name in tags),
            "mood_before": mood_before,
            "mood_after": mood_after,
            "entry_date": entry_date,
        }
    )
    if entry_id is not None:
        existing = _existing_for_retry(
            JournalEntry,
            object_id=entry_id,
            owner_id=owner.pk,
            digest=digest,
            kind=Tombstone.Kind.ENTRY,
        )
        if existing is not None:
            return existing, False

    entry = JournalEntry(
        id=entry_id or uuid.uuid4(),
        owner=owner,
        title=title,
        body=body,
        strategy=strategy,
        exercise=exercise,
        prompt=prompt,
        commitment=commitment,
        mood_before=mood_before,
        mood_after=mood_after,
        entry_date=entry_date or member_today(owner),
        create_digest=digest,
    )
    _insert(entry)
    _set_tags(entry, tags)
    return entry, True


ENTRY_FIELDS = (
    "title",
    "body",
    "strategy",
    "exercise",
    "prompt",
    "commitment",
    "mood_before",
    "mood_after",
    "entry_date",
)


def _changed_fields(instance: Model, changes: dict[str, Any]) -> list[str]:
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
    return changed


@transaction.atomic
def entry_update(
    *,
    entry: JournalEntry,
    if_match: Sequence[str] | None,
    changes: dict[str, Any],
    tags: Sequence[str] | None = None,
) -> JournalEntry:
    """Apply `changes` (a subset of `ENTRY_FIELDS`) and, when given, replace the tags.

    412 when `if_match` does not name the stored version. A request that changes
    nothing writes nothing, so the version only rises when the entry really changes."""
    lock_member_journal(entry.owner_id)
    current = _locked(JournalEntry, entry.pk)
    check_version(current.version, if_match)
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = _changed_fields(current, changes)
    names = normalise_tag_names(tags) if tags is not None else None
    tags_changed = names is not None and _tag_names_differ(current, names)
    if not changed and not tags_changed:
        return current
    for name in changed:
        setattr(current, name, changes[name])
    # Saving the row even when only the tags changed: the trigger then raises the
    # version and gives the entry a new change number for the feed.
    current.save(update_fields=[*changed, "updated_at"])
    if tags_changed:
        _set_tags(current, names)
    return current


@transaction.atomic
def entry_delete(*, entry: JournalEntry, if_match: Sequence[str] | None = None) -> None:
    """Delete the entry and leave a tombstone for devices that sync later."""
    lock_member_journal(entry.owner_id)
    current = _locked(JournalEntry, entry.pk)
    check_version(current.version, if_match)
    current.delete()
    Tombstone.objects.create(owner_id=entry.owner_id, kind=Tombstone.Kind.ENTRY, object_id=entry.pk)


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
    if commitment_id is not None:
        existing = _existing_for_retry(
            Commitment,
            object_id=commitment_id,
            owner_id=owner.pk,
            digest=digest,
            kind=Tombstone.Kind.COMMITMENT,
        )
        if existing is not None:
            return existing, False
    commitment = Commitment(
        id=commitment_id or uuid.uuid4(),
        owner=owner,
        strategy=strategy,
        exercise=exercise,
        text=text or default_commitment_text(strategy, exercise),
        due_date=due_date or member_today(owner),
        create_digest=digest,
    )
    _insert(commitment)
    return commitment, True


COMMITMENT_FIELDS = ("strategy", "exercise", "text", "due_date")


@transaction.atomic
def commitment_update(
    *, commitment: Commitment, if_match: Sequence[str] | None, changes: dict[str, Any]
) -> Commitment:
    lock_member_journal(commitment.owner_id)
    current = _locked(Commitment, commitment.pk)
    check_version(current.version, if_match)
    unknown = set(changes) - set(COMMITMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = _changed_fields(current, changes)
    if not changed:
        return current
    for name in changed:
        setattr(current, name, changes[name])
    current.save(update_fields=[*changed, "updated_at"])
    return current


@transaction.atomic
def commitment_delete(*, commitment: Commitment, if_match: Sequence[str] | None = None) -> None:
    """Delete the commitment; entries written for it stay, unlinked (and re-synced)."""
    lock_member_journal(commitment.owner_id)
    current = _locked(Commitment, commitment.pk)
    check_version(current.version, if_match)
    current.delete()
    Tombstone.objects.create(
        owner_id=commitment.owner_id, kind=Tombstone.Kind.COMMITMENT, object_id=commitment.pk
    )


@transaction.atomic
def commitment_check_in(
    *,
    commitment: Commitment,
    status: str,
    note: str | None = None,
    entry: dict[str, Any] | None = None,
    if_match: Sequence[str] | None = None,
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
    lock_member_journal(commitment.owner_id)
    current = _locked(Commitment, commitment.pk)
    check_version(current.version, if_match)
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
