"""`GET /api/v1/guides/{slug}/comments/` against a guide with 1,000 comments, under wrk.

    python -m bench.comments                  # seed once, then measure (10 s per row)
    python -m bench.comments --duration 30

Migrates a database of its own (`bt_comments_bench`, on `DATABASE_URL`'s server or the
embedded PostgreSQL; kept for the next run, `--fresh` rebuilds it), adds one published
guide with 1,000 published comments (250 threads of a comment and three replies, by
100 members), starts gunicorn in the production configuration (4 sync workers, as
`make bench`) and measures, like `bench.run`: the plain Django ceiling, the list from
the shared cache, and the list rendered for every request (`bench/uncached.lua`) at the
default page (20 threads, 80 comments) and at 100 threads (400 comments).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from bench.run import PORTS, Target, _print, measure
from harness.database import create_database, database_url, prepare_database
from harness.server import Gunicorn, free_port, manage, port_answers, production_env

GUIDE_SLUG = "bench-comments"
THREADS = 250
REPLIES = 3
MEMBERS = 100


def seed_in_django() -> int:
    """Run inside Django (`manage.py shell -c`): the guide and its comments, once."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from comments.models import Comment, CommentStatus
    from core.markdown import render_member_markdown
    from strategies.models import Guide, Strategy

    if Guide.objects.filter(slug=GUIDE_SLUG).exists():
        return 0
    now = timezone.now()
    with transaction.atomic():
        guide = Guide.objects.create(
            title="A guide with a busy thread",
            slug=GUIDE_SLUG,
            summary="For measurements.",
            status=Guide.Status.PUBLISHED,
            published_at=now,
        )
        strategies = [
            Strategy.objects.create(
                guide=guide, position=n, title=f"Part {n}", slug=f"{GUIDE_SLUG}-{n}"
            )
            for n in range(4)
        ]
        members = User.objects.bulk_create(
            User(
                email=f"bench-commenter-{n}@example.invalid",
                display_name=f"Member {n}",
                email_verified_at=now,
                password="!",  # noqa: S106 - Django's mark of an unusable password
            )
            for n in range(MEMBERS)
        )
        text = (
            "I tried the *five-minute start* today and it helped more than I expected. "
            "Here is what I did: [a note](https://example.org/notes) on the fridge."
        )
        # bulk_create skips save(): rendered once here for every row.
        html = render_member_markdown(text)

        def row(n: int, parent=None) -> Comment:
            return Comment(
                guide=guide,
                strategy=strategies[n % 4] if parent is None else parent.strategy,
                parent=parent,
                author=members[n % MEMBERS],
                body_markdown=text,
                body_html=html,
                status=CommentStatus.APPROVED,
                published_at=now,
            )

        tops = Comment.objects.bulk_create(row(n) for n in range(THREADS))
        Comment.objects.bulk_create(
            row(n * REPLIES + k, parent=top) for n, top in enumerate(tops) for k in range(REPLIES)
        )
    return THREADS * (1 + REPLIES)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds per row.")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--database", default="bt_comments_bench")
    parser.add_argument("--fresh", action="store_true", help="Rebuild the database first.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_COMMENTS_DATABASE_URL") or database_url(args.database)
    create_database(url, fresh=args.fresh)
    overrides = {
        "BENCH_ENDPOINTS": "true",
        "LOG_LEVEL": "WARNING",
        "THROTTLE_ANON": "100000000/min",
        "THROTTLE_USER": "100000000/min",
    }
    if port_answers(6379):
        overrides["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        overrides["CACHE_KEY_PREFIX"] = f"bench-{secrets.token_hex(4)}"
    env = production_env(database=url, **overrides)
    prepare_database(env)
    manage("shell", "-c", "from bench.comments import seed_in_django; seed_in_django()", env=env)
    path = f"/api/v1/guides/{GUIDE_SLUG}/comments/"
    targets = [
        Target("ceiling", "`/bench/ceiling` (plain Django view)", "/bench/ceiling"),
        Target("comments", f"`{path}` (shared cache)", path),
        Target("comments_render", f"`{path}` (rendered, 20 threads)", path, uncached=True),
        Target(
            "comments_render_100",
            f"`{path}?page_size=100` (rendered, 100 threads)",
            f"{path}?page_size=100",
            uncached=True,
        ),
    ]
    cache = "Redis" if "REDIS_URL" in overrides else "database"
    print(f"Guide {GUIDE_SLUG}: {THREADS * (1 + REPLIES)} comments; cache: {cache}", flush=True)
    with Gunicorn(port=free_port(PORTS), env=env, workers=args.workers) as server:
        for target in targets:
            _print(measure({"app": server.url}, target, "", args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
