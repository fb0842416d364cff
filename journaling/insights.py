""" "What helps me": a member's journal summarised by PostgreSQL.

Every number is an aggregate or a window function in PostgreSQL; Python only shapes
the answer. Totals, weeks, streaks and the weekly goal are summed from the member's day
summaries (`MemberDay`, one row per date written, kept by triggers), and the all-time
mood per strategy from `MemberStrategyLift`, so no answer reads the entries of a whole
history: three queries (the summaries with mood and commitments in one statement, the
tags, on this day), whatever the journal's size.
Dates are the member's own calendar dates (`entry_date` is written in their time zone,
and "today" is computed there), so a late-evening entry counts for the day the member
lived it, whatever the server's clock or a daylight-saving change says.

Streaks are meant to encourage, not punish:
- the daily streak is still alive when the last entry was yesterday (today is not over);
- the weekly goal counts weeks with at least `weekly_goal` days journaled, however the
  days fall within the week; the week in progress never breaks it, and one missed week
  between kept weeks is forgiven (two in a row end the streak).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower, Substr

from journaling.models import EntryTag, JournalEntry, MemberTag

PERIODS = {"30d": 30, "90d": 90, "365d": 365, "all": None}
# Fewer paired moods than this and an average says nothing: we report the count only.
MIN_ENTRIES_FOR_MOOD = 5
# Fewer entries than this in the period and the weekly figures are flagged as thin.
MIN_ENTRIES_FOR_TRENDS = 5
FORGIVEN_MISSED_WEEKS = 1
TOP_TAGS = 10
ON_THIS_DAY_LIMIT = 20
EXCERPT_LENGTH = 280
# Tag counts are read from the entries for periods shorter than this (see _top_tags).
SHORT_WINDOW = timedelta(days=45)


@dataclass(frozen=True)
class Window:
    today: date
    start: date | None  # None: since the first entry

    def entry_filter(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}entry_date__gte": self.start}) if self.start else Q()


def window_for(period: str, today: date) -> Window:
    days = PERIODS[period]
    return Window(today=today, start=today - timedelta(days=days - 1) if days else None)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# The member's dates come from `MemberDay` (one row per date written, kept by triggers),
# so no query here reads the entries of a whole history; every sum is exact (integers,
# and averages divided as PostgreSQL's `avg` divides). `days` is every date the member
# wrote; `period` those of the window.
_DAYS_CTES = """
days AS MATERIALIZED (
    SELECT day, week, entries, moods, mood_before_sum, mood_after_sum
    FROM journaling_memberday WHERE owner_id = %(owner)s
),
period AS (
    SELECT * FROM days WHERE %(start)s::date IS NULL OR day >= %(start)s::date
)"""

# Gaps and islands: consecutive dates minus their row number share one value. A run of
# kept weeks continues across at most `grace` missed weeks.
_STREAK_CTES = """
islands AS (
    SELECT day, day - (row_number() OVER (ORDER BY day))::int AS island FROM days
),
runs AS (
    SELECT min(day) AS first_day, max(day) AS last_day FROM islands GROUP BY island
),
weeks AS (
    SELECT week AS week_start, count(*) AS days FROM days GROUP BY week
),
kept AS (
    SELECT week_start,
           CASE WHEN week_start - lag(week_start) OVER (ORDER BY week_start)
                     <= 7 * (1 + %(grace)s) THEN 0 ELSE 1 END AS starts_run
    FROM weeks
    WHERE days >= %(goal)s
),
numbered AS (
    SELECT week_start, sum(starts_run) OVER (ORDER BY week_start) AS run FROM kept
),
week_runs AS (
    SELECT max(week_start) AS last_week, count(*) AS weeks_kept FROM numbered GROUP BY run
)"""

_STREAK_COLUMNS = """
    COALESCE((SELECT last_day - first_day + 1 FROM runs
              WHERE last_day >= %(today)s::date - 1
              ORDER BY last_day DESC LIMIT 1), 0) AS current_days,
    COALESCE((SELECT max(last_day - GREATEST(first_day, COALESCE(%(start)s::date, first_day)) + 1)
              FROM runs
              WHERE %(start)s::date IS NULL OR last_day >= %(start)s::date), 0) AS longest_days,
    COALESCE((SELECT days FROM weeks
              WHERE week_start = date_trunc('week', %(today)s::timestamp)::date), 0)
        AS this_week_days,
    COALESCE((SELECT weeks_kept FROM week_runs
              WHERE last_week >= date_trunc('week', %(today)s::timestamp)::date
                                 - 7 * (1 + %(grace)s)
              ORDER BY last_week DESC LIMIT 1), 0) AS current_weeks,
    COALESCE((SELECT max(weeks_kept) FROM week_runs), 0) AS longest_weeks"""

_STREAKS_SQL = f"WITH {_DAYS_CTES},{_STREAK_CTES}\nSELECT {_STREAK_COLUMNS}"

# Mood per strategy: over a window, grouped from the window's entries first and named
# after (joining strategies first lets the planner pick a strategy's entries of every
# member and intersect them with this member's, ten times slower on a big table); over
# all time, from `MemberStrategyLift`.
_STRATEGY_LIFT_WINDOW = """
    SELECT strategy_id, count(*) AS count, avg(mood_after - mood_before) AS lift
    FROM journaling_journalentry
    WHERE owner_id = %(owner)s AND entry_date >= %(start)s::date
      AND strategy_id IS NOT NULL AND mood_before IS NOT NULL AND mood_after IS NOT NULL
    GROUP BY strategy_id"""
_STRATEGY_LIFT_ALL = """
    SELECT strategy_id, sum(moods) AS count, sum(lift_sum)::numeric / sum(moods) AS lift
    FROM journaling_memberstrategylift
    WHERE owner_id = %(owner)s AND strategy_id IS NOT NULL
    GROUP BY strategy_id"""

_INSIGHTS_SQL = """
WITH {days},{streaks},
totals AS (
    SELECT COALESCE(sum(entries), 0) AS total, count(*) AS days_journaled,
           COALESCE(sum(moods), 0) AS mood_count,
           sum(mood_before_sum)::numeric / NULLIF(sum(moods), 0) AS before,
           sum(mood_after_sum)::numeric / NULLIF(sum(moods), 0) AS after,
           (sum(mood_after_sum) - sum(mood_before_sum))::numeric / NULLIF(sum(moods), 0)
               AS lift
    FROM period
),
week_counts AS (
    SELECT week AS week_start, sum(entries) AS entries, count(*) AS days
    FROM period GROUP BY week
),
calendar AS (
    SELECT generate_series(
               date_trunc('week', COALESCE(%(start)s::date,
                   (SELECT min(day) FROM days), %(today)s::date)::timestamp),
               date_trunc('week', %(today)s::timestamp),
               interval '1 week')::date AS week_start
),
lifts AS MATERIALIZED ({lifts}
),
commitments AS MATERIALIZED (
    SELECT strategy_id, status FROM journaling_commitment
    WHERE owner_id = %(owner)s AND (%(start)s::date IS NULL OR due_date >= %(start)s::date)
),
commitment_counts AS (
    SELECT GROUPING(c.strategy_id) = 1 AS is_total, s.slug, s.title, count(*) AS set,
           count(*) FILTER (WHERE c.status = 'done') AS done,
           count(*) FILTER (WHERE c.status = 'partly') AS partly,
           count(*) FILTER (WHERE c.status = 'skipped') AS skipped,
           count(*) FILTER (WHERE c.status = 'open') AS open
    FROM commitments AS c LEFT JOIN strategies_strategy AS s ON s.id = c.strategy_id
    GROUP BY GROUPING SETS ((), (c.strategy_id, s.slug, s.title))
)
SELECT
    totals.*,
    (SELECT json_agg(json_build_array(c.week_start, COALESCE(w.entries, 0), COALESCE(w.days, 0))
                     ORDER BY c.week_start)
     FROM calendar AS c LEFT JOIN week_counts AS w USING (week_start)) AS per_week,
    (SELECT json_agg(json_build_array(s.slug, s.title, l.count, l.lift))
     FROM lifts AS l JOIN strategies_strategy AS s ON s.id = l.strategy_id) AS per_strategy,
    (SELECT json_agg(json_build_array(slug, title, set, done, partly, skipped, open)
                     ORDER BY set DESC, slug)
     FROM commitment_counts WHERE NOT is_total) AS commitments_per_strategy,
    (SELECT json_build_array(set, done, partly, skipped, open)
     FROM commitment_counts WHERE is_total) AS commitments,
    {columns}
