"""What events add elsewhere: search hits, guide and strategy details, the export and
account deletion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import CalendarFeed, CancellationNotice, EventStatus, Reminder
from tests.accounts.factories import PASSWORD
from tests.events.factories import CalendarFeedFactory, EventFactory, ReminderFactory
from tests.strategies.factories import GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def test_search_finds_events_but_not_cancelled_ones(api_client):
    EventFactory(slug="soul", title="The Study of the Soul", description_markdown="Kabbalah.")
    EventFactory(slug="gone", title="Soul searching", status=EventStatus.CANCELLED)
    body = api_client.get("/api/v1/search/", {"q": "soul", "type": "event"}).json()
    assert [(hit["type"], hit["slug"]) for hit in body["results"]] == [("event", "soul")]
    assert body["results"][0]["url"] == "http://testserver/api/v1/events/soul/"
    assert "<mark>" in body["results"][0]["snippet"]


def test_guide_and_strategy_details_list_their_upcoming_events(api_client):
    guide = GuideFactory(slug="stuck")
    strategy = StrategyFactory(slug="act", guide=guide)
    now = timezone.now()
    EventFactory(slug="next", guides=[guide], strategies=[strategy])
    EventFactory(slug="later", guides=[guide], starts_at=now + timedelta(days=9))
    EventFactory(
        slug="live",
        guides=[guide],
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )
    EventFactory(
        slug="over", guides=[guide], strategies=[strategy], starts_at=now - timedelta(days=2)
    )
    EventFactory(slug="off", guides=[guide], status=EventStatus.CANCELLED)
    EventFactory(slug="unlinked")

    guide_events = api_client.get("/api/v1/guides/stuck/").json()["upcoming_events"]
    assert [e["slug"] for e in guide_events] == ["live", "next", "later"]
    assert guide_events[0]["is_live"] is True
    assert guide_events[1]["url"] == "http://testserver/api/v1/events/next/"
    strategy_events = api_client.get("/api/v1/strategies/act/").json()["upcoming_events"]
    assert [e["slug"] for e in strategy_events] == ["next"]


def test_the_export_holds_reminders_feed_and_notices(member_client, member, other_member):
    event = EventFactory(slug="talk", title="Talk")
    ReminderFactory(owner=member, event=event, minutes_before=15)
    ReminderFactory(owner=other_member, event=event)
    feed = CalendarFeedFactory(owner=member)
    CancellationNotice.objects.create(owner=member, event=EventFactory(slug="off"))

    section = member_client.get("/api/v1/me/export/").json()["events"]
    assert [(r["event"], r["event_title"], r["minutes_before"]) for r in section["reminders"]] == [
        ("talk", "Talk", 15)
    ]
    assert section["calendar_feed"]["path"] == f"/api/v1/calendar/{feed.token}.ics"
    assert [n["event"] for n in section["cancellation_notices"]] == ["off"]


def test_account_deletion_erases_reminders_feed_and_notices(member_client, member, other_member):
    event = EventFactory()
    ReminderFactory(owner=member, event=event)
    ReminderFactory(owner=other_member, event=event)
    CalendarFeedFactory(owner=member)
    CancellationNotice.objects.create(owner=member, event=event)

    response = member_client.delete("/api/v1/me/", {"password": PASSWORD})
    assert response.status_code == 204, response.content
    assert not Reminder.objects.filter(owner_id=member.pk).exists()
    assert not CalendarFeed.objects.filter(owner_id=member.pk).exists()
    assert not CancellationNotice.objects.filter(owner_id=member.pk).exists()
    assert Reminder.objects.filter(owner=other_member).count() == 1


def test_the_api_root_links_the_event_collections(api_client):
    links = api_client.get("/api/v1/").json()["links"]
    assert links["events"] == "http://testserver/api/v1/events/"
    assert links["upcoming_events"] == "http://testserver/api/v1/events/upcoming/"
    assert links["next_event"] == "http://testserver/api/v1/events/next/"
    assert links["series"] == "http://testserver/api/v1/series/"
