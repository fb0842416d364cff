"""`GET /api/v1/me/home/`: the home screen in one call, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from journaling.models import Commitment
from profiles.models import SavedItem
from tests.events.factories import EventFactory, ReminderFactory
from tests.journaling.factories import CommitmentFactory, JournalEntryFactory
from tests.strategies.factories import GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/home/"
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 4)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def home(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return response.json()


def test_a_new_member_gets_an_empty_home(member_client):
    body = home(member_client)
    assert body["today"] == "2026-03-04"
    assert body["next_event"] is None
    assert body["commitments_today"] == []
    assert body["streak"] == {"current_days": 0, "longest_days": 0}
    assert body["weekly_goal"]["target_days"] == 3
    assert body["recommendations"] == body["saved"] == body["on_this_day"] == []


def test_home_gathers_the_members_day(member, member_client, other_member):
    strategy = StrategyFactory(guide=GuideFactory(), slug="walk")
    live = EventFactory(slug="live-now", starts_at=NOW - timedelta(minutes=10))
    EventFactory(slug="later", starts_at=NOW + timedelta(days=2))
    ReminderFactory(owner=other_member, event=live)
    CommitmentFactory(owner=member, text="Walk ten minutes", due_date=TODAY, strategy=strategy)
    CommitmentFactory(owner=member, text="Tomorrow's", due_date=TODAY + timedelta(days=1))
    CommitmentFactory(
        owner=member,
        text="Done already",
        due_date=TODAY,
        status=Commitment.Status.DONE,
        checked_in_at=NOW,
    )
    CommitmentFactory(owner=other_member, text="Not mine", due_date=TODAY)
    for days_ago in (0, 1, 2):
        JournalEntryFactory(owner=member, entry_date=TODAY - timedelta(days=days_ago))
    JournalEntryFactory(owner=member, title="A year ago", entry_date=date(2025, 3, 4))
    JournalEntryFactory(owner=other_member, title="Not mine either", entry_date=date(2025, 3, 4))
    SavedItem.objects.create(owner=member, strategy=strategy)

    body = home(member_client, weekly_goal=2)

    assert body["next_event"]["slug"] == "live-now"
    assert body["next_event"]["is_live"] is True
    assert body["next_event"]["has_reminder"] is False
    assert body["next_event"]["url"].endswith("/api/v1/events/live-now/")
    assert [c["text"] for c in body["commitments_today"]] == ["Walk ten minutes"]
    assert body["commitments_today"][0]["strategy"]["slug"] == "walk"
    assert body["streak"]["current_days"] == 3
    assert body["weekly_goal"]["target_days"] == 2
    assert body["weekly_goal"]["met_this_week"] is True
    assert [e["title"] for e in body["on_this_day"]] == ["A year ago"]
    assert body["on_this_day"][0]["years_ago"] == 1
    assert [s["strategy"]["slug"] for s in body["saved"]] == ["walk"]
    assert len(body["recommendations"]) <= 3
    assert "walk" not in [r["slug"] for r in body["recommendations"]]


def test_home_says_when_the_member_set_a_reminder(member, member_client):
    event = EventFactory(slug="soon")
    ReminderFactory(owner=member, event=event)
    assert home(member_client)["next_event"]["has_reminder"] is True


def test_today_is_the_members_own_date(member, member_client):
    member.timezone = "Pacific/Kiritimati"  # UTC+14: already 5 March there
    member.save(update_fields=["timezone"])
    CommitmentFactory(owner=member, text="Tomorrow in UTC", due_date=date(2026, 3, 5))
    body = home(member_client)
    assert body["today"] == "2026-03-05"
    assert [c["text"] for c in body["commitments_today"]] == ["Tomorrow in UTC"]


@pytest.mark.parametrize("goal", ["0", "8", "x"])
def test_bad_weekly_goal_is_400(member_client, goal):
    response = member_client.get(URL, {"weekly_goal": goal})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "weekly_goal"


def test_anonymous_gets_401(api_client):
    assert api_client.get(URL).status_code == 401


def _history(member, entries: int) -> None:
    strategy = StrategyFactory(guide=GuideFactory())
    JournalEntryFactory.create_batch(
        entries, owner=member, strategy=strategy, mood_before=3, mood_after=5
    )
    CommitmentFactory.create_batch(5, owner=member, due_date=TODAY, strategy=strategy)
    EventFactory(strategies=[strategy])
    SavedItem.objects.create(owner=member, guide=strategy.guide)


@pytest.mark.parametrize("entries", [3, 300])
def test_home_costs_the_same_whatever_the_history(
    member, member_client, entries, django_assert_num_queries
):
    _history(member, entries)
    # Authentication: the token with its user (knox, on the token's first use). Then: the
    # next event with the reminder flag; today's open commitments; the daily streak
    # and the weekly goal (one statement); what the ranking reads of the member; the
    # recommendations (one statement); the newest saved items; "on this day".
    with django_assert_num_queries(8):
        body = home(member_client)
    assert len(body["commitments_today"]) == 5
    assert body["saved"]
    assert body["recommendations"]
    assert body["next_event"]
    # Again with nothing of the member's changed: the ranking is remembered. (The
    # token's second use loads it once more, one query: accounts.token_cache.)
    with django_assert_num_queries(7):
        assert home(member_client) == body


def test_remembered_recommendations_follow_the_members_changes(member, member_client):
    _history(member, 3)
    first = home(member_client)["recommendations"]
    assert first
    top = first[0]
    saved = member_client.post("/api/v1/me/saved/", {top["type"]: top["slug"]}, format="json")
    assert saved.status_code == 201, saved.content
    again = home(member_client)["recommendations"]
    assert top["slug"] not in [r["slug"] for r in again]


def test_home_names_the_front_end_pages(member, member_client, settings):
    settings.WEB_URL_TEMPLATES = {
        "event": "https://app.example/events/{slug}",
        "strategy": "https://app.example/strategies/{slug}",
    }
    strategy = StrategyFactory(slug="walk")
    EventFactory(slug="soon")
    CommitmentFactory(owner=member, due_date=TODAY, strategy=strategy)
    SavedItem.objects.create(owner=member, strategy=strategy)

    body = home(member_client)

    assert body["next_event"]["web_url"] == "https://app.example/events/soon"
    assert body["commitments_today"][0]["strategy"]["web_url"] == (
        "https://app.example/strategies/walk"
    )
    assert body["saved"][0]["strategy"]["web_url"] == "https://app.example/strategies/walk"
    assert body["saved"][0]["strategy"]["url"].endswith("/api/v1/strategies/walk/")
