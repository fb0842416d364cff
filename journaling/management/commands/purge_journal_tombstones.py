"""Delete journal tombstones older than the retention period.

Run it daily (cron, a scheduled container). A tombstone tells a device that synced
before a deletion to delete its copy; after `TOMBSTONE_RETENTION_DAYS` (180) we assume
every device that will ever come back has come back. Each run records, per member, the
highest change number it purged (`MemberChangeLock.purged_through`), and the change
feed answers 410 to any older token of that member, so a device offline for longer
syncs from scratch instead of keeping deleted entries.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from journaling.models import TOMBSTONE_RETENTION_DAYS, Tombstone, TombstonePurge

PURGE_SQL = """
WITH purged AS (
    DELETE FROM journaling_tombstone WHERE deleted_at < %s RETURNING owner_id, change_seq
), watermarks AS (
    UPDATE journaling_memberchangelock AS member_lock
    SET purged_through = GREATEST(member_lock.purged_through, per_member.through)
    FROM (SELECT owner_id, MAX(change_seq) AS through FROM purged GROUP BY owner_id)
        AS per_member
    WHERE member_lock.owner_id = per_member.owner_id
)
SELECT COUNT(*) FROM purged
"""


class Command(BaseCommand):
    help = f"Delete journal tombstones older than --days (default {TOMBSTONE_RETENTION_DAYS})."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=TOMBSTONE_RETENTION_DAYS,
            help=f"Keep tombstones this many days (default {TOMBSTONE_RETENTION_DAYS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; delete nothing."
        )

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        expired = Tombstone.objects.filter(deleted_at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"Would delete {expired.count()} tombstones.")
            return
        # One statement: the watermark of each member moves with exactly the rows deleted.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(PURGE_SQL, [cutoff])
            (count,) = cursor.fetchone()
            if count:
                TombstonePurge.objects.create(purged_count=count)
        if not count:
            self.stdout.write("No tombstone is older than the retention period.")
            return
        self.stdout.write(self.style.SUCCESS(f"Deleted {count} tombstones older than {days} days."))
