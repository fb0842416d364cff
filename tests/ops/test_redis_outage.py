"""Redis is optional at run time (issue 17): with the Redis of the cache and the
throttles gone, every kind of request is still answered, throttling goes on per
process, `/readyz` says what is down, and the outage is logged once.

The Redis is one the test starts itself (`redis-server` on a port of its own), stopped
and started again while gunicorn serves.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from harness.database import database_url
from harness.redis import RedisServer
from harness.server import Gunicorn, fetch, free_port, production_env
from tests.accounts.factories import PASSWORD
from tests.ops.proxy import SwitchableProxy

pytestmark = [
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]
LOGIN_RATE = 4


@pytest.fixture
def redis_server():
    server = RedisServer(free_port(range(8150, 8160)))
    server.start()
    yield server
    server.stop()


def _call(server, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    started = time.monotonic()
    status, _, payload = fetch(
        f"{server.url}{path}",
        method=method,
        headers=headers,
        body=json.dumps(body).encode() if body is not None else None,
        timeout=15,
    )
    return status, payload, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_redis_down_then_back(redis_server, tmp_path):
    from django.conf import settings

    # The test database, over TCP or the embedded server's socket alike.
    env = production_env(
        database=database_url(settings.DATABASES["default"]["NAME"]),
        REDIS_URL=f"redis://127.0.0.1:{redis_server.port}/0",
        THROTTLE_LOGIN=f"{LOGIN_RATE}/min",
    )
    log = tmp_path / "gunicorn.log"
    with Gunicorn(port=free_port(range(8142, 8145)), env=env, workers=1, log_path=log) as server:
        credentials = {"email": "cache@example.com", "password": PASSWORD}
        status, payload, _ = _call(server, "POST", "/api/v1/auth/register/", body=credentials)
        assert status == 202, payload
        status, payload, _ = _call(server, "POST", "/api/v1/auth/login/", body=credentials)
        assert status == 200, payload
        token = json.loads(payload)["token"]
        assert _call(server, "GET", "/api/v1/guides/")[0] == 200
        status, payload, _ = _call(server, "GET", "/readyz")
        assert (status, json.loads(payload)["cache"]) == (200, "ok")

        redis_server.stop()

        for method, path, body, expected in [
            ("GET", "/api/v1/guides/", None, 200),
            ("GET", "/api/v1/guides/", None, 200),
            ("GET", "/api/v1/me/", None, 200),
            ("POST", "/api/v1/journal/entries/", {"body": "Still writing."}, 201),
            ("GET", "/api/v1/journal/entries/", None, 200),
        ]:
            status, payload, elapsed = _call(server, method, path, token, body)
            assert status == expected, (method, path, status, payload[:300])
            assert elapsed < 3, (path, elapsed)
        status, payload, _ = _call(server, "GET", "/readyz")
        assert status == 200, payload
        assert json.loads(payload) == {"status": "degraded", "database": "ok", "cache": "down"}

        # Throttling goes on, per process: the login rate still holds.
        statuses = [
            _call(
                server,
                "POST",
                "/api/v1/auth/login/",
                body={"email": "cache@example.com", "password": "wrong password"},
            )[0]
            for _ in range(LOGIN_RATE + 1)
        ]
        assert statuses[:LOGIN_RATE] == [400] * LOGIN_RATE, statuses
        assert statuses[-1] == 429, statuses

        redis_server.start()
        deadline = time.monotonic() + 15
        while json.loads(_call(server, "GET", "/readyz")[1]).get("cache") != "ok":
            assert time.monotonic() < deadline, "the cache did not come back"
            time.sleep(0.5)
        assert _call(server, "GET", "/api/v1/guides/")[0] == 200

    text = log.read_text()
    assert "Traceback" not in text
    assert text.count("Cache (Redis) unavailable") == 1, text[-3000:]
    assert text.count("Cache (Redis) available again") == 1, text[-3000:]


def test_what_changed_during_an_outage_is_reset_in_redis(redis_server):
    from core.cache import RETRY_SECONDS, ResilientRedisCache

    proxy_port = free_port(range(8160, 8170))
    with SwitchableProxy(("127.0.0.1", redis_server.port), proxy_port) as proxy:
        cache = ResilientRedisCache(
            f"redis://127.0.0.1:{proxy_port}/0",
            {"KEY_PREFIX": "resilience-test", "OPTIONS": {"SOCKET_TIMEOUT": 0.5}},
        )
        cache.set("public-content-version", "before the outage")
        proxy.cut()
        cache.delete("public-content-version")  # a write to public content
        assert cache.get("public-content-version") is None
        assert not cache.available
        proxy.restore()
        time.sleep(RETRY_SECONDS + 0.1)

        assert cache.get("public-content-version") is None
        assert cache.available
