"""Caching policy: `private, no-store` for members' data (`PrivateNoStoreMixin`), and
conditional requests with a shared response cache for public content
(`PublicCacheMixin`).

Public content changes rarely and is read constantly, so every public response is
keyed by a *content version*: a token in the shared cache that any write to public
content replaces (`bump_content_version`). The version also expires by itself at the
next instant when what the public sees changes without a write (a guide scheduled
for 9:00, an event going live); apps tell us those instants through
`register_schedule_source`. The version carries that instant, so it is renewed to the
second (a cache timeout alone is rounded to whole seconds) and no response is allowed a
`max-age` that reaches past it.

An anonymous GET of a URL already answered with a 200 costs one cache round trip (the
version and the stored response together) to answer `If-None-Match` with a 304 or to
serve the stored bytes, before authentication, throttling or any query. A URL not
stored is answered by the view first, so a query it refuses is never a 304. In front of
this, each process answers the anonymous requests it has answered before from its own
memory, in the first middleware, checking the version at most once a second
(`core.fast_cache`).
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model, signals
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

from core.etags import none_match

VERSION_KEY = "public-content-version"
RESPONSE_KEY_PREFIX = "public-response:"
RESPONSE_TIMEOUT = 60 * 10
MAX_VERSION_LIFETIME = timedelta(hours=6)
PUBLIC_MAX_AGE = 60
CACHE_CONTROL_PRIVATE = "private, max-age=0, must-revalidate"
# One member's data: kept by no cache at all.
PRIVATE_NO_STORE = "private, no-store"
# One member's file a client may keep, asking each time whether it changed (`ETag`).
PRIVATE_NO_CACHE = "private, no-cache"
VARY = "Accept, Authorization, Cookie"

ScheduleSource = Callable[[datetime], datetime | None]
_schedule_sources: list[ScheduleSource] = []
_bump_listeners: list[Callable[[], None]] = []


class ContentVersion(NamedTuple):
    token: str
    issued_at: datetime  # Last-Modified of every public response under this version
    expires_at: datetime  # the next instant public output changes by the clock alone

    def max_age(self, now: datetime) -> int:
        return max(0, min(PUBLIC_MAX_AGE, math.floor((self.expires_at - now).total_seconds())))


def register_schedule_source(source: ScheduleSource) -> None:
    """`source(now)` returns the next instant after `now` when public content changes
    by the clock alone (or None). Called only when the version is renewed."""
    _schedule_sources.append(source)


def _next_scheduled_change(now: datetime) -> datetime:
    instants = [instant for source in _schedule_sources if (instant := source(now))]
    return min([now + MAX_VERSION_LIFETIME, *instants])


def _current(stored: ContentVersion | None, now: datetime) -> ContentVersion:
    if stored is not None and now < stored.expires_at:
        return stored
    if stored is not None:
        cache.delete(VERSION_KEY)
    fresh = ContentVersion(secrets.token_hex(8), now, _next_scheduled_change(now))
    timeout = math.ceil((fresh.expires_at - now).total_seconds())
    # `add`, so that of several processes renewing at once, one token wins.
    if cache.add(VERSION_KEY, tuple(fresh), timeout=max(1, timeout)):
        return fresh
    return ContentVersion(*(cache.get(VERSION_KEY) or fresh))


def content_version() -> ContentVersion:
    """The version in force now, renewed if none is stored or its time has passed."""
    stored = cache.get(VERSION_KEY)
    return _current(ContentVersion(*stored) if stored else None, timezone.now())


def bump_content_version(*args: object, **kwargs: object) -> None:
    """Invalidate every cached public response (usable as a signal receiver)."""
    cache.delete(VERSION_KEY)
    for listener in _bump_listeners:
        listener()


def on_bump(listener: Callable[[], None]) -> None:
    """Call `listener()` after every bump in this process (`core.fast_cache`)."""
    _bump_listeners.append(listener)


def track_content_models(models: Iterable[type[Model]]) -> None:
    """Bump the version whenever a row of these models (or their m2m links) changes."""
    for model in models:
        signals.post_save.connect(bump_content_version, sender=model, weak=False)
        signals.post_delete.connect(bump_content_version, sender=model, weak=False)
        for field in model._meta.many_to_many:
            signals.m2m_changed.connect(
                bump_content_version, sender=field.remote_field.through, weak=False
            )


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(request.META.get("HTTP_ACCEPT", "").encode())
    # Bodies carry `web_url`s: an instance started with other front-end templates must
    # not serve (or 304) what one with the old ones stored in the shared cache.
    digest.update(b"\0")
    digest.update(repr(sorted(settings.WEB_URL_TEMPLATES.items())).encode())
    return digest.hexdigest()


def _etag_for(fingerprint: str, version: ContentVersion) -> str:
    return f'"{version.token}-{fingerprint}"'


def is_not_modified(request: HttpRequest, etag: str, version: ContentVersion) -> bool:
    if if_none_match := request.META.get("HTTP_IF_NONE_MATCH"):
        return none_match(etag, if_none_match)
    if if_modified_since := request.META.get("HTTP_IF_MODIFIED_SINCE"):
        since = parse_http_date_safe(if_modified_since)
        return since is not None and int(version.issued_at.timestamp()) <= since
    return False


def _decorate(
    response: HttpResponse, etag: str, version: ContentVersion, now: datetime, *, public: bool
) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(version.issued_at.timestamp())
    response["Cache-Control"] = (
        f"public, max-age={version.max_age(now)}" if public else CACHE_CONTROL_PRIVATE
    )
    response["Vary"] = VARY


def is_anonymous_request(request: HttpRequest) -> bool:
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


# For DRF views of one member's data: every answer, errors included, is `private,
# no-store`, so no shared cache or browser history keeps it. A comment, not a docstring:
# drf-spectacular would show a docstring as the description of every operation of a view
# that has none of its own.
class PrivateNoStoreMixin:
    def finalize_response(self, request, response, *args: object, **kwargs: object):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response


class _StoredAnswer(Exception):  # noqa: N818 - a short circuit, not an error
    """Raised by `PublicCacheMixin.initial()` once a caller with credentials has passed
    authentication, permissions and throttling and the shared cache holds the answer:
    like DRF's own checks, it ends the request before the handler runs, and
    `handle_exception` answers with the stored bytes."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


