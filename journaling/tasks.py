"""Background jobs of the journaling app (procrastinate; see core/tasks.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from procrastinate.contrib.django import app

from journaling.models import TOMBSTONE_RETENTION_DAYS
from journaling.services import tombstones_purge

logger = logging.getLogger(__name__)


@app.periodic(cron="43 3 * * *", periodic_id="purge_tombstones")
@app.task(queue="maintenance", queueing_lock="purge_tombstones")
def purge_tombstones(timestamp: int) -> int:
    """Every night: delete tombstones past the retention period (180 days)."""
    count = tombstones_purge(cutoff=timezone.now() - timedelta(days=TOMBSTONE_RETENTION_DAYS))
    if count:
        logger.info("journal: purged %s tombstones", count)
    return count
