"""Reads of a member's journal. Every function takes the owner and never returns
another member's rows."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from core.validators import is_canonical_timezone
from journaling.models import Commitment, JournalEntry, MemberChangeLock, Tombstone

CHANGE_FEED_DEFAULT_LIMIT = 500
CHANGE_FEED_MAX_LIMIT = 1000


def member_zone(user: object) -> zoneinfo.ZoneInfo:
    # A zone stored before the API refused host-dependent names counts as UTC.
    name = getattr(user, "timezone", "") or "UTC"
    return zoneinfo.ZoneInfo(name if is_canonical_timezone(name) else "UTC")


def member_today(user: object, now: datetime | None = None) -> date:
    """The member's calendar date right now, in their own time zone."""
    return (now or timezone.now()).astimezone(member_zone(user)).date()


def entry_list(owner: object) -> QuerySet[JournalEntry]:
    """The member's entries with what their representation needs, in one query plus
    one for tags. The stored search vector and the create digest are never sent."""
    return (
        JournalEntry.objects.filter(owner=owner)
        .select_related("strategy", "exercise", "prompt", "event")
        .prefetch_related("tags")
        .defer("search_vector", "create_digest")
    )


def commitment_list(owner: object) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(owner=owner)
        .select_related("strategy", "exercise")
        .defer("create_digest")
    )


@dataclass
class ChangeFeedPage:
    entries: list[JournalEntry] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    next_token: int = 0
    has_more: bool = False


@dataclass(frozen=True)
class ChangeHead:
    """Where a member's change numbering stands: `last` is the newest number given out
    (tokens above it were never issued), `purged_through` the newest purged tombstone
    (tokens below it may have missed a deletion)."""

    last: int = 0
    purged_through: int = 0


def change_head(owner: object) -> ChangeHead:
    row = (
        MemberChangeLock.objects.filter(owner=owner)
        .values_list("last_seq", "purged_through")
        .first()
    )
    return ChangeHead(*row) if row else ChangeHead()


# One statement, hence one snapshot, for the three tables. Separate statements would each
# see a different moment: an edit committed between them could be skipped while a later
# deletion is returned, and the token would pass over the edit.
_CHANGED_KEYS_SQL = """
(SELECT 'entry' AS source, id::text AS key, change_seq FROM journaling_journalentry
  WHERE owner_id = %(owner)s AND change_seq > %(since)s ORDER BY change_seq LIMIT %(n)s)
UNION ALL
(SELECT 'commitment', id::text, change_seq FROM journaling_commitment
  WHERE owner_id = %(owner)s AND change_seq > %(since)s ORDER BY change_seq LIMIT %(n)s)
UNION ALL
(SELECT 'tombstone', id::text, change_seq FROM journaling_tombstone
  WHERE owner_id = %(owner)s AND change_seq > %(since)s ORDER BY change_seq LIMIT %(n)s)
ORDER BY change_seq
LIMIT %(n)s
"""


def change_feed(
    *, owner: object, since: int, limit: int = CHANGE_FEED_DEFAULT_LIMIT
) -> ChangeFeedPage:
    """Everything of `owner` created, changed or deleted after token `since`, oldest
    change first, at most `limit` changes, and the token to ask with next time.

    Tokens are the member's own change numbers, which a trigger stamps on every write
    from the member's counter (`MemberChangeLock.last_seq`, migration 0003), never
    clock readings: two writes in the same microsecond, or from two app servers, still
    get distinct, ordered numbers, and no member's numbers depend on anyone else's
    writes.

    The visibility race, and how it is closed. Numbers become visible at commit, not
    when they are taken. If writer A took 10 and writer B 11, and B committed first, a
    reader could see 11, answer with token 11, and never send 10 once A commits. So
    numbers follow commit order, per member (a feed only ever holds one member's rows):
    a write takes its number by updating the member's `MemberChangeLock` row, which
    locks it until commit, so a member's second writer takes its number only after the
    first has committed (it then reads the committed counter), and PostgreSQL makes a
    commit visible before it releases the transaction's locks. For each member, then,
    numbers become visible in increasing order, and a reader that sees number n of a
    member sees every smaller one of that member too. Writers of different members
    never wait for each other; one member's two devices writing at once wait for each
    other for the length of one short transaction.

    The feed reads the numbers of all three tables in one statement (one snapshot),
    then loads those rows. A row loaded may be newer than the number listed (edited in
    between); sending the newer state early is harmless, and a row deleted in between
    has a tombstone above the returned token, so the next call brings it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_CHANGED_KEYS_SQL, {"owner": owner.pk, "since": since, "n": limit + 1})
        keys: list[tuple[str, str, int]] = cursor.fetchall()

    page = ChangeFeedPage(next_token=since, has_more=len(keys) > limit)
    keys = keys[:limit]
    if not keys:
        return page
    page.next_token = keys[-1][2]
    ids: dict[str, list[str]] = {"entry": [], "commitment": [], "tombstone": []}
    for source, key, _ in keys:
        ids[source].append(key)
    if ids["entry"]:
        page.entries = list(entry_list(owner).filter(pk__in=ids["entry"]).order_by("change_seq"))
    if ids["commitment"]:
        page.commitments = list(
            commitment_list(owner).filter(pk__in=ids["commitment"]).order_by("change_seq")
        )
    if ids["tombstone"]:
        page.tombstones = list(
            Tombstone.objects.filter(owner=owner, pk__in=ids["tombstone"]).order_by("change_seq")
        )
    return page
