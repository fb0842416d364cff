"""A cancelled or postponed event that has not started: every list agrees it is not
upcoming, its `phase` says it is called off, and it offers nothing to add to a calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from events.models import EventStatus
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def events():
    start = NOW + timedelta(days=2)
    for slug, status in (
        ("on", EventStatus.SCHEDULED),
        ("moved", EventStatus.RESCHEDULED),
        ("off", EventStatus.CANCELLED),
        ("later", EventStatus.POSTPONED),
    ):
        EventFactory(slug=slug, status=status, starts_at=start, ends_at=start + timedelta(hours=1))


@pytest.mark.usefixtures("events")
def test_upcoming_endpoint_and_filter_agree(api_client):
    with time_machine.travel(NOW, tick=False):
        endpoint = slugs(api_client.get("/api/v1/events/upcoming/"))
        filtered = slugs(api_client.get("/api/v1/events/", {"when": "upcoming"}))
        called_off = slugs(api_client.get("/api/v1/events/", {"when": "called_off"}))
    assert endpoint == filtered == ["on", "moved"]
    assert called_off == ["off", "later"]


@pytest.mark.usefixtures("events")
@pytest.mark.parametrize("slug", ["off", "later"])
def test_a_called_off_event_is_not_upcoming_and_has_no_calendar_links(api_client, slug):
    with time_machine.travel(NOW, tick=False):
        detail = api_client.get(f"/api/v1/events/{slug}/").json()
        row = next(
            row
            for row in api_client.get("/api/v1/events/").json()["results"]
            if row["slug"] == slug
        )
    assert detail["phase"] == row["phase"] == "called_off"
    assert detail["calendar"] is None


@pytest.mark.usefixtures("events")
def test_a_going_ahead_event_keeps_its_links(api_client):
    with time_machine.travel(NOW, tick=False):
        detail = api_client.get("/api/v1/events/on/").json()
    assert detail["phase"] == "upcoming"
    assert detail["calendar"]["ics"].endswith("/api/v1/events/on/calendar.ics")


def test_once_its_time_has_passed_a_cancelled_event_is_past():
    event = EventFactory.build(
        status=EventStatus.CANCELLED, starts_at=NOW - timedelta(hours=2), ends_at=NOW
    )
    assert event.phase(NOW) == "past"
