"""Worker recycling is rare enough not to show in latency (issue 11 item 16).

Each restart of a sync worker stalls the requests queued on it for as long as a new
worker takes to boot (about 2 s on the 2-core machine of `python -m bench.recycling`,
README.md "Worker recycling"). At `GUNICORN_MAX_REQUESTS=2000` a worker restarted every
8 s under that benchmark's load, which pushed p99 from 52 ms to over 2 s.
"""

from __future__ import annotations

import http.client
import json
import os
from concurrent.futures import ThreadPoolExecutor

from harness.server import UNUSED_DATABASE, Gunicorn, free_port, production_env, run_python

# Requests per second one sync worker served from the shared cache in that benchmark.
MEASURED_REQUESTS_PER_WORKER = 260
# At that rate, at most one restart per worker in this many seconds.
MINIMUM_SECONDS_BETWEEN_RESTARTS = 300
WORKERS = 2
OLD_DEFAULT = 2000 + 200  # max_requests + max_requests_jitter, at most


def _defaults() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    script = (
        "import runpy, json; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps({k: c[k] for k in ('max_requests', 'max_requests_jitter')}))"
    )
    result = run_python("-c", script, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_default_restarts_a_busy_worker_at_most_every_five_minutes():
    defaults = _defaults()

    seconds = defaults["max_requests"] / MEASURED_REQUESTS_PER_WORKER
    assert seconds >= MINIMUM_SECONDS_BETWEEN_RESTARTS, f"a restart every {seconds:.0f} s"
    # Jitter spreads restarts, so the workers of one instance never restart together.
    assert defaults["max_requests_jitter"] >= defaults["max_requests"] // 20


def _get_many(port: int, count: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(count):
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.close()


def test_no_worker_restarts_within_what_used_to_restart_one(tmp_path):
    # Enough requests that one of two workers served more than the old default.
    requests = WORKERS * OLD_DEFAULT + 1
    log = tmp_path / "gunicorn.log"
    server = Gunicorn(
        port=free_port(range(8142, 8145)),
        env=production_env(database=UNUSED_DATABASE),
        workers=WORKERS,
        log_path=log,
    )
    del server.env["GUNICORN_MAX_REQUESTS"]  # the configuration's own default
    with server:
        clients = 4
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda _: _get_many(server.port, requests // clients + 1), range(4)))

    assert log.read_text().count("Booting worker") == WORKERS
