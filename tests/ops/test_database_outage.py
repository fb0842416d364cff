"""gunicorn loses its database, answers 503 in the JSON error format while it is gone,
and recovers by itself when it returns.

The server is the production configuration (DEBUG off, settings from the environment)
reaching the test database through `SwitchableProxy`; cutting the proxy closes every
open database connection and refuses new ones, as a stopped PostgreSQL would.
"""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings

from harness.server import Gunicorn, fetch, free_port, production_env
from tests.accounts.factories import PASSWORD
from tests.ops.proxy import SwitchableProxy

pytestmark = pytest.mark.django_db(transaction=True)

# psycopg_pool retries after 1, 2, 4, 8... s: recovery can lag the database by that.
RECOVERY_SECONDS = 40
# Enough rounds that each of the two workers serves some of them.
ROUNDS = 3


def _upstream() -> tuple[str, int] | str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or "127.0.0.1"
    port = int(db.get("PORT") or 5432)
    return f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)


@pytest.fixture(params=["persistent", "pool"])
def server(request, tmp_path):
    db = settings.DATABASES["default"]
    proxy_port = free_port(range(8145, 8150))
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    url = f"postgres://{credentials}@127.0.0.1:{proxy_port}/{db['NAME']}"
    env = production_env(
        database=url,
        DATABASE_POOL="true" if request.param == "pool" else "false",
        # Give up on an absent database quickly, so the test is quick too.
        DATABASE_CONNECT_TIMEOUT="1",
        DATABASE_POOL_TIMEOUT="1",
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


def _call(server, method: str, path: str, token: str | None = None, body: dict | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    started = time.monotonic()
    status, response_headers, payload = fetch(
        f"{server.url}{path}",
        method=method,
        headers=headers,
        body=json.dumps(body).encode() if body is not None else None,
        timeout=15,
    )
    return status, response_headers, payload, time.monotonic() - started


def _register(server) -> str:
    credentials = {"email": "outage@example.com", "password": PASSWORD}
    status, _, payload, _ = _call(server, "POST", "/api/v1/auth/register/", body=credentials)
    assert status == 202, payload
    status, _, payload, _ = _call(server, "POST", "/api/v1/auth/login/", body=credentials)
    assert status == 200, payload
    return json.loads(payload)["token"]


def _assert_503_json(status, headers, payload, elapsed, what: str) -> None:
    assert status == 503, (what, status, payload[:300])
    assert headers["Content-Type"].startswith("application/json"), what
    text = payload.decode()
    assert "Traceback" not in text
    assert "<html" not in text.lower()
    body = json.loads(text)
    assert body["type"] == "server_error"
    assert body["errors"][0]["code"] == "service_unavailable"
    assert int(headers["Retry-After"]) > 0
    assert elapsed < 10, f"{what} took {elapsed:.1f}s to give up"


def test_503_while_the_database_is_gone_then_recovery(server):
    token = _register(server)
    assert _call(server, "GET", "/readyz")[0] == 200
    assert _call(server, "GET", "/api/v1/me/", token)[0] == 200

    server.proxy.cut()

    for _ in range(ROUNDS):
        _assert_503_json(*_call(server, "GET", "/readyz"), what="readyz")
        _assert_503_json(*_call(server, "GET", "/api/v1/me/", token), what="me")
        _assert_503_json(
            *_call(
                server,
                "POST",
                "/api/v1/auth/login/",
                body={"email": "outage@example.com", "password": PASSWORD},
            ),
            what="login",
        )
        assert _call(server, "GET", "/healthz")[0] == 200, "liveness needs no database"

    server.proxy.restore()

    # Each worker reconnects on its own (the pool after a back-off), so recovery means
    # a run of successes long enough that both workers served some of them.
    deadline, in_a_row = time.monotonic() + RECOVERY_SECONDS, 0
    while in_a_row < 4 * ROUNDS:
        assert time.monotonic() < deadline, "the server did not recover"
        in_a_row = in_a_row + 1 if _call(server, "GET", "/readyz")[0] == 200 else 0
        if not in_a_row:
            time.sleep(0.5)
    for _ in range(ROUNDS):
        status, _, payload, _ = _call(server, "GET", "/api/v1/me/", token)
        assert status == 200, payload[:300]
