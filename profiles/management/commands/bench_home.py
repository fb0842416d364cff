"""Time `/me/home/` and `/me/recommendations/` for one member, on a database filled by
`generate_strategies`, `generate_events` and `generate_journal`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bt_profiles_bench \\
    DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 THROTTLE_USER=1000000/min \\
        manage.py bench_home --email bench-member@example.com --repeat 200

`--seed-profiles` first gives the member interests and saved items, every other member
a few saves (so popularity has something to count), and the member open commitments
due today. Requests go through Django's whole stack in this process, as in
`bench_journal` (with `--url`, over HTTP to a running server); the ranking is also
timed as a bare function call. Never run it against a database with real members.
"""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.services import issue_token
from events.models import Event
from journaling.management.commands.bench_journal import Command as JournalBench
from journaling.models import Commitment
from journaling.selectors import member_today
from profiles.home import home_get
from profiles.models import Interest, SavedItem
from profiles.recommendations import recommendation_list
from strategies.models import Exercise, Guide, Strategy, Tag


class Command(JournalBench):
    help = "Time the home screen and the recommendations (p50/p95) for one member."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default="bench-member@example.com")
        parser.add_argument("--repeat", type=int, default=200)
        parser.add_argument("--warmup", type=int, default=10)
        parser.add_argument("--url", default="", help="Base URL of a running server.")
        parser.add_argument("--seed-profiles", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        member = get_user_model().objects.get(email=options["email"])
        if options["seed_profiles"]:
            self._seed(member)
        _, token = issue_token(user=member)
        get = self._http_get(options["url"], token) if options["url"] else self._client_get(token)
        repeat, warmup = options["repeat"], options["warmup"]
        self.stdout.write(
            f"member: {member.journal_entries.count():,} entries, "
            f"{member.saved_items.count()} saved, {member.interests.count()} interests; "
            f"{SavedItem.objects.count():,} saved items of all members"
        )
        self.stdout.write(f"{'what':<40} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}  n")
        for label, url in [
            # The floor on this machine right now: token check and one row.
            ("me (baseline)", "/api/v1/me/"),
            ("home", "/api/v1/me/home/"),
            ("recommendations (20)", "/api/v1/me/recommendations/"),
            ("recommendations (50)", "/api/v1/me/recommendations/?limit=50"),
        ]:
            self._report(label, lambda url=url: get(url), repeat, warmup)
        now = timezone.now()
        today = member_today(member, now)
        self._report(
            "home, no HTTP",
            lambda: home_get(owner=member, now=timezone.now()),
            repeat,
            warmup,
        )
        self._report(
            "recommendations (20), SQL only",
            lambda: recommendation_list(owner=member, now=now, today=today, limit=20),
            repeat,
            warmup,
        )

    @transaction.atomic
    def _seed(self, member: Any) -> None:
        rng = random.Random(14)  # noqa: S311 (benchmark data, not secrets)
        Interest.objects.filter(owner=member).delete()
        SavedItem.objects.all().delete()
        tags = list(Tag.objects.order_by("id")[:30])
        Interest.objects.bulk_create(Interest(owner=member, tag=t) for t in rng.sample(tags, 3))
        targets = {
            "guide": list(Guide.objects.published().values_list("id", flat=True)),
            "strategy": list(Strategy.objects.published().values_list("id", flat=True)),
            "exercise": list(Exercise.objects.published().values_list("id", flat=True)),
            "event": list(
                Event.objects.upcoming(timezone.now()).values_list("id", flat=True)[:200]
            ),
        }
        rows = []
        for user_id in get_user_model().objects.values_list("id", flat=True):
            count = 12 if user_id == member.pk else 40
            rows.extend(
                SavedItem(owner_id=user_id, **{f"{kind}_id": rng.choice(targets[kind])})
                for kind in rng.choices(list(targets), k=count)
            )
        SavedItem.objects.bulk_create(rows, ignore_conflicts=True)
        today = member_today(member)
        Commitment.objects.bulk_create(
            Commitment(
                owner=member,
                text=f"Small step {n}",
                due_date=today,
                strategy_id=rng.choice(targets["strategy"]),
            )
            for n in range(4)
        )
