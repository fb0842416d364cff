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
"""

from __future__ import annotations

import logging
import re
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
    r"(?:guides|strategies|exercises|prompts|tags|people|series|search|help)/"
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
