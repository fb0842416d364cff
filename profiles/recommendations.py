"""What to read, try or attend next, ranked for one member by PostgreSQL in one query.

Every public guide, strategy, exercise and upcoming event is a candidate. Signals add
to a candidate's score, and the strongest one is the reason the member is shown:

- `mood_lift`: a strategy whose journal entries (by the strategy, one of its exercises
  or prompts) lifted the member's mood on average by `MIN_LIFT` or more, over at least
  `MIN_LIFT_ENTRIES` entries, brings forward its exercises, the other strategies of its
  guide, the guides its guide lists as related and the events about either;
- `saved`: the neighbours of what the member saved (a saved guide's strategies and
  related guides, a saved strategy's exercises and siblings, a saved exercise's
  siblings, a saved event's guides and strategies);
- `interest`: content carrying a tag the member picked (its own tags, its strategy's
  or its guide's), once per matching tag;
- `journaled`: the topics of what the member wrote about in the last `JOURNAL_DAYS`
  days (the tags of the strategies entries were about, and the member's own entry tags
  that name a content tag);
- `popular`: how many members saved it lately; the only reason a new member gets.

Never recommended: what the member saved, a strategy or exercise whose commitment they
kept (done or partly) in the last `FINISHED_DAYS` days, an event they set a reminder
for. One they journaled about this week (their own week, in their time zone) keeps only
`THIS_WEEK_FACTOR` of its score: it goes back, it does not vanish.

The query reads the member's rows through the owner indexes and the content tables
whole (editorial content is hundreds of rows, not millions); the cost does not grow
with other members' journals, only with their saves of the last `POPULAR_DAYS` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection

from events.models import HAPPENING_STATUSES

MAX_LIMIT = 50
DEFAULT_LIMIT = 20
MIN_LIFT = 0.5
MIN_LIFT_ENTRIES = 2
JOURNAL_DAYS = 90
FINISHED_DAYS = 14
POPULAR_DAYS = 90
# Upcoming events further out than this are not candidates yet.
EVENT_HORIZON_DAYS = 120
THIS_WEEK_FACTOR = 0.25

WEIGHTS = {
    "interest": 3.0,  # per matching tag
    "journaled": 1.5,  # times ln(1 + entries on the topic)
    "mood_lift": 2.0,  # times the average lift, less for a guide's neighbours
    "saved": 2.0,
    "popular": 0.5,  # times ln(1 + recent saves)
}
# How much of a helping strategy's pull reaches each kind of neighbour.
LIFT_REACH = {"exercise": 1.0, "event": 1.0, "strategy": 0.8, "guide": 0.6}
# Shown first when scores tie (a new member's list before anyone saved anything).
KIND_ORDER = ("strategy", "exercise", "guide", "event")

_SQL = """
WITH
public_guide AS (
    SELECT id FROM strategies_guide
    WHERE status = 'published' AND published_at <= %(now)s
),
public_strategy AS (
    SELECT s.id, s.guide_id FROM strategies_strategy s JOIN public_guide g ON g.id = s.guide_id
),
public_exercise AS (
    SELECT e.id, e.strategy_id FROM strategies_exercise e
    JOIN public_strategy s ON s.id = e.strategy_id
),
upcoming_event AS (
    SELECT id FROM events_event
    WHERE starts_at > %(now)s AND starts_at <= %(horizon)s AND status = ANY(%(happening)s)
),
-- The tags each candidate carries: its own, its strategy's, its guide's.
candidate_tag (kind, id, tag_id) AS (
    SELECT 'guide', gt.guide_id, gt.tag_id FROM strategies_guide_tags gt
    JOIN public_guide g ON g.id = gt.guide_id
    UNION
    SELECT 'strategy', s.id, st.tag_id FROM public_strategy s
    JOIN strategies_strategy_tags st ON st.strategy_id = s.id
    UNION
    SELECT 'strategy', s.id, gt.tag_id FROM public_strategy s
    JOIN strategies_guide_tags gt ON gt.guide_id = s.guide_id
    UNION
    SELECT 'exercise', e.id, st.tag_id FROM public_exercise e
    JOIN strategies_strategy_tags st ON st.strategy_id = e.strategy_id
    UNION
    SELECT 'exercise', e.id, gt.tag_id FROM public_exercise e
    JOIN public_strategy s ON s.id = e.strategy_id
    JOIN strategies_guide_tags gt ON gt.guide_id = s.guide_id
    UNION
    SELECT 'event', ev.id, gt.tag_id FROM upcoming_event ev
    JOIN events_event_guides eg ON eg.event_id = ev.id
    JOIN public_guide g ON g.id = eg.guide_id
    JOIN strategies_guide_tags gt ON gt.guide_id = g.id
    UNION
    SELECT 'event', ev.id, st.tag_id FROM upcoming_event ev
    JOIN events_event_strategies es ON es.event_id = ev.id
    JOIN public_strategy s ON s.id = es.strategy_id
    JOIN strategies_strategy_tags st ON st.strategy_id = s.id
    UNION
    SELECT 'event', ev.id, gt.tag_id FROM upcoming_event ev
    JOIN events_event_strategies es ON es.event_id = ev.id
    JOIN public_strategy s ON s.id = es.strategy_id
    JOIN strategies_guide_tags gt ON gt.guide_id = s.guide_id
),
-- The member's entries about a strategy, directly or through an exercise or a prompt.
entry_about AS MATERIALIZED (
    SELECT COALESCE(je.strategy_id, ex.strategy_id, pr.strategy_id) AS strategy_id,
           je.exercise_id, je.mood_before, je.mood_after, je.entry_date
    FROM journaling_journalentry je
    LEFT JOIN strategies_exercise ex ON ex.id = je.exercise_id
    LEFT JOIN strategies_prompt pr ON pr.id = je.prompt_id
    WHERE je.owner_id = %(owner)s
      AND (je.strategy_id IS NOT NULL OR je.exercise_id IS NOT NULL OR je.prompt_id IS NOT NULL)
),
lift AS (
    SELECT a.strategy_id, h.guide_id, avg(a.mood_after - a.mood_before)::float AS lift
    FROM entry_about a JOIN public_strategy h ON h.id = a.strategy_id
    WHERE a.mood_before IS NOT NULL AND a.mood_after IS NOT NULL
    GROUP BY a.strategy_id, h.guide_id
    HAVING count(*) >= %(min_lift_entries)s
       AND avg(a.mood_after - a.mood_before) >= %(min_lift)s
),
journal_tag AS (
    SELECT tag_id, count(*) AS entries FROM (
        SELECT st.tag_id FROM entry_about a
        JOIN strategies_strategy_tags st ON st.strategy_id = a.strategy_id
        WHERE a.entry_date >= %(journal_since)s
        UNION ALL
        SELECT t.id FROM journaling_membertag mt
        JOIN journaling_entrytag et ON et.tag_id = mt.id
        JOIN journaling_journalentry je ON je.id = et.entry_id
        JOIN strategies_tag t ON lower(t.name) = lower(mt.name) OR t.slug = lower(mt.name)
        WHERE mt.owner_id = %(owner)s AND je.entry_date >= %(journal_since)s
    ) topics
    GROUP BY tag_id
),
saved AS MATERIALIZED (
    SELECT guide_id, strategy_id, exercise_id, event_id FROM profiles_saveditem
    WHERE owner_id = %(owner)s
),
popularity AS (
    SELECT CASE WHEN guide_id IS NOT NULL THEN 'guide'
                WHEN strategy_id IS NOT NULL THEN 'strategy'
                WHEN exercise_id IS NOT NULL THEN 'exercise'
                ELSE 'event' END AS kind,
           COALESCE(guide_id, strategy_id, exercise_id, event_id) AS id,
           count(*) AS saves
    FROM profiles_saveditem WHERE created_at >= %(popular_since)s
    GROUP BY 1, 2
),
candidate (kind, id) AS (
    SELECT 'guide', id FROM public_guide
    UNION ALL SELECT 'strategy', id FROM public_strategy
    UNION ALL SELECT 'exercise', id FROM public_exercise
    UNION ALL SELECT 'event', id FROM upcoming_event
),
signal (kind, id, reason, score, ref_kind, ref_id, lift) AS (
    SELECT ct.kind, ct.id, 'interest', %(w_interest)s::float, 'tag', ct.tag_id, NULL::float
    FROM candidate_tag ct JOIN profiles_interest i ON i.tag_id = ct.tag_id
    WHERE i.owner_id = %(owner)s
    UNION ALL
    SELECT ct.kind, ct.id, 'journaled', %(w_journaled)s * ln(1 + jt.entries), 'tag', ct.tag_id, NULL
    FROM candidate_tag ct JOIN journal_tag jt ON jt.tag_id = ct.tag_id
    UNION ALL
    SELECT 'exercise', e.id, 'mood_lift', %(w_lift)s * %(reach_exercise)s * l.lift,
           'strategy', l.strategy_id, l.lift
    FROM lift l JOIN public_exercise e ON e.strategy_id = l.strategy_id
    UNION ALL
    SELECT 'strategy', s.id, 'mood_lift', %(w_lift)s * %(reach_strategy)s * l.lift,
           'strategy', l.strategy_id, l.lift
    FROM lift l JOIN public_strategy s ON s.guide_id = l.guide_id AND s.id <> l.strategy_id
    UNION ALL
    SELECT 'guide', r.to_guide_id, 'mood_lift', %(w_lift)s * %(reach_guide)s * l.lift,
           'strategy', l.strategy_id, l.lift
    FROM lift l JOIN strategies_guiderelation r ON r.from_guide_id = l.guide_id
    JOIN public_guide g ON g.id = r.to_guide_id
    UNION ALL
    SELECT 'event', ev.id, 'mood_lift', %(w_lift)s * %(reach_event)s * l.lift,
           'strategy', l.strategy_id, l.lift
    FROM lift l
    JOIN events_event_strategies es ON es.strategy_id = l.strategy_id
    JOIN upcoming_event ev ON ev.id = es.event_id
    UNION ALL
    SELECT 'event', ev.id, 'mood_lift', %(w_lift)s * %(reach_event)s * l.lift,
           'strategy', l.strategy_id, l.lift
    FROM lift l
    JOIN events_event_guides eg ON eg.guide_id = l.guide_id
    JOIN upcoming_event ev ON ev.id = eg.event_id
    UNION ALL
    SELECT 'strategy', s.id, 'saved', %(w_saved)s, 'guide', sv.guide_id, NULL
    FROM saved sv JOIN public_strategy s ON s.guide_id = sv.guide_id
    UNION ALL
    SELECT 'guide', r.to_guide_id, 'saved', %(w_saved)s, 'guide', sv.guide_id, NULL
    FROM saved sv JOIN strategies_guiderelation r ON r.from_guide_id = sv.guide_id
    JOIN public_guide g ON g.id = r.to_guide_id
    UNION ALL
    SELECT 'exercise', e.id, 'saved', %(w_saved)s, 'strategy', sv.strategy_id, NULL
    FROM saved sv JOIN public_exercise e ON e.strategy_id = sv.strategy_id
    UNION ALL
    SELECT 'strategy', s.id, 'saved', %(w_saved)s, 'strategy', sv.strategy_id, NULL
    FROM saved sv JOIN public_strategy h ON h.id = sv.strategy_id
    JOIN public_strategy s ON s.guide_id = h.guide_id AND s.id <> h.id
    UNION ALL
    SELECT 'exercise', e.id, 'saved', %(w_saved)s, 'exercise', sv.exercise_id, NULL
    FROM saved sv JOIN public_exercise h ON h.id = sv.exercise_id
    JOIN public_exercise e ON e.strategy_id = h.strategy_id AND e.id <> h.id
    UNION ALL
    SELECT 'guide', g.id, 'saved', %(w_saved)s, 'event', sv.event_id, NULL
    FROM saved sv JOIN events_event_guides eg ON eg.event_id = sv.event_id
    JOIN public_guide g ON g.id = eg.guide_id
    UNION ALL
    SELECT 'strategy', s.id, 'saved', %(w_saved)s, 'event', sv.event_id, NULL
    FROM saved sv JOIN events_event_strategies es ON es.event_id = sv.event_id
    JOIN public_strategy s ON s.id = es.strategy_id
    UNION ALL
    SELECT c.kind, c.id, 'popular', %(w_popular)s * ln(1 + COALESCE(p.saves, 0)),
           NULL, NULL, NULL
    FROM candidate c LEFT JOIN popularity p ON p.kind = c.kind AND p.id = c.id
),
excluded (kind, id) AS (
    SELECT 'guide', guide_id FROM saved WHERE guide_id IS NOT NULL
    UNION SELECT 'strategy', strategy_id FROM saved WHERE strategy_id IS NOT NULL
    UNION SELECT 'exercise', exercise_id FROM saved WHERE exercise_id IS NOT NULL
    UNION SELECT 'event', event_id FROM saved WHERE event_id IS NOT NULL
    UNION SELECT 'strategy', strategy_id FROM journaling_commitment
          WHERE owner_id = %(owner)s AND strategy_id IS NOT NULL
            AND status IN ('done', 'partly') AND checked_in_at >= %(finished_since)s
    UNION SELECT 'exercise', exercise_id FROM journaling_commitment
          WHERE owner_id = %(owner)s AND exercise_id IS NOT NULL
            AND status IN ('done', 'partly') AND checked_in_at >= %(finished_since)s
    UNION SELECT 'event', event_id FROM events_reminder WHERE owner_id = %(owner)s
),
this_week (kind, id) AS (
    SELECT 'strategy', strategy_id FROM entry_about
    WHERE entry_date >= %(week_start)s AND strategy_id IS NOT NULL
    UNION SELECT 'exercise', exercise_id FROM entry_about
    WHERE entry_date >= %(week_start)s AND exercise_id IS NOT NULL
),
-- One row per candidate: its total, and its strongest personal signal as the reason
-- (popularity only when nothing personal applies).
best AS (
    SELECT DISTINCT ON (sg.kind, sg.id)
           sg.kind, sg.id, sg.reason, sg.ref_kind, sg.ref_id, sg.lift,
           sum(sg.score) OVER (PARTITION BY sg.kind, sg.id) AS total
    FROM signal sg
    WHERE NOT EXISTS (SELECT 1 FROM excluded x WHERE x.kind = sg.kind AND x.id = sg.id)
    ORDER BY sg.kind, sg.id, sg.reason = 'popular', sg.score DESC, sg.ref_kind, sg.ref_id
),
top AS (
    SELECT b.*,
           b.total * CASE WHEN w.id IS NULL THEN 1 ELSE %(this_week_factor)s END AS score,
           array_position(%(kind_order)s, b.kind) AS kind_rank
    FROM best b LEFT JOIN this_week w ON w.kind = b.kind AND w.id = b.id
    ORDER BY score DESC, kind_rank, b.id DESC
    LIMIT %(limit)s
)
SELECT top.kind,
       COALESCE(g.slug, s.slug, e.slug, ev.slug),
       COALESCE(g.title, s.title, e.title, ev.title),
       ev.starts_at, top.score, top.reason, top.ref_kind, top.lift,
       COALESCE(t.slug, rg.slug, rs.slug, re.slug, rev.slug),
       COALESCE(t.name, rg.title, rs.title, re.title, rev.title)
