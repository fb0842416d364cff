"""Writes of the events app: generating a series' occurrences, cancelling and
postponing, members' reminders and calendar feeds. Keyword-only, each atomic; a
broken rule is a `core.errors.DomainError`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.errors import DomainError
from events.models import (
    CalendarFeed,
    CancellationNotice,
    Event,
    EventStatus,
    Reminder,
    Series,
    new_feed_token,
)

DEFAULT_OCCURRENCES = 4


def weekly_starts(series: Series, *, after: datetime, count: int) -> list[datetime]:
    """The next `count` starts of the series' weekly slot strictly after `after`.

    Each start is the slot's wall-clock time on its local date, converted to an instant
    separately, so 8:30 pm in New York is 01:30 UTC in winter and 00:30 UTC in summer.
    A slot inside a spring-forward gap follows RFC 5545 (the earlier offset applies,
    so 2:30 am becomes 3:30 am daylight time)."""
    if not series.has_schedule:
        return []
    zone = ZoneInfo(series.timezone)
    day: date = after.astimezone(zone).date()
    day += timedelta(days=(series.schedule_weekday - day.weekday()) % 7)
    starts: list[datetime] = []
    while len(starts) < count:
        local = datetime.combine(day, series.schedule_time, tzinfo=zone)
        instant = local.astimezone(UTC)
        if instant > after:
            starts.append(instant)
        day += timedelta(weeks=1)
    return starts


def _unique_slug(base: str) -> str:
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def series_generate_occurrences(
    *, series: Series, count: int = DEFAULT_OCCURRENCES, now: datetime | None = None
) -> list[Event]:
    """Create the series' next `count` weekly events after its latest event (or now),
    skipping local dates that already have an event of the series."""
    if not series.has_schedule:
        raise DomainError(
            f"{series} has no weekly slot; set a weekday and a time first.",
            code="no_schedule",
            field="series",
        )
    if not 1 <= count <= 52:
        raise DomainError("Generate from 1 to 52 occurrences.", code="invalid", field="count")
    # Serialise generation per series so two editors clicking at once make no duplicates.
    Series.objects.select_for_update().filter(pk=series.pk).first()
    now = now or timezone.now()
    latest = (
        Event.objects.filter(series=series, starts_at__gt=now)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    zone = ZoneInfo(series.timezone)
    taken = {
        start.astimezone(zone).date()
        for start in Event.objects.filter(series=series, starts_at__gt=now).values_list(
            "starts_at", flat=True
        )
    }
    created = []
    for start in weekly_starts(series, after=latest or now, count=count):
        local_date = start.astimezone(zone).date()
        if local_date in taken:
            continue
        event = Event.objects.create(
            series=series,
            title=series.title,
            slug=_unique_slug(f"{slugify(series.slug)[:185]}-{local_date:%Y-%m-%d}"),
            starts_at=start,
            ends_at=start + series.default_duration,
            timezone=series.timezone,
            stream_url=series.stream_url,
            podcast_url=series.podcast_url,
            location="Online" if series.stream_url else "",
        )
        if series.host_id:
            event.hosts.add(series.host_id)
        created.append(event)
    return created


@transaction.atomic
def events_set_status(*, events: Iterable[Event], status: EventStatus) -> int:
    """Cancel or postpone (or reinstate) events; each changed one gets a new revision.
    Saved one by one so `sequence` rises and the public cache renews."""
    changed = 0
    for event in Event.objects.select_for_update().filter(pk__in=[e.pk for e in events]):
        if event.status != status:
            event.status = status
            event.save(update_fields=["status", "updated_at"])
            changed += 1
    return changed


def reminder_create(*, owner, event: Event, minutes_before: int) -> tuple[Reminder, bool]:
    """One reminder per member, event and offset; only for an event still to come. Asking
    again for one the member has is not an error: it answers that reminder (`False`)."""
    if event.status == EventStatus.CANCELLED:
        raise DomainError(
            "This event is cancelled; there is nothing to be reminded of.",
            code="cancelled",
            field="event",
        )
    if event.starts_at <= timezone.now():
        raise DomainError("This event has already started.", code="already_started", field="event")
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            owner=owner, event=event, minutes_before=minutes_before
        )
    return reminder, created


def reminder_delete(*, reminder: Reminder) -> None:
    reminder.delete()


@transaction.atomic
def calendar_feed_rotate(*, owner) -> CalendarFeed:
    """Create the member's private feed, or give it a new token: the old address stops
    working at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(owner=owner)
    if not created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_revoke(*, owner) -> bool:
    deleted, _ = CalendarFeed.objects.filter(owner=owner).delete()
    return bool(deleted)


def erase_member_data(user) -> None:
    """Account deletion: reminders, notices and the feed go with the member."""
    Reminder.objects.filter(owner=user).delete()
    CalendarFeed.objects.filter(owner=user).delete()
    CancellationNotice.objects.filter(owner=user).delete()