def _stored_response(stored: tuple[str, bytes, str]) -> HttpResponse:
    return HttpResponse(stored[1], content_type=stored[2])


class PublicCacheMixin:
    """For DRF views of public content, whose output is the same for every caller.

    Anonymous requests are answered from the shared cache before DRF even builds its
    request. Requests with credentials are authenticated, checked and throttled as
    usual (a bad token is still a 401), then get the same stored bytes, ETags and 304s,
    marked private. A view returns True from `bypass_public_cache(request)` to opt a
    request out (draft previews)."""

    _public_cache: tuple[str, str, tuple | None] | None = None

    def bypass_public_cache(self, request: HttpRequest) -> bool:
        return False

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        self._public_cache = None
        if request.method not in ("GET", "HEAD") or self.bypass_public_cache(request):
            return super().dispatch(request, *args, **kwargs)
        now = timezone.now()
        fingerprint = _fingerprint(request)
        response_key = RESPONSE_KEY_PREFIX + fingerprint
        anonymous = is_anonymous_request(request)
        # The stored answer comes in the same round trip for every caller: one with
        # credentials gets it once authenticated, allowed and within its rate.
        found = cache.get_many([VERSION_KEY, response_key])
        stored_version = found.get(VERSION_KEY)
        version = _current(ContentVersion(*stored_version) if stored_version else None, now)
        etag = _etag_for(fingerprint, version)

        # Only a request that was answered with a 200 (and stored) is answered from the
        # cache: a 304 for a query the view would refuse (`?page=x` with
        # `If-None-Match: *`) would tell the client its copy of an error is current.
        if anonymous and (stored := found.get(response_key)) is not None and stored[0] == etag:
            if is_not_modified(request, etag, version):
                return self._not_modified(etag, version, now, public=True)
            response = _stored_response(stored)
            _decorate(response, etag, version, now, public=True)
            response.public_answer = (etag, version)
            return response

        self._public_cache = (response_key, etag, found.get(response_key))
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if not getattr(response, "from_public_cache", False):
            cache.set(
                response_key,
                (etag, response.content, response["Content-Type"]),
                timeout=RESPONSE_TIMEOUT,
            )
        if is_not_modified(request, etag, version):
            return self._not_modified(etag, version, now, public=anonymous)
        _decorate(response, etag, version, now, public=anonymous)
        if anonymous:
            # The same for every anonymous caller: `core.fast_cache` may keep it.
            response.public_answer = (etag, version)
        return response

    def initial(self, request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        if self._public_cache is None:
            return
        # Authenticated, allowed and within its rate: the stored bytes, if any, are this
        # caller's answer too.
        _, etag, stored = self._public_cache
        if stored is not None and stored[0] == etag:
            hit = _stored_response(stored)
            hit.from_public_cache = True
            raise _StoredAnswer(hit)

    def handle_exception(self, exc: Exception):
        if isinstance(exc, _StoredAnswer):
            return exc.response
        return super().handle_exception(exc)

    @staticmethod
    def _not_modified(
        etag: str, version: ContentVersion, now: datetime, *, public: bool
    ) -> HttpResponse:
        response = HttpResponse(status=304)
        _decorate(response, etag, version, now, public=public)
        if public:
            response.public_answer = (etag, version)
        return response
