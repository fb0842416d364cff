"""Request limits enforced before any view runs, answered in the JSON error format.

Django caps form bodies (`DATA_UPLOAD_MAX_MEMORY_SIZE`) but DRF's JSON parser reads the
raw stream, which that cap never sees; and nothing caps the query string, which every
filter backend parses. Both are cheap to refuse up front, from the request line and
headers alone, before a byte of the body is read. A NUL byte in the path or the query
string is refused here too (404 and 400): PostgreSQL refuses NUL in any text, so one
that reached a lookup or a filter used to end as a 500. JSON bodies are checked by
`core.parsers`.

A chunked body (`Transfer-Encoding`) gets a 411: Django reads only the bytes that
`Content-Length` declares, so it would see an empty body and a PATCH would answer 200
having written nothing. Every HTTP client can send a length instead.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.errors import json_error
from core.parsers import NULL_CHARACTER_DETAIL

# The admin uploads images as multipart forms; Django applies its own limits there.
BODY_LIMIT_PATH_PREFIX = "/api/"


class RequestLimitsMiddleware:
    """414 for a query string over `MAX_QUERY_STRING_LENGTH`; 413 for an API request whose
    declared body is over `DATA_UPLOAD_MAX_MEMORY_SIZE`; 411 for a chunked body; 404 for
    a NUL in the path, 400 for one in the query string."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        max_query = settings.MAX_QUERY_STRING_LENGTH
        if max_query is not None and len(request.META.get("QUERY_STRING", "")) > max_query:
            return json_error(
                "query_string_too_long",
                f"The query string is longer than {max_query} characters.",
                status_code=414,
            )
        if "HTTP_TRANSFER_ENCODING" in request.META:
            return json_error(
                "length_required",
                "Send the body with a Content-Length header; chunked bodies are not read.",
                status_code=411,
            )
        if "\x00" in request.path:
            # No resource has a NUL in its name.
            return json_error("not_found", "Not found.", status_code=404)
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            # `parse_error`, the code of an unreadable body: documented on every operation.
            return json_error("parse_error", NULL_CHARACTER_DETAIL, status_code=400)
        max_body = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            max_body is not None
            and request.path.startswith(BODY_LIMIT_PATH_PREFIX)
            and _declared_length(request) > max_body
        ):
            return json_error(
                "request_too_large",
                f"The request body is larger than {max_body} bytes.",
                status_code=413,
            )
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


ADMIN_PATH_PREFIX = "/admin/"


class AdminTimezoneMiddleware:
    """Admin pages in the signed-in editor's own zone (their account's `timezone`): the
    times they read and type mean their wall clock, and Django's "Now" shortcuts give
    it. The API never changes zone: it speaks UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(ADMIN_PATH_PREFIX):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        try:
            zone = zoneinfo.ZoneInfo(user.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        # The response is rendered inside: templates and widgets see the same zone.
        with timezone.override(zone):
            return self.get_response(request)
