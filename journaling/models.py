"""A member's private journal: entries, commitments, the member's own tags, and the
tombstones that tell offline devices what was deleted.

Sync bookkeeping lives in the database, not in Python, so no write path can skip it:
a trigger (see migrations 0002 and 0003) gives every inserted or updated entry and
commitment, and every tombstone, a `change_seq` from the member's own counter
(`MemberChangeLock.last_seq`) and raises `version` on every update. Why the numbers
arrive in commit order for each member is explained in
`journaling.selectors.change_feed`.

Insights read the journal through two summaries the database keeps in step with the
entries (statement triggers, migration 0006, so no write path can skip them either):
`MemberDay`, one row per member and date written, and `MemberStrategyLift`, one row per
member and strategy, exercise or prompt with paired moods. They hold counts and sums
only, never words.

Nothing here may show a member's words outside their own requests: `__str__` of every
model names ids and dates only, because the admin prints `__str__` in places such as
the "delete this account?" page.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractDay, ExtractMonth, Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from core.models import TimeStampedModel
from core.validators import validate_one_line
from strategies.models import Exercise, Prompt, Strategy, weighted_vector

# About 3,500 words: a long diary page. Requests over the cap get a 400; the database
# refuses it too (`journaling_entry_body_length`).
BODY_MAX_LENGTH = 20_000
TITLE_MAX_LENGTH = 200
TAG_MAX_LENGTH = 50
MAX_TAGS_PER_ENTRY = 20
COMMITMENT_TEXT_MAX_LENGTH = 280
CHECK_IN_NOTE_MAX_LENGTH = 2_000
MOOD_MIN = 0
MOOD_MAX = 10
# Long enough for a phone that stays offline for a season; a device whose token is
# older than the oldest purged tombstone is told to sync from scratch (410).
TOMBSTONE_RETENTION_DAYS = 180


def _mood_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__range": (MOOD_MIN, MOOD_MAX)})


class MemberTag(models.Model):
    """A member's own free-text label for entries ("sleep", "work"); names are unique
    per member whatever their case, and no other member ever sees them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_tags"
    )
    name = models.CharField(max_length=TAG_MAX_LENGTH, validators=[validate_one_line])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                "owner", Lower("name"), name="journaling_membertag_owner_name_ci_unique"
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="journaling_membertag_name_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"Journal tag #{self.pk}"


