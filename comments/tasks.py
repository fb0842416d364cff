"""Background jobs of the comments app (procrastinate; see core/tasks.py)."""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from comments import notices

NOTICE_RETRY = RetryStrategy(max_attempts=5, exponential_wait=5)


@app.periodic(cron="* * * * *", periodic_id="send_reply_notices")
@app.task(queue="mail", queueing_lock="send_reply_notices", retry=NOTICE_RETRY)
def send_reply_notices(timestamp: int) -> None:
    """Every minute: one mail per member with reply notices due (at most one an hour;
    see comments/notices.py). A retry re-sends nothing: sent rows are marked in the
    transaction that sent them."""
    notices.send_due()
