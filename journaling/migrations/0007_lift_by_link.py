"""Lift per link, not per strategy alone: `MemberStrategyLift` gets a row per member and
combination of strategy, exercise and prompt, so recommendations can count an entry
written for an exercise or a prompt toward the strategy it belongs to (read at query
time) without reading the member's entries. The triggers of 0006 are rewritten to key
the lift by the three links; the rows are rebuilt from the entries.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


INITIAL = importlib.import_module("journaling.migrations.0006_day_summaries")

COLUMNS = "owner_id, entry_date, strategy_id, exercise_id, prompt_id, mood_before, mood_after"
ROWS = {
    "insert": f"SELECT {COLUMNS}, 1 AS sign FROM new_rows",
    "delete": f"SELECT {COLUMNS}, -1 AS sign FROM old_rows",
    "update": f"SELECT {COLUMNS}, 1 AS sign FROM new_rows UNION ALL "
    f"SELECT {COLUMNS}, -1 AS sign FROM old_rows",
}

# As in 0006 (see there why an upsert for what adds and an update for what only takes
# away); the lift is keyed by the three links, equal when both are NULL.
APPLY = """
CREATE OR REPLACE FUNCTION journaling_summaries_{op}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH changed AS (
        SELECT *, mood_before IS NOT NULL AND mood_after IS NOT NULL AS paired
        FROM ({rows}) AS signed
    ), day_delta AS (
        SELECT owner_id, entry_date AS day,
               sum(sign)::int AS entries,
               COALESCE(sum(sign) FILTER (WHERE paired), 0)::int AS moods,
               COALESCE(sum(sign * mood_before) FILTER (WHERE paired), 0)::int AS before_sum,
               COALESCE(sum(sign * mood_after) FILTER (WHERE paired), 0)::int AS after_sum
        FROM changed GROUP BY owner_id, entry_date
    ), lift_delta AS (
        SELECT owner_id, strategy_id, exercise_id, prompt_id,
               sum(sign)::int AS moods,
               sum(sign * (mood_after - mood_before))::int AS lift
        FROM changed WHERE paired AND num_nonnulls(strategy_id, exercise_id, prompt_id) > 0
        GROUP BY owner_id, strategy_id, exercise_id, prompt_id
    ), days_added AS (
        INSERT INTO journaling_memberday AS t
            (owner_id, day, week, entries, moods, mood_before_sum, mood_after_sum)
        SELECT owner_id, day, date_trunc('week', day::timestamp)::date,
               entries, moods, before_sum, after_sum
        FROM day_delta WHERE entries > 0
        ON CONFLICT (owner_id, day) DO UPDATE SET
            entries = t.entries + EXCLUDED.entries,
            moods = t.moods + EXCLUDED.moods,
            mood_before_sum = t.mood_before_sum + EXCLUDED.mood_before_sum,
            mood_after_sum = t.mood_after_sum + EXCLUDED.mood_after_sum
    ), days_taken AS (
        UPDATE journaling_memberday AS t SET
            entries = t.entries + d.entries,
            moods = t.moods + d.moods,
            mood_before_sum = t.mood_before_sum + d.before_sum,
            mood_after_sum = t.mood_after_sum + d.after_sum
        FROM day_delta AS d
        WHERE d.entries <= 0
          AND (d.entries, d.moods, d.before_sum, d.after_sum) <> (0, 0, 0, 0)
          AND t.owner_id = d.owner_id AND t.day = d.day
    ), lifts_added AS (
        INSERT INTO journaling_memberstrategylift AS t
            (owner_id, strategy_id, exercise_id, prompt_id, moods, lift_sum)
        SELECT owner_id, strategy_id, exercise_id, prompt_id, moods, lift
        FROM lift_delta WHERE moods > 0
        ON CONFLICT (owner_id, strategy_id, exercise_id, prompt_id) DO UPDATE SET
            moods = t.moods + EXCLUDED.moods,
            lift_sum = t.lift_sum + EXCLUDED.lift_sum
    )
    UPDATE journaling_memberstrategylift AS t SET
        moods = t.moods + d.moods,
        lift_sum = t.lift_sum + d.lift
    FROM lift_delta AS d
    WHERE d.moods <= 0 AND (d.moods, d.lift) <> (0, 0)
      AND t.owner_id = d.owner_id
      AND t.strategy_id IS NOT DISTINCT FROM d.strategy_id
      AND t.exercise_id IS NOT DISTINCT FROM d.exercise_id
      AND t.prompt_id IS NOT DISTINCT FROM d.prompt_id;
    {cleanup}
    RETURN NULL;
