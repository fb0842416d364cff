"""Summaries of each member's journal that insights read instead of the entries:
`MemberDay` (per member and date) and `MemberStrategyLift` (per member and strategy),
kept by statement triggers on the entries and filled here from the entries already
written; and an index for "on this day" (the member's entries of one calendar day).
"""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models


# Each trigger sees the rows its statement changed (transition tables), sums them per
# member and date (and per member and strategy) with a sign, and applies the sums: an
# edit of words only sums to nothing and writes nothing; deleting a strategy, which
# unlinks thousands of entries in one UPDATE, costs one pass. A sum that adds entries
# upserts; one that only takes away updates the rows that exist, so a cascade that
# deleted a summary row before the entries (account deletion) finds nothing to do. A
# date (or strategy) left with nothing has its row deleted.
ROWS = {
    "insert": "SELECT owner_id, entry_date, strategy_id, mood_before, mood_after, 1 AS sign "
    "FROM new_rows",
    "delete": "SELECT owner_id, entry_date, strategy_id, mood_before, mood_after, -1 AS sign "
    "FROM old_rows",
    "update": "SELECT owner_id, entry_date, strategy_id, mood_before, mood_after, 1 AS sign "
    "FROM new_rows UNION ALL "
    "SELECT owner_id, entry_date, strategy_id, mood_before, mood_after, -1 AS sign "
    "FROM old_rows",
}

APPLY = """
CREATE FUNCTION journaling_summaries_{op}() RETURNS trigger
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
        SELECT owner_id, strategy_id,
               sum(sign)::int AS moods,
               sum(sign * (mood_after - mood_before))::int AS lift
        FROM changed WHERE paired AND strategy_id IS NOT NULL
        GROUP BY owner_id, strategy_id
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
        INSERT INTO journaling_memberstrategylift AS t (owner_id, strategy_id, moods, lift_sum)
        SELECT owner_id, strategy_id, moods, lift FROM lift_delta WHERE moods > 0
        ON CONFLICT (owner_id, strategy_id) DO UPDATE SET
            moods = t.moods + EXCLUDED.moods,
            lift_sum = t.lift_sum + EXCLUDED.lift_sum
    )
    UPDATE journaling_memberstrategylift AS t SET
        moods = t.moods + d.moods,
        lift_sum = t.lift_sum + d.lift
    FROM lift_delta AS d
    WHERE d.moods <= 0 AND (d.moods, d.lift) <> (0, 0)
      AND t.owner_id = d.owner_id AND t.strategy_id = d.strategy_id;
    {cleanup}
    RETURN NULL;
END;
$$;

CREATE TRIGGER journaling_journalentry_summaries_{op}
    AFTER {event} ON journaling_journalentry
    REFERENCING {tables}
    FOR EACH STATEMENT EXECUTE FUNCTION journaling_summaries_{op}();
"""

CLEANUP = """
    DELETE FROM journaling_memberday AS t
    USING (SELECT DISTINCT owner_id, entry_date FROM old_rows) AS o
    WHERE t.owner_id = o.owner_id AND t.day = o.entry_date AND t.entries = 0;
    DELETE FROM journaling_memberstrategylift AS t
    USING (SELECT DISTINCT owner_id, strategy_id FROM old_rows) AS o
    WHERE t.owner_id = o.owner_id AND t.strategy_id = o.strategy_id AND t.moods = 0;
"""

TRIGGERS = "".join(
    APPLY.format(
        op=op,
        rows=ROWS[op],
        event=op.upper(),
        tables={
            "insert": "NEW TABLE AS new_rows",
            "delete": "OLD TABLE AS old_rows",
            "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        }[op],
        cleanup="" if op == "insert" else CLEANUP,
    )
    for op in ROWS
)

DROP_TRIGGERS = "".join(
    f"DROP TRIGGER IF EXISTS journaling_journalentry_summaries_{op} ON journaling_journalentry;"
    f"DROP FUNCTION IF EXISTS journaling_summaries_{op}();"
    for op in ROWS
)

# The summaries of the entries already written (also `bench.seed`, which loads entries
# with triggers off).
BACKFILL = """
INSERT INTO journaling_memberday
    (owner_id, day, week, entries, moods, mood_before_sum, mood_after_sum)
SELECT owner_id, entry_date, date_trunc('week', entry_date::timestamp)::date,
       count(*), count(*) FILTER (WHERE paired),
       COALESCE(sum(mood_before) FILTER (WHERE paired), 0),
       COALESCE(sum(mood_after) FILTER (WHERE paired), 0)
FROM (SELECT owner_id, entry_date, mood_before, mood_after,
             mood_before IS NOT NULL AND mood_after IS NOT NULL AS paired
      FROM journaling_journalentry) AS entries
GROUP BY owner_id, entry_date;

INSERT INTO journaling_memberstrategylift (owner_id, strategy_id, moods, lift_sum)
SELECT owner_id, strategy_id, count(*), sum(mood_after - mood_before)
FROM journaling_journalentry
WHERE strategy_id IS NOT NULL AND mood_before IS NOT NULL AND mood_after IS NOT NULL
GROUP BY owner_id, strategy_id;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0003_event_image'),
        ('journaling', '0005_entry_event'),
        ('strategies', '0007_guide_draft'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Building the index and the summaries of a big journal takes longer than a
        # request may.
        migrations.RunSQL("SET LOCAL statement_timeout = 0", migrations.RunSQL.noop),
        migrations.CreateModel(
            name='MemberDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('week', models.DateField()),
                ('entries', models.IntegerField()),
                ('moods', models.IntegerField()),
                ('mood_before_sum', models.IntegerField()),
                ('mood_after_sum', models.IntegerField()),
            ],
            options={
                'ordering': ['owner', 'day'],
            },
        ),
        migrations.CreateModel(
            name='MemberStrategyLift',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('moods', models.IntegerField()),
                ('lift_sum', models.IntegerField()),
            ],
            options={
                'ordering': ['owner', 'strategy'],
            },
        ),
        migrations.AddIndex(
            model_name='journalentry',
            index=models.Index(models.F('owner'), django.db.models.functions.datetime.ExtractMonth('entry_date'), django.db.models.functions.datetime.ExtractDay('entry_date'), name='journaling_entry_day_of_year'),
        ),
        migrations.AddField(
            model_name='memberday',
            name='owner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='memberstrategylift',
            name='owner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='memberstrategylift',
            name='strategy',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='strategies.strategy'),
        ),
        migrations.AddConstraint(
            model_name='memberday',
            constraint=models.UniqueConstraint(fields=('owner', 'day'), name='journaling_memberday_unique'),
        ),
        migrations.AddConstraint(
            model_name='memberstrategylift',
            constraint=models.UniqueConstraint(fields=('owner', 'strategy'), name='journaling_memberstrategylift_unique'),
        ),
        migrations.RunSQL(sql=TRIGGERS + BACKFILL, reverse_sql=DROP_TRIGGERS),
    ]
