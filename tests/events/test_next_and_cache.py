"""`/events/next/`, `/events/upcoming/`, and a shared cache that is right to the second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from events import selectors
from events.models import EventStatus
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_next_is_the_live_event_else_the_soonest_going_ahead(api_client):
    EventFactory(slug="cancelled", starts_at=at(10), ends_at=at(70), status=EventStatus.CANCELLED)
    EventFactory(slug="postponed", starts_at=at(20), ends_at=at(80), status=EventStatus.POSTPONED)
    EventFactory(slug="later", starts_at=at(30), ends_at=at(90))
    EventFactory(slug="live", starts_at=at(-10), ends_at=at(5))
    with time_machine.travel(NOW, tick=False):
        body = api_client.get("/api/v1/events/next/").json()
        assert (body["slug"], body["is_live"]) == ("live", True)
        assert "calendar" in body
    with time_machine.travel(at(5), tick=False):
        assert api_client.get("/api/v1/events/next/").json()["slug"] == "later"


def test_next_is_a_404_in_the_standard_format_when_nothing_is_scheduled(api_client):
    EventFactory(starts_at=at(-120), ends_at=at(-60))
    with time_machine.travel(NOW, tick=False):
        response = api_client.get("/api/v1/events/next/")
    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "not_found",
                "detail": "No event is live or scheduled right now.",
                "attr": None,
            }
        ],
    }


def test_upcoming_leaves_out_started_cancelled_and_postponed_events(api_client):
    EventFactory(slug="live", starts_at=at(-10), ends_at=at(50))
    EventFactory(slug="off", starts_at=at(10), ends_at=at(70), status=EventStatus.CANCELLED)
    EventFactory(slug="wait", starts_at=at(15), ends_at=at(70), status=EventStatus.POSTPONED)
    EventFactory(slug="b", starts_at=at(60 * 48), ends_at=at(60 * 49))
    EventFactory(slug="a", starts_at=at(60), ends_at=at(120), status=EventStatus.RESCHEDULED)
    with time_machine.travel(NOW, tick=False):
        body = api_client.get("/api/v1/events/upcoming/").json()
    assert [row["slug"] for row in body["results"]] == ["a", "b"]
    assert body["count"] == 2


def test_next_change_is_the_nearest_start_end_or_feed_expiry():
    assert selectors.next_change_after(NOW) is None
    EventFactory(starts_at=at(30), ends_at=at(90))
    assert selectors.next_change_after(NOW) == at(30)
    assert selectors.next_change_after(at(30)) == at(90)
    assert selectors.next_change_after(at(90)) == at(90) + timedelta(days=90)


@pytest.mark.parametrize("path", ["/api/v1/events/upcoming/", "/api/v1/events/next/"])
def test_cached_answers_change_at_the_exact_second_an_event_starts(api_client, path):
    EventFactory(slug="first", starts_at=at(10), ends_at=at(70))
    EventFactory(slug="second", starts_at=at(100), ends_at=at(160))
    with time_machine.travel(at(10) - timedelta(seconds=1), tick=False):
        before = api_client.get(path)
        assert before["Cache-Control"] == "public, max-age=1"
        assert api_client.get(path).content == before.content  # from the shared cache
    # The version's own cache timeout would still hold for a second or two; the version
    # knows its expiry instant, so the answer changes on the second.
    with time_machine.travel(at(10), tick=False):
        after = api_client.get(path)
        assert after.status_code == 200
        assert after.content != before.content
        assert after["Cache-Control"] == "public, max-age=60", "until the end at minute 70"
        sent_etag = before["ETag"]
        assert api_client.get(path, HTTP_IF_NONE_MATCH=sent_etag).status_code == 200
    if path.endswith("next/"):
        body = after.json()
        assert (body["slug"], body["is_live"]) == ("first", True)
    else:
        assert [row["slug"] for row in after.json()["results"]] == ["second"]


def test_max_age_never_reaches_past_the_next_start(api_client):
    EventFactory(starts_at=at(0.5), ends_at=at(60))
    with time_machine.travel(NOW, tick=False):
        response = api_client.get("/api/v1/events/")
    assert response["Cache-Control"] == "public, max-age=30"


def test_a_conditional_request_gets_a_304_until_something_changes(api_client):
    event = EventFactory(slug="talk", starts_at=at(600), ends_at=at(660))
    with time_machine.travel(NOW, tick=False):
        first = api_client.get("/api/v1/events/talk/")
        etag = first["ETag"]
        assert api_client.get("/api/v1/events/talk/", HTTP_IF_NONE_MATCH=etag).status_code == 304
        event.title = "Renamed"
        event.save()
        again = api_client.get("/api/v1/events/talk/", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 200
        assert again.json()["title"] == "Renamed"
