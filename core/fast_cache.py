"""Public answers from this process's memory, in the first middleware (issue 16).

The shared response cache (`core.http_cache`) answers an anonymous public GET with one
Redis round trip, but only once the request has passed the whole middleware stack and
reached the view. This is a layer in front of it: each process keeps the final bytes
and headers of the anonymous public answers it gave (as the stack finished them: CORS,
security headers, `Vary` and all), and answers the same request again, or its
revalidation with a 304, before sessions, CSRF, messages, authentication or DRF run.

What keeps it right:

- **The content version.** An answer is kept with the version it was made under and
  served only while that version is current. This process asks the shared cache for the
  version at most once every `PUBLIC_FAST_CACHE_SECONDS` (1 s), and only when it holds
  an answer for the request; a write in this process forgets the version at once
  (`bump_content_version`), so a write made elsewhere shows here within that bound. The
  version also carries the next instant content changes by the clock (a guide scheduled
  for 9:00), and past that instant nothing is served from here until the shared cache
  has renewed it: scheduled content appears on its second, as without this layer.
- **Who may be answered.** A GET without `Authorization`, without any cookie and with no
  `preview` in its query. Only answers the view marked as the anonymous public answer
  (`PublicCacheMixin`) are kept: never a preview, a personal answer, an error, a
  streamed body or one that sets a cookie. A request is the same request when its path
  and query, `Host`, scheme (and `X-Forwarded-Proto`), `Accept`, `Accept-Encoding` and
  `Origin` are the same: everything an answer or its headers (CORS' among them) depend on.
- **Headers.** `Cache-Control` is computed again for each answer (its `max-age` counts
  down to the version's expiry); the rest is replayed as the stack made it.

Each process keeps at most `MAX_BYTES` of bodies (when full, it starts again empty).
While Redis is down, the version comes from the process's own fallback memory
(`core.cache`), like every other read of it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from core import http_cache
from core.http_cache import PUBLIC_MAX_AGE, VERSION_KEY, ContentVersion, is_not_modified

MAX_BYTES = 32 * 1024 * 1024
MAX_ENTRY_BYTES = 8 * 1024 * 1024
# The request headers an answer may depend on (with the path and the query).
KEY_HEADERS = (
    "HTTP_HOST",
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_ORIGIN",
)
# An answer whose `Vary` names a request header outside these is not kept: the key
# would not tell its variants apart (Authorization and Cookie: never present here).
KEYED_VARY = frozenset({"accept", "accept-encoding", "origin", "authorization", "cookie"})
# Never sent with a 304 from here: it has no body.
BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


class _Entry(NamedTuple):
    token: str  # the content version it was made under
    etag: str
    # None when only a 304 was seen (a client revalidating): it answers only those.
    body: bytes | None
    headers: dict[str, tuple[str, str]]  # as `ResponseHeaders` keeps them; no Cache-Control


class _Known(NamedTuple):
    version: ContentVersion
    checked_at: float  # time.time() of the last look at the shared cache
    expires_at: float  # version.expires_at as a timestamp
    issued_at: float


class LocalPublicCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, ...], _Entry] = {}
        self._bytes = 0
        self._known: _Known | None = None

    # --- the version ------------------------------------------------------------------
    def forget_version(self) -> None:
        """Ask the shared cache again on the next request (a write in this process)."""
        self._known = None

    def clear(self) -> None:
        with self._lock:
            self._entries, self._bytes, self._known = {}, 0, None

    def _learn(self, version: ContentVersion, now: float, *, read_now: bool) -> None:
        known = self._known
        if known is not None and version.token != known.version.token:
            # A version a request read before a write, and brings back after another
            # request here has learnt the newer one, must not replace it (`read_now`:
            # just read from the shared cache, so current whatever its age says).
            if not read_now and version.issued_at.timestamp() < known.issued_at:
                return
            with self._lock:
                self._entries, self._bytes = {}, 0
        self._known = _Known(
            version, now, version.expires_at.timestamp(), version.issued_at.timestamp()
        )

    def version(self, now: float, bound: float) -> ContentVersion | None:
        """The content version in force, asking the shared cache if the last look is
        `bound` seconds old; None when it must be renewed (the view does that)."""
        known = self._known
        if known is not None and 0 <= now - known.checked_at < bound:
            return known.version if now < known.expires_at else None
        stored = cache.get(VERSION_KEY)
        if stored is None:
            self._known = None
            return None
        version = ContentVersion(*stored)
        self._learn(version, now, read_now=True)
        return version if now < version.expires_at.timestamp() else None

    # --- answers ----------------------------------------------------------------------
    def get(self, key: tuple[str, ...]) -> _Entry | None:
        return self._entries.get(key)

    def keep(self, key: tuple[str, ...], response: HttpResponse, now: float) -> None:
        marked: tuple[str, ContentVersion] = response.public_answer
        etag, version = marked
        body = response.content if response.status_code == 200 else None
        size = len(body) if body is not None else 0
        if size > MAX_ENTRY_BYTES:
            return
        self._learn(version, now, read_now=False)
        known = self._known
        if known is None or known.version.token != version.token:
            return
        headers = {
            lower: (name, value)
            for name, value in response.items()
            if (lower := name.lower()) != "cache-control"
            and (body is not None or lower not in BODY_HEADERS)
        }
        with self._lock:
            previous = self._entries.get(key)
            if previous is not None:
                if body is None and previous.body is not None and previous.token == version.token:
                    return  # the whole answer is better than its 304
                self._bytes -= len(previous.body or b"")
            if self._bytes + size > MAX_BYTES:
                self._entries, self._bytes = {}, 0
            self._entries[key] = _Entry(version.token, etag, body, headers)
            self._bytes += size


LOCAL = LocalPublicCache()
http_cache.on_bump(LOCAL.forget_version)


@receiver(setting_changed)
def _forget_on_setting_change(**kwargs: Any) -> None:
    # Settings change only by a restart in production, which empties this memory too; a
    # test that overrides one (the front end's URL templates, say) gets the same.
    LOCAL.clear()


def _key(meta: dict) -> tuple[str, ...]:
    return (
        meta.get("PATH_INFO", ""),
        meta.get("QUERY_STRING", ""),
        *(meta.get(name, "") for name in KEY_HEADERS),
    )


def _may_answer(meta: dict) -> bool:
    return (
        meta.get("REQUEST_METHOD") == "GET"
        and "HTTP_AUTHORIZATION" not in meta
        and not meta.get("HTTP_COOKIE")
        and "HTTP_TRANSFER_ENCODING" not in meta
        and "preview" not in meta.get("QUERY_STRING", "")
    )


def _keepable(response: HttpResponse) -> bool:
    """Still the public answer the view marked, once the rest of the stack is done."""
    vary = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return (
        response.status_code in (200, 304)
        and not response.streaming
        and not response.cookies
        and response.get("Cache-Control", "").startswith("public")
        and vary <= KEYED_VARY
    )


def _max_age(known_expires_at: float, now: float) -> int:
    return max(0, min(PUBLIC_MAX_AGE, math.floor(known_expires_at - now)))


class PublicFastPathMiddleware:
    """First in `MIDDLEWARE`: anonymous public GETs and their 304s from `LOCAL`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.bound = float(getattr(settings, "PUBLIC_FAST_CACHE_SECONDS", 1.0))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if self.bound <= 0 or not _may_answer(meta):
            return self.get_response(request)
        key = _key(meta)
        entry = LOCAL.get(key)
        if entry is not None:
            now = time.time()
            version = LOCAL.version(now, self.bound)
            if version is not None and version.token == entry.token:
                answer = self._answer(request, entry, version, now)
                if answer is not None:
                    return answer
        response = self.get_response(request)
        if getattr(response, "public_answer", None) is not None and _keepable(response):
            LOCAL.keep(key, response, time.time())
        return response

    @staticmethod
    def _answer(
        request: HttpRequest, entry: _Entry, version: ContentVersion, now: float
    ) -> HttpResponse | None:
        if is_not_modified(request, entry.etag, version):
            response = HttpResponse(status=304)
            store = {k: v for k, v in entry.headers.items() if k not in BODY_HEADERS}
        elif entry.body is not None:
            response = HttpResponse(entry.body)
            store = entry.headers
        else:
            return None  # only its 304 is known here: the stack answers
        # The headers exactly as the stack left them (already checked and encoded when
        # they were first set), in one copy; only Cache-Control is new.
        response.headers._store = dict(store)
        max_age = _max_age(version.expires_at.timestamp(), now)
        response.headers._store["cache-control"] = (
            "Cache-Control",
            f"public, max-age={max_age}",
        )
        return response
