"""What to read, try or attend next, ranked for one member by PostgreSQL in one query.

Every public guide, strategy, exercise and upcoming event is a candidate. Signals add
to a candidate's score, and the strongest one is the reason the member is shown:

- `mood_lift`: a strategy whose journal entries (by the strategy, one of its exercises
  or prompts) lifted the member's mood on average by `MIN_LIFT` or more, over at least
  `MIN_LIFT_ENTRIES` entries, brings forward its exercises, the other strategies of its
  guide, the guides its guide lists as related, and the events about that guide or
  any of its strategies;
- `saved`: the neighbours of what the member saved (a saved guide's strategies and
  related guides, a saved strategy's exercises and siblings, a saved exercise's
  siblings, a saved event's guides and strategies);
- `interest`: content carrying a tag the member picked (its own tags, its strategy's
  or its guide's), once per matching tag;
- `journaled`: the `JOURNAL_TOPICS` topics the member wrote about most in the last
  `JOURNAL_DAYS` days (the tags of the strategies entries were about, and the member's
  own entry tags that name a content tag);
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
# The member's main topics only: someone who wrote about everything is steered by none.
JOURNAL_TOPICS = 5
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
# Kinds, reasons and what a reason points at travel as small integers: sorting and
# hashing text under the database's collation made the ranking several times slower.
# A kind's code is also its place when scores tie (a new member's list before anyone
# saved anything): strategies first, then exercises, guides, events.
KINDS = {1: "strategy", 2: "exercise", 3: "guide", 4: "event"}
REASONS = {1: "mood_lift", 2: "saved", 3: "interest", 4: "journaled", 5: "popular"}
REF_KINDS = {0: "tag", **KINDS}

_SQL = """
WITH
public_guide AS MATERIALIZED (
    SELECT id FROM strategies_guide
    WHERE status = 'published' AND published_at <= %(now)s
),
public_strategy AS MATERIALIZED (
    SELECT s.id, s.guide_id FROM strategies_strategy s JOIN public_guide g ON g.id = s.guide_id
),
upcoming_event AS MATERIALIZED (
    SELECT id FROM events_event
    WHERE starts_at > %(now)s AND starts_at <= %(horizon)s AND status = ANY(%(happening)s)
),
-- What each upcoming event is about: a guide, or a strategy (and so its guide).
event_link AS MATERIALIZED (
    SELECT eg.event_id, eg.guide_id, NULL::bigint AS strategy_id
    FROM events_event_guides eg
    JOIN upcoming_event ev ON ev.id = eg.event_id
    JOIN public_guide g ON g.id = eg.guide_id
    UNION ALL
    SELECT es.event_id, s.guide_id, es.strategy_id
    FROM events_event_strategies es
    JOIN upcoming_event ev ON ev.id = es.event_id
    JOIN public_strategy s ON s.id = es.strategy_id
),
-- Every candidate with the guide and the strategy it belongs to (events: their links).
candidate (kind, id, guide_id, strategy_id) AS MATERIALIZED (
    SELECT 1, id, guide_id, id FROM public_strategy
    UNION ALL
    SELECT 2, e.id, s.guide_id, e.strategy_id
    FROM strategies_exercise e JOIN public_strategy s ON s.id = e.strategy_id
    UNION ALL
    SELECT 3, id, id, NULL FROM public_guide
    UNION ALL
    SELECT 4, id, NULL, NULL FROM upcoming_event
),
-- The member's recent entries about a strategy, directly or through an exercise or a
-- prompt (the topics and this week read no older ones).
my_entry AS MATERIALIZED (
    SELECT COALESCE(je.strategy_id, ex.strategy_id, pr.strategy_id) AS strategy_id,
           je.exercise_id, je.entry_date
    FROM journaling_journalentry je
    LEFT JOIN strategies_exercise ex ON ex.id = je.exercise_id
    LEFT JOIN strategies_prompt pr ON pr.id = je.prompt_id
    WHERE je.owner_id = %(owner)s AND je.entry_date >= %(journal_since)s
      AND num_nonnulls(je.strategy_id, je.exercise_id, je.prompt_id) > 0
),
-- The lift of all time, from the journal's summary per link (a handful of rows): the
-- sum over the strategy's entries divided by their count, as `avg` divides.
lift AS MATERIALIZED (
    SELECT a.strategy_id, s.guide_id, (sum(a.lift_sum)::numeric / sum(a.moods))::float AS lift
    FROM (
        SELECT COALESCE(l.strategy_id, ex.strategy_id, pr.strategy_id) AS strategy_id,
               l.moods, l.lift_sum
        FROM journaling_memberstrategylift l
        LEFT JOIN strategies_exercise ex ON ex.id = l.exercise_id
        LEFT JOIN strategies_prompt pr ON pr.id = l.prompt_id
        WHERE l.owner_id = %(owner)s
    ) a
    JOIN public_strategy s ON s.id = a.strategy_id
    GROUP BY a.strategy_id, s.guide_id
    HAVING sum(a.moods) >= %(min_lift_entries)s
       AND sum(a.lift_sum)::numeric / sum(a.moods) >= %(min_lift)s
),
-- The member's own entry tags of the last JOURNAL_DAYS, from their recent entries.
-- (From the entry ids, so the tag links are read by their index, not all scanned.)
recent_tag_name AS (
    SELECT lower(mt.name) AS name
    FROM journaling_entrytag et
    JOIN journaling_membertag mt ON mt.id = et.tag_id
    WHERE et.entry_id = ANY(ARRAY(
        SELECT id FROM journaling_journalentry
        WHERE owner_id = %(owner)s AND entry_date >= %(journal_since)s
    ))
),
-- The topics that steer this member: picked (3) and journaled about (4), weighted.
topic (tag_id, reason, weight) AS MATERIALIZED (
    SELECT tag_id, 3, %(w_interest)s::float FROM profiles_interest WHERE owner_id = %(owner)s
    UNION ALL
    (
        SELECT tag_id, 4, %(w_journaled)s * ln(1 + count(*)) FROM (
            SELECT st.tag_id FROM my_entry a
            JOIN strategies_strategy_tags st ON st.strategy_id = a.strategy_id
            UNION ALL
            SELECT t.id FROM recent_tag_name r
            JOIN strategies_tag t ON lower(t.name) = r.name OR t.slug = r.name
        ) topics
        GROUP BY tag_id
        ORDER BY count(*) DESC, tag_id
        LIMIT %(journal_topics)s
    )
),
-- Candidates carrying a topic: by their guide's tags or their strategy's.
topic_hit AS (
    SELECT c.kind, c.id, tp.tag_id, tp.reason, tp.weight
    FROM topic tp
    JOIN strategies_guide_tags gt ON gt.tag_id = tp.tag_id
    JOIN candidate c ON c.guide_id = gt.guide_id AND c.kind <> 4
    UNION
    SELECT c.kind, c.id, tp.tag_id, tp.reason, tp.weight
    FROM topic tp
    JOIN strategies_strategy_tags st ON st.tag_id = tp.tag_id
    JOIN candidate c ON c.strategy_id = st.strategy_id AND c.kind IN (1, 2)
    UNION
    SELECT 4, el.event_id, tp.tag_id, tp.reason, tp.weight
    FROM topic tp
    JOIN strategies_guide_tags gt ON gt.tag_id = tp.tag_id
    JOIN event_link el ON el.guide_id = gt.guide_id
    UNION
    SELECT 4, el.event_id, tp.tag_id, tp.reason, tp.weight
    FROM topic tp
    JOIN strategies_strategy_tags st ON st.tag_id = tp.tag_id
    JOIN event_link el ON el.strategy_id = st.strategy_id
),
saved AS MATERIALIZED (
    SELECT guide_id, strategy_id, exercise_id, event_id FROM profiles_saveditem
    WHERE owner_id = %(owner)s
),
signal (kind, id, reason, score, ref_kind, ref_id, lift) AS (
    SELECT kind, id, reason, weight, 0, tag_id, NULL::float FROM topic_hit
    UNION ALL
    SELECT c.kind, c.id, 1, %(w_lift)s * %(reach_exercise)s * l.lift, 1, l.strategy_id, l.lift
    FROM lift l JOIN candidate c ON c.kind = 2 AND c.strategy_id = l.strategy_id
    UNION ALL
    SELECT c.kind, c.id, 1, %(w_lift)s * %(reach_strategy)s * l.lift, 1, l.strategy_id, l.lift
    FROM lift l JOIN candidate c ON c.kind = 1 AND c.guide_id = l.guide_id
    WHERE c.id <> l.strategy_id
    UNION ALL
    SELECT 3, r.to_guide_id, 1, %(w_lift)s * %(reach_guide)s * l.lift, 1, l.strategy_id, l.lift
    FROM lift l
    JOIN strategies_guiderelation r ON r.from_guide_id = l.guide_id
    JOIN public_guide g ON g.id = r.to_guide_id
    UNION ALL
    SELECT DISTINCT 4, el.event_id, 1, %(w_lift)s * %(reach_event)s * l.lift, 1,
           l.strategy_id, l.lift
    FROM lift l JOIN event_link el ON el.guide_id = l.guide_id
    UNION ALL
    SELECT c.kind, c.id, 2, %(w_saved)s, 3, sv.guide_id, NULL
    FROM saved sv JOIN candidate c ON c.kind = 1 AND c.guide_id = sv.guide_id
    UNION ALL
    SELECT 3, r.to_guide_id, 2, %(w_saved)s, 3, sv.guide_id, NULL
    FROM saved sv
    JOIN strategies_guiderelation r ON r.from_guide_id = sv.guide_id
    JOIN public_guide g ON g.id = r.to_guide_id
    UNION ALL
    SELECT c.kind, c.id, 2, %(w_saved)s, 1, sv.strategy_id, NULL
    FROM saved sv JOIN candidate c ON c.kind = 2 AND c.strategy_id = sv.strategy_id
    UNION ALL
    SELECT c.kind, c.id, 2, %(w_saved)s, 1, sv.strategy_id, NULL
    FROM saved sv
    JOIN public_strategy h ON h.id = sv.strategy_id
    JOIN candidate c ON c.kind = 1 AND c.guide_id = h.guide_id AND c.id <> h.id
    UNION ALL
    SELECT c.kind, c.id, 2, %(w_saved)s, 2, sv.exercise_id, NULL
    FROM saved sv
    JOIN candidate h ON h.kind = 2 AND h.id = sv.exercise_id
    JOIN candidate c ON c.kind = 2 AND c.strategy_id = h.strategy_id AND c.id <> h.id
    UNION ALL
    SELECT CASE WHEN el.strategy_id IS NULL THEN 3 ELSE 1 END,
           COALESCE(el.strategy_id, el.guide_id), 2, %(w_saved)s, 4, sv.event_id, NULL
    FROM saved sv JOIN event_link el ON el.event_id = sv.event_id
),
total AS (
    SELECT kind, id, sum(score) AS score FROM signal GROUP BY kind, id
),
-- The strongest signal of each candidate is the reason it is shown.
best AS (
    SELECT DISTINCT ON (kind, id) kind, id, reason, ref_kind, ref_id, lift
    FROM signal
    ORDER BY kind, id, score DESC, reason, ref_kind, ref_id
),
popularity AS (
    SELECT CASE WHEN strategy_id IS NOT NULL THEN 1
                WHEN exercise_id IS NOT NULL THEN 2
                WHEN guide_id IS NOT NULL THEN 3
                ELSE 4 END AS kind,
           COALESCE(strategy_id, exercise_id, guide_id, event_id) AS id,
           count(*) AS saves
    FROM profiles_saveditem WHERE created_at >= %(popular_since)s
    GROUP BY 1, 2
),
excluded (kind, id) AS (
    SELECT 1, strategy_id FROM saved WHERE strategy_id IS NOT NULL
    UNION SELECT 2, exercise_id FROM saved WHERE exercise_id IS NOT NULL
    UNION SELECT 3, guide_id FROM saved WHERE guide_id IS NOT NULL
    UNION SELECT 4, event_id FROM saved WHERE event_id IS NOT NULL
    UNION SELECT 1, strategy_id FROM journaling_commitment
          WHERE owner_id = %(owner)s AND strategy_id IS NOT NULL
            AND status IN ('done', 'partly') AND checked_in_at >= %(finished_since)s
    UNION SELECT 2, exercise_id FROM journaling_commitment
          WHERE owner_id = %(owner)s AND exercise_id IS NOT NULL
            AND status IN ('done', 'partly') AND checked_in_at >= %(finished_since)s
    UNION SELECT 4, event_id FROM events_reminder WHERE owner_id = %(owner)s
),
this_week (kind, id) AS (
    SELECT 1, strategy_id FROM my_entry
    WHERE entry_date >= %(week_start)s AND strategy_id IS NOT NULL
    UNION SELECT 2, exercise_id FROM my_entry
    WHERE entry_date >= %(week_start)s AND exercise_id IS NOT NULL
),
top AS (
    SELECT c.kind, c.id,
           (COALESCE(t.score, 0) + %(w_popular)s * ln(1 + COALESCE(p.saves, 0)))
           * CASE WHEN w.id IS NULL THEN 1 ELSE %(this_week_factor)s END AS score,
           COALESCE(b.reason, 5) AS reason, b.ref_kind, b.ref_id, b.lift
    FROM candidate c
    LEFT JOIN total t ON t.kind = c.kind AND t.id = c.id
    LEFT JOIN best b ON b.kind = c.kind AND b.id = c.id
    LEFT JOIN popularity p ON p.kind = c.kind AND p.id = c.id
    LEFT JOIN this_week w ON w.kind = c.kind AND w.id = c.id
    WHERE NOT EXISTS (SELECT 1 FROM excluded x WHERE x.kind = c.kind AND x.id = c.id)
    ORDER BY score DESC, c.kind, c.id DESC
    LIMIT %(limit)s
)
SELECT top.kind,
       COALESCE(s.slug, e.slug, g.slug, ev.slug),
       COALESCE(s.title, e.title, g.title, ev.title),
       ev.starts_at, top.score, top.reason, top.ref_kind, top.lift,
       COALESCE(t.slug, rs.slug, re.slug, rg.slug, rev.slug),
       COALESCE(t.name, rs.title, re.title, rg.title, rev.title)
