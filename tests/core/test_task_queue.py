"""The task queue itself: procrastinate on the project's PostgreSQL, real workers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from core import tasks
from tests.workers import job_states, run_workers


def test_periodic_jobs_are_declared_in_code():
    crons = {task.periodic_id: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert crons["remove_old_jobs"] == "17 4 * * *"
    assert crons["retry_stalled_jobs"] == "* * * * *"


@pytest.mark.django_db
def test_a_job_deferred_in_a_rolled_back_transaction_never_exists():
    # Deferring goes through Django's own connection: the job is part of the transaction.
    from django.db import transaction

    def defer_then_fail():
        with transaction.atomic():
            tasks.remove_old_jobs.defer(timestamp=0)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        defer_then_fail()
    assert not ProcrastinateJob.objects.exists()


def test_run_workers_refuses_an_uncommitted_test(db):
    with pytest.raises(pytest.fail.Exception, match="transaction=True"):
        run_workers()


def test_workers_run_a_deferred_job(queue):
    tasks.remove_old_jobs.defer(timestamp=0)
    run_workers()
    assert job_states() == {("core.tasks.remove_old_jobs", "succeeded"): 1}


def test_old_finished_jobs_are_removed(queue):
    tasks.retry_stalled_jobs.defer(timestamp=0)
    run_workers()
    from django.db import connection

    # procrastinate's models are read-only: age the finished job's events with SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_events SET at = %s",
            [timezone.now() - timedelta(days=30)],
        )
    tasks.remove_old_jobs.defer(timestamp=1)
    run_workers()
    # The old job is gone; the one that removed it is still there (it just finished).
    assert job_states() == {("core.tasks.remove_old_jobs", "succeeded"): 1}


def test_a_job_of_a_dead_worker_goes_back_to_the_queue(queue, settings):
    from django.db import connection

    tasks.remove_old_jobs.defer(timestamp=0)
    # A worker that took the job and died: its row has an old heartbeat.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - interval '1 hour') RETURNING id"
        )
        (worker_id,) = cursor.fetchone()
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s", [worker_id]
        )
    tasks.retry_stalled_jobs.defer(timestamp=0)
    run_workers()
    assert job_states() == {
        ("core.tasks.remove_old_jobs", "succeeded"): 1,
        ("core.tasks.retry_stalled_jobs", "succeeded"): 1,
    }
