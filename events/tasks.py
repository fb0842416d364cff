"""Background jobs of the events app (procrastinate; see core/tasks.py)."""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from events import reminders

logger = logging.getLogger(__name__)


@app.periodic(cron="* * * * *", periodic_id="send_due_reminders")
@app.task(queue="reminders", queueing_lock="send_due_reminders")
def send_due_reminders(timestamp: int) -> None:
    """Every minute: email the reminders and cancellation notices that are due.

    Each reminder is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` (events.reminders),
    so any number of workers can run this at once and none is sent twice.
    """
    report = reminders.run_once()
    if report.total:
        logger.info(
            "reminders: sent %s, notices %s, missed %s, retry later %s, given up %s",
            report.sent,
            report.notices,
            report.missed,
            report.retried,
            report.failed,
        )
