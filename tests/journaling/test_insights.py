"""Insights on constructed journals: every number checked by hand, streaks in the
member's own time zone across a daylight-saving change and across their midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.journaling.factories import CommitmentFactory, JournalEntryFactory, MemberTagFactory
from tests.strategies.factories import StrategyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/journal/insights/"
# Thursday 20 March 2025, noon UTC: the week began on Monday 17 March.
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def constructed(member):
    a = StrategyFactory(slug="take-action", title="Take Action")
    b = StrategyFactory(slug="think-differently", title="Think Differently")
    sleep = MemberTagFactory(owner=member, name="sleep")
    work = MemberTagFactory(owner=member, name="work")

    def entry(day: date, strategy=None, before=None, after=None, tags=(), **extra):
        return JournalEntryFactory(
            owner=member,
            entry_date=day,
            strategy=strategy,
            mood_before=before,
            mood_after=after,
            tags=list(tags),
            **extra,
        )

    entry(date(2025, 3, 20), a, 2, 6, [sleep])
    entry(date(2025, 3, 19), a, 3, 5, [sleep, work])
    entry(date(2025, 3, 18), a, 4, 7)
    entry(date(2025, 3, 17), a, 5, 5)
    entry(date(2025, 3, 16), a, 1, 6, [work])
    entry(date(2025, 3, 14), b, 6, 4, [sleep])
    entry(date(2025, 3, 14), None, 5, None)
    entry(date(2025, 3, 10), b, 2, 3)
    entry(date(2025, 1, 10), a, 0, 10)
    entry(date(2024, 3, 20), title="A year ago", body="Spring again. " * 40)
    entry(date(2023, 3, 20), title="Two years ago", body="Short.")

    closed = datetime(2025, 3, 20, tzinfo=UTC)
    CommitmentFactory(
        owner=member, strategy=a, due_date=date(2025, 3, 15), status="done", checked_in_at=closed
    )
    CommitmentFactory(
        owner=member, strategy=a, due_date=date(2025, 3, 18), status="partly", checked_in_at=closed
    )
    CommitmentFactory(
        owner=member, strategy=b, due_date=date(2025, 3, 19), status="skipped", checked_in_at=closed
    )
    CommitmentFactory(owner=member, strategy=a, due_date=date(2025, 3, 20))
    CommitmentFactory(
        owner=member, strategy=b, due_date=date(2025, 1, 1), status="done", checked_in_at=closed
    )
    return a, b


def insights(client, query: str = "") -> dict:
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"{URL}{query}")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return response.json()


def test_thirty_days_by_hand(member_client, constructed):
    data = insights(member_client, "?period=30d")

    assert (data["start_date"], data["end_date"]) == ("2025-02-19", "2025-03-20")
    assert data["entries"]["total"] == 8
    assert data["entries"]["days_journaled"] == 7
    assert data["entries"]["enough_data"] is True
    assert data["entries"]["per_week"] == [
        {"week_start": "2025-02-17", "entries": 0, "days": 0},
        {"week_start": "2025-02-24", "entries": 0, "days": 0},
        {"week_start": "2025-03-03", "entries": 0, "days": 0},
        {"week_start": "2025-03-10", "entries": 4, "days": 3},
        {"week_start": "2025-03-17", "entries": 4, "days": 4},
    ]
    assert data["streaks"] == {"current_days": 5, "longest_days": 5}
    assert data["weekly_goal"] == {
        "target_days": 3,
        "this_week_days": 4,
        "met_this_week": True,
        "current_weeks": 2,
        "longest_weeks": 2,
        "forgiven_missed_weeks": 1,
    }
    assert data["mood"]["overall"] == {
        "count": 7,
        "enough_data": True,
        "average_before": 3.29,  # 23 / 7
        "average_after": 5.14,  # 36 / 7
        "average_lift": 1.86,  # 13 / 7
    }
    assert data["mood"]["per_strategy"] == [
        {
            "strategy": "take-action",
            "title": "Take Action",
            "count": 5,
            "enough_data": True,
            "average_lift": 2.8,  # (4 + 2 + 3 + 0 + 5) / 5
        },
        {
            "strategy": "think-differently",
            "title": "Think Differently",
            "count": 2,
            "enough_data": False,
            "average_lift": None,
        },
    ]
    commitments = data["commitments"]
    assert {k: v for k, v in commitments.items() if k != "per_strategy"} == {
        "set": 4,
        "kept": 2,
        "done": 1,
        "partly": 1,
        "skipped": 1,
        "open": 1,
    }
    assert commitments["per_strategy"] == [
        {
            "strategy": "take-action",
            "title": "Take Action",
            "set": 3,
            "kept": 2,
            "done": 1,
            "partly": 1,
            "skipped": 0,
            "open": 1,
        },
        {
            "strategy": "think-differently",
            "title": "Think Differently",
            "set": 1,
            "kept": 0,
            "done": 0,
            "partly": 0,
            "skipped": 1,
            "open": 0,
        },
    ]
    assert data["top_tags"] == [{"name": "sleep", "count": 3}, {"name": "work", "count": 2}]
    on_this_day = data["on_this_day"]
    assert [(d["title"], d["entry_date"], d["years_ago"]) for d in on_this_day] == [
        ("A year ago", "2024-03-20", 1),
        ("Two years ago", "2023-03-20", 2),
    ]
    assert len(on_this_day[0]["excerpt"]) == 280


def test_all_time_by_hand(member_client, constructed):
    data = insights(member_client, "?period=all")
    assert data["start_date"] is None
    assert data["entries"]["total"] == 11
    assert data["entries"]["days_journaled"] == 10
    assert data["entries"]["per_week"][0] == {"week_start": "2023-03-20", "entries": 1, "days": 1}
    assert len(data["entries"]["per_week"]) == 105
    assert data["mood"]["overall"]["count"] == 8
    assert data["mood"]["overall"]["average_lift"] == 2.88  # 23 / 8
    assert data["commitments"]["set"] == 5
    assert data["streaks"] == {"current_days": 5, "longest_days": 5}


def test_ninety_days_reaches_january(member_client, constructed):
    data = insights(member_client, "?period=90d")
    assert data["start_date"] == "2024-12-21"
    assert data["entries"]["total"] == 9


def test_too_few_entries_are_flagged_not_averaged(member_client, member):
    for day in range(4):
        JournalEntryFactory(
            owner=member, entry_date=date(2025, 3, 10 + day), mood_before=1, mood_after=9
        )
    data = insights(member_client)
    assert data["entries"]["enough_data"] is False
    assert data["mood"]["overall"] == {
        "count": 4,
        "enough_data": False,
        "average_before": None,
        "average_after": None,
        "average_lift": None,
    }
    assert data["minimum_entries_for_mood"] == 5


def test_an_empty_journal(member_client):
    data = insights(member_client, "?period=all")
    assert data["entries"]["total"] == 0
    assert data["entries"]["per_week"] == [{"week_start": "2025-03-17", "entries": 0, "days": 0}]
    assert data["streaks"] == {"current_days": 0, "longest_days": 0}
    assert data["weekly_goal"]["current_weeks"] == 0
    assert data["on_this_day"] == []


@pytest.mark.parametrize("query", ["?period=7d", "?period=ALL", "?weekly_goal=0", "?weekly_goal=8"])
def test_bad_parameters_are_a_400(member_client, query):
    assert member_client.get(f"{URL}{query}").status_code == 400


def post_at(client, moment: datetime, body: str) -> dict:
    with time_machine.travel(moment, tick=False):
        response = client.post("/api/v1/journal/entries/", {"body": body}, format="json")
    assert response.status_code == 201
    return response.json()


def streaks_at(client, moment: datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return client.get(f"{URL}?period=all").json()["streaks"]


def test_streak_across_a_daylight_saving_change(member_client, member):
    member.timezone = "America/New_York"
    member.save()
    new_york = ZoneInfo("America/New_York")
    # Clocks jump from 02:00 to 03:00 on Sunday 9 March 2025. Each entry is written
    # late in the evening or just after midnight, New York time.
    moments = [
        datetime(2025, 3, 7, 23, 30, tzinfo=new_york),  # EST, 04:30 UTC on the 8th
        datetime(2025, 3, 8, 23, 59, tzinfo=new_york),  # EST, 04:59 UTC on the 9th
        datetime(2025, 3, 9, 23, 30, tzinfo=new_york),  # EDT, 03:30 UTC on the 10th
        datetime(2025, 3, 10, 0, 15, tzinfo=new_york),  # EDT, 04:15 UTC on the 10th
    ]
    dates = [post_at(member_client, moment, "Evening.")["entry_date"] for moment in moments]
    assert dates == ["2025-03-07", "2025-03-08", "2025-03-09", "2025-03-10"]

    # Tuesday evening in New York is already Wednesday in UTC: still yesterday's streak.
    assert streaks_at(member_client, datetime(2025, 3, 11, 21, 0, tzinfo=new_york)) == {
        "current_days": 4,
        "longest_days": 4,
    }
    # Just after the member's midnight, a whole day has passed without an entry.
    assert streaks_at(member_client, datetime(2025, 3, 12, 0, 30, tzinfo=new_york)) == {
        "current_days": 0,
        "longest_days": 4,
    }


def test_streak_across_the_members_midnight(member_client, member):
    member.timezone = "Asia/Tokyo"
    member.save()
    tokyo = ZoneInfo("Asia/Tokyo")
    # One minute apart, on two of the member's days (both on 1 June in UTC).
    post_at(member_client, datetime(2025, 6, 1, 23, 59, tzinfo=tokyo), "Before midnight.")
    post_at(member_client, datetime(2025, 6, 2, 0, 0, tzinfo=tokyo), "After midnight.")
    with time_machine.travel(datetime(2025, 6, 2, 8, 0, tzinfo=tokyo), tick=False):
        data = member_client.get(f"{URL}?period=30d").json()
    assert data["streaks"]["current_days"] == 2
    assert data["entries"]["days_journaled"] == 2
    assert data["end_date"] == "2025-06-02"
    assert data["timezone"] == "Asia/Tokyo"


def test_weekly_goal_forgives_one_missed_week(member_client, member):
    monday = date(2025, 3, 17)  # this week, in progress, nothing written yet

    def keep_week(weeks_ago: int, days: int = 2) -> None:
        start = monday - timedelta(weeks=weeks_ago)
        for day in range(days):
            JournalEntryFactory(owner=member, entry_date=start + timedelta(days=day * 3))

    keep_week(4)
    keep_week(3)
    keep_week(2, days=1)  # missed: one day short of the goal
    keep_week(1)
    goal = insights(member_client, "?weekly_goal=2")["weekly_goal"]
    assert goal["current_weeks"] == 3
    assert goal["this_week_days"] == 0
    assert goal["met_this_week"] is False


def test_two_missed_weeks_end_the_weekly_run(member_client, member):
    monday = date(2025, 3, 17)
    for weeks_ago in (6, 5, 2):
        start = monday - timedelta(weeks=weeks_ago)
        JournalEntryFactory(owner=member, entry_date=start)
        JournalEntryFactory(owner=member, entry_date=start + timedelta(days=1))
    goal = insights(member_client, "?weekly_goal=2")["weekly_goal"]
    assert (goal["current_weeks"], goal["longest_weeks"]) == (1, 2)


def test_a_run_whose_last_kept_week_is_too_old_is_over(member_client, member):
    start = date(2025, 3, 17) - timedelta(weeks=3)
    JournalEntryFactory(owner=member, entry_date=start)
    goal = insights(member_client, "?weekly_goal=1")["weekly_goal"]
    assert (goal["current_weeks"], goal["longest_weeks"]) == (0, 1)


def test_on_this_day_brings_back_29_february_in_a_common_year(member_client, member):
    JournalEntryFactory(owner=member, entry_date=date(2024, 2, 29), title="Leap day")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        data = member_client.get(URL).json()
    assert [d["title"] for d in data["on_this_day"]] == ["Leap day"]


def test_insights_are_computed_in_a_fixed_number_of_queries(
    member_client, constructed, django_assert_max_num_queries
):
    # Token with its user, the member's tokens; the day summaries' statement (totals,
    # weeks, streaks, weekly goal, mood per strategy, commitments); tags; on this day.
    with django_assert_max_num_queries(5):
        insights(member_client, "?period=all")
