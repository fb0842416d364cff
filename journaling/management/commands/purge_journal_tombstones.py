"""Delete journal tombstones older than the retention period.

Run it daily (cron, a scheduled container). A tombstone tells a device that synced
before a deletion to delete its copy; after `TOMBSTONE_RETENTION_DAYS` (180) we assume
every device that will ever come back has come back. Each run records the highest
change number it purged, and the change feed answers 410 to any older token, so a
device offline for longer syncs from scratch instead of keeping deleted entries.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from journaling.models import TOMBSTONE_RETENTION_DAYS, Tombstone, TombstonePurge


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
        with transaction.atomic():
            expired = Tombstone.objects.filter(deleted_at__lt=cutoff)
            through = expired.aggregate(through=Max("change_seq"))["through"]
            if through is None:
                self.stdout.write("No tombstone is older than the retention period.")
                return
            if dry_run:
                self.stdout.write(f"Would delete {expired.count()} tombstones.")
                return
            count, _ = expired.delete()
            TombstonePurge.objects.create(through_seq=through, purged_count=count)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {count} tombstones older than {days} days (through change {through})."
            )
        )
