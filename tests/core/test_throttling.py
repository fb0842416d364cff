"""Rate limits as one counter per client and window (core/throttling.py): one atomic
script in Redis, shared by every process; `Retry-After` is the time the window has left;
with Redis down each process counts for itself."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from core.throttling import count_request

ME = "/api/v1/me/"


@pytest.fixture
def rates(monkeypatch):
    def set_rate(scope: str, rate: str) -> None:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rate


def test_retry_after_is_what_the_window_has_left(member_client, rates):
    if hasattr(cache, "on_redis"):
        pytest.skip("Redis keeps its own clock: the window cannot be moved")
    rates("user", "2/min")
    start = timezone.now().replace(microsecond=0)

    with time_machine.travel(start, tick=False):
        assert [member_client.get(ME).status_code for _ in range(2)] == [200, 200]
        refused = member_client.get(ME)
    with time_machine.travel(start + timedelta(seconds=45), tick=False):
        later = member_client.get(ME)
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        next_window = member_client.get(ME)

    assert (refused.status_code, refused["Retry-After"]) == (429, "60")
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert (later.status_code, later["Retry-After"]) == (429, "15")
    assert next_window.status_code == 200


@pytest.fixture
def redis_pair():
    """Two processes' caches on one Redis, the second behind a proxy the test can cut."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    from core.cache import ResilientRedisCache
    from harness.redis import RedisServer
    from harness.server import free_port
    from tests.ops.proxy import SwitchableProxy

    with RedisServer(free_port(range(8190, 8200))) as server:
        proxy_port = free_port(range(8200, 8210))
        with SwitchableProxy(("127.0.0.1", server.port), proxy_port) as proxy:
            options = {"KEY_PREFIX": "throttle-test", "OPTIONS": {"SOCKET_TIMEOUT": 0.5}}
            first = ResilientRedisCache(server.url, options)
            second = ResilientRedisCache(f"redis://127.0.0.1:{proxy_port}/0", options)
            yield first, second, proxy


def test_processes_share_one_exact_count(redis_pair):
    first, second, _ = redis_pair

    counts = [
        count_request("throttle_user_1", 60, cache=process)[0] for process in [first, second] * 3
    ]
    _, left = count_request("throttle_user_1", 60, cache=first)

    assert counts == [1, 2, 3, 4, 5, 6]
    assert 59 < left <= 60
    assert count_request("throttle_user_2", 60, cache=second)[0] == 1, "one count per key"


def test_with_redis_down_a_process_counts_for_itself(redis_pair):
    first, second, proxy = redis_pair
    for _ in range(3):
        count_request("throttle_anon_ip", 60, cache=second)

    proxy.cut()

    assert count_request("throttle_anon_ip", 60, cache=second)[0] == 1
    assert count_request("throttle_anon_ip", 60, cache=second)[0] == 2
    assert not second.available
    assert count_request("throttle_anon_ip", 60, cache=first)[0] == 4, "Redis kept its count"
