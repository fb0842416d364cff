"""iCalendar files (RFC 5545 with RFC 7986's extensions) and "add to calendar" links.

Every file is built with the `icalendar` library. Times are written in the event's own
zone (`DTSTART;TZID=America/New_York:20200219T203000`) with a matching VTIMEZONE, so a
weekly 8:30 pm talk stays at 8:30 pm in New York whatever the reader's calendar zone.

What keeps subscribed calendars true:
- `UID` is the event's permanent uuid, never the slug (editors may rename).
- `SEQUENCE` is the event's revision; it rises when time, place or status changes.
- `DTSTAMP` and `LAST-MODIFIED` are the last edit, so an unchanged event serialises to
  the same bytes and the same ETag.
- A cancelled event stays in feeds with `STATUS:CANCELLED`, so calendars remove it
  rather than keep a stale copy.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from icalendar import Calendar, Conference, Timezone, vDuration, vText
from icalendar import Event as ICalEvent

from core.markdown import markdown_to_text
from core.validators import one_line
from events.models import DEFAULT_TIMEZONE, Event, EventStatus

PRODID = "-//Breakthrough//Events 1.0//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# How often subscribers should fetch a feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
FEED_REFRESH = timedelta(hours=1)
ICAL_STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.RESCHEDULED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal"})
CALENDAR_END = b"END:VCALENDAR\r\n"
# About 1 KB each: at most some 20 MB per process.
VEVENT_MEMO_SIZE = 20_000
# Serialised VEVENTs are shared between processes through the cache for this long,
# under a name made of every value they are made of (see `_vevent_key`).
VEVENT_SHARED_SECONDS = 7 * 24 * 60 * 60
VEVENT_SHARED_PREFIX = "vevent:"
GOOGLE_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_URL = "https://outlook.live.com/calendar/0/action/compose"
OFFICE365_URL = "https://outlook.office.com/calendar/0/action/compose"


def plain_description(event: Event, *, url: str = "") -> str:
    """The description calendars show: the editor's text as plain text (calendars show
    no Markdown), the links, then the event's page (`url`)."""
    text = markdown_to_text(event.description_markdown)
    parts = [text] if text else []
    links = []
    if event.status == EventStatus.CANCELLED:
        links.append("This event is cancelled.")
    if event.recording_url:
        links.append(f"Recording: {event.recording_url}")
    if event.stream_url:
        links.append(f"Live stream: {event.stream_url}")
    if event.podcast_url:
        links.append(f"Podcast: {event.podcast_url}")
    if links:
        parts.append("\n".join(links))
    if url:
        parts.append(url)
    # A lone CR would end the content line; calendars want LF, which icalendar escapes.
    return "\n\n".join(parts).replace("\r\n", "\n").replace("\r", "\n")


def _location(event: Event) -> str:
    return event.location or event.stream_url


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """Built once per zone and span of years; components are only read afterwards."""
    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def _ical_event(event: Event, *, url: str) -> ICalEvent:
    conferences = []
    if event.stream_url:
        conferences.append(Conference(event.stream_url, feature=["VIDEO"], label="Live stream"))
    if event.podcast_url:
        conferences.append(Conference(event.podcast_url, feature=["AUDIO"], label="Podcast"))
    return ICalEvent.new(
        uid=event.ical_uid,
        summary=one_line(event.title),
        start=event.local_start,
        end=event.local_end,
        stamp=event.updated_at.astimezone(UTC),
        created=event.created_at.astimezone(UTC),
        last_modified=event.updated_at.astimezone(UTC),
        sequence=event.sequence,
        status=ICAL_STATUS[EventStatus(event.status)],
        description=plain_description(event, url=url),
        location=one_line(_location(event)) or None,
        url=url,
        conferences=conferences or None,
    )


