"""The shared cache (Redis), made optional at run time.

Redis holds two things here: cached public responses and throttle counters. Neither is
worth an outage, so when Redis does not answer, each process carries on with a copy in
its own memory: public reads are rendered from the database (and kept locally for at
most `FALLBACK_TIMEOUT` seconds, since other processes cannot tell this one of a change),
writes succeed, and throttling counts per process (each process allows the full rate,
so an instance allows up to its worker count times the rate until Redis is back).

While Redis is down this process asks it again at most every `RETRY_SECONDS`, each ask
bounded by the socket timeouts (`REDIS_SOCKET_TIMEOUT`), so a hung Redis costs one
short wait now and then, not one per request. The outage is logged once when it
starts and once when it ends, with how many calls were served from memory.

What this process wrote or deleted during the outage never reached Redis, where an
older value may still sit (the public content version above all, which a write deletes
so that every cached response is recomputed). So when Redis answers again, every key
this process touched meanwhile is deleted there first.

Two callers need Redis itself, not a copy in memory: the throttle counters (one atomic
script per request, `core.throttling`) and the token cache's revocation check
(`accounts.token_cache`), which must never trust a process-local answer. They go
through `on_redis(work)`, which runs `work` with the raw client and raises
`SharedCacheUnavailable` instead of falling back; each caller then takes its own safe
path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("core.cache")

FAILURES = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 2.0
FALLBACK_TIMEOUT = 5
# Keys remembered for deletion on recovery; past this many, the whole prefix goes.
MAX_TOUCHED_KEYS = 10_000

T = TypeVar("T")


class SharedCacheUnavailable(Exception):  # noqa: N818 - a state, not a programming error
    """Redis did not answer, or this process leaves it alone after a recent failure."""


class ResilientRedisCache(RedisCache):
    """django-redis' cache, falling back to process memory while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._memory = LocMemCache(
            f"redis-fallback-{id(self)}",
            {"KEY_PREFIX": params.get("KEY_PREFIX", ""), "OPTIONS": {"MAX_ENTRIES": 5000}},
        )
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_attempt = 0.0
        self._served_from_memory = 0
        self._touched: set[str] = set()
        self._touched_overflow = False

    # --- state -----------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """Whether Redis answered the last time it was asked."""
        return self._down_since is None

    def ping(self) -> bool:
        """Ask Redis now (for the readiness report), whatever the state."""
        try:
            self._answered()
            return bool(self.client.get_client(write=False).ping())
        except FAILURES as error:
            self._failed(error)
            return False

    def on_redis(self, work: Callable[[Any], T]) -> T:
        """`work(client)` against Redis itself (keys through `make_key`), or
        `SharedCacheUnavailable`: never an answer from process memory."""
        if not self._use_redis():
            raise SharedCacheUnavailable
        try:
            self._answered()
            return work(self.client.get_client(write=True))
        except FAILURES as error:
            self._failed(error)
            raise SharedCacheUnavailable from error

    def _use_redis(self) -> bool:
        return self._down_since is None or time.monotonic() >= self._next_attempt

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = now
            self._next_attempt = now + RETRY_SECONDS
        if first:
            logger.error(
                "Cache (Redis) unavailable, serving from process memory until it answers: %s",
                error,
            )

    def _answered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = time.monotonic() - self._down_since
            touched, overflow = self._touched, self._touched_overflow
            served = self._served_from_memory
            self._touched, self._touched_overflow, self._served_from_memory = set(), False, 0
            self._down_since = None
        try:
            if overflow:
                RedisCache.delete_pattern(self, "*")
            elif touched:
                RedisCache.delete_many(self, list(touched))
            else:
                self.client.get_client().ping()
        except FAILURES:
            with self._lock:  # still down: keep the outage, and what it changed
                self._down_since = self._down_since or time.monotonic() - seconds
                self._touched |= touched
                self._touched_overflow |= overflow
                self._served_from_memory += served
                self._next_attempt = time.monotonic() + RETRY_SECONDS
            raise
        self._memory.clear()
        logger.warning(
            "Cache (Redis) available again after %.1f s; %d calls were served from process "
            "memory, %d keys written meanwhile were reset",
            seconds,
            served,
            len(touched),
            extra={"outage_seconds": round(seconds, 1), "served_from_memory": served},
        )

    def _touch(self, keys: list[str] | None) -> None:
        """Count a call served from memory; remember the keys it changed (None: all)."""
        with self._lock:
            self._served_from_memory += 1
            if keys is None or len(self._touched) + len(keys) > MAX_TOUCHED_KEYS:
                self._touched_overflow = True
            if not self._touched_overflow:
                self._touched.update(keys)

    def _either(self, changes: list[str] | None, redis: Any, memory: Any) -> Any:
        if self._use_redis():
            try:
                self._answered()  # after an outage: reset what changed, before any read
                return redis()
            except FAILURES as error:
                self._failed(error)
        self._touch(changes)
        return memory()

    # --- the cache API: Redis, else memory with short timeouts --------------------
    @staticmethod
    def _short(timeout: Any) -> Any:
        if timeout is DEFAULT_TIMEOUT or timeout is None:
            return FALLBACK_TIMEOUT
        return min(timeout, FALLBACK_TIMEOUT)

    def get(self, key, default=None, version=None, client=None):
        if client is not None:
            return RedisCache.get(self, key, default, version, client)
        return self._either(
            [],
            lambda: RedisCache.get(self, key, default, version),
            lambda: self._memory.get(key, default, version),
        )

    def get_many(self, keys, version=None, **kwargs):
        keys = list(keys)
        return self._either(
            [],
            lambda: RedisCache.get_many(self, keys, version=version, **kwargs),
            lambda: self._memory.get_many(keys, version=version),
        )

    def has_key(self, key, version=None, **kwargs):
        return self._either(
            [],
            lambda: RedisCache.has_key(self, key, version=version, **kwargs),
            lambda: self._memory.has_key(key, version=version),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._either(
            [key],
            lambda: RedisCache.set(self, key, value, timeout, version=version, **kwargs),
            lambda: self._memory.set(key, value, self._short(timeout), version=version),
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._either(
            [key],
            lambda: RedisCache.add(self, key, value, timeout, version=version, **kwargs),
            lambda: self._memory.add(key, value, self._short(timeout), version=version),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._either(
            list(data),
            lambda: RedisCache.set_many(self, data, timeout, version=version, **kwargs),
            lambda: self._memory.set_many(data, self._short(timeout), version=version),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._either(
            [key],
            lambda: RedisCache.touch(self, key, timeout, version=version, **kwargs),
            lambda: self._memory.touch(key, self._short(timeout), version=version),
        )

    def delete(self, key, version=None, **kwargs):
        return self._either(
            [key],
            lambda: RedisCache.delete(self, key, version=version, **kwargs),
            lambda: self._memory.delete(key, version=version),
        )

    def delete_many(self, keys, version=None, **kwargs):
        keys = list(keys)
        return self._either(
            keys,
            lambda: RedisCache.delete_many(self, keys, version=version, **kwargs),
            lambda: self._memory.delete_many(keys, version=version),
        )

    def incr(self, key, delta=1, version=None, **kwargs):
        return self._either(
            [key],
            lambda: RedisCache.incr(self, key, delta, version=version, **kwargs),
            lambda: self._memory.incr(key, delta, version=version),
        )

    def decr(self, key, delta=1, version=None, **kwargs):
        return self._either(
            [key],
            lambda: RedisCache.decr(self, key, delta, version=version, **kwargs),
            lambda: self._memory.decr(key, delta, version=version),
        )

    def clear(self):
        return self._either(None, lambda: RedisCache.clear(self), self._memory.clear)