FROM top
LEFT JOIN strategies_strategy s ON top.kind = 1 AND s.id = top.id
LEFT JOIN strategies_exercise e ON top.kind = 2 AND e.id = top.id
LEFT JOIN strategies_guide g ON top.kind = 3 AND g.id = top.id
LEFT JOIN events_event ev ON top.kind = 4 AND ev.id = top.id
LEFT JOIN strategies_tag t ON top.ref_kind = 0 AND t.id = top.ref_id
LEFT JOIN strategies_strategy rs ON top.ref_kind = 1 AND rs.id = top.ref_id
LEFT JOIN strategies_exercise re ON top.ref_kind = 2 AND re.id = top.ref_id
LEFT JOIN strategies_guide rg ON top.ref_kind = 3 AND rg.id = top.ref_id
LEFT JOIN events_event rev ON top.ref_kind = 4 AND rev.id = top.ref_id
ORDER BY top.score DESC, top.kind, top.id DESC
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
        "journal_topics": JOURNAL_TOPICS,
        "popular_since": now - timedelta(days=POPULAR_DAYS),
        "finished_since": now - timedelta(days=FINISHED_DAYS),
        "week_start": today - timedelta(days=today.weekday()),
        "this_week_factor": THIS_WEEK_FACTOR,
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
            kind=KINDS[kind],
            slug=slug,
            title=title,
            starts_at=starts_at,
            score=round(float(score), 3),
            reason=REASONS[reason],
            ref_kind=None if ref_kind is None else REF_KINDS[ref_kind],
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
