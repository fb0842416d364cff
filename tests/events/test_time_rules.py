"""Instants, local times and daylight saving: the rules every other feature relies on."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.errors import DomainError
from events import services
from events.models import Event, EventStatus, Weekday
from tests.events.factories import EventFactory, SeriesFactory

NEW_YORK = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


def test_the_sample_talk_is_at_0130_utc_the_next_day():
    starts = datetime(2020, 2, 19, 20, 30, tzinfo=NEW_YORK)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1))
    event.refresh_from_db()
    assert event.starts_at == datetime(2020, 2, 20, 1, 30, tzinfo=UTC)
    assert event.local_start.isoformat() == "2020-02-19T20:30:00-05:00"


@pytest.mark.parametrize(
    ("after", "expected_utc"),
    [
        # Across the March 2025 change (9 March): 8:30 pm EST, then 8:30 pm EDT.
        (
            datetime(2025, 3, 1, tzinfo=UTC),
            ["2025-03-06T01:30Z", "2025-03-13T00:30Z", "2025-03-20T00:30Z"],
        ),
        # Across the November 2025 change (2 November): EDT, then EST again.
        (
            datetime(2025, 10, 25, tzinfo=UTC),
            ["2025-10-30T00:30Z", "2025-11-06T01:30Z", "2025-11-13T01:30Z"],
        ),
    ],
)
def test_a_weekly_slot_keeps_its_local_time_across_clock_changes(after, expected_utc):
    series = SeriesFactory(weekly=True)  # Wednesdays 20:30 New York
    starts = services.weekly_starts(series, after=after, count=3)
    assert [s.strftime("%Y-%m-%dT%H:%MZ") for s in starts] == expected_utc
    for start in starts:
        local = start.astimezone(NEW_YORK)
        assert (local.weekday(), local.time()) == (Weekday.WEDNESDAY, time(20, 30))


def test_a_slot_inside_the_spring_gap_moves_forward_as_rfc_5545_says():
    series = SeriesFactory(schedule_weekday=Weekday.SUNDAY, schedule_time=time(2, 30))
    (start,) = services.weekly_starts(series, after=datetime(2025, 3, 8, tzinfo=UTC), count=1)
    assert start.astimezone(NEW_YORK).isoformat() == "2025-03-09T03:30:00-04:00"


def test_generating_occurrences_creates_dst_correct_events_once():
    series = SeriesFactory(weekly=True)
    now = datetime(2025, 3, 1, tzinfo=UTC)
    first = services.series_generate_occurrences(series=series, count=3, now=now)
    assert [e.local_start.strftime("%a %H:%M %Z") for e in first] == [
        "Wed 20:30 EST",
        "Wed 20:30 EDT",
        "Wed 20:30 EDT",
    ]
    assert all(e.duration == timedelta(hours=1) for e in first)
    # A second run continues after the last one instead of duplicating dates.
    second = services.series_generate_occurrences(series=series, count=2, now=now)
    assert [e.starts_at.date() for e in second] == [
        datetime(2025, 3, 27, tzinfo=UTC).date(),
        datetime(2025, 4, 3, tzinfo=UTC).date(),
    ]
    assert Event.objects.filter(series=series).count() == 5
    assert len({e.slug for e in [*first, *second]}) == 5


def test_generating_without_a_weekly_slot_is_refused():
    with pytest.raises(DomainError) as refused:
        services.series_generate_occurrences(series=SeriesFactory())
    assert (refused.value.code, refused.value.field) == ("no_schedule", "series")


@pytest.mark.parametrize(
    ("change", "rises"),
    [
        ({"starts_at": timedelta(hours=1), "ends_at": timedelta(hours=1)}, True),
        ({"status": EventStatus.CANCELLED}, True),
        ({"stream_url": "https://live.example.org/elsewhere"}, True),
        ({"location": "Brooklyn"}, True),
        ({"timezone": "Europe/Paris"}, True),
        ({"title": "A better title"}, False),
        ({"description_markdown": "New words."}, False),
    ],
)
def test_sequence_rises_only_when_time_place_or_status_changes(change, rises):
    event = Event.objects.get(pk=EventFactory().pk)
    assert event.sequence == 0
    for name, value in change.items():
        shifted = getattr(event, name) + value if isinstance(value, timedelta) else value
        setattr(event, name, shifted)
    event.save()
    event.refresh_from_db()
    assert event.sequence == (1 if rises else 0)
    event.save()  # saving again without a change is not a new revision
    event.refresh_from_db()
    assert event.sequence == (1 if rises else 0)


def test_a_cancelled_event_is_never_live():
    now = datetime(2025, 1, 1, 12, tzinfo=UTC)
    event = EventFactory(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    assert event.is_live(now)
    event.status = EventStatus.CANCELLED
    event.save()
    assert not event.is_live(now)
    assert event.phase(now) == "past"
    assert list(Event.objects.live(now)) == []
    assert list(Event.objects.past(now)) == [event]
