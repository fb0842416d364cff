"""Send one newsletter edition to 100,000 subscribers with two workers, and prove that
every address got it exactly once.

    .venv/bin/python -m bench.newsletter                 # 100,000 subscribers, 2 workers
    .venv/bin/python -m bench.newsletter --subscribers 20000 --workers 1

A database of its own (`bt_newsletter_bench` on the server `DATABASE_URL` names, or the
embedded one) is migrated and given the sample content; subscribers are inserted with
one `INSERT ... SELECT generate_series` (plus a few unsubscribed ones, who must get
nothing). Two `manage.py procrastinate worker` processes run with
`bench.newsletter_settings` (a mail backend that renders each message and logs its
recipient). The clock runs from the edition being started (its deliveries queued and
its batch jobs deferred, as the every-minute job does) until it is marked sent.

Proof of exactly-once: the delivery rows (one per confirmed subscriber, all `sent`),
the messages the workers logged (as many as rows, no recipient twice, none to an
unsubscribed address).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from harness.database import create_database, database_url
from harness.server import BASE_DIR, PYTHON, manage, production_env

UNSUBSCRIBED = 100


def _env(url: str, **extra: str) -> dict[str, str]:
    return production_env(database=url, DJANGO_SETTINGS_MODULE="bench.newsletter_settings", **extra)


def _django(url: str) -> None:
    os.environ.update(_env(url))
    import django

    django.setup()


def seed(subscribers: int) -> int:
    """Fresh subscribers and a due edition; the edition's id."""
    from django.db import connection
    from django.utils import timezone

    from newsletter.models import Edition, EditionExercise, EditionStatus, Subscriber
    from strategies.models import Exercise, Guide

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE newsletter_delivery, newsletter_consent, newsletter_subscriber, "
            "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs "
            "RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            f"""
            INSERT INTO {Subscriber._meta.db_table}
                (id, email, status, subscribed_at, unsubscribe_token, created_at, updated_at)
            SELECT gen_random_uuid(), 'reader-' || n || '@example.com',
                   CASE WHEN n > %s THEN 'unsubscribed' ELSE 'confirmed' END,
                   now(), md5(random()::text || n) || md5(n::text), now(), now()
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608 (table name from the model)
            [subscribers, subscribers + UNSUBSCRIBED],
        )
    Edition.objects.filter(slug="bench-edition").delete()
    edition = Edition.objects.create(
        slug="bench-edition",
        subject="Soul Gym (benchmark)",
        intro_markdown="A *benchmark* issue: three exercises, a guide and the next event.",
        guide=Guide.objects.order_by("id").first(),
        # A draft until the clock starts: the workers' every-minute job must not start it.
        send_at=timezone.now(),
        status=EditionStatus.DRAFT,
    )
    for position, exercise in enumerate(Exercise.objects.order_by("id")[:3]):
        EditionExercise.objects.create(edition=edition, exercise=exercise, position=position)
    return edition.pk


def start_workers(url: str, count: int, log_dir: Path, first: int = 0) -> list[subprocess.Popen]:
    env = _env(url, BENCH_MAIL_LOG=str(log_dir))
    return [
        subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "procrastinate",
                "worker",
                "--name",
                f"bench-{n}",
                "--queues",
                "newsletter,maintenance",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(log_dir / f"worker-{n}.err").open("w"),
        )
        for n in range(first, first + count)
    ]


def wait_until_sent(edition_id: int, timeout: float) -> float:
    from newsletter.models import Edition, EditionStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Edition.objects.filter(pk=edition_id, status=EditionStatus.SENT).exists():
            return time.monotonic()
        time.sleep(0.2)
    raise RuntimeError(f"Edition {edition_id} was not sent within {timeout} s.")


