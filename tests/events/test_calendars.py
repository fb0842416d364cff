"""Calendar files: per event, per series and for everything; each parsed back and
checked field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from events.models import Event, EventStatus
from tests.events.factories import EventFactory, SeriesFactory
from tests.events.ics import events_by_summary, parse

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
SAMPLE_START = datetime(2020, 2, 19, 20, 30, tzinfo=NEW_YORK)
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def sample_talk():
    return EventFactory(
        slug="kabbalah-of-psychology",
        title="The Kabbalah of Psychology: The Study of the Soul",
        description_markdown="What psychology left out.",
        starts_at=SAMPLE_START,
        ends_at=SAMPLE_START + timedelta(hours=1),
        stream_url="https://live.example.org/simon",
        podcast_url="https://podcast.example.org/simon",
    )


def test_the_event_file_carries_every_field(api_client, sample_talk):
    response = api_client.get("/api/v1/events/kabbalah-of-psychology/calendar.ics")
    assert response["Content-Disposition"] == 'attachment; filename="kabbalah-of-psychology.ics"'
    calendar = parse(response)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["NAME"]) == sample_talk.title
    assert str(calendar["X-WR-CALNAME"]) == sample_talk.title
    assert "REFRESH-INTERVAL" not in calendar  # a one-off file, not a subscription

    (event,) = calendar.events
    sample_talk.refresh_from_db()
    assert str(event["UID"]) == f"{sample_talk.uid}@breakthrough"
    assert str(event["SUMMARY"]) == sample_talk.title
    # DTSTART;TZID=America/New_York:20200219T203000 is 01:30 UTC the next day.
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.start.replace(tzinfo=None) == datetime(2020, 2, 19, 20, 30)
    assert event.start.astimezone(UTC) == datetime(2020, 2, 20, 1, 30, tzinfo=UTC)
    assert event.end.astimezone(UTC) == datetime(2020, 2, 20, 2, 30, tzinfo=UTC)
    assert event["DTEND"].params["TZID"] == "America/New_York"
    assert event.stamp == sample_talk.updated_at.replace(microsecond=0)
    assert event.last_modified == sample_talk.updated_at.replace(microsecond=0)
    assert event.sequence == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == "http://testserver/api/v1/events/kabbalah-of-psychology/"
    assert str(event["LOCATION"]) == "Online"
    description = str(event["DESCRIPTION"])
    assert description.startswith("What psychology left out.")
    assert "Live stream: https://live.example.org/simon" in description
    assert "Podcast: https://podcast.example.org/simon" in description
    video, audio = event.conferences
    assert (str(video.uri), video.feature, video.label) == (
        "https://live.example.org/simon",
        "VIDEO",
        "Live stream",
    )
    assert (str(audio.uri), audio.feature) == ("https://podcast.example.org/simon", "AUDIO")
    assert event["CONFERENCE"][0].params["VALUE"] == "URI"


def test_the_vtimezone_in_the_file_gives_the_same_instant(api_client, sample_talk):
    calendar = parse(api_client.get("/api/v1/events/kabbalah-of-psychology/calendar.ics"))
    (zone,) = calendar.timezones
    assert str(zone["TZID"]) == "America/New_York"
    # Read the local time with the file's own VTIMEZONE, not with the system's zone data.
    from_file = zone.to_tz()
    local = calendar.events[0].start.replace(tzinfo=None)
    assert local.replace(tzinfo=from_file).astimezone(UTC) == datetime(
        2020, 2, 20, 1, 30, tzinfo=UTC
    )


def test_a_weekly_series_feed_stays_at_830_pm_across_both_clock_changes(api_client):
    series = SeriesFactory(slug="weekly", weekly=True)
    with time_machine.travel(datetime(2025, 2, 25, tzinfo=UTC), tick=False):
        from events.services import series_generate_occurrences

        series_generate_occurrences(series=series, count=40)
        calendar = parse(api_client.get("/api/v1/series/weekly/calendar.ics"))
    (zone,) = calendar.timezones
    from_file = zone.to_tz()
    seen_offsets = set()
    for event in calendar.events:
        local = event.start.replace(tzinfo=None)
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        assert (local.weekday(), local.hour, local.minute) == (2, 20, 30)
        instant = local.replace(tzinfo=from_file).astimezone(UTC)
        assert instant == local.replace(tzinfo=NEW_YORK).astimezone(UTC)
        seen_offsets.add(instant.hour)
    assert seen_offsets == {0, 1}  # 00:30 UTC in summer, 01:30 UTC in winter
    assert len(calendar.events) == 40


def test_a_utc_event_needs_no_vtimezone(api_client):
    start = datetime(2025, 6, 10, 18, tzinfo=UTC)
    EventFactory(slug="utc", timezone="UTC", starts_at=start, ends_at=start + timedelta(hours=1))
    response = api_client.get("/api/v1/events/utc/calendar.ics")
    calendar = parse(response)
    assert calendar.timezones == []
    assert b"DTSTART:20250610T180000Z" in response.content


def test_the_full_feed_holds_upcoming_and_the_last_90_days(api_client):
    def make(slug, days):
        start = NOW + timedelta(days=days)
        end = start + timedelta(hours=1)
        return EventFactory(slug=slug, title=slug, starts_at=start, ends_at=end)

    make("next-week", 7)
    make("last-month", -30)
    make("89-days-ago", -89)
    make("too-old", -91)
    with time_machine.travel(NOW, tick=False):
        response = api_client.get("/api/v1/events/calendar.ics")
    calendar = parse(response)
    assert set(events_by_summary(calendar)) == {"next-week", "last-month", "89-days-ago"}
    assert str(calendar["NAME"]) == "Breakthrough live events"
    assert str(calendar["X-WR-CALNAME"]) == "Breakthrough live events"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert str(calendar["SOURCE"]) == "http://testserver/api/v1/events/calendar.ics"
    assert str(calendar["UID"]) == "all-events@breakthrough"
    assert response["Content-Disposition"] == 'inline; filename="breakthrough-events.ics"'


def test_cancelled_and_rescheduled_events_update_subscribed_calendars(api_client):
    start = NOW + timedelta(days=3)
    url = "/api/v1/events/calendar.ics"
    with time_machine.travel(NOW, tick=False):
        keep = EventFactory(title="moved", starts_at=start, ends_at=start + timedelta(hours=1))
        drop = EventFactory(title="dropped", starts_at=start, ends_at=start + timedelta(hours=1))
        before = events_by_summary(parse(api_client.get(url)))
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        keep.starts_at += timedelta(days=1)
        keep.ends_at += timedelta(days=1)
        keep.status = EventStatus.RESCHEDULED
        keep.save()
        drop.status = EventStatus.CANCELLED
        drop.save()
        after = events_by_summary(parse(api_client.get(url)))

    for title in ("moved", "dropped"):
        assert str(after[title]["UID"]) == str(before[title]["UID"])  # same event
        assert after[title].sequence == before[title].sequence + 1
        assert after[title].stamp == before[title].stamp + timedelta(minutes=5)
    assert str(after["dropped"]["STATUS"]) == "CANCELLED"  # kept, so calendars remove it
    assert "This event is cancelled." in str(after["dropped"]["DESCRIPTION"])
    assert str(after["moved"]["STATUS"]) == "CONFIRMED"
    assert after["moved"].start - before["moved"].start == timedelta(days=1)


def test_the_series_feed_holds_only_its_series(api_client):
    series = SeriesFactory(slug="mine", title="My show", description_markdown="Weekly talk.")
    EventFactory(series=series, title="in")
    EventFactory(title="out")
    calendar = parse(api_client.get("/api/v1/series/mine/calendar.ics"))
    assert set(events_by_summary(calendar)) == {"in"}
    assert str(calendar["NAME"]) == "My show"
    assert str(calendar["DESCRIPTION"]) == "Weekly talk."
    assert str(calendar["UID"]) == f"series-{series.pk}@breakthrough"


def test_the_same_event_serialises_to_the_same_bytes(api_client, sample_talk):
    url = "/api/v1/events/kabbalah-of-psychology/calendar.ics"
    first = api_client.get(url).content
    from django.core.cache import cache

    from core.fast_cache import LOCAL

    cache.clear()  # rebuilt from scratch, not served from the cache
    LOCAL.clear()  # nor from this process's memory
    assert api_client.get(url).content == first


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events/calendar.ics",
        "/api/v1/events/kabbalah-of-psychology/calendar.ics",
        "/api/v1/series/weekly/calendar.ics",
    ],
)
def test_repeat_requests_get_a_304(api_client, sample_talk, url):
    SeriesFactory(slug="weekly")
    first = api_client.get(url)
    assert first.status_code == 200
    assert first["ETag"]
    repeat = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert repeat.status_code == 304
    assert repeat.content == b""


def test_calendar_apps_get_a_calendar_whatever_they_accept(api_client, sample_talk):
    url = "/api/v1/events/kabbalah-of-psychology/calendar.ics"
    response = api_client.get(url, HTTP_ACCEPT="application/json")
    assert isinstance(parse(response), Calendar)


def test_an_unknown_calendar_is_a_json_404(api_client):
    response = api_client.get("/api/v1/events/nope/calendar.ics")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"
    assert api_client.get("/api/v1/series/nope/calendar.ics").status_code == 404


def test_cached_vevents_give_exactly_what_icalendar_writes(sample_talk):
    from events import calendars

    events = [sample_talk, EventFactory(title="second", status=EventStatus.CANCELLED)]

    def url_for(event):
        return f"https://api.example.org/api/v1/events/{event.slug}/"

    def build():
        return calendars.build_calendar(events, url_for=url_for, uid="u@x", name="Feed")

    calendars.vevent_memo.clear()
    cold = build()
    warm = build()  # every VEVENT from the memo now
    assert len(calendars.vevent_memo.entries) == 2
    reference = Calendar.from_ical(cold)
    rebuilt = Calendar.new(
        prodid=calendars.PRODID, uid="u@x", name="Feed", method="PUBLISH", calscale="GREGORIAN"
    )
    for name in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        rebuilt[name] = reference[name]
    for component in reference.timezones:
        rebuilt.add_component(component)
    for event in events:
        rebuilt.add_component(calendars._ical_event(event, url=url_for(event)))
    assert cold == warm == rebuilt.to_ical()
    events[0].title = "Renamed"  # a changed event is serialised again, not read back
    assert b"SUMMARY:Renamed" in build()


def test_a_feed_from_its_rows_is_byte_identical_and_follows_every_edit(sample_talk):
    """A feed (a queryset) names its events by their columns in SQL and loads only the
    ones not serialised yet; it writes exactly the bytes of a build from the models,
    and an edit that bypasses `save()` is never answered from an old VEVENT."""
    from events import calendars

    EventFactory(title="second", status=EventStatus.CANCELLED, timezone="Asia/Tokyo")

    def url_for(event):
        return f"https://api.example.org/api/v1/events/{event.slug}/"

    def build(events):
        return calendars.build_calendar(events, url_for=url_for, uid="u@x", name="Feed")

    feed = Event.objects.order_by("starts_at", "id")
    calendars.vevent_memo.clear()
    assert build(feed) == build(list(feed.all()))
    calendars.vevent_memo.clear()
    assert build(feed) == build(list(feed.all()))  # from the shared cache this time
    Event.objects.filter(pk=sample_talk.pk).update(title="Renamed quietly")
    rebuilt = build(feed)
    assert b"Renamed quietly" in rebuilt
    assert rebuilt == build(list(feed.all()))
