"""Fill the benchmark database, reproducibly from a seed, at the sizes the issues name.

    python -m bench.seed                      # defaults below, into bt_bench
    python -m bench.seed --members 10 --entries-per-member 1000 --fresh

Defaults: 1,000 guides (with 4 strategies, 2 exercises and 2 prompts each) from the
strategies generator, 5,000 events from the events generator, the sample content, and
100 members with 10,000 journal entries each (1,000,000 entries) over five years and a
dozen strategies each, 200 commitments and 10 tags each, a third of the entries tagged.

Journal rows are made inside PostgreSQL (`INSERT ... SELECT` over `generate_series`):
every value is a function of the row number, the member and `--seed`, so two runs give
the same data, and nothing travels through Python row by row. The change-numbering
trigger is switched off while they load and its work done in the same statement
(`change_seq` numbered per member, as the trigger would), so the feed sees what the
trigger would give.

A database already seeded with the same parameters is left alone (the parameters are
kept in a `bench_seed` table), so `make bench` pays for seeding once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from harness.database import create_database, database_exists
from harness.server import production_env

# Bump when the generated data changes shape, so `make bench` reseeds.
LAYOUT = 2
# Each member's entries span five years and a dozen strategies.
JOURNAL_DAYS = 5 * 365
STRATEGIES_PER_MEMBER = 12
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bt_bench"
MEMBER_EMAIL = "bench-member-{n}@example.com"
MEMBER_PASSWORD = "bench passphrase for load tests"  # noqa: S105 - a throwaway database

SENTENCES = [
    "I noticed how much lighter the morning felt after a short walk.",
    "The smallest step today was writing one honest line to a friend.",
    "Therapy felt stuck this week, so I tried a new question instead.",
    "Singing in the kitchen changed the mood of the whole evening.",
    "I did a fraction of the task I kept avoiding, and it was enough.",
    "Anger came up at work; I breathed and waited before replying.",
    "Helping a neighbour carry groceries gave me a quiet kind of joy.",
    "A long day, but I kept the promise to rest without guilt.",
    "I read about a different way to think about old habits.",
    "Doubt was loud this afternoon; I let it speak and kept going.",
    "Gratitude list: tea, sunlight, a call from my sister.",
    "Dancing for five minutes felt silly and then felt good.",
    "I asked my doctor about options beyond weekly sessions.",
    "Acting first and thinking after worked better than I expected.",
    "The meeting at church reminded me that I am not alone in this.",
    "Fear of failing kept me still until I wrote down one next step.",
]
TAG_NAMES = [
    "work",
    "family",
    "sleep",
    "faith",
    "exercise",
    "music",
    "anxiety",
    "hope",
    "rest",
    "friends",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--guides", type=int, default=1000)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--entries-per-member", type=int, default=10_000)
    parser.add_argument("--commitments-per-member", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="Drop and rebuild the database.")
    return parser.parse_args(argv)


def parameters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "guides": args.guides,
        "events": args.events,
        "members": args.members,
        "entries_per_member": args.entries_per_member,
        "commitments_per_member": args.commitments_per_member,
        "seed": args.seed,
        "layout": LAYOUT,
    }


def setup_django(database_url: str) -> None:
    """Django in this process, on `database_url` with the production settings (once)."""
    from django.apps import apps

    if apps.ready:
        return
    os.environ.update(production_env(database=database_url))
    # Seeding a million journal rows takes statements far longer than the service's 5 s
    # bound (config/settings.py), which is for requests, not for this one-off load.
    os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seeded_with(database_url: str) -> dict[str, Any] | None:
    """The parameters the database was seeded with, or None."""
    import psycopg

    if not database_exists(database_url):
        return None
    with psycopg.connect(_libpq_url(database_url)) as conn:
        exists = conn.execute("SELECT to_regclass('bench_seed')").fetchone()[0]
        if not exists:
            return None
        row = conn.execute("SELECT parameters FROM bench_seed").fetchone()
        return row[0] if row else None


def _libpq_url(database_url: str) -> str:
    return database_url.replace("postgres://", "postgresql://", 1)


def _step(label: str, started: float) -> None:
    print(f"  {label}: {time.monotonic() - started:.1f}s", flush=True)


def seed(args: argparse.Namespace) -> dict[str, Any]:
    params = parameters(args)
    if not args.fresh and seeded_with(args.database_url) == params:
        print(f"{args.database_url} is already seeded with {params}")
        return params
    print(f"Seeding {args.database_url} with {params}", flush=True)
    create_database(args.database_url, fresh=True)
    setup_django(args.database_url)
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    _step("migrate", started)

    started = time.monotonic()
    # Events first: the generator refuses a database that already has real events.
    call_command("generate_events", count=args.events, seed=args.seed, verbosity=0)
    call_command("load_sample_content", verbosity=0)
    _step(f"{args.events} events and the sample content", started)

    from strategies.generator import generate

    started = time.monotonic()
    generate(guides=args.guides, seed=args.seed, prefix="gen")
    _step(f"{args.guides} guides", started)

    started = time.monotonic()
    _members_and_journals(args)
    _step(f"{args.members} members x {args.entries_per_member} entries", started)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("CREATE TABLE bench_seed (parameters jsonb NOT NULL)")
        cursor.execute("INSERT INTO bench_seed VALUES (%s)", [json.dumps(params)])
    return params


def _members_and_journals(args: argparse.Namespace) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from accounts.models import User

    password = make_password(MEMBER_PASSWORD)
    User.objects.bulk_create(
        User(email=MEMBER_EMAIL.format(n=n), display_name=f"Bench member {n}", password=password)
        for n in range(args.members)
    )
    values = {
        "seed": str(args.seed),
        "per_member": args.entries_per_member,
        "commitments": args.commitments_per_member,
        "members": args.members,
        "days": JOURNAL_DAYS,
        "strategies_per_member": STRATEGIES_PER_MEMBER,
        "sentences": SENTENCES,
        "tags": TAG_NAMES,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # Triggers off for this transaction: the change-numbering trigger (its work is
        # done below, from the same sequence) and the foreign-key checks (every id
        # comes from the tables it points at).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Building an index once is far cheaper than growing it row by row.
        indexes = _drop_plain_indexes(cursor, BULK_TABLES)
        for statement in JOURNAL_SQL:
            cursor.execute(statement, values)
        # The triggers that keep the journal's summaries were off too.
        cursor.execute(_journal_summaries_backfill())
        for definition in indexes:
            cursor.execute(definition)


def _journal_summaries_backfill() -> str:
    import importlib

    return importlib.import_module("journaling.migrations.0007_lift_by_link").BACKFILL


BULK_TABLES = ("journaling_journalentry", "journaling_entrytag", "journaling_commitment")


def _drop_plain_indexes(cursor: Any, tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes of `tables` that no constraint owns; return how to rebuild them."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """,
        [list(tables)],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


