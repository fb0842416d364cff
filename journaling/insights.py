""" "What helps me": a member's journal summarised by PostgreSQL.

Every number is an aggregate or a window function over the member's rows; Python
only shapes the answer, so the cost does not grow with the rows sent over the wire.
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

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Lower, Substr

from journaling.models import Commitment, EntryTag, JournalEntry
from strategies.models import Strategy

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


# Count per week first, then lay the counts on a calendar of weeks (zeros included):
# joining the calendar to each entry by a date range would compare every week with
# every entry.
_WEEKS_SQL = """
WITH counts AS (
    SELECT date_trunc('week', entry_date::timestamp)::date AS week_start,
           count(*) AS entries,
           count(DISTINCT entry_date) AS days
    FROM journaling_journalentry
    WHERE owner_id = %(owner)s
      AND (%(start)s::date IS NULL OR entry_date >= %(start)s::date)
    GROUP BY 1
),
weeks AS (
    SELECT generate_series(
               date_trunc('week', COALESCE(%(start)s::date,
                   (SELECT min(week_start) FROM counts), %(today)s::date)::timestamp),
               date_trunc('week', %(today)s::timestamp),
               interval '1 week')::date AS week_start
)
SELECT w.week_start, COALESCE(c.entries, 0), COALESCE(c.days, 0)
FROM weeks w
LEFT JOIN counts c USING (week_start)
ORDER BY w.week_start
"""

# Gaps and islands: consecutive dates minus their row number share one value.
_DAILY_STREAKS_SQL = """
WITH days AS (
    SELECT DISTINCT entry_date AS day FROM journaling_journalentry WHERE owner_id = %(owner)s
),
islands AS (
    SELECT day, day - (row_number() OVER (ORDER BY day))::int AS island FROM days
),
runs AS (
    SELECT min(day) AS first_day, max(day) AS last_day FROM islands GROUP BY island
)
SELECT
    COALESCE((SELECT last_day - first_day + 1 FROM runs
              WHERE last_day >= %(today)s::date - 1
              ORDER BY last_day DESC LIMIT 1), 0) AS current_days,
    COALESCE((SELECT max(last_day - GREATEST(first_day, COALESCE(%(start)s::date, first_day)) + 1)
              FROM runs
              WHERE %(start)s::date IS NULL OR last_day >= %(start)s::date), 0) AS longest_days
