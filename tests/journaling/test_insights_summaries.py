"""The per-member summaries insights read (`MemberDay`, `MemberStrategyLift`) stay equal
to a recomputation from the entries whatever writes them: creates, edits of words,
moods, strategies and dates, deletes, writes after a change of time zone, a strategy
deleted by an editor, raw SQL; and insights computed from them equal insights
recomputed here, in plain Python, from the entries themselves."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import Count, Q, Sum

from journaling.models import JournalEntry, MemberDay, MemberStrategyLift
from tests.journaling.factories import JournalEntryFactory
from tests.strategies.factories import ExerciseFactory, StrategyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/journal/entries/"
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
TODAY = date(2025, 3, 20)


def recomputed_days() -> set[tuple]:
    paired = Q(mood_before__isnull=False, mood_after__isnull=False)
    return {
        (
            r["owner_id"],
            r["entry_date"],
            r["entries"],
            r["moods"],
            r["before"] or 0,
            r["after"] or 0,
        )
        for r in JournalEntry.objects.values("owner_id", "entry_date")
        .annotate(
            entries=Count("id"),
            moods=Count("id", filter=paired),
            before=Sum("mood_before", filter=paired),
            after=Sum("mood_after", filter=paired),
        )
        .order_by()
    }


def stored_days() -> set[tuple]:
    rows = MemberDay.objects.values_list(
        "owner_id", "day", "week", "entries", "moods", "mood_before_sum", "mood_after_sum"
    )
    for row in rows:
        assert row[2] == row[1] - timedelta(days=row[1].weekday())
    return {(o, d, e, m, b, a) for o, d, _, e, m, b, a in rows}


def recomputed_lifts() -> set[tuple]:
    lifts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for e in JournalEntry.objects.filter(mood_before__isnull=False, mood_after__isnull=False):
        if e.strategy_id or e.exercise_id or e.prompt_id:
            key = (e.owner_id, e.strategy_id, e.exercise_id, e.prompt_id)
            lifts[key][0] += 1
            lifts[key][1] += e.mood_after - e.mood_before
    return {(*key, count, lift) for key, (count, lift) in lifts.items()}


def assert_summaries_match() -> None:
    assert stored_days() == recomputed_days()
    assert set(
        MemberStrategyLift.objects.values_list(
            "owner_id", "strategy_id", "exercise_id", "prompt_id", "moods", "lift_sum"
        )
    ) == (recomputed_lifts())


def test_every_write_through_the_api_keeps_the_summaries(member_client, member, other_member):
    JournalEntryFactory(owner=other_member, entry_date=TODAY, mood_before=1, mood_after=2)

    def create(**body):
        response = member_client.post(URL, body, format="json")
        assert response.status_code == 201, response.content
        return f"{URL}{response.json()['id']}/"

    def patch(url, **body):
        response = member_client.patch(url, body, format="json")
        assert response.status_code == 200, response.content

    with time_machine.travel(NOW, tick=False):
        a = StrategyFactory(slug="take-action")
        b = StrategyFactory(slug="think-differently")
        walk = ExerciseFactory(strategy=a, slug="walk")
        create(entry_date="2025-03-18", mood_before=2, mood_after=5, exercise="walk")
        first = create(title="One", mood_before=2, mood_after=6, strategy="take-action")
        second = create(entry_date="2025-03-19", mood_before=3, strategy="take-action")
        third = create(entry_date="2025-03-19", mood_before=4, mood_after=8)
        create(entry_date="2025-03-10", mood_before=5, mood_after=5, strategy="think-differently")
        assert_summaries_match()

        patch(first, body="Only words change.")
        patch(second, mood_after=9)  # now paired
        patch(third, entry_date="2025-03-12")  # moved to another day
        patch(first, strategy="think-differently", mood_before=7)
        patch(third, mood_before=None)  # no longer paired
        assert_summaries_match()

        assert member_client.delete(second).status_code == 204
        assert_summaries_match()
        assert member_client.delete(third).status_code == 204  # its day is now empty
        assert not MemberDay.objects.filter(owner=member, day=date(2025, 3, 12)).exists()
        assert_summaries_match()

        # Late evening in Auckland is already the next day there.
        assert (
            member_client.patch("/api/v1/me/", {"timezone": "Pacific/Auckland"}).status_code == 200
        )
        create(mood_before=1, mood_after=3, strategy="take-action")
        assert MemberDay.objects.filter(owner=member, day=date(2025, 3, 21)).exists()
        assert_summaries_match()

    b.delete()  # the editor's delete unlinks the entries (SET NULL)
    assert_summaries_match()
    walk.delete()
    assert_summaries_match()
    a_lift = MemberStrategyLift.objects.get(owner=member, strategy=a, exercise=None, prompt=None)
    assert (a_lift.moods, a_lift.lift_sum) in {(1, 2), (2, 5)}


def test_bulk_sql_and_account_deletion_keep_the_summaries(member, other_member):
    strategy = StrategyFactory()
    for day in range(30):
        JournalEntryFactory(
            owner=member,
            entry_date=TODAY - timedelta(days=day % 7),
            strategy=strategy,
            mood_before=day % 10,
            mood_after=(day * 3) % 11,
        )
    JournalEntryFactory(
        owner=other_member, entry_date=TODAY, strategy=strategy, mood_before=1, mood_after=2
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journaling_journalentry SET entry_date = entry_date - 1, "
            "mood_after = NULL WHERE owner_id = %s AND mood_before > 6",
            [member.pk],
        )
    assert_summaries_match()
    member.delete()
    assert not MemberDay.objects.filter(owner_id=member.pk).exists()
    assert_summaries_match()


# --- insights against a recomputation from the entries --------------------------------


def _avg(total: int, count: int) -> float | None:
    return round(float(Decimal(total) / Decimal(count)), 2)


def expected_insights(entries: list[JournalEntry], start: date | None, goal: int = 3) -> dict:
    period = [e for e in entries if start is None or e.entry_date >= start]
    paired = [e for e in period if e.mood_before is not None and e.mood_after is not None]
    enough = len(paired) >= 5

    def monday(day: date) -> date:
        return day - timedelta(days=day.weekday())

    per_week: dict[date, list] = {}
    first = monday(start or min((e.entry_date for e in entries), default=TODAY))
    week = first
    while week <= monday(TODAY):
        per_week[week] = [0, set()]
        week += timedelta(days=7)
    for e in period:
        if monday(e.entry_date) in per_week:
            per_week[monday(e.entry_date)][0] += 1
            per_week[monday(e.entry_date)][1].add(e.entry_date)

    days = sorted({e.entry_date for e in entries})
    runs: list[list[date]] = []
    for day in days:
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    current = next(
        (
            (last - first_day).days + 1
            for first_day, last in reversed(runs)
            if last >= TODAY - timedelta(days=1)
        ),
        0,
    )
    longest = max(
        (
            (last - max(first_day, start or first_day)).days + 1
            for first_day, last in runs
            if start is None or last >= start
        ),
        default=0,
    )
    week_days: dict[date, int] = defaultdict(int)
    for day in days:
        week_days[monday(day)] += 1
    kept = sorted(w for w, n in week_days.items() if n >= goal)
    week_runs: list[list] = []
    for w in kept:
        if week_runs and (w - week_runs[-1][0]).days <= 14:
            week_runs[-1][0] = w
            week_runs[-1][1] += 1
        else:
            week_runs.append([w, 1])
    current_weeks = next(
        (n for last, n in reversed(week_runs) if last >= monday(TODAY) - timedelta(days=14)), 0
    )

    by_strategy: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in paired:
        if e.strategy is not None:
            by_strategy[e.strategy.slug][0] += 1
            by_strategy[e.strategy.slug][1] += e.mood_after - e.mood_before
    return {
        "total": len(period),
        "days_journaled": len({e.entry_date for e in period}),
        "per_week": [
            {"week_start": w.isoformat(), "entries": n, "days": len(d)}
            for w, (n, d) in per_week.items()
        ],
        "mood": {
            "count": len(paired),
            "enough_data": enough,
            "average_before": _avg(sum(e.mood_before for e in paired), len(paired))
            if enough
            else None,
            "average_after": _avg(sum(e.mood_after for e in paired), len(paired))
            if enough
            else None,
            "average_lift": _avg(sum(e.mood_after - e.mood_before for e in paired), len(paired))
            if enough
            else None,
        },
        "per_strategy": sorted(
            (
                {
                    "strategy": slug,
                    "count": n,
                    "average_lift": _avg(lift, n) if n >= 5 else None,
                }
                for slug, (n, lift) in by_strategy.items()
            ),
            key=lambda r: (-r["count"], r["strategy"]),
        ),
        "streaks": {"current_days": current, "longest_days": longest},
        "weekly": (
            week_days.get(monday(TODAY), 0),
            current_weeks,
            max((n for _, n in week_runs), default=0),
        ),
    }


@pytest.mark.parametrize(
    ("period", "days"), [("30d", 30), ("90d", 90), ("365d", 365), ("all", None)]
)
def test_insights_equal_a_recomputation_from_the_entries(member_client, member, period, days):
    rng = random.Random(16)  # noqa: S311 - test data, not secrets
    strategies = [StrategyFactory(slug=f"strategy-{n}") for n in range(3)]
    day = TODAY
    for _ in range(400):
        mood = rng.random() < 0.7
        JournalEntryFactory(
            owner=member,
            entry_date=day,
            strategy=rng.choice([None, *strategies]),
            mood_before=rng.randint(0, 10) if mood or rng.random() < 0.5 else None,
            mood_after=rng.randint(0, 10) if mood else None,
        )
        day -= timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 3, 9, 16]))
    entries = list(JournalEntry.objects.filter(owner=member).select_related("strategy"))
    start = TODAY - timedelta(days=days - 1) if days else None

    with time_machine.travel(NOW, tick=False):
        data = member_client.get(f"/api/v1/journal/insights/?period={period}").json()

    expected = expected_insights(entries, start)
    assert data["entries"]["total"] == expected["total"]
    assert data["entries"]["days_journaled"] == expected["days_journaled"]
    assert data["entries"]["per_week"] == expected["per_week"]
    overall = dict(data["mood"]["overall"])
    assert overall == expected["mood"]
    assert [
        {k: r[k] for k in ("strategy", "count", "average_lift")}
        for r in data["mood"]["per_strategy"]
    ] == expected["per_strategy"]
    assert data["streaks"] == expected["streaks"]
    goal = data["weekly_goal"]
    assert (goal["this_week_days"], goal["current_weeks"], goal["longest_weeks"]) == expected[
        "weekly"
    ]


def test_all_time_top_tags_count_every_link_and_skip_unused_tags(member_client, member):
    from tests.journaling.factories import MemberTagFactory

    tags = {name: MemberTagFactory(owner=member, name=name) for name in ["b", "A", "c", "unused"]}
    for names in [["b"], ["b", "A"], ["A"], ["c", "b"]]:
        JournalEntryFactory(owner=member, entry_date=TODAY, tags=[tags[n] for n in names])
    other = MemberTagFactory(owner=JournalEntryFactory().owner, name="b")
    JournalEntryFactory(owner=other.owner, tags=[other])
    with time_machine.travel(NOW, tick=False):
        data = member_client.get("/api/v1/journal/insights/?period=all").json()
    assert data["top_tags"] == [
        {"name": "b", "count": 3},
        {"name": "A", "count": 2},
        {"name": "c", "count": 1},
    ]