def build_calendar(
    events: Iterable[Event],
    *,
    url_for: Callable[[Event], str],
    uid: str,
    name: str,
    description: str = "",
    source_url: str = "",
    feed: bool = True,
) -> bytes:
    """One VCALENDAR holding `events`, each with the VTIMEZONE of its zone.

    `feed=True` marks a subscription (refresh interval, source); `False` is a one-off
    "add to calendar" file."""
    calendar = Calendar.new(
        prodid=PRODID,
        uid=uid,
        name=one_line(name),
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    if description:
        # Not through Calendar.new(description=...): it writes X-WR-CALDESC raw, and a
        # line break in the text then fails the whole file. As vText it is escaped.
        calendar.add("DESCRIPTION", description)
        calendar.add("X-WR-CALDESC", vText(description))
    if feed:
        calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        # An X- property has no known type: give it one, or it is written as "1:00:00".
        calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
        if source_url:
            calendar.add("SOURCE", source_url, parameters={"VALUE": "URI"})

    if isinstance(events, QuerySet):
        spans, vevents = _feed_vevents(events, url_for)
    else:
        events = list(events)
        spans = [(e.timezone, e.local_start.year, e.local_end.year) for e in events]
        vevents = _vevents(events, url_for)
    # One VTIMEZONE per zone used, covering the years of the file, before the events.
    years: dict[str, tuple[int, int]] = {}
    for tzid, first_year, last_year in spans:
        if tzid in UTC_ZONES:
            continue
        known = years.get(tzid, (first_year, last_year))
        years[tzid] = (min(first_year, known[0]), max(last_year, known[1]))
    if not spans:
        # RFC 5545 wants at least one component; an empty feed carries our default
        # zone rather than being a file strict parsers refuse.
        this_year = datetime.now(UTC).year
        years[DEFAULT_TIMEZONE] = (this_year, this_year)
    for tzid, (first, last) in sorted(years.items()):
        calendar.add_component(_vtimezone(tzid, first, last))
    head = calendar.to_ical()
    if not head.endswith(CALENDAR_END):
        raise RuntimeError("icalendar changed how it ends a calendar; update build_calendar.")
    return head[: -len(CALENDAR_END)] + b"".join(vevents) + CALENDAR_END


def _vevent_key(event: Event, url: str) -> str:
    """Names one serialised VEVENT by every value it is made of, so an edit (even one
    that bypasses `save()`) can never be served from an old entry."""
    parts = (
        event.pk,
        event.uid,
        event.title,
        event.description_markdown,
        event.starts_at.isoformat(),
        event.ends_at.isoformat(),
        event.timezone,
        event.status,
        event.sequence,
        event.location,
        event.stream_url,
        event.podcast_url,
        event.recording_url,
        event.created_at.isoformat(),
        event.updated_at.isoformat(),
        url,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


class _VeventMemo:
    """Serialised VEVENTs kept in this process, least recently used dropped first.

    icalendar takes about a millisecond per event, so a feed of thousands rebuilt after
    each content change would take seconds; unchanged events are reused instead. What
    this process has not serialised yet it first looks for in the shared cache, in one
    `get_many` (another worker made it), and what it serialises it shares with one
    `set_many`: after an edit, whichever worker rebuilds the feed serialises the edited
    event alone."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            if (body := self.entries.get(key)) is not None:
                self.entries.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        with self.lock:
            self.entries[key] = body
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


vevent_memo = _VeventMemo(VEVENT_MEMO_SIZE)


# A feed names each event in SQL by every column `_vevent_key` reads (a row's text
# form tells NULL from empty), with the years its start and end fall in locally, so
# that only the events not serialised yet are loaded as models: building thousands of
# model instances to find the one that changed cost most of a rebuild.
_FEED_KEY_SQL = (
    "md5(ROW(events_event.id, events_event.uid, events_event.title,"
    " events_event.description_markdown, events_event.starts_at, events_event.ends_at,"
    " events_event.timezone, events_event.status, events_event.sequence,"
    " events_event.location, events_event.stream_url, events_event.podcast_url,"
    " events_event.recording_url, events_event.created_at, events_event.updated_at)::text)"
)
_LOCAL_YEAR_SQL = "EXTRACT(year FROM events_event.{column} AT TIME ZONE events_event.timezone)::int"


class _Slug:
    """What `url_for` reads of an event (its slug), for a feed's rows."""

    __slots__ = ("slug",)

    def __init__(self, slug: str) -> None:
        self.slug = slug


def _feed_vevents(
    events: QuerySet[Event], url_for: Callable[[Event], str]
) -> tuple[list[tuple[str, int, int]], list[bytes]]:
    rows = list(
        events.annotate(
            # Constant SQL, no input in it.
            vevent_key=RawSQL(_FEED_KEY_SQL, []),  # noqa: S611
            first_year=RawSQL(_LOCAL_YEAR_SQL.format(column="starts_at"), []),  # noqa: S611
            last_year=RawSQL(_LOCAL_YEAR_SQL.format(column="ends_at"), []),  # noqa: S611
        ).values_list("pk", "slug", "timezone", "first_year", "last_year", "vevent_key")
    )
    parts: list[bytes | None] = []
    missing: dict[str, tuple[int, int, str]] = {}
    for pk, slug, _, _, _, row_key in rows:
        url = url_for(_Slug(slug))  # type: ignore[arg-type]
        key = f"row:{row_key}:{url}"
        body = vevent_memo.get(key)
        if body is None:
            missing[key] = (len(parts), pk, url)
        parts.append(body)
    if missing:
        shared = cache.get_many([VEVENT_SHARED_PREFIX + key for key in missing])
        unmade = {
            pk: (key, index, url)
            for key, (index, pk, url) in missing.items()
            if VEVENT_SHARED_PREFIX + key not in shared
        }
        for key, (index, _, _) in missing.items():
            if (body := shared.get(VEVENT_SHARED_PREFIX + key)) is not None:
                vevent_memo.put(key, body)
                parts[index] = body
        made = {}
        for event in events.filter(pk__in=list(unmade)) if unmade else ():
            key, index, url = unmade[event.pk]
            body = made[VEVENT_SHARED_PREFIX + key] = _ical_event(event, url=url).to_ical()
            vevent_memo.put(key, body)
            parts[index] = body
        if made:
            cache.set_many(made, timeout=VEVENT_SHARED_SECONDS)
    spans = [(tzid, first, last) for _, _, tzid, first, last, _ in rows]
    return spans, parts  # type: ignore[return-value]


def _vevents(events: list[Event], url_for: Callable[[Event], str]) -> list[bytes]:
    parts: list[bytes | None] = []
    missing: dict[str, tuple[int, Event, str]] = {}
    for event in events:
        url = url_for(event)
        key = _vevent_key(event, url)
        body = vevent_memo.get(key)
        if body is None:
            missing[key] = (len(parts), event, url)
        parts.append(body)
    if missing:
        shared = cache.get_many([VEVENT_SHARED_PREFIX + key for key in missing])
        made = {}
        for key, (index, event, url) in missing.items():
            body = shared.get(VEVENT_SHARED_PREFIX + key)
            if body is None:
                body = made[VEVENT_SHARED_PREFIX + key] = _ical_event(event, url=url).to_ical()
            vevent_memo.put(key, body)
            parts[index] = body
        if made:
            cache.set_many(made, timeout=VEVENT_SHARED_SECONDS)
    return parts  # type: ignore[return-value]


def _compact_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def google_calendar_url(event: Event, *, url: str) -> str:
    """Google's "add event" template. Dates are UTC instants (unambiguous); `ctz` makes
    Google show them in the event's zone."""
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_compact_utc(event.starts_at)}/{_compact_utc(event.ends_at)}",
        "details": plain_description(event, url=url),
        "location": _location(event),
        "ctz": event.timezone,
    }
    return f"{GOOGLE_URL}?{urlencode(query)}"


def outlook_calendar_url(event: Event, *, url: str, office365: bool = False) -> str:
    """Outlook's compose deep link; ISO 8601 instants with `Z` carry their zone."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": _iso_utc(event.starts_at),
        "enddt": _iso_utc(event.ends_at),
        "body": plain_description(event, url=url),
        "location": _location(event),
    }
    return f"{OFFICE365_URL if office365 else OUTLOOK_URL}?{urlencode(query)}"
