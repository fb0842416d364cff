"""Run real procrastinate workers in a test, against the PostgreSQL test database.

    from tests.workers import run_workers

    @pytest.mark.django_db(transaction=True)
    def test_reset_mail(api_client, mailoutbox):
        api_client.post("/api/v1/auth/password-reset/", {"email": ...})
        run_workers()                 # until the queue is drained
        assert len(mailoutbox) == 1

Why `transaction=True`: a worker reads jobs (and the rows they are about) over its own
database connections, so it sees only what is committed. The default pytest-django test
runs inside one transaction that is never committed; `django_db(transaction=True)`
lets every write commit and empties the tables afterwards instead. Jobs live in
procrastinate's own tables, which Django does not empty (they are unmanaged models), so
the `queue` fixture below, or `clear_queue()`, removes them before and after a test.

The workers run in this process, on procrastinate's own worker code, each with its
own database connections (the same connector `manage.py procrastinate worker` uses);
sync tasks run in threads, so two workers really do claim jobs at the same time.
Email sent by a task lands in `mailoutbox` / `django.core.mail.outbox` as usual.

`run_workers()` runs rounds of workers until no job is due. A job that defers
further jobs (a batch that queues the next one) is followed to the end. Jobs scheduled
for later (a retry with backoff) are left alone unless `due_now=True` moves them to
now between rounds, which is how a test walks a job through its retries.
Periodic jobs are not deferred by these workers (that depends on the wall clock);
a test defers the periodic task itself with `task.defer(timestamp=...)`.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from django.db import connection
from procrastinate.contrib.django import procrastinate_app
from procrastinate.contrib.django.models import ProcrastinateJob

__all__ = ["clear_queue", "job_states", "queue", "run_workers"]


def clear_queue() -> None:
    """Delete every job, event, periodic marker and worker row of procrastinate."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_jobs, procrastinate_workers RESTART IDENTITY CASCADE"
        )


def job_states() -> Counter:
    """How many jobs there are per (task name, status), e.g. for a test's assertion."""
    return Counter(ProcrastinateJob.objects.values_list("task_name", "status"))


def _due_jobs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' "
            "AND (scheduled_at IS NULL OR scheduled_at <= now())"
        )
        return cursor.fetchone()[0]


def _bring_forward_scheduled() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() "
            "WHERE status = 'todo' AND scheduled_at > now()"
        )
        return cursor.rowcount


def _close_connection_after(call_next, context, worker):
    # Sync tasks run in pool threads that keep a persistent connection in production;
    # here it is closed after each job, so none is left open when the test database
    # is dropped.
    try:
        return call_next()
    finally:
        connection.close()


def run_workers(
    count: int = 1,
    *,
    queues: list[str] | None = None,
    due_now: bool = False,
    max_rounds: int = 25,
) -> None:
    """Run `count` workers side by side until no job is due (or fail the test)."""
    if connection.in_atomic_block:
        pytest.fail(
            "run_workers() needs committed rows: mark the test "
            "@pytest.mark.django_db(transaction=True) (see tests/workers.py)."
        )

    # The app itself, not the import-time proxy (setting an attribute on that is lost).
    app = procrastinate_app.current_app

    middleware = list(app.worker_defaults.get("task_middleware") or [])

    async def one_round() -> None:
        async with app.open_async():
            await asyncio.gather(
                *(
                    app.run_worker_async(
                        name=f"test-worker-{number}",
                        queues=queues,
                        wait=False,
                        install_signal_handlers=False,
                        listen_notify=False,
                        task_middleware=[*middleware, _close_connection_after],
                    )
                    for number in range(count)
                )
            )

    saved_periodic_defaults = app.periodic_defaults
    # max_delay=0: a tick that already passed is never deferred, and the next one is
    # further away than a test lasts.
    app.periodic_defaults = {**saved_periodic_defaults, "max_delay": 0}
    try:
        with app.replace_connector(app.connector.get_worker_connector()):
            for _ in range(max_rounds):
                asyncio.run(one_round())
                if due_now:
                    _bring_forward_scheduled()
                if not _due_jobs():
                    return
    finally:
        app.periodic_defaults = saved_periodic_defaults
    pytest.fail(f"The queue was not drained after {max_rounds} rounds of workers.")


@pytest.fixture
def queue(transactional_db):
    """An empty job queue on a database whose writes commit (for `run_workers`)."""
    clear_queue()
    yield
    clear_queue()