FROM totals
"""


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def member_insights(
    *, owner: Any, period: str, today: date, weekly_goal: int = 3
) -> dict[str, Any]:
    """Everything `GET /api/v1/journal/insights/` answers, for `period` ending `today`
    (the member's local date), in three queries: the summaries, the tags, on this day."""
    window = window_for(period, today)
    params = {
        "owner": owner.pk,
        "today": today,
        "start": window.start,
        "goal": weekly_goal,
        "grace": FORGIVEN_MISSED_WEEKS,
    }
    sql = _INSIGHTS_SQL.format(
        days=_DAYS_CTES,
        streaks=_STREAK_CTES,
        lifts=_STRATEGY_LIFT_WINDOW if window.start else _STRATEGY_LIFT_ALL,
        columns=_STREAK_COLUMNS,
    )
    (
        (
            total,
            days,
            mood_count,
            before,
            after,
            lift,
            weeks,
            lifts,
            per_strategy,
            overall,
            *streak_row,
        ),
    ) = _fetch(sql, params)
    streaks, goal = _streaks_and_goal(streak_row, weekly_goal)
    per_week = [
        {"week_start": date.fromisoformat(week_start), "entries": count, "days": days_in}
        for week_start, count, days_in in weeks or []
    ]
    enough_mood = mood_count >= MIN_ENTRIES_FOR_MOOD
    return {
        "period": period,
        "start_date": window.start,
        "end_date": today,
        "timezone": owner.timezone,
        "minimum_entries_for_mood": MIN_ENTRIES_FOR_MOOD,
        "entries": {
            "total": total,
            "days_journaled": days,
            "per_week": per_week,
            "enough_data": total >= MIN_ENTRIES_FOR_TRENDS,
        },
        "streaks": streaks,
        "weekly_goal": goal,
        "mood": {
            "overall": {
                "count": mood_count,
                "enough_data": enough_mood,
                "average_before": _rounded(before) if enough_mood else None,
                "average_after": _rounded(after) if enough_mood else None,
                "average_lift": _rounded(lift) if enough_mood else None,
            },
            "per_strategy": _mood_per_strategy(lifts or []),
        },
        "commitments": _commitments(overall, per_strategy or []),
        "top_tags": _top_tags(owner, window),
        "on_this_day": on_this_day(owner=owner, today=today),
    }


def streaks_and_weekly_goal(
    *, owner: Any, today: date, weekly_goal: int = 3, since: date | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The daily streak and the weekly goal as of `today` (one query); the longest
    daily run is counted from `since` (None: from the first entry)."""
    params = {
        "owner": owner.pk,
        "today": today,
        "start": since,
        "goal": weekly_goal,
        "grace": FORGIVEN_MISSED_WEEKS,
    }
    (row,) = _fetch(_STREAKS_SQL, params)
    return _streaks_and_goal(row, weekly_goal)


def _streaks_and_goal(
    row: Sequence[int], weekly_goal: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    current_days, longest_days, this_week_days, current_weeks, longest_weeks = row
    streaks = {"current_days": current_days, "longest_days": longest_days}
    goal = {
        "target_days": weekly_goal,
        "this_week_days": this_week_days,
        "met_this_week": this_week_days >= weekly_goal,
        "current_weeks": current_weeks,
        "longest_weeks": longest_weeks,
        "forgiven_missed_weeks": FORGIVEN_MISSED_WEEKS,
    }
    return streaks, goal


def _mood_per_strategy(rows: list[list[Any]]) -> list[dict[str, Any]]:
    result = []
    for slug, title, count, lift in rows:
        enough = count >= MIN_ENTRIES_FOR_MOOD
        result.append(
            {
                "strategy": slug,
                "title": title,
                "count": count,
                "enough_data": enough,
                "average_lift": _rounded(lift) if enough else None,
            }
        )
    return sorted(result, key=lambda r: (-r["count"], r["strategy"]))


def _commitment_counts(row: Sequence[int]) -> dict[str, int]:
    set_, done, partly, skipped, open_ = row
    # Doing part of what you resisted is the point of a commitment: it counts as kept.
    return {
        "set": set_,
        "done": done,
        "partly": partly,
        "skipped": skipped,
        "open": open_,
        "kept": done + partly,
    }


def _commitments(overall: Sequence[int], per_strategy: list[list[Any]]) -> dict[str, Any]:
    return {
        **_commitment_counts(overall),
        "per_strategy": [
            {"strategy": slug, "title": title, **_commitment_counts(counts)}
            for slug, title, *counts in per_strategy
        ],
    }


def _top_tags(owner: Any, window: Window) -> list[dict[str, Any]]:
    if window.start is None:
        # All time: each of the member's tags counts its links by the tag index; joined
        # instead, PostgreSQL may scan the tag links of every member.
        links = (
            EntryTag.objects.filter(tag=OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(count=Count("*"))
            .values("count")
        )
        tags = (
            MemberTag.objects.filter(owner=owner)
            .annotate(count=Coalesce(Subquery(links, output_field=IntegerField()), 0))
            .order_by("-count", Lower("name"), "id")
            .values("name", "count")[:TOP_TAGS]
        )
        # Unused tags sort last: dropping them here keeps the count out of the WHERE
        # clause, where it would be computed a second time.
        return [{"name": row["name"], "count": row["count"]} for row in tags if row["count"]]
    if window.today - window.start < SHORT_WINDOW:
        # From the period's entries to their tags: a 30-day window reads a month of rows.
        rows = EntryTag.objects.filter(entry__owner=owner, entry__entry_date__gte=window.start)
    else:
        # Over a long period, from the member's few tags to their entries; the other way
        # round PostgreSQL hashes the tag links of every member.
        rows = EntryTag.objects.filter(window.entry_filter("entry__"), tag__owner=owner)
    rows = (
        rows.values("tag_id", "tag__name")
        .annotate(count=Count("entry_id"))
        .order_by("-count", Lower("tag__name"), "tag_id")[:TOP_TAGS]
    )
    return [{"name": row["tag__name"], "count": row["count"]} for row in rows]


def on_this_day(*, owner: Any, today: date, limit: int = ON_THIS_DAY_LIMIT) -> list[dict[str, Any]]:
    """Entries written on this calendar day in earlier years, newest first (one query)."""
    same_day = Q(entry_date__month=today.month, entry_date__day=today.day)
    if today.month == 2 and today.day == 28 and not _is_leap(today.year):
        # In a common year, 29 February's entries come back on the 28th.
        same_day |= Q(entry_date__month=2, entry_date__day=29)
    rows = (
        JournalEntry.objects.filter(same_day, owner=owner, entry_date__year__lt=today.year)
        .annotate(excerpt=Substr("body", 1, EXCERPT_LENGTH))
        .order_by("-entry_date", "-created_at", "-id")
        .values("id", "title", "entry_date", "excerpt", "mood_before", "mood_after")[:limit]
    )
    return [{**row, "years_ago": today.year - row["entry_date"].year} for row in rows]


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