def proof(edition_id: int, log_dir: Path) -> dict:
    from newsletter.models import Delivery, Subscriber, SubscriberStatus

    lines = [
        line.split("\t")
        for path in sorted(log_dir.glob("*.log"))
        for line in path.read_text().splitlines()
    ]
    recipients = Counter(to for to, _ in lines)
    confirmed = set(
        Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).values_list("email", flat=True)
    )
    rows = Counter(Delivery.objects.filter(edition_id=edition_id).values_list("status", flat=True))
    return {
        "delivery_rows": sum(rows.values()),
        "delivery_rows_by_status": dict(rows),
        "messages_logged": len(lines),
        "distinct_recipients": len(recipients),
        "recipients_twice_or_more": sum(1 for n in recipients.values() if n > 1),
        "confirmed_without_message": len(confirmed - set(recipients)),
        "messages_to_unsubscribed": len(set(recipients) - confirmed),
        "distinct_message_ids": len({message_id for _, message_id in lines}),
        "logs_by_worker_process": len(list(log_dir.glob("*.log"))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--database", default="bt_newsletter_bench")
    parser.add_argument(
        "--kill-after",
        type=float,
        help="seconds into the send: kill -9 one worker (mid-batch) and start another; "
        "its batch is resumed once its heartbeat is stale (core.tasks.retry_stalled_jobs)",
    )
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_NEWSLETTER_DATABASE_URL") or database_url(args.database)
    create_database(url, fresh=False)
    env = _env(url)
    manage("migrate", "--no-input", env=env)
    manage("load_sample_content", env=env)
    _django(url)
    from django.conf import settings
    from django.utils import timezone

    from newsletter import sending
    from newsletter.models import Delivery, Edition, EditionStatus

    edition_id = seed(args.subscribers)
    with tempfile.TemporaryDirectory(prefix="newsletter-bench-") as tmp:
        log_dir = Path(tmp)
        workers = start_workers(url, args.workers, log_dir)
        try:
            time.sleep(3)  # the workers connect and start listening
            started = time.monotonic()
            Edition.objects.filter(pk=edition_id).update(
                status=EditionStatus.SCHEDULED, send_at=timezone.now()
            )
            sending.edition_start(edition_id)
            queued_at = time.monotonic()
            if args.kill_after:
                time.sleep(max(0.0, args.kill_after - (queued_at - started)))
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait()
                killed_at = time.monotonic()
                workers += start_workers(url, 1, log_dir, first=args.workers)
            finished = wait_until_sent(edition_id, args.timeout)
            queued = Delivery.objects.filter(edition_id=edition_id).count()
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = {
            "subscribers_confirmed": args.subscribers,
            "subscribers_unsubscribed": UNSUBSCRIBED,
            "workers": args.workers,
            "batch_size": settings.NEWSLETTER_BATCH_SIZE,
            "lanes": settings.NEWSLETTER_SEND_LANES,
            "queued": queued,
            "queue_seconds": round(queued_at - started, 2),
            "total_seconds": round(finished - started, 2),
            "messages_per_second": round(queued / (finished - started), 1),
            # CPU of the worker processes (and of the manage.py calls before, a little):
            # what a message costs, whatever else the machine was doing.
            "worker_cpu_seconds": round(cpu.ru_utime + cpu.ru_stime, 1),
            "worker_cpu_ms_per_message": round(
                (cpu.ru_utime + cpu.ru_stime) * 1000 / max(queued, 1), 2
            ),
            "load_average_1min_at_end": os.getloadavg()[0],
            "killed_a_worker_at_seconds": (
                round(killed_at - started, 1) if args.kill_after else None
            ),
            **proof(edition_id, log_dir),
        }
    print(json.dumps(result, indent=2))
    # A killed worker may have handed its last message to the backend without ticking
    # it off: at most one message again per kill (newsletter/sending.py).
    allowed_twice = 1 if args.kill_after else 0
    ok = (
        result["delivery_rows"] == result["distinct_recipients"] == args.subscribers
        and result["messages_logged"] - args.subscribers <= allowed_twice
        and result["recipients_twice_or_more"] <= allowed_twice
        and result["messages_to_unsubscribed"] == 0
        and result["confirmed_without_message"] == 0
    )
    verdict = "at most one message twice per kill" if args.kill_after else "exactly once"
    print(f"{verdict}: " + ("yes" if ok else "NO"), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
