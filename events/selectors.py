"""Reads of events: the querysets views serve, the next clock-driven change, the
feeds, and the pieces other apps show (search hits, a guide's upcoming events)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Prefetch, QuerySet
from django.urls import reverse

from events.models import FEED_HISTORY, CalendarFeed, Event, EventStatus, Reminder, Series
from strategies.extensions import SearchHit
from strategies.models import SEARCH_CONFIG, Guide, Person, Strategy

# How many linked events a guide or strategy detail lists.
LINKED_EVENTS_LIMIT = 5


def event_list_queryset() -> QuerySet[Event]:
    """Events with what list rows show: the series and the hosts (3 queries a page)."""
    return (
        Event.objects.select_related("series")
        .prefetch_related(Prefetch("hosts", queryset=Person.objects.order_by("name", "id")))
        .defer("search_vector", "description_markdown", "description_html")
    )


def event_detail_queryset(now: datetime) -> QuerySet[Event]:
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


def series_queryset() -> QuerySet[Series]:
    return Series.objects.select_related("host").order_by("title", "id")


def next_event(now: datetime) -> Event | None:
    """The event a "next live talk" banner shows: the one live now, else the soonest
    upcoming one that is going ahead."""
    return (
        event_detail_queryset(now)
        .happening()
        .filter(ends_at__gt=now)
        .order_by("starts_at", "id")
        .first()
    )


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


def feed_events(now: datetime, *, series: Series | None = None) -> QuerySet[Event]:
    """Events for a public feed: all not yet ended, and those of the last 90 days."""
    queryset = Event.objects.in_feed(now).defer("search_vector", "description_html")
    if series is not None:
        queryset = queryset.filter(series=series)
    return queryset.order_by("starts_at", "id")


def member_feed_events(feed: CalendarFeed, now: datetime) -> QuerySet[Event]:
    """The events a member asked to be reminded of, in the feeds' window."""
    return (
        Event.objects.in_feed(now)
        .filter(reminders__owner_id=feed.owner_id)
        .distinct()
        .defer("search_vector", "description_html")
        .order_by("starts_at", "id")
    )


def feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(token=token).first()


def reminders_of(owner) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(owner=owner).select_related("event").order_by("-created_at", "-id")
    )


def _linked_upcoming(now: datetime, **link: object) -> list[Event]:
    return list(
        Event.objects.happening()
        .filter(ends_at__gt=now, **link)
        .select_related("series")
        .defer("search_vector", "description_markdown", "description_html")
        .order_by("starts_at", "id")[:LINKED_EVENTS_LIMIT]
    )


def upcoming_events_for_guide(guide: Guide, now: datetime) -> list[Event]:
    """Events linked to a guide that are live or still to come (one query)."""
    return _linked_upcoming(now, guides=guide)


def upcoming_events_for_strategy(strategy: Strategy, now: datetime) -> list[Event]:
    return _linked_upcoming(now, strategies=strategy)


def search_events(query: SearchQuery, limit: int) -> list[SearchHit]:
    """Events matching `query`, best first, with the matched words marked."""
    rows = (
        Event.objects.filter(search_vector=query)
        .exclude(status=EventStatus.CANCELLED)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                "description_markdown",
                query,
                config=SEARCH_CONFIG,
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=35,
                min_words=15,
            ),
        )
        .order_by("-rank", "-starts_at", "id")
        .only("title", "slug")[:limit]
    )
    return [
        SearchHit(
            kind="event",
            title=event.title,
            slug=event.slug,
            path=reverse("event-detail", kwargs={"slug": event.slug}),
            snippet=event.snippet,
            rank=float(event.rank),
        )
        for event in rows
    ]
