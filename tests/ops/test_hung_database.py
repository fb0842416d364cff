"""A database that hangs (accepts connections and bytes, answers nothing) costs a
request a few seconds and a 503, never a worker (issue 17, "Bounded waits").

`SwitchableProxy.freeze()` is that database: no statement timeout on the server can
help, since the server never sees the statement, so the bound is the client's own
(`core.database`). Before it, every request waited until gunicorn killed the worker
(`GUNICORN_TIMEOUT`, 30 s) and the client saw a dropped connection.
"""

from __future__ import annotations

import time

import pytest

from harness.server import Gunicorn, free_port, production_env
from tests.ops.proxy import SwitchableProxy
from tests.ops.test_database_outage import (
    RECOVERY_SECONDS,
    _assert_503_json,
    _call,
    _register,
    _upstream,
)

pytestmark = pytest.mark.django_db(transaction=True)
# A statement may take this long; a database silent for longer is treated as gone.
STATEMENT_TIMEOUT = "2"
# What "a few seconds" means here: statement timeout, margin, and one reconnect attempt.
BOUND_SECONDS = 8


@pytest.fixture(params=["persistent", "pool"])
def server(request, tmp_path):
    from django.conf import settings

    db = settings.DATABASES["default"]
    proxy_port = free_port(range(8145, 8150))
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = production_env(
        database=f"postgres://{credentials}@127.0.0.1:{proxy_port}/{db['NAME']}",
        DATABASE_POOL="true" if request.param == "pool" else "false",
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_POOL_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT=STATEMENT_TIMEOUT,
        GUNICORN_TIMEOUT="30",
    )
    with (
        SwitchableProxy(_upstream(), proxy_port) as proxy,
        Gunicorn(
            port=free_port(range(8142, 8145)), env=env, log_path=tmp_path / "gunicorn.log"
        ) as gunicorn,
    ):
        gunicorn.proxy = proxy
        yield gunicorn


def test_a_hung_database_gives_503_within_seconds_then_recovers(server):
    token = _register(server)
    assert _call(server, "GET", "/api/v1/me/", token)[0] == 200

    server.proxy.freeze()

    for _ in range(2):
        status, headers, payload, elapsed = _call(server, "GET", "/readyz")
        _assert_503_json(status, headers, payload, elapsed, what="readyz")
        assert elapsed < BOUND_SECONDS, f"readyz took {elapsed:.1f}s"
        status, headers, payload, elapsed = _call(server, "GET", "/api/v1/me/", token)
        _assert_503_json(status, headers, payload, elapsed, what="me")
        assert elapsed < BOUND_SECONDS, f"me took {elapsed:.1f}s"
    status, _, _, elapsed = _call(server, "GET", "/healthz")
    assert status == 200
    assert elapsed < 1

    server.proxy.thaw()

    deadline = time.monotonic() + RECOVERY_SECONDS
    in_a_row = 0
    while in_a_row < 6:
        assert time.monotonic() < deadline, "the server did not recover"
        in_a_row = in_a_row + 1 if _call(server, "GET", "/api/v1/me/", token)[0] == 200 else 0
