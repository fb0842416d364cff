"""Background jobs of editorial content."""

from __future__ import annotations

from procrastinate.contrib.django import app

from strategies import drafts


@app.periodic(cron="* * * * *", periodic_id="publish_due_drafts")
@app.task(queue="maintenance", queueing_lock="publish_due_drafts")
def publish_due_drafts(timestamp: int) -> None:
    """Every minute: drafts of live guides scheduled for now or earlier replace the live
    version (each one once: a draft is deleted as it is published, under a row lock)."""
    drafts.publish_due_drafts()
