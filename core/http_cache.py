"""Conditional requests and a shared response cache for public content.

Public content changes rarely and is read constantly, so every public response is
keyed by a *content version*: a token in the shared cache that any write to public
content replaces (`bump_content_version`). The version also expires by itself at the
next instant when what the public sees changes without a write (a guide scheduled
for 9:00, an event going live); apps tell us those instants through
`register_schedule_source`.

An anonymous GET then costs one cache read to answer `If-None-Match` with 304 and one
more to serve the stored bytes, before authentication, throttling or any query.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Model, signals
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

VERSION_KEY = "public-content-version"
RESPONSE_KEY_PREFIX = "public-response:"
RESPONSE_TIMEOUT = 60 * 10
MAX_VERSION_LIFETIME = timedelta(hours=6)
CACHE_CONTROL_PUBLIC = "public, max-age=60"
CACHE_CONTROL_PRIVATE = "private, max-age=0, must-revalidate"
VARY = "Accept, Authorization, Cookie"

ScheduleSource = Callable[[datetime], datetime | None]
_schedule_sources: list[ScheduleSource] = []


def register_schedule_source(source: ScheduleSource) -> None:
    """`source(now)` returns the next instant after `now` when public content changes
    by the clock alone (or None). Called only when the version is renewed."""
    _schedule_sources.append(source)


def _next_scheduled_change(now: datetime) -> datetime:
    instants = [instant for source in _schedule_sources if (instant := source(now))]
    return min([now + MAX_VERSION_LIFETIME, *instants])


def content_version() -> tuple[str, datetime]:
    """The current version token and the time it was issued (for Last-Modified)."""
    value = cache.get(VERSION_KEY)
    if value is None:
        now = timezone.now()
        timeout = (_next_scheduled_change(now) - now).total_seconds()
        cache.add(VERSION_KEY, (secrets.token_hex(8), now), timeout=max(1, int(timeout) + 1))
        value = cache.get(VERSION_KEY) or (secrets.token_hex(8), now)
    return value


def bump_content_version(*args: object, **kwargs: object) -> None:
    """Invalidate every cached public response (usable as a signal receiver)."""
    cache.delete(VERSION_KEY)


def track_content_models(models: Iterable[type[Model]]) -> None:
    """Bump the version whenever a row of these models (or their m2m links) changes."""
    for model in models:
        signals.post_save.connect(bump_content_version, sender=model, weak=False)
        signals.post_delete.connect(bump_content_version, sender=model, weak=False)
        for field in model._meta.many_to_many:
            signals.m2m_changed.connect(
                bump_content_version, sender=field.remote_field.through, weak=False
            )


def _etag_for(request: HttpRequest, version: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (version, request.get_full_path(), request.META.get("HTTP_ACCEPT", "")):
        digest.update(part.encode())
        digest.update(b"\0")
    return f'"{digest.hexdigest()}"'


def _is_not_modified(request: HttpRequest, etag: str, issued_at: datetime) -> bool:
    if if_none_match := request.META.get("HTTP_IF_NONE_MATCH"):
        candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in candidates or "*" in candidates
    if if_modified_since := request.META.get("HTTP_IF_MODIFIED_SINCE"):
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(issued_at.timestamp()) <= since
    return False


def _decorate(response: HttpResponse, etag: str, issued_at: datetime, *, public: bool) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(issued_at.timestamp())
    response["Cache-Control"] = CACHE_CONTROL_PUBLIC if public else CACHE_CONTROL_PRIVATE
    response["Vary"] = VARY


def _not_modified(etag: str, issued_at: datetime, *, public: bool) -> HttpResponse:
    response = HttpResponse(status=304)
    _decorate(response, etag, issued_at, public=public)
    return response


def is_anonymous_request(request: HttpRequest) -> bool:
    from django.conf import settings

    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PublicCacheMixin:
    """For DRF views of public content. Requests carrying credentials still get ETags
    and 304s, but are authenticated normally and never served from the shared cache.
    A view sets `bypass_public_cache(request)` to opt a request out (draft previews)."""

    def bypass_public_cache(self, request: HttpRequest) -> bool:
        return False

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or self.bypass_public_cache(request):
            return super().dispatch(request, *args, **kwargs)
        version, issued_at = content_version()
        etag = _etag_for(request, version)
        anonymous = is_anonymous_request(request)
        if anonymous:
            if _is_not_modified(request, etag, issued_at):
                return _not_modified(etag, issued_at, public=True)
            if (stored := cache.get(RESPONSE_KEY_PREFIX + etag)) is not None:
                content, content_type = stored
                response = HttpResponse(content, content_type=content_type)
                _decorate(response, etag, issued_at, public=True)
                return response

        response = super().dispatch(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if anonymous:
            cache.set(
                RESPONSE_KEY_PREFIX + etag,
                (response.content, response["Content-Type"]),
                timeout=RESPONSE_TIMEOUT,
            )
        elif _is_not_modified(request, etag, issued_at):
            return _not_modified(etag, issued_at, public=False)
        _decorate(response, etag, issued_at, public=anonymous)
        return response
