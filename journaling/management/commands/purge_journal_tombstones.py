"""Delete journal tombstones older than the retention period.

The workers run it every day (`journaling.tasks.purge_tombstones`); this command is
for a shell. A tombstone tells a device that synced
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
from django.utils import timezone

from journaling.models import TOMBSTONE_RETENTION_DAYS, Tombstone
from journaling.services import tombstones_purge


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
        count = tombstones_purge(cutoff=cutoff)
        if not count:
            self.stdout.write("No tombstone is older than the retention period.")
            return
        self.stdout.write(self.style.SUCCESS(f"Deleted {count} tombstones older than {days} days."))
