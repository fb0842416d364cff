"""`GET /api/v1/me/home/`: everything the app's home screen shows, in one call and a
fixed number of queries (six, whatever the member's history):

1. the next event (live now, else the soonest going ahead) and whether the member has a
   reminder for it, in one query;
2. today's open commitments;
3. the daily streak and the weekly goal (journaling's own SQL, from its day summaries);
4. three recommendations (one query, `profiles.recommendations`);
5. the newest saved items;
6. "on this day": entries of this date in past years.

The member's "today" comes from their time zone, on the user row already loaded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef

from events.models import Event, Reminder
from journaling.insights import on_this_day, streaks_and_weekly_goal
from journaling.models import Commitment
from journaling.selectors import member_today
from profiles.recommendations import recommendation_list
from profiles.selectors import saved_item_list

HOME_RECOMMENDATIONS = 3
HOME_SAVED = 3
HOME_COMMITMENTS = 10
HOME_ON_THIS_DAY = 3


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
        "recommendations": recommendation_list(
            owner=owner, now=now, today=today, limit=HOME_RECOMMENDATIONS
        ),
        "saved": list(saved_item_list(owner=owner, now=now)[:HOME_SAVED]),
        "on_this_day": on_this_day(owner=owner, today=today, limit=HOME_ON_THIS_DAY),
    }
