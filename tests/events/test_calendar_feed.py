"""A member's private calendar feed: a secret address that can be rotated and revoked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import EventStatus
from tests.events.factories import CalendarFeedFactory, EventFactory, ReminderFactory
from tests.events.ics import events_by_summary, parse

pytestmark = pytest.mark.django_db
FEED = "/api/v1/me/calendar-feed/"


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_no_feed_until_the_member_creates_one(member_client):
    assert member_client.get(FEED).json() == {"url": None, "created_at": None}


def test_the_feed_lists_the_events_the_member_asked_about(member_client, member, other_member):
    mine = EventFactory(title="mine")
    twice = EventFactory(title="twice")
    cancelled = EventFactory(title="called off", status=EventStatus.CANCELLED)
    EventFactory(title="not mine")
    ReminderFactory(owner=member, event=mine)
    ReminderFactory(owner=member, event=twice, minutes_before=15)
    ReminderFactory(owner=member, event=twice, minutes_before=60)
    ReminderFactory(owner=member, event=cancelled)
    ReminderFactory(owner=other_member, event=EventFactory(title="theirs"))

    url = member_client.post(FEED).json()["url"]
    assert url.startswith("http://testserver/api/v1/calendar/")
    assert url.endswith(".ics")
    assert member_client.get(FEED).json()["url"] == url

    response = member_client.get(path_of(url))
    calendar = parse(response)
    found = events_by_summary(calendar)
    assert set(found) == {"mine", "twice", "called off"}
    assert str(found["called off"]["STATUS"]) == "CANCELLED"
    assert str(calendar["NAME"]) == "My Breakthrough events"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert response["Cache-Control"] == "private, no-cache"
    assert member_client.get(path_of(url), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_feed_answers_if_none_match_by_its_entity_tag(api_client, member):
    ReminderFactory(owner=member)
    path = f"/api/v1/calendar/{CalendarFeedFactory(owner=member).token}.ics"
    etag = api_client.get(path)["ETag"]

    def status_for(if_none_match: str) -> int:
        return api_client.get(path, HTTP_IF_NONE_MATCH=if_none_match).status_code

    assert status_for(f'"stale", W/{etag}') == 304  # one of a list, weak form too
    assert status_for("*") == 304
    assert status_for('"stale"') == 200
    ReminderFactory(owner=member)  # another event in the feed: a new file, a new tag
    assert status_for(etag) == 200


def test_the_feed_needs_no_sign_in_only_the_secret(api_client, member):
    feed = CalendarFeedFactory(owner=member)
    assert api_client.get(f"/api/v1/calendar/{feed.token}.ics").status_code == 200


def test_rotating_revokes_the_old_address(member_client, api_client):
    old = path_of(member_client.post(FEED).json()["url"])
    new = path_of(member_client.post(FEED).json()["url"])
    assert old != new
    assert api_client.get(old).status_code == 404
    assert api_client.get(new).status_code == 200


def test_deleting_revokes_the_address(member_client, api_client):
    url = path_of(member_client.post(FEED).json()["url"])
    assert member_client.delete(FEED).status_code == 204
    response = api_client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert member_client.get(FEED).json()["url"] is None


def test_members_never_see_each_others_feed(member_client, other_client, member):
    mine = member_client.post(FEED).json()["url"]
    theirs = other_client.post(FEED).json()["url"]
    assert mine != theirs
    assert member_client.get(FEED).json()["url"] == mine
    assert other_client.get(FEED).json()["url"] == theirs
    # Rotating one's own feed leaves the other's alone.
    member_client.post(FEED)
    assert other_client.get(path_of(theirs)).status_code == 200


def test_anonymous_visitors_get_401(api_client):
    assert api_client.get(FEED).status_code == 401
    assert api_client.post(FEED).status_code == 401
    assert api_client.delete(FEED).status_code == 401


@pytest.mark.parametrize("token", ["short", "x" * 43 + "!", "a" * 43 + "%20"])
def test_guessed_or_malformed_addresses_are_404(api_client, token):
    assert api_client.get(f"/api/v1/calendar/{token}.ics").status_code == 404


def test_old_events_leave_the_feed(member_client, member):
    long_ago = timezone.now() - timedelta(days=200)
    ReminderFactory(
        owner=member,
        event=EventFactory(title="old", starts_at=long_ago, ends_at=long_ago + timedelta(hours=1)),
    )
    url = path_of(member_client.post(FEED).json()["url"])
    assert parse(member_client.get(url)).events == []
