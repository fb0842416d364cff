"""Housekeeping jobs for the task queue itself.

Every app's background jobs live in its own `tasks.py`, declared on the one
procrastinate app (`from procrastinate.contrib.django import app`) with a `queue` and a
`retry` policy; periodic ones carry `@app.periodic(cron=...)`, so the schedule is in
the code and any running worker defers them (procrastinate makes sure only one worker
defers each tick).
"""

from __future__ import annotations

from django.conf import settings
from procrastinate import JobContext
from procrastinate.contrib.django import app


@app.periodic(cron="17 4 * * *", periodic_id="remove_old_jobs")
@app.task(queue="maintenance", pass_context=True, queueing_lock="remove_old_jobs")
async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    """Forget finished jobs after `JOB_RETENTION_HOURS`; the jobs table stays small."""
    await context.app.job_manager.delete_old_jobs(
        nb_hours=settings.JOB_RETENTION_HOURS,
        include_failed=True,
        include_cancelled=True,
        include_aborted=True,
    )


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(queue="maintenance", pass_context=True, queueing_lock="retry_stalled_jobs")
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """Give the jobs of a worker that died (no heartbeat) to the living ones.

    A worker that is killed mid-job leaves it `doing`; once its heartbeat is older than
    `stalled_worker_timeout`, the job goes back to the queue. Every job here is written
    to be safe to run again (see each app's tasks.py).
    """
    stalled = await context.app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.WORKER_STALLED_TIMEOUT
    )
    for job in stalled:
        await context.app.job_manager.retry_job(job)
