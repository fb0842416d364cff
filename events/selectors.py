"""Reads of events: the querysets views serve, the next clock-driven change, the
feeds, and the pieces other apps show (a guide's or a strategy's upcoming events)."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Prefetch, QuerySet

from events.models import (
    FEED_HISTORY,
    CalendarFeed,
    CancellationNotice,
    Event,
    Reminder,
    Series,
)
from strategies.models import Guide, Person, Strategy

# How many linked events a guide or strategy detail lists, and a series detail.
LINKED_EVENTS_LIMIT = 5
SERIES_UPCOMING_LIMIT = 5
# What list rows never show: the text and its search vector.
LIST_DEFERRED = ("search_vector", "description_markdown", "description_html")


def event_list() -> QuerySet[Event]:
    """Events with what list rows show: the series and the hosts (3 queries a page)."""
    return (
        Event.objects.select_related("series")
        .prefetch_related(Prefetch("hosts", queryset=Person.objects.order_by("name", "id")))
        .defer(*LIST_DEFERRED)
    )


def event_detail_list(now: datetime) -> QuerySet[Event]:
    """Adds the linked guides and strategies the public may see at `now`."""
    return (
        Event.objects.select_related("series")
        .prefetch_related(
            Prefetch("hosts", queryset=Person.objects.order_by("name", "id")),
            Prefetch(
                "guides",
                queryset=Guide.objects.published(now)
                .order_by("title", "id")
                .only("id", "slug", "title"),
            ),
            Prefetch(
                "strategies",
                queryset=Strategy.objects.published(now)
                .order_by("title", "id")
                .only("id", "slug", "title", "guide_id"),
            ),
        )
        .defer("search_vector")
    )


def upcoming_event_list(now: datetime) -> QuerySet[Event]:
    """List rows of the events still to come that are going ahead, soonest first."""
    return event_list().upcoming(now).order_by("starts_at", "id")


def event_get(slug: str) -> Event | None:
    """One event with all it says about itself (for its calendar file)."""
    return Event.objects.defer("search_vector").filter(slug=slug).first()


def _going_ahead(queryset: QuerySet[Event], now: datetime) -> QuerySet[Event]:
    """Live at `now` or still to come, and not called off; soonest first."""
    return queryset.happening().filter(ends_at__gt=now).order_by("starts_at", "id")


def next_event_get(now: datetime) -> Event | None:
    """The event a "next live talk" banner shows: the one live now, else the soonest
    upcoming one that is going ahead."""
    return _going_ahead(event_detail_list(now), now).first()


def series_list() -> QuerySet[Series]:
    return Series.objects.select_related("host").order_by("title", "id")


def series_detail_list(now: datetime) -> QuerySet[Series]:
    """Each series with its next few events going ahead, as `series.upcoming`."""
    upcoming = _going_ahead(Event.objects.defer(*LIST_DEFERRED), now)
    return series_list().prefetch_related(
        Prefetch("events", queryset=upcoming[:SERIES_UPCOMING_LIMIT], to_attr="upcoming")
    )


def series_get(slug: str) -> Series | None:
    return Series.objects.filter(slug=slug).first()


def next_change_after(now: datetime) -> datetime | None:
    """The next instant after `now` at which some public event output changes by the
    clock alone: an event starts or ends, or drops out of the feeds' 90-day history.
    One query; each MIN is an index lookup (PostgreSQL's LEAST skips NULLs)."""
    table = connection.ops.quote_name(Event._meta.db_table)
    sql = f"""
        SELECT LEAST(
            (SELECT MIN(starts_at) FROM {table} WHERE starts_at > %(now)s),
            (SELECT MIN(ends_at) FROM {table} WHERE ends_at > %(now)s),
            (SELECT MIN(ends_at) FROM {table} WHERE ends_at > %(history)s) + %(keep)s
        )
    """  # noqa: S608 - the only interpolation is our own quoted table name
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "history": now - FEED_HISTORY, "keep": FEED_HISTORY})
        (instant,) = cursor.fetchone()
    return instant


def _in_feed(now: datetime) -> QuerySet[Event]:
    return (
        Event.objects.in_feed(now)
        .defer("search_vector", "description_html")
        .order_by("starts_at", "id")
    )


def feed_event_list(now: datetime, *, series: Series | None = None) -> QuerySet[Event]:
    """Events for a public feed: all not yet ended, and those of the last 90 days."""
    queryset = _in_feed(now)
    return queryset if series is None else queryset.filter(series=series)


def member_feed_event_list(feed: CalendarFeed, now: datetime) -> QuerySet[Event]:
    """The events a member asked to be reminded of, in the feeds' window."""
    return _in_feed(now).filter(reminders__owner_id=feed.owner_id).distinct()


def calendar_feed_get(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(token=token).first()


def member_data(owner) -> dict:
    """What the events app keeps of a member, oldest first, for the personal-data export."""
    return {
        "reminders": Reminder.objects.filter(owner=owner)
        .select_related("event")
        .order_by("created_at", "id"),
        "calendar_feed": CalendarFeed.objects.filter(owner=owner).first(),
        "cancellation_notices": CancellationNotice.objects.filter(owner=owner)
        .select_related("event")
        .order_by("sent_at", "id"),
    }


def reminder_list(owner) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(owner=owner).select_related("event").order_by("-created_at", "-id")
    )


def linked_event_list(now: datetime, **link: Guide | Strategy) -> list[Event]:
    """The live or coming events linked to a guide (`guides=guide`) or a strategy
    (`strategies=strategy`), soonest first (one query)."""
    queryset = Event.objects.filter(**link).select_related("series").defer(*LIST_DEFERRED)
    return list(_going_ahead(queryset, now)[:LINKED_EVENTS_LIMIT])
