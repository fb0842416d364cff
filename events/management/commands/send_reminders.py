"""`manage.py send_reminders`: send the reminders that are due now, then exit.

The workers do this every minute (`events.tasks.send_due_reminders`, a periodic job);
this command is for a shell. Run it beside any number of workers: each reminder is
claimed with `SELECT ... FOR UPDATE SKIP LOCKED`, so none is sent twice (see
`events.reminders`).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from events import reminders


class Command(BaseCommand):
    help = "Email the event reminders and notices that are due now (safe beside workers)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Accepted for old scripts; one pass is all it does."
        )
        parser.add_argument("--limit", type=int, default=None, help="Handle at most this many.")

    def handle(self, *args, **options) -> None:
        report = reminders.run_once(limit=options["limit"])
        self.stdout.write(
            f"sent {report.sent}, cancellation notices {report.notices}, "
            f"back-on notices {report.reinstated}, missed {report.missed}, "
            f"retry later {report.retried}, given up {report.failed}, "
            f"already notified {report.skipped}"
        )
