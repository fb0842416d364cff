"""Rate limits as one counter per client and window: a single atomic round trip to Redis.

DRF's own throttles keep a list of timestamps per client, read and written back on
every request (two round trips, and two processes can both read the same list, each
append, and one write lose the other's request). Here each client's rate is a counter
with an expiry: the first request of a window creates it with the window's length, each
request adds one, and past the rate the request is refused until the counter expires.
One Lua script does all of it in Redis, so the count is exact across processes and
instances, and `Retry-After` is the time the window has left, to the second (rounded
up), after which the next request is allowed.

A window starts with the first request after the last one ended (a fixed window, not
a sliding log): a client can send a full rate just before a window ends and another
just after. The scopes, rates and cache keys are DRF's, so settings, views and tests
name them as before.

A caller that talks to Redis anyway before the throttles run may count in the same
round trip (`read_and_count`: the token check of `accounts.token_cache` reads a key and
counts the member's request at once) and leave the result on the request
(`PRECOUNTED`), which the throttle then uses instead of counting again.

Without Redis (the database cache, a process's memory while Redis is down, the test
suite's local memory) the same counter is kept through the Django cache API, read and
written back as DRF did; while Redis is down each process counts for itself
(`core.cache`).
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.core.cache import cache as default_cache
from rest_framework import throttling

from core.cache import SharedCacheUnavailable

# KEYS[1] the counter; ARGV[1] the window in ms. Returns {count, ms left in the window}.
COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    left = tonumber(ARGV[1])
end
return {count, left}
"""


# KEYS[1] a key to read, KEYS[2] the counter; ARGV[1] the window in ms.
# Returns {value or false, count, ms left in the window}.
READ_AND_COUNT_SCRIPT = """
local value = redis.call('GET', KEYS[1])
local count = redis.call('INCR', KEYS[2])
local left = redis.call('PTTL', KEYS[2])
if left < 0 then
    redis.call('PEXPIRE', KEYS[2], ARGV[1])
    left = tonumber(ARGV[1])
end
return {value, count, left}
"""
# The attribute of a DRF request holding counts already made: {cache key: (count, left)}.
PRECOUNTED = "_precounted_requests"


def read_and_count(read_key: str, counter_key: str, window: int, *, cache: Any) -> tuple:
    """In one round trip to Redis: the raw value at `read_key` (None if absent), and
    one request counted in `counter_key` (as `count_request`). Redis only: raises
    `SharedCacheUnavailable` for any other cache, or while Redis is down."""
    if not hasattr(cache, "on_redis"):
        raise SharedCacheUnavailable

    def work(client: Any) -> tuple:
        script = getattr(cache, "_read_and_count_script", None)
        if script is None:
            script = cache._read_and_count_script = client.register_script(READ_AND_COUNT_SCRIPT)
        keys = [cache.make_key(read_key), cache.make_key(counter_key)]
        value, count, left_ms = script(keys=keys, args=[window * 1000], client=client)
        return value, int(count), int(left_ms) / 1000

    return cache.on_redis(work)


def count_request(key: str, window: int, *, cache: Any = None) -> tuple[int, float]:
    """Count one request in `key`'s window of `window` seconds: the count so far (this
    one included) and the seconds the window has left."""
    cache = cache or default_cache
    if hasattr(cache, "on_redis"):
        try:
            return cache.on_redis(lambda client: _count_in_redis(cache, client, key, window))
        except SharedCacheUnavailable:
            pass  # this process counts for itself until Redis answers (core.cache)
    return _count_in_cache(cache, key, window)


def _count_in_redis(cache: Any, client: Any, key: str, window: int) -> tuple[int, float]:
    script = getattr(cache, "_throttle_script", None)
    if script is None:
        script = cache._throttle_script = client.register_script(COUNT_SCRIPT)
    count, left_ms = script(keys=[cache.make_key(key)], args=[window * 1000], client=client)
    return int(count), int(left_ms) / 1000


def _count_in_cache(cache: Any, key: str, window: int) -> tuple[int, float]:
    now = time.time()
    stored = cache.get(key)
    if stored is None or stored[1] <= now:
        count, ends = 1, now + window
    else:
        count, ends = stored[0] + 1, stored[1]
    cache.set(key, (count, ends), timeout=max(1, math.ceil(ends - now)))
    return count, ends - now


class CountingRateThrottle(throttling.SimpleRateThrottle):
    """`SimpleRateThrottle` with a counter per window instead of a timestamp log."""

    _wait: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        precounted = getattr(request, PRECOUNTED, None)
        if precounted and self.key in precounted:
            count, left = precounted.pop(self.key)
        else:
            count, left = count_request(self.key, self.duration, cache=self.cache)
        if count <= self.num_requests:
            return True
        self._wait = left
        return False

    def wait(self) -> float | None:
        return self._wait


class AnonRateThrottle(throttling.AnonRateThrottle, CountingRateThrottle):
    """`THROTTLE_ANON` per client address, for requests without credentials."""


class UserRateThrottle(throttling.UserRateThrottle, CountingRateThrottle):
    """`THROTTLE_USER` per member (per address for anonymous requests)."""


class ScopedRateThrottle(throttling.ScopedRateThrottle, CountingRateThrottle):
    """The view's `throttle_scope` rate, per member or per address (DRF's
    `allow_request` reads the scope, then counts here)."""
