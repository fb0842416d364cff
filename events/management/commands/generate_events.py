"""`manage.py generate_events`: many synthetic events, for load tests only.

    manage.py generate_events --count 5000

Events are spread from 80 days ago to a few months ahead, across a handful of series
and zones, so that every one of them is in the full calendar feed. Refuses to run on
a database that already has real events unless `--force` is given.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.http_cache import bump_content_version
from events.models import Event, EventStatus, Series

ZONES = ["America/New_York", "Europe/London", "Asia/Jerusalem", "America/Los_Angeles", "UTC"]
BATCH = 1000


class Command(BaseCommand):
    help = "Create synthetic events for benchmarks (not for production databases)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=5000)
        parser.add_argument("--series", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Add to existing events.")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        count = options["count"]
        if not 1 <= count <= 1_000_000:
            raise CommandError("--count must be from 1 to 1,000,000.")
        if Event.objects.exclude(slug__startswith="bench-").exists() and not options["force"]:
            raise CommandError("This database has real events; pass --force to add anyway.")
        rng = random.Random(options["seed"])  # noqa: S311 - synthetic data, not secrets
        series = [
            Series.objects.get_or_create(
                slug=f"bench-series-{n}",
                defaults={"title": f"Benchmark series {n}", "timezone": ZONES[n % len(ZONES)]},
            )[0]
            for n in range(options["series"])
        ]
        now = timezone.now().replace(microsecond=0)
        start_at = now - timedelta(days=80)
        span = timedelta(days=80 + max(30, count // 25))
        existing = Event.objects.filter(slug__startswith="bench-event-").count()
        rows = []
        for n in range(existing, existing + count):
            one = series[n % len(series)]
            starts_at = start_at + timedelta(
                minutes=15 * rng.randrange(int(span.total_seconds() // 900))
            )
            rows.append(
                Event(
                    series=one,
                    title=f"Benchmark talk {n}: notes on getting unstuck",
                    slug=f"bench-event-{n}",
                    description_markdown="A synthetic event for load tests. " * 4,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=1),
                    timezone=one.timezone,
                    status=EventStatus.CANCELLED if n % 50 == 0 else EventStatus.SCHEDULED,
                    location="Online",
                    stream_url=f"https://live.example.org/bench/{n}",
                    podcast_url=f"https://podcast.example.org/bench/{n}",
                )
            )
            if len(rows) == BATCH:
                Event.objects.bulk_create(rows)
                rows = []
        Event.objects.bulk_create(rows)
        # bulk_create sends no signals: renew the public cache's version ourselves.
        transaction.on_commit(bump_content_version)
        self.stdout.write(f"{count} events created across {len(series)} series.")
