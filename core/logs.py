"""What the logs may say about a request, and how they say it.

Logs are read by more people than the data they describe (operators, log services,
whoever gets a copy of a support bundle), so a line never holds a credential or a
member's own words:

- The private calendar feed's key is the whole credential of its URL
  (`/api/v1/calendar/<key>.ics`), so it is replaced in every logged path.
- A query string is logged only for public routes (filters of public content, whose
  values describe nobody); private ones (a member's journal search words, anything
  under `/me/`, the admin) lose theirs. The public routes are listed, not the private
  ones, so a route added later is private until it is named here.

Used by gunicorn's access log (`gunicorn.conf.py`) and, through `RedactingFilter`, by
every application log line that carries a request. Imports nothing from Django at
module level: gunicorn's master process loads it before Django is set up.

A database outage is one event, not one traceback per request: `DatabaseOutageFilter`
logs its first failure, counts the rest, and its end says how many there were.
"""

from __future__ import annotations

import logging
import logging.config
import re
import threading
import time
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REDACTED = "[redacted]"
_SECRET_PATHS = [
    (re.compile(r"^(/api/v1/calendar/)[^/]+(\.ics)$"), rf"\g<1>{REDACTED}\g<2>"),
]
# The same secrets anywhere in a line of text.
_SECRET_TEXT = [
    (re.compile(r"(/api/v1/calendar/)[^/\s?'\"]+(\.ics)"), rf"\g<1>{REDACTED}\g<2>"),
]
_PUBLIC_QUERY_PATHS = re.compile(
    r"^/api/v1/(?:"
    r"(?:strategies|exercises|prompts|tags|people|series|search|help)/"
    # Guides are public; their comments share paths with what members write there.
    r"|guides/(?![^/]+/comments/)"
    # Events are public, except the member's own reminder of one.
    r"|events/(?![^/]+/reminders/)"
    r")"
)


def loggable_path(path: str) -> str:
    """`path` with every secret in it replaced."""
    for pattern, replacement in _SECRET_PATHS:
        path = pattern.sub(replacement, path)
    return path


def loggable_query(path: str, query: str) -> str:
    """The query string as it may be logged: kept for public routes, else dropped."""
    return query if _PUBLIC_QUERY_PATHS.match(path) else ""


def loggable_target(path: str, query: str) -> str:
    """Path and query, as a logged request target."""
    query = loggable_query(path, query)
    return loggable_path(path) + (f"?{query}" if query else "")


class RedactingFilter(logging.Filter):
    """Redacts secrets in application lines: Django's `django.request` logs
    "Service Unavailable: <path>" and attaches the request, whose repr holds the
    query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            target = loggable_target(request.path, request.META.get("QUERY_STRING", ""))
            record.request = f"{request.method} {target}"
        message = record.getMessage()
        redacted = _redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def _redact_text(text: str) -> str:
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(_JsonFormatter):
    """One JSON object per line; `time` in UTC, ISO 8601 with milliseconds."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        moment = datetime.fromtimestamp(record.created, tz=UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def configure(config: dict) -> None:
    """`LOGGING_CONFIG`: Django's dictConfig, plus Python's warnings through the same
    handlers (they would otherwise reach stderr as bare text, outside the JSON lines)."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)


class DatabaseOutage:
    """One process's view of a database outage, so that it is logged once, not once per
    request: the first failure is logged with its traceback, the rest are counted, a
    line every `REPORT_SECONDS` says the outage goes on, and the first connection that
    succeeds afterwards ends it with the count (`unlogged_failures`)."""

    REPORT_SECONDS = 60.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: float | None = None
        self.unlogged = 0
        self.last_report = 0.0

    def admit(self, record: logging.LogRecord) -> bool:
        """Whether `record`, a line about a failed database call, is written."""
        now = time.monotonic()
        with self.lock:
            if self.started is None:
                self.started = self.last_report = now
                record.msg = f"Database unavailable (further failures counted): {record.msg}"
                return True
            if now - self.last_report < self.REPORT_SECONDS:
                self.unlogged += 1
                return False
            self.last_report = now
            unlogged, self.unlogged = self.unlogged, 0
        record.msg, record.args = (
            "Database still unavailable after %.0f s; %d failures not logged since the last line",
            (now - self.started, unlogged),
        )
        record.exc_info = record.exc_text = None
        record.unlogged_failures = unlogged
        return True

    def end(self, *args: object, **kwargs: object) -> None:
        """Receiver of `connection_created`: a connection succeeded, so any outage is over."""
        self._close("Database available again after %.1f s; %d failures were not logged")

    def flush(self) -> None:
        """At the exit of the process (gunicorn's `worker_exit`): an outage this process
        never saw end still reports what it counted, so a worker that is stopped or
        recycled before it reconnects loses no failure from the logs."""
        self._close("Process exits %.1f s into a database outage; %d failures were not logged")

    def _close(self, message: str) -> None:
        if self.started is None:  # the common case, without taking the lock
            return
        with self.lock:
            if self.started is None:
                return
            seconds, unlogged = time.monotonic() - self.started, self.unlogged
            self.started, self.unlogged = None, 0
        logging.getLogger("core.database").warning(
            message,
            seconds,
            unlogged,
            extra={"outage_seconds": round(seconds, 1), "unlogged_failures": unlogged},
        )


DATABASE_OUTAGE = DatabaseOutage()


class DatabaseOutageFilter(logging.Filter):
    """Passes every line except the repeats of a database outage (see `DatabaseOutage`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _is_about_the_database(record):
            return True
        return DATABASE_OUTAGE.admit(record)


def _is_about_the_database(record: logging.LogRecord) -> bool:
    if record.name == "django.request" and getattr(record, "status_code", None) == 503:
        return True  # every 503 of this service is a database that does not answer
    exception = record.exc_info[1] if record.exc_info else None
    if exception is None:
        return False
    from django.db import InterfaceError, OperationalError
    from psycopg import OperationalError as PsycopgOperationalError

    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, InterfaceError | OperationalError | PsycopgOperationalError):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False
