"""`GET /api/v1/me/home/`: everything the app's home screen shows, in one call and a
fixed number of queries (seven, or six when the recommendations are remembered,
whatever the member's history):

1. the next event (live now, else the soonest going ahead) and whether the member has a
   reminder for it, in one query;
2. today's open commitments;
3. the daily streak and the weekly goal (journaling's own SQL, from its day summaries);
4. three recommendations: what the ranking reads of the member, in one query, and the
   ranking itself (one query, `profiles.recommendations`) unless this process ranked
   the same state within `RECOMMENDATIONS_SECONDS` (see `home_recommendations`);
5. the newest saved items;
6. "on this day": entries of this date in past years.

The member's "today" comes from their time zone, on the user row already loaded.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef

from events.models import Event, Reminder
from journaling.insights import on_this_day, streaks_and_weekly_goal
from journaling.models import Commitment
from journaling.selectors import member_today
from profiles.recommendations import Recommendation, recommendation_list
from profiles.selectors import saved_item_list

HOME_RECOMMENDATIONS = 3
HOME_SAVED = 3
HOME_COMMITMENTS = 10
HOME_ON_THIS_DAY = 3
# How long a process may show a member the same recommendations while nothing of
# theirs changed: what the library and other members' saves do shows within this bound,
# as public answers allow. Any change of the member's own shows at once.
RECOMMENDATIONS_SECONDS = 60
# A process remembers at most this many members (then starts again empty).
RECOMMENDATIONS_MEMBERS = 10_000

# Everything of the member's the ranking reads: the journal (its change counter moves on
# every entry, commitment or deletion), saved items, interests and reminders.
_MEMBER_STATE_SQL = """
SELECT md5(concat_ws('|',
    (SELECT last_seq FROM journaling_memberchangelock WHERE owner_id = %(owner)s),
    (SELECT string_agg(id::text, ',' ORDER BY id) FROM profiles_saveditem
     WHERE owner_id = %(owner)s),
    (SELECT string_agg(tag_id::text, ',' ORDER BY tag_id) FROM profiles_interest
     WHERE owner_id = %(owner)s),
    (SELECT string_agg(event_id::text, ',' ORDER BY event_id) FROM events_reminder
     WHERE owner_id = %(owner)s)))
"""

_remembered: dict[int, tuple[str, date, float, list[Recommendation]]] = {}


def forget_recommendations() -> None:
    """Drop what this process remembers (tests)."""
    _remembered.clear()


def home_recommendations(*, owner: Any, now: datetime, today: date) -> list[Recommendation]:
    """The home screen's recommendations. Ranking the whole library costs tens of
    milliseconds, and the home screen is opened again and again: each process keeps a
    member's list with the state it was ranked from and serves it again while that
    state, the member's date and `RECOMMENDATIONS_SECONDS` hold."""
    with connection.cursor() as cursor:
        cursor.execute(_MEMBER_STATE_SQL, {"owner": owner.pk})
        (state,) = cursor.fetchone()
    clock = time.monotonic()
    kept = _remembered.get(owner.pk)
    if kept is not None and kept[:2] == (state, today) and clock < kept[2]:
        return kept[3]
    ranked = recommendation_list(owner=owner, now=now, today=today, limit=HOME_RECOMMENDATIONS)
    if len(_remembered) >= RECOMMENDATIONS_MEMBERS:
        _remembered.clear()
    _remembered[owner.pk] = (state, today, clock + RECOMMENDATIONS_SECONDS, ranked)
    return ranked


def next_event_for(*, owner: Any, now: datetime) -> Event | None:
    """The event a "next live talk" banner shows (the same rule as `/events/next/`),
    with `has_reminder` for this member."""
    return (
        Event.objects.happening()
        .filter(ends_at__gt=now)
        .annotate(has_reminder=Exists(Reminder.objects.filter(owner=owner, event=OuterRef("pk"))))
        .only("id", "slug", "title", "starts_at", "ends_at", "timezone", "status")
        .order_by("starts_at", "id")
        .first()
    )


def home_get(*, owner: Any, now: datetime, weekly_goal: int = 3) -> dict[str, Any]:
    today = member_today(owner, now)
    event = next_event_for(owner=owner, now=now)
    streak, goal = streaks_and_weekly_goal(owner=owner, today=today, weekly_goal=weekly_goal)
    commitments = (
        Commitment.objects.filter(owner=owner, status=Commitment.Status.OPEN, due_date=today)
        .select_related("strategy", "exercise")
        .only(
            "id",
            "text",
            "due_date",
            "status",
            "created_at",
            "strategy__slug",
            "strategy__title",
            "exercise__slug",
            "exercise__title",
        )
        .order_by("created_at", "id")[:HOME_COMMITMENTS]
    )
    return {
        "today": today,
        "next_event": None
        if event is None
        else {
            "slug": event.slug,
            "title": event.title,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "timezone": event.timezone,
            "status": event.status,
            "is_live": event.is_live(now),
            "has_reminder": event.has_reminder,
        },
        "commitments_today": list(commitments),
        "streak": streak,
        "weekly_goal": goal,
        "recommendations": home_recommendations(owner=owner, now=now, today=today),
        "saved": list(saved_item_list(owner=owner, now=now)[:HOME_SAVED]),
        "on_this_day": on_this_day(owner=owner, today=today, limit=HOME_ON_THIS_DAY),
    }