"""

# A run of kept weeks continues across at most `grace` missed weeks.
_WEEKLY_GOAL_SQL = """
WITH weeks AS (
    SELECT date_trunc('week', entry_date::timestamp)::date AS week_start,
           count(DISTINCT entry_date) AS days
    FROM journaling_journalentry
    WHERE owner_id = %(owner)s
    GROUP BY 1
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
runs AS (
    SELECT max(week_start) AS last_week, count(*) AS weeks_kept FROM numbered GROUP BY run
)
SELECT
    COALESCE((SELECT days FROM weeks
              WHERE week_start = date_trunc('week', %(today)s::timestamp)::date), 0)
        AS this_week_days,
    COALESCE((SELECT weeks_kept FROM runs
              WHERE last_week >= date_trunc('week', %(today)s::timestamp)::date
                                 - 7 * (1 + %(grace)s)
              ORDER BY last_week DESC LIMIT 1), 0) AS current_weeks,
    COALESCE((SELECT max(weeks_kept) FROM runs), 0) AS longest_weeks
"""


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def member_insights(
    *, owner: Any, period: str, today: date, weekly_goal: int = 3
) -> dict[str, Any]:
    """Everything `GET /api/v1/journal/insights/` answers, for `period` ending `today`
    (the member's local date)."""
    window = window_for(period, today)
    params = {
        "owner": owner.pk,
        "today": today,
        "start": window.start,
        "goal": weekly_goal,
        "grace": FORGIVEN_MISSED_WEEKS,
    }
    entries = JournalEntry.objects.filter(window.entry_filter(), owner=owner)
    paired = Q(mood_before__isnull=False, mood_after__isnull=False)
    totals = entries.aggregate(
        total=Count("id"),
        days=Count("entry_date", distinct=True),
        mood_count=Count("id", filter=paired),
        before=Avg("mood_before", filter=paired),
        after=Avg("mood_after", filter=paired),
        lift=Avg(F("mood_after") - F("mood_before"), filter=paired),
    )
    per_week = [
        {"week_start": week_start, "entries": count, "days": days}
        for week_start, count, days in _fetch(_WEEKS_SQL, params)
    ]
    streaks, goal = streaks_and_weekly_goal(
        owner=owner, today=today, weekly_goal=weekly_goal, since=window.start
    )

    enough_mood = totals["mood_count"] >= MIN_ENTRIES_FOR_MOOD
    return {
        "period": period,
        "start_date": window.start,
        "end_date": today,
        "timezone": owner.timezone,
        "minimum_entries_for_mood": MIN_ENTRIES_FOR_MOOD,
        "entries": {
            "total": totals["total"],
            "days_journaled": totals["days"],
            "per_week": per_week,
            "enough_data": totals["total"] >= MIN_ENTRIES_FOR_TRENDS,
        },
        "streaks": streaks,
        "weekly_goal": goal,
        "mood": {
            "overall": {
                "count": totals["mood_count"],
                "enough_data": enough_mood,
                "average_before": _rounded(totals["before"]) if enough_mood else None,
                "average_after": _rounded(totals["after"]) if enough_mood else None,
                "average_lift": _rounded(totals["lift"]) if enough_mood else None,
            },
            "per_strategy": _mood_per_strategy(entries.filter(paired)),
        },
        "commitments": _commitments(owner, window),
        "top_tags": _top_tags(owner, window),
        "on_this_day": on_this_day(owner=owner, today=today),
    }


def streaks_and_weekly_goal(
    *, owner: Any, today: date, weekly_goal: int = 3, since: date | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The daily streak and the weekly goal as of `today` (two queries); the longest
    daily run is counted from `since` (None: from the first entry)."""
    params = {
        "owner": owner.pk,
        "today": today,
        "start": since,
        "goal": weekly_goal,
        "grace": FORGIVEN_MISSED_WEEKS,
    }
    ((current_days, longest_days),) = _fetch(_DAILY_STREAKS_SQL, params)
    ((this_week_days, current_weeks, longest_weeks),) = _fetch(_WEEKLY_GOAL_SQL, params)
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


def _mood_per_strategy(paired_entries: Any) -> list[dict[str, Any]]:
    # Grouped by the column, then named in a second query: joining strategies first
    # lets the planner pick a strategy's entries of every member and intersect them
    # with this member's, ten times slower on a big table.
    rows = list(
        paired_entries.filter(strategy__isnull=False)
        .values("strategy_id")
        .annotate(count=Count("id"), lift=Avg(F("mood_after") - F("mood_before")))
        .order_by()
    )
    names = {
        row["id"]: row
        for row in Strategy.objects.filter(pk__in=[r["strategy_id"] for r in rows]).values(
            "id", "slug", "title"
        )
    }
    result = []
    for row in rows:
        enough = row["count"] >= MIN_ENTRIES_FOR_MOOD
        strategy = names[row["strategy_id"]]
        result.append(
            {
                "strategy": strategy["slug"],
                "title": strategy["title"],
                "count": row["count"],
                "enough_data": enough,
                "average_lift": _rounded(row["lift"]) if enough else None,
            }
        )
    return sorted(result, key=lambda r: (-r["count"], r["strategy"]))


def _status_counts() -> dict[str, Count]:
    status = Commitment.Status
    return {
        "set": Count("id"),
        "done": Count("id", filter=Q(status=status.DONE)),
        "partly": Count("id", filter=Q(status=status.PARTLY)),
        "skipped": Count("id", filter=Q(status=status.SKIPPED)),
        "open": Count("id", filter=Q(status=status.OPEN)),
    }


def _with_kept(row: dict[str, Any]) -> dict[str, Any]:
    # Doing part of what you resisted is the point of a commitment: it counts as kept.
    row["kept"] = row["done"] + row["partly"]
    return row


def _commitments(owner: Any, window: Window) -> dict[str, Any]:
    commitments = Commitment.objects.filter(owner=owner)
    if window.start:
        commitments = commitments.filter(due_date__gte=window.start)
    overall = _with_kept(commitments.aggregate(**_status_counts()))
    per_strategy = [
        _with_kept(
            {
                "strategy": row.pop("strategy__slug"),
                "title": row.pop("strategy__title"),
                **row,
            }
        )
        for row in commitments.values("strategy__slug", "strategy__title")
        .annotate(**_status_counts())
        .order_by("-set", "strategy__slug")
    ]
    return {**overall, "per_strategy": per_strategy}


def _top_tags(owner: Any, window: Window) -> list[dict[str, Any]]:
    if window.start and window.today - window.start < SHORT_WINDOW:
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