class Commitment(TimeStampedModel):
    """A small, dated promise ("do a fraction of what you resist") made from a
    strategy's smallest step or an exercise, later checked off as done, partly done
    or skipped."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        SKIPPED = "skipped", "Skipped"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_commitments"
    )
    # Editors may delete content; a member's record must survive it.
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exercise = models.ForeignKey(
        Exercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=COMMITMENT_TEXT_MAX_LENGTH, validators=[validate_one_line])
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_note = models.TextField(blank=True, max_length=CHECK_IN_NOTE_MAX_LENGTH)
    version = models.PositiveIntegerField(default=1, editable=False)
    change_seq = models.BigIntegerField(default=0, editable=False)
    # Hash of what the creating request sent, so that a retried create is recognised.
    create_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-due_date", "-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["owner", "due_date", "created_at", "id"],
                name="journaling_commitment_list",
            ),
            models.Index(fields=["owner", "change_seq"], name="journaling_commitment_seq"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "partly", "skipped"]),
                name="journaling_commitment_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(checked_in_at__isnull=True))
                | (~Q(status="open") & Q(checked_in_at__isnull=False)),
                name="journaling_commitment_checked_in_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="journaling_commitment_text_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="journaling_commitment_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Commitment {self.pk} due {self.due_date}"


class JournalEntry(TimeStampedModel):
    """One page of a member's journal: what they wrote on `entry_date` (their local
    date), optionally tied to a strategy, exercise or prompt, with mood before and
    after so that the member can see which strategies help."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    title = models.CharField(
        max_length=TITLE_MAX_LENGTH, blank=True, validators=[validate_one_line]
    )
    body = models.TextField(blank=True, max_length=BODY_MAX_LENGTH)
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exercise = models.ForeignKey(
        Exercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt = models.ForeignKey(
        Prompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    tags = models.ManyToManyField(MemberTag, through="EntryTag", related_name="entries")
    mood_before = models.PositiveSmallIntegerField(null=True, blank=True)
    mood_after = models.PositiveSmallIntegerField(null=True, blank=True)
    entry_date = models.DateField()
    version = models.PositiveIntegerField(default=1, editable=False)
    change_seq = models.BigIntegerField(default=0, editable=False)
    create_digest = models.CharField(max_length=64, blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=weighted_vector(("title", "A"), ("body", "B")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-entry_date", "-created_at", "-id"]
        verbose_name_plural = "journal entries"
        indexes = [
            # The list's keyset: owner, then (entry_date, created_at, id) read backwards.
            models.Index(
                fields=["owner", "entry_date", "created_at", "id"], name="journaling_entry_list"
            ),
            models.Index(fields=["owner", "change_seq"], name="journaling_entry_seq"),
            GinIndex(fields=["search_vector"], name="journaling_entry_search_gin"),
            # "On this day": the member's entries of one calendar day across the years.
            models.Index(
                "owner",
                ExtractMonth("entry_date"),
                ExtractDay("entry_date"),
                name="journaling_entry_day_of_year",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_mood_in_range("mood_before"),
                name="journaling_entry_mood_before_range",
            ),
            models.CheckConstraint(
                condition=_mood_in_range("mood_after"), name="journaling_entry_mood_after_range"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                name="journaling_entry_body_length",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="journaling_entry_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Journal entry {self.pk} of {self.entry_date}"


class MemberDay(models.Model):
    """What a member wrote on one of their dates, in numbers: how many entries, and
    over the entries with both moods, how many and the sums of the moods. Kept by the
    triggers of migration 0006 on every insert, update and delete of an entry; a date
    with no entry left has no row. Insights sum these rows instead of the entries."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # Plain integers, no `>= 0` checks: the trigger's upsert proposes each statement's
    # net change as a row, and PostgreSQL checks a proposed row before finding the
    # conflict that turns it into an update.
    # The Monday of `day`'s week, written with the row (weekly figures group by it).
    week = models.DateField()
    entries = models.IntegerField()
    moods = models.IntegerField()
    mood_before_sum = models.IntegerField()
    mood_after_sum = models.IntegerField()

    class Meta:
        ordering = ["owner", "day"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "day"], name="journaling_memberday_unique"),
        ]

    def __str__(self) -> str:
        return f"Journal day {self.day} of member {self.owner_id}"


class MemberStrategyLift(models.Model):
    """Over a member's entries with both moods tied to one strategy, exercise or prompt
    (one row per combination of the three links), all time: how many, and the sum of
    mood after minus mood before. Kept like `MemberDay`. All-time insights sum the rows
    by strategy; recommendations by the strategy each link belongs to, read at query
    time, so an editor moving an exercise to another strategy moves its lift too."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    strategy = models.ForeignKey(Strategy, null=True, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey(Exercise, null=True, on_delete=models.CASCADE, related_name="+")
    prompt = models.ForeignKey(Prompt, null=True, on_delete=models.CASCADE, related_name="+")
    moods = models.IntegerField()
    lift_sum = models.IntegerField()

    class Meta:
        ordering = ["owner", "strategy", "exercise", "prompt"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "strategy", "exercise", "prompt"],
                nulls_distinct=False,
                name="journaling_memberstrategylift_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Lift of member {self.owner_id} by link #{self.pk}"


class EntryTag(models.Model):
    """Links an entry to one of its owner's tags."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(MemberTag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "tag"], name="journaling_entrytag_unique"),
        ]

    def __str__(self) -> str:
        return f"Tag #{self.tag_id} on entry {self.entry_id}"


class Tombstone(models.Model):
    """Records that a member deleted an entry or a commitment, so devices that sync
    later delete their copy. Kept for `TOMBSTONE_RETENTION_DAYS`, then purged by
    `manage.py purge_journal_tombstones`."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "Entry"
        COMMITMENT = "commitment", "Commitment"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_tombstones"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.UUIDField()
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    change_seq = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["change_seq", "id"]
        indexes = [models.Index(fields=["owner", "change_seq"], name="journaling_tombstone_seq")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "object_id"], name="journaling_tombstone_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["entry", "commitment"]),
                name="journaling_tombstone_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Deleted {self.kind} {self.object_id}"


class MemberChangeLock(models.Model):
    """One row per member who has written to the journal: the member's change counter.
    Every journal write of the member takes the next number from it (in the trigger,
    which locks the row until commit; each service locks it first thing too), so one
    member's changes are numbered in the order they commit, and a member's numbers say
    nothing about anyone else's activity.

    `purged_through` is the highest change number of the member's tombstones that
    `purge_journal_tombstones` has deleted: a token below it may have missed a
    deletion, so the change feed tells its holder to sync from scratch."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Database defaults: the trigger and `lock_member_journal` insert rows in SQL.
    last_seq = models.BigIntegerField(default=0, db_default=0, editable=False)
    purged_through = models.BigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        ordering = ["owner"]

    def __str__(self) -> str:
        return f"Change lock of member {self.owner_id}"


class TombstonePurge(models.Model):
    """One run of `purge_journal_tombstones` that deleted something (the per-member
    watermarks it moved are on `MemberChangeLock.purged_through`)."""

    purged_at = models.DateTimeField(default=timezone.now)
    purged_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-purged_at", "-id"]

    def __str__(self) -> str:
        return f"Tombstone purge of {self.purged_at:%Y-%m-%d %H:%M} ({self.purged_count})"


class JournalActivity(MemberChangeLock):
    """The admin's window on journaling: one row per member who has written, with
    counts and dates of their journal, never its words."""

    class Meta:
        proxy = True
        verbose_name = "journal activity of a member"
        verbose_name_plural = "journal activity per member"

    def __str__(self) -> str:
        return f"Journal activity of member {self.owner_id}"
