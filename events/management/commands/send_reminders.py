"""`manage.py send_reminders`: the reminder worker.

    manage.py send_reminders --once      # send what is due now, then exit (cron)
    manage.py send_reminders --loop      # keep running (make worker, Docker's worker)

Run as many workers as you like: each reminder is claimed with `SELECT ... FOR UPDATE
SKIP LOCKED`, so none is sent twice (see `events.reminders`).
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from events import reminders


class Command(BaseCommand):
    help = "Email due event reminders and cancellation notices (safe with many workers)."

    def add_arguments(self, parser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Handle what is due, then exit.")
        mode.add_argument("--loop", action="store_true", help="Keep polling until stopped.")
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between polls with --loop (default 30).",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Handle at most this many per pass."
        )

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        if options["interval"] <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        if not options["loop"]:
            self._pass(options["limit"])
            return
        self._stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.stdout.write(f"Sending reminders every {options['interval']:g}s; Ctrl-C stops.")
        while not self._stopping:
            close_old_connections()
            self._pass(options["limit"])
            deadline = time.monotonic() + options["interval"]
            while not self._stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
        self.stdout.write("Stopped.")

    def _stop(self, signum, frame) -> None:
        # Finish the reminder in hand (its transaction commits), then leave.
        self._stopping = True

    def _pass(self, limit: int | None) -> None:
        report = reminders.run_once(limit=limit)
        if report.total or self.verbosity > 1:
            self.stdout.write(
                f"sent {report.sent}, cancellation notices {report.notices}, "
                f"missed {report.missed}, retry later {report.retried}, "
                f"given up {report.failed}, already notified {report.skipped}"
            )
