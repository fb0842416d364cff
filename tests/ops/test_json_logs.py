"""Logs an operator can feed to a log service (issue 11 item 14).

- With `LOG_FORMAT=json` every line gunicorn writes is one JSON object with a `time`:
  its access lines, its own lines ("Booting worker") and Django's.
- A database outage is logged once per outage and worker, with a count of the failures
  that followed when it ends (or when the worker exits first), not with a traceback
  per request.
"""

from __future__ import annotations

import json
import time

import pytest

from harness.server import UNUSED_DATABASE, Gunicorn, fetch, free_port, production_env
from tests.ops.proxy import SwitchableProxy
from tests.ops.test_database_outage import _upstream

WORKERS = 2
OUTAGE_REQUESTS = 40


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_line_is_json_with_a_time(tmp_path):
    log = tmp_path / "gunicorn.log"
    env = production_env(database=UNUSED_DATABASE, LOG_FORMAT="json")
    with Gunicorn(
        port=free_port(range(8142, 8145)), env=env, log_path=log, access_log=True
    ) as server:
        fetch(f"{server.url}/healthz")
        fetch(f"{server.url}/readyz")  # 503: Django logs an error line too

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    not_json = []
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            not_json.append(line)
    assert not not_json, not_json
    records = _records(log.read_text())
    assert all("time" in record and record["time"].endswith("Z") for record in records)
    assert any(record.get("type") == "access" for record in records)
    assert any("Booting worker" in record.get("message", "") for record in records)
    assert any(record.get("logger") == "django.request" for record in records)


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_is_logged_once_then_counted(tmp_path):
    from django.conf import settings

    db = settings.DATABASES["default"]
    proxy_port = free_port(range(8145, 8150))
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = production_env(
        database=f"postgres://{credentials}@127.0.0.1:{proxy_port}/{db['NAME']}",
        LOG_FORMAT="json",
        DATABASE_CONNECT_TIMEOUT="1",
    )
    log = tmp_path / "gunicorn.log"
    with (
        SwitchableProxy(_upstream(), proxy_port) as proxy,
        Gunicorn(
            port=free_port(range(8142, 8145)), env=env, log_path=log, workers=WORKERS
        ) as server,
    ):
        assert fetch(f"{server.url}/readyz")[0] == 200
        proxy.cut()
        statuses = [
            fetch(f"{server.url}{path}")[0]
            for _ in range(OUTAGE_REQUESTS // 2)
            for path in ("/readyz", "/api/v1/guides/")
        ]
        assert statuses.count(503) == OUTAGE_REQUESTS
        proxy.restore()
        deadline, in_a_row = time.monotonic() + 30, 0
        while in_a_row < 4 * WORKERS:
            assert time.monotonic() < deadline, "the server did not recover"
            in_a_row = in_a_row + 1 if fetch(f"{server.url}/readyz")[0] == 200 else 0

    records = [r for r in _records(log.read_text()) if r.get("type") != "access"]
    errors = [r for r in records if r.get("level") == "ERROR"]
    tracebacks = [r for r in records if "Traceback" in json.dumps(r)]
    assert len(tracebacks) <= WORKERS, f"{len(tracebacks)} tracebacks"
    assert len(errors) <= WORKERS, [r["message"] for r in errors]
    ends = [r for r in records if "unlogged_failures" in r]
    assert 1 <= len(ends) <= WORKERS
    # Every failure is accounted for (a request may fail in more than one place).
    assert sum(r["unlogged_failures"] for r in ends) + len(errors) >= OUTAGE_REQUESTS