FROM top
LEFT JOIN strategies_guide g ON top.kind = 'guide' AND g.id = top.id
LEFT JOIN strategies_strategy s ON top.kind = 'strategy' AND s.id = top.id
LEFT JOIN strategies_exercise e ON top.kind = 'exercise' AND e.id = top.id
LEFT JOIN events_event ev ON top.kind = 'event' AND ev.id = top.id
LEFT JOIN strategies_tag t ON top.ref_kind = 'tag' AND t.id = top.ref_id
LEFT JOIN strategies_guide rg ON top.ref_kind = 'guide' AND rg.id = top.ref_id
LEFT JOIN strategies_strategy rs ON top.ref_kind = 'strategy' AND rs.id = top.ref_id
LEFT JOIN strategies_exercise re ON top.ref_kind = 'exercise' AND re.id = top.ref_id
LEFT JOIN events_event rev ON top.ref_kind = 'event' AND rev.id = top.ref_id
ORDER BY top.score DESC, top.kind_rank, top.id DESC
"""


@dataclass(frozen=True)
class Recommendation:
    kind: str  # guide, strategy, exercise or event
    slug: str
    title: str
    starts_at: datetime | None  # events only
    score: float
    reason: str  # mood_lift, saved, interest, journaled or popular
    # What the reason points at: a tag (interest, journaled), the strategy that lifted
    # the mood (mood_lift), or the saved item (saved, whose kind is `ref_kind`).
    ref_kind: str | None
    ref_slug: str | None
    ref_title: str | None
    lift: float | None


def recommendation_list(
    *, owner: Any, now: datetime, today: date, limit: int = DEFAULT_LIMIT
) -> list[Recommendation]:
    """The member's recommendations, best first (one query). `today` is the member's
    local date: their week starts on its Monday."""
    params = {
        "owner": owner.pk,
        "now": now,
        "horizon": now + timedelta(days=EVENT_HORIZON_DAYS),
        "happening": list(HAPPENING_STATUSES),
        "min_lift": MIN_LIFT,
        "min_lift_entries": MIN_LIFT_ENTRIES,
        "journal_since": today - timedelta(days=JOURNAL_DAYS),
        "popular_since": now - timedelta(days=POPULAR_DAYS),
        "finished_since": now - timedelta(days=FINISHED_DAYS),
        "week_start": today - timedelta(days=today.weekday()),
        "this_week_factor": THIS_WEEK_FACTOR,
        "kind_order": list(KIND_ORDER),
        "limit": min(max(limit, 1), MAX_LIMIT),
        "w_interest": WEIGHTS["interest"],
        "w_journaled": WEIGHTS["journaled"],
        "w_lift": WEIGHTS["mood_lift"],
        "w_saved": WEIGHTS["saved"],
        "w_popular": WEIGHTS["popular"],
        **{f"reach_{kind}": reach for kind, reach in LIFT_REACH.items()},
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    return [
        Recommendation(
            kind=kind,
            slug=slug,
            title=title,
            starts_at=starts_at,
            score=round(float(score), 3),
            reason=reason,
            ref_kind=ref_kind,
            ref_slug=ref_slug,
            ref_title=ref_title,
            lift=None if lift is None else round(float(lift), 2),
        )
        for (
            kind,
            slug,
            title,
            starts_at,
            score,
            reason,
            ref_kind,
            lift,
            ref_slug,
            ref_title,
        ) in rows
    ]