# Every "random" value is a slice of md5(seed, member, row): stable across runs.
JOURNAL_SQL = [
    """
    CREATE TEMP TABLE bench_members ON COMMIT DROP AS
    SELECT id AS owner_id, row_number() OVER (ORDER BY id) AS n
    FROM accounts_user WHERE email LIKE 'bench-member-%%'
    """,
    # change_seq: each member's own numbers, oldest first (what the trigger would have
    # given rows written in that order), commitments before entries; the member's
    # counter then continues after the last number used.
    """
    INSERT INTO journaling_memberchangelock (owner_id, last_seq)
    SELECT owner_id, %(commitments)s + %(per_member)s FROM bench_members
    """,
    """
    INSERT INTO journaling_membertag (owner_id, name, created_at)
    SELECT m.owner_id, t.name, now()
    FROM bench_members m CROSS JOIN unnest(%(tags)s::text[]) AS t(name)
    """,
    """
    INSERT INTO journaling_commitment (
        id, owner_id, strategy_id, exercise_id, text, due_date, status, checked_in_at,
        check_in_note, version, change_seq, create_digest, created_at, updated_at)
    SELECT
        md5(%(seed)s || '-c-' || m.owner_id || '-' || g.i)::uuid,
        m.owner_id,
        NULL, NULL,
        'Do one small part of the thing I keep putting off (' || g.i || ')',
        current_date - (g.i * 3),
        CASE g.i %% 4 WHEN 0 THEN 'open' WHEN 1 THEN 'done' WHEN 2 THEN 'partly'
             ELSE 'skipped' END,
        CASE WHEN g.i %% 4 = 0 THEN NULL ELSE now() - make_interval(days => g.i * 3) END,
        '',
        1,
        %(commitments)s - g.i,
        '',
        now() - make_interval(days => g.i * 3 + 1),
        now() - make_interval(days => g.i * 3 + 1)
    FROM bench_members m
    CROSS JOIN generate_series(0, %(commitments)s - 1) AS g(i)
    """,
    """
    INSERT INTO journaling_journalentry (
        id, owner_id, title, body, strategy_id, exercise_id, prompt_id, commitment_id,
        mood_before, mood_after, entry_date, version, change_seq, create_digest,
        created_at, updated_at)
    SELECT
        md5(%(seed)s || '-e-' || m.owner_id || '-' || g.i)::uuid,
        m.owner_id,
        'Day ' || g.i,
        s.sentences[1 + (x.h1 %% s.count)] || ' ' || s.sentences[1 + (x.h2 %% s.count)]
            || ' ' || s.sentences[1 + (x.h3 %% s.count)],
        -- A member works with a dozen strategies, not with the whole library.
        CASE WHEN x.h4 %% 5 = 0 THEN NULL
             ELSE st.ids[1 + ((m.n * 101 + x.h4 %% %(strategies_per_member)s) %% st.count)] END,
        NULL, NULL, NULL,
        CASE WHEN x.h5 %% 10 < 8 THEN x.h5 %% 11 END,
        CASE WHEN x.h5 %% 10 < 8 THEN least(10, x.h5 %% 11 + x.h1 %% 4) END,
        entry.day,
        1,
        %(commitments)s + (%(per_member)s - g.i),
        '',
        least(now(), entry.day + make_interval(mins => (x.h2 %% 1440)::int)),
        least(now(), entry.day + make_interval(mins => (x.h2 %% 1440)::int))
    FROM bench_members m
    CROSS JOIN generate_series(0, %(per_member)s - 1) AS g(i)
    CROSS JOIN LATERAL (
        SELECT ('x' || substr(d, 1, 7))::bit(28)::int AS h1,
               ('x' || substr(d, 8, 7))::bit(28)::int AS h2,
               ('x' || substr(d, 15, 7))::bit(28)::int AS h3,
               ('x' || substr(d, 22, 7))::bit(28)::int AS h4,
               ('x' || substr(d, 26, 7))::bit(28)::int AS h5
        FROM md5(%(seed)s || '-' || m.owner_id || '-' || g.i) AS d
    ) AS x
    CROSS JOIN LATERAL (
        SELECT (current_date - (g.i * %(days)s / %(per_member)s))::date AS day
    ) AS entry
    CROSS JOIN (
        SELECT %(sentences)s::text[] AS sentences, cardinality(%(sentences)s::text[]) AS count
    ) AS s
    CROSS JOIN (
        SELECT array_agg(id ORDER BY id) AS ids, count(*) AS count FROM strategies_strategy
    ) AS st
    """,
    """
    INSERT INTO journaling_entrytag (entry_id, tag_id)
    SELECT e.id, t.id
    FROM journaling_journalentry e
    JOIN journaling_membertag t
      ON t.owner_id = e.owner_id
     AND t.name = (%(tags)s::text[])[1 + ('x' || substr(e.id::text, 1, 6))::bit(24)::int %% 10]
    WHERE ('x' || substr(e.id::text, 10, 4))::bit(16)::int %% 3 = 0
    """,
]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    seed(args)
    print(f"Done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
