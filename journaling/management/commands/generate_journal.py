"""Fill a database with a large, realistic-looking journal, for measurements.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bt_journal_bench \\
        manage.py generate_journal --total 1000000 --member-entries 10000 --members 100

One member (`--email`, password `--password`) gets `--member-entries` entries; the
rest of `--total` is shared by `--members - 1` other members. Entries are spread over
the last three years, half of them tied to a strategy, most with moods, a third with
tags; each member also gets commitments and a few tombstones. Rows are made by
`INSERT ... SELECT generate_series(...)` inside PostgreSQL, with the change trigger
on, so the journal is numbered exactly as real writes would number it. Never run it
against a database with real members: it is for throwaway benchmark databases.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from strategies.models import Strategy

# Words to build entries from (our own list: everyday words of a journal).
WORDS = (  # noqa: SIM905 (a paragraph reads better than a list of 105 strings)
    "today morning evening walk slept tired calm anxious hopeful stuck moved small step "
    "called friend wrote read breathed noticed worried laughed cried cooked cleaned work "
    "meeting deadline garden music sang danced helped neighbour rain sun coffee tea late "
    "early quiet noisy therapy session doctor advice prayer church synagogue gym run bike "
    "list plan started finished avoided tried again better worse same energy focus sleep "
    "dream family child parent partner message letter book page minutes hour week promise "
    "grateful angry patient gentle honest afraid brave simple hard easy new old habit "
    "kitchen window street park bus train office desk phone screen rest break stretch"
).split()
TITLES = (
    "Morning pages",
    "A small step",
    "After the session",
    "Before bed",
    "Lunch break thoughts",
    "What helped today",
    "Stuck again",
    "A better day",
    "Trying the exercise",
    "Notes to self",
    "",
)
TAGS = (
    "sleep",
    "work",
    "family",
    "therapy",
    "exercise",
    "music",
    "faith",
    "friends",
    "anxiety",
    "gratitude",
    "energy",
    "food",
    "outdoors",
    "reading",
    "rest",
)
VARIANTS = 1000
DAYS_SPAN = 3 * 365


class Command(BaseCommand):
    help = "Fill a throwaway database with many journal entries (for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--total", type=int, default=1_000_000)
        parser.add_argument("--member-entries", type=int, default=10_000)
        parser.add_argument("--members", type=int, default=100)
        parser.add_argument("--email", default="bench-member@example.com")
        parser.add_argument("--password", default="bench passphrase 2025")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **options: Any) -> None:
        total, mine, members = options["total"], options["member_entries"], options["members"]
        if members < 2 or mine > total:
            raise CommandError("Need at least 2 members and --member-entries <= --total.")
        started = time.monotonic()
        if not Strategy.objects.exists():
            call_command("load_sample_content", verbosity=0)
        strategy_ids = list(Strategy.objects.values_list("id", flat=True))
        rng = random.Random(options["seed"])  # noqa: S311 (sample text, not secrets)
        owners = self._members(options["email"], options["password"], members)
        self._fill_variants(rng)

        others = owners[1:]
        per_other, extra = divmod(total - mine, len(others))
        plan = [(owners[0], mine)] + [
            (owner, per_other + (1 if index < extra else 0)) for index, owner in enumerate(others)
        ]
        today = timezone.now().date()
        done = 0
        for number, (owner_id, count) in enumerate(plan, start=1):
            with transaction.atomic():
                self._entries(owner_id, count, strategy_ids, today)
                self._tags(owner_id)
                self._commitments(owner_id, max(count // 50, 1), strategy_ids, today)
                self._tombstones(owner_id, 20)
            done += count
            if number == 1 or number % 10 == 0 or number == len(plan):
                self.stdout.write(
                    f"{number}/{len(plan)} members, {done:,} entries, "
                    f"{time.monotonic() - started:.0f}s"
                )
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_journal_variant")
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{total:,} entries for {members} members in {time.monotonic() - started:.0f}s; "
                f"{options['email']} has {mine:,}."
            )
        )

    def _members(self, email: str, password: str, count: int) -> list[int]:
        user_model = get_user_model()
        target, _ = user_model.objects.get_or_create(
            email=email, defaults={"password": make_password(password)}
        )
        hashed = make_password(None)
        wanted = [f"bench-other-{n}@example.com" for n in range(1, count)]
        existing = set(user_model.objects.filter(email__in=wanted).values_list("email", flat=True))
        user_model.objects.bulk_create(
            [user_model(email=e, password=hashed) for e in wanted if e not in existing]
        )
        others = user_model.objects.filter(email__in=wanted).order_by("email")
        return [target.pk, *others.values_list("pk", flat=True)]

    def _fill_variants(self, rng: random.Random) -> None:
        rows = []
        for index in range(VARIANTS):
            sentences = []
            for _ in range(rng.randint(2, 9)):
                words = rng.choices(WORDS, k=rng.randint(6, 16))
                sentences.append(" ".join(words).capitalize() + ".")
            rows.append((index, TITLES[index % len(TITLES)], " ".join(sentences)))
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_journal_variant")
            cursor.execute(
                "CREATE TABLE bench_journal_variant (i int PRIMARY KEY, title text, body text)"
            )
            cursor.executemany("INSERT INTO bench_journal_variant VALUES (%s, %s, %s)", rows)

    def _entries(self, owner_id: int, count: int, strategy_ids: list[int], today: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO journaling_journalentry
                    (id, owner_id, title, body, strategy_id, mood_before, mood_after,
                     entry_date, version, change_seq, create_digest, created_at, updated_at)
                SELECT gen_random_uuid(), %(owner)s, v.title, v.body,
                       CASE WHEN random() < 0.5
                            THEN (%(strategies)s::bigint[])[1 + floor(random() * %(k)s)::int]
                       END,
                       CASE WHEN random() < 0.8 THEN floor(random() * 11)::int END,
                       CASE WHEN random() < 0.7 THEN floor(random() * 11)::int END,
                       d.day, 1, 0, '', d.at, d.at
                FROM generate_series(1, %(n)s) AS g
                JOIN bench_journal_variant v ON v.i = g %% %(variants)s
                CROSS JOIN LATERAL (
                    SELECT (%(today)s::date - (g * %(span)s / %(n)s)) AS day,
                           ((%(today)s::date - (g * %(span)s / %(n)s)) + time '07:00'
                            + random() * interval '15 hours') AT TIME ZONE 'UTC' AS at
                ) AS d
                """,
                {
                    "owner": owner_id,
                    "strategies": strategy_ids or [None],
                    "k": max(len(strategy_ids), 1),
                    "n": count,
                    "variants": VARIANTS,
                    "today": today,
                    "span": DAYS_SPAN,
                },
            )

    def _tags(self, owner_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO journaling_membertag (owner_id, name, created_at) "
                "SELECT %s, name, now() FROM unnest(%s::text[]) AS name "
                "ON CONFLICT DO NOTHING",
                [owner_id, list(TAGS)],
            )
            cursor.execute(
                """
                INSERT INTO journaling_entrytag (entry_id, tag_id)
                SELECT e.id, t.id
                FROM journaling_journalentry e
                JOIN journaling_membertag t
                  ON t.owner_id = e.owner_id
                 AND t.name = (%s::text[])[1 + abs(hashtext(e.id::text)) %% %s]
                WHERE e.owner_id = %s AND abs(hashtext(e.id::text)) %% 3 = 0
                ON CONFLICT DO NOTHING
                """,
                [list(TAGS), len(TAGS), owner_id],
            )

    def _commitments(self, owner_id: int, count: int, strategy_ids: list[int], today: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO journaling_commitment
                    (id, owner_id, strategy_id, text, due_date, status, checked_in_at,
                     check_in_note, version, change_seq, create_digest, created_at, updated_at)
                SELECT gen_random_uuid(), %(owner)s,
                       (%(strategies)s::bigint[])[1 + floor(random() * %(k)s)::int],
                       'Do a small part of it', d.day, s.status,
                       CASE WHEN s.status <> 'open' THEN d.day + time '20:00' END,
                       '', 1, 0, '', d.day + time '08:00', d.day + time '08:00'
                FROM generate_series(1, %(n)s) AS g
                CROSS JOIN LATERAL (
                    SELECT %(today)s::date - (g * %(span)s / %(n)s) AS day
                ) AS d
                CROSS JOIN LATERAL (
                    SELECT (ARRAY['open', 'done', 'partly', 'skipped'])[1 + g %% 4] AS status
                ) AS s
                """,
                {
                    "owner": owner_id,
                    "strategies": strategy_ids or [None],
                    "k": max(len(strategy_ids), 1),
                    "n": count,
                    "today": today,
                    "span": DAYS_SPAN,
                },
            )

    def _tombstones(self, owner_id: int, count: int) -> None:
        deleted_at = timezone.now() - timedelta(days=1)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO journaling_tombstone (owner_id, kind, object_id, deleted_at, "
                "change_seq) SELECT %s, 'entry', gen_random_uuid(), %s, 0 "
                "FROM generate_series(1, %s)",
                [owner_id, deleted_at, count],
            )