END;
$$;
"""

CLEANUP = """
    DELETE FROM journaling_memberday AS t
    USING (SELECT DISTINCT owner_id, entry_date FROM old_rows) AS o
    WHERE t.owner_id = o.owner_id AND t.day = o.entry_date AND t.entries = 0;
    DELETE FROM journaling_memberstrategylift AS t
    USING (SELECT DISTINCT owner_id FROM old_rows) AS o
    WHERE t.owner_id = o.owner_id AND t.moods = 0;
"""

FUNCTIONS = "".join(
    APPLY.format(op=op, rows=ROWS[op], cleanup="" if op == "insert" else CLEANUP) for op in ROWS
)

LIFTS = """
INSERT INTO journaling_memberstrategylift
    (owner_id, strategy_id, exercise_id, prompt_id, moods, lift_sum)
SELECT owner_id, strategy_id, exercise_id, prompt_id, count(*), sum(mood_after - mood_before)
FROM journaling_journalentry
WHERE num_nonnulls(strategy_id, exercise_id, prompt_id) > 0
  AND mood_before IS NOT NULL AND mood_after IS NOT NULL
GROUP BY owner_id, strategy_id, exercise_id, prompt_id;
"""

# Both summaries from the entries (`bench.seed` loads entries with triggers off).
BACKFILL = INITIAL.BACKFILL.split("INSERT INTO journaling_memberstrategylift")[0] + LIFTS

UNDO = (
    INITIAL.DROP_TRIGGERS
    + INITIAL.TRIGGERS
    + "DELETE FROM journaling_memberstrategylift;"
    + "INSERT INTO journaling_memberstrategylift"
    + INITIAL.BACKFILL.split("INSERT INTO journaling_memberstrategylift")[1]
    + "SET CONSTRAINTS ALL IMMEDIATE;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("journaling", "0006_day_summaries"),
        ("strategies", "0007_guide_draft"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Rebuilding the lifts of a big journal takes longer than a request may; the
        # table is emptied first, so that its columns change with no row to check.
        migrations.RunSQL(
            "SET LOCAL statement_timeout = 0; DELETE FROM journaling_memberstrategylift;",
            migrations.RunSQL.noop,
        ),
        migrations.AlterModelOptions(
            name="memberstrategylift",
            options={"ordering": ["owner", "strategy", "exercise", "prompt"]},
        ),
        migrations.RemoveConstraint(
            model_name="memberstrategylift",
            name="journaling_memberstrategylift_unique",
        ),
        migrations.AddField(
            model_name="memberstrategylift",
            name="exercise",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="strategies.exercise",
            ),
        ),
        migrations.AddField(
            model_name="memberstrategylift",
            name="prompt",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="strategies.prompt",
            ),
        ),
        migrations.AlterField(
            model_name="memberstrategylift",
            name="strategy",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="strategies.strategy",
            ),
        ),
        migrations.AddConstraint(
            model_name="memberstrategylift",
            constraint=models.UniqueConstraint(
                fields=("owner", "strategy", "exercise", "prompt"),
                name="journaling_memberstrategylift_unique",
                nulls_distinct=False,
            ),
        ),
        migrations.RunSQL(
            # Checked now: the indexes Django adds after this refuse pending checks.
            sql=FUNCTIONS + LIFTS + "SET CONSTRAINTS ALL IMMEDIATE;",
            reverse_sql=UNDO,
        ),
    ]
