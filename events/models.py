"""Live-stream series, their events, members' reminders and private calendar feeds.

Times are stored as aware instants (UTC in the database) next to the IANA zone the
event is announced in; local times are always derived, never stored. Whether an event
is upcoming, live or past is computed from the clock (see `EventQuerySet`), never
stored, so it cannot drift.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.images import (
    ImageField,
    ImageRenditionsModel,
    UploadTo,
    image_alt_field,
    image_meta_field,
)
from core.models import MarkdownRenderingModel, TimeStampedModel
from core.validators import validate_one_line, validate_timezone
from strategies.models import Guide, Person, Strategy, weighted_vector

DEFAULT_TIMEZONE = "America/New_York"
DEFAULT_DURATION = timedelta(hours=1)
# Feeds keep events this long after they end, so a calendar still shows recent talks.
FEED_HISTORY = timedelta(days=90)
# Slugs the router uses for collection actions; an event with one of them would be
# unreachable at /api/v1/events/<slug>/.
RESERVED_EVENT_SLUGS = frozenset({"upcoming", "next", "live", "calendar", "calendar-ics"})

# Its own code, so a form's generic "Enter a valid URL." does not replace the message.
validate_https_url = URLValidator(
    schemes=["https"],
    message="Enter a full https:// link (plain http is not accepted).",
    code="https_required",
)


def zone_field(help_text: str) -> models.CharField:
    """The IANA zone something is announced in; local times are derived from it."""
    return models.CharField(
        max_length=64, default=DEFAULT_TIMEZONE, validators=[validate_timezone], help_text=help_text
    )


def https_url_field(**options: object) -> models.URLField:
    """An optional https:// link (a stream, a podcast, a recording)."""
    return models.URLField(max_length=500, blank=True, validators=[validate_https_url], **options)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Series(MarkdownRenderingModel, TimeStampedModel):
    """A recurring show ("Live with Rabbi Simon Jacobson") with defaults for its events
    and, optionally, a weekly slot from which editors generate occurrences."""

    markdown_fields = ("description",)

    title = models.CharField(max_length=200, validators=[validate_one_line])
    slug = models.SlugField(max_length=200, unique=True)
    description_markdown = models.TextField(blank=True)
    description_html = models.TextField(blank=True, editable=False)
    host = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_series"
    )
    timezone = zone_field("IANA zone the series is announced in, e.g. America/New_York.")
    default_duration = models.DurationField(
        default=DEFAULT_DURATION, help_text="Length of a new event, e.g. 01:00:00."
    )
    stream_url = https_url_field(help_text="Live stream.")
    podcast_url = https_url_field()
    schedule_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text="Weekly slot: the day (in the series' time zone).",
    )
    schedule_time = models.TimeField(
        null=True,
        blank=True,
        help_text="Weekly slot: the local start time, kept across daylight-saving changes.",
    )

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "series"
        constraints = [
            models.CheckConstraint(
                condition=Q(schedule_weekday__isnull=True, schedule_time__isnull=True)
                | Q(schedule_weekday__isnull=False, schedule_time__isnull=False),
                name="events_series_schedule_complete",
            ),
            models.CheckConstraint(
                condition=Q(default_duration__gt=timedelta(0)),
                name="events_series_duration_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if (self.schedule_weekday is None) != (self.schedule_time is None):
            raise ValidationError(
                "Give both the weekday and the time of the weekly slot, or neither.",
                code="incomplete_schedule",
            )
        if self.default_duration is not None and self.default_duration <= timedelta(0):
            raise ValidationError(
                {"default_duration": "The duration must be longer than zero."}, code="invalid"
            )

    @property
    def has_schedule(self) -> bool:
        return self.schedule_weekday is not None and self.schedule_time is not None


class EventStatus(models.TextChoices):
    """schema.org's EventStatusType (https://schema.org/EventStatusType)."""

    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    POSTPONED = "postponed", "Postponed (no new date yet)"
    RESCHEDULED = "rescheduled", "Rescheduled"


SCHEMA_ORG_STATUS = {
    EventStatus.SCHEDULED: "https://schema.org/EventScheduled",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
    EventStatus.RESCHEDULED: "https://schema.org/EventRescheduled",
}
# Only these go ahead at their announced time: they can be live and get reminders.
HAPPENING_STATUSES = (EventStatus.SCHEDULED, EventStatus.RESCHEDULED)


class EventQuerySet(models.QuerySet):
    """Upcoming, called off, live and past partition every event at an instant `now`:
    upcoming starts after `now` and is going ahead; called off starts after `now` but
    is cancelled or postponed; live has started, not ended and is going ahead; past is
    everything else that has started (ended, or called off)."""

    def upcoming(self, now: datetime) -> EventQuerySet:
        return self.filter(starts_at__gt=now, status__in=HAPPENING_STATUSES)

    def called_off(self, now: datetime) -> EventQuerySet:
        return self.filter(starts_at__gt=now).exclude(status__in=HAPPENING_STATUSES)

    def live(self, now: datetime) -> EventQuerySet:
        return self.filter(starts_at__lte=now, ends_at__gt=now, status__in=HAPPENING_STATUSES)

    def past(self, now: datetime) -> EventQuerySet:
        return self.filter(
            Q(ends_at__lte=now) | (Q(starts_at__lte=now) & ~Q(status__in=HAPPENING_STATUSES))
        )

    def happening(self) -> EventQuerySet:
        return self.filter(status__in=HAPPENING_STATUSES)

    def in_feed(self, now: datetime) -> EventQuerySet:
        """What calendar feeds carry: everything not yet ended, and the last 90 days."""
        return self.filter(ends_at__gt=now - FEED_HISTORY)


class Event(ImageRenditionsModel, MarkdownRenderingModel, TimeStampedModel):
    """One live session, optionally part of a series. `sequence` is the iCalendar
    revision number: it rises whenever the time, the place or the status changes, so
    subscribed calendars replace their copy."""

    markdown_fields = ("description",)
    image_fields = ("image",)

    # Changing any of these is a new revision of the event for calendars (RFC 5545 3.8.7.4).
    REVISION_FIELDS = ("starts_at", "ends_at", "timezone", "location", "stream_url", "status")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(max_length=200, validators=[validate_one_line])
    slug = models.SlugField(max_length=200, unique=True)
    description_markdown = models.TextField(blank=True)
    description_html = models.TextField(blank=True, editable=False)
    hosts = models.ManyToManyField(Person, blank=True, related_name="hosted_events")
    image = ImageField(
        upload_to=UploadTo("events"), blank=True, help_text="Shown on the event's page and cards."
    )
    image_alt = image_alt_field()
    image_meta = image_meta_field()
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(db_index=True)
    timezone = zone_field("IANA zone the event is announced in; local times are shown in it.")
    status = models.CharField(
        max_length=12, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    location = models.CharField(
        max_length=200,
        blank=True,
        help_text='Where it happens; "Online" for a stream only.',
        validators=[validate_one_line],
    )
    stream_url = https_url_field()
    podcast_url = https_url_field()
    recording_url = https_url_field(
        help_text="Once set, clients offer the recording instead of the stream.",
    )
    guides = models.ManyToManyField(Guide, blank=True, related_name="events")
    strategies = models.ManyToManyField(Strategy, blank=True, related_name="events")
    reflection_prompt = models.CharField(
        max_length=500,
        blank=True,
        help_text="A question to write about after the event.",
        validators=[validate_one_line],
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    search_vector = models.GeneratedField(
        expression=weighted_vector(("title", "A"), ("description_markdown", "B")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="events_event_search_gin"),
            models.Index(fields=["status", "starts_at"], name="events_event_status_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        if self.starts_at is None:
            return self.title
        return f"{self.title} ({self.local_start:%Y-%m-%d %H:%M} {self.timezone})"

    @classmethod
    def from_db(cls, db, field_names, values) -> Event:
        instance = super().from_db(db, field_names, values)
        instance._loaded_revision = instance._revision_values()
        return instance

    def _revision_values(self) -> tuple | None:
        if any(name not in self.__dict__ for name in self.REVISION_FIELDS):
            return None  # deferred fields: nothing to compare against
        return tuple(getattr(self, name) for name in self.REVISION_FIELDS)

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._loaded_revision = self._revision_values()

    def save(self, *args, **kwargs) -> None:
        loaded = getattr(self, "_loaded_revision", None)
        changed = loaded is not None and self.pk is not None and loaded != self._revision_values()
        if changed:
            # In the database, so two editors saving at once still count two revisions.
            self.sequence = F("sequence") + 1
        if changed and (update_fields := kwargs.get("update_fields")):
            kwargs["update_fields"] = {*update_fields, "sequence"}
        super().save(*args, **kwargs)
        if changed:
            self.sequence = type(self).objects.values_list("sequence", flat=True).get(pk=self.pk)
        self._loaded_revision = self._revision_values()

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
        if self.slug in RESERVED_EVENT_SLUGS:
            raise ValidationError({"slug": f'"{self.slug}" is reserved; choose another slug.'})

    # --- derived, never stored -----------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def is_happening(self) -> bool:
        return self.status in HAPPENING_STATUSES

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_happening and self.starts_at <= now < self.ends_at

    def phase(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.starts_at > now:
            return "upcoming" if self.is_happening else "called_off"
        return "live" if self.is_live(now) else "past"

    @property
    def schema_org_status(self) -> str:
        return SCHEMA_ORG_STATUS[EventStatus(self.status)]

    @property
    def ical_uid(self) -> str:
        return f"{self.uid}@breakthrough"


class ReminderOffset(models.IntegerChoices):
    QUARTER_HOUR = 15, "15 minutes before"
    HOUR = 60, "1 hour before"
    DAY = 1440, "1 day before"


class ReminderState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    MISSED = "missed", "Not sent: the event had already started"
    FAILED = "failed", "Not sent: the mail server kept refusing"
    CANCELLED = "cancelled", "Not sent: the event was cancelled (notice sent instead)"


class Reminder(models.Model):
    """A member's request to be emailed `minutes_before` an event starts.

    The due time is never stored: it is derived from the event's current start, so a
    rescheduled event moves its reminders with it. `handled_for` records the start the
    reminder was last handled for (sent, missed or given up); when the event moves to a
    new start the reminder is due again."""

    Offset = ReminderOffset
    State = ReminderState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_reminders"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    minutes_before = models.PositiveSmallIntegerField(choices=Offset.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    handled_for = models.DateTimeField(
        null=True, blank=True, help_text="The event start this reminder was last handled for."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "event", "minutes_before"], name="events_reminder_unique_offset"
            ),
            models.CheckConstraint(
                condition=Q(minutes_before__in=[15, 60, 1440]),
                name="events_reminder_known_offset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} — {self.event.title} ({self.get_minutes_before_display()})"

    @property
    def remind_at(self) -> datetime:
        return self.event.starts_at - timedelta(minutes=self.minutes_before)

    @property
    def current_state(self) -> str:
        """The state for the event as it stands now, before any worker has looked: a
        reminder handled for an earlier start, or cancelled with an event that is back
        on, is pending again (the worker sends it when due)."""
        if self.event.status not in HAPPENING_STATUSES:
            return self.state
        if self.state == ReminderState.CANCELLED:
            return ReminderState.PENDING
        if self.state != ReminderState.PENDING and self.handled_for != self.event.starts_at:
            return ReminderState.PENDING
        return self.state


class CancellationNotice(models.Model):
    """The one email telling a member that an event they asked about is cancelled.
    Its unique key is how concurrent workers agree that exactly one of them sends it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cancellation_notices"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "event"], name="events_cancellationnotice_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} told {self.event.title} is cancelled"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's private calendar address. The token is the only credential, so it
    is long and random; rotating it (or deleting the row) revokes the old address."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(token__regex=r"^[A-Za-z0-9_-]{32,64}$"),  # noqa: S106
                name="events_calendarfeed_token_format",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.owner}"
