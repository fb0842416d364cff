"""Slow clients cannot stall the service (issue 17, "Slow clients").

Two connections that promise a 100-byte body and send a few bytes used to hold both sync
workers until gunicorn's timeout, so `/healthz` took 32 s. With the default worker
settings (threads, `gunicorn.conf.py`) the other requests go on.
"""

from __future__ import annotations

import contextlib
import socket
import time

import pytest

from harness.server import Gunicorn, fetch, free_port, production_env

SLOW_CLIENTS = 2


@pytest.mark.django_db(transaction=True)
def test_two_slow_clients_leave_healthz_under_a_second(tmp_path):
    from django.conf import settings

    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = db.get("HOST") or "127.0.0.1"
    database = f"postgres://{credentials}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"
    server = Gunicorn(
        port=free_port(range(8142, 8145)),
        env=production_env(database=database),
        log_path=tmp_path / "gunicorn.log",
    )
    del server.env["GUNICORN_THREADS"]  # the configuration's own default
    with server:
        slow = []
        for _ in range(SLOW_CLIENTS):
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.sendall(
                b"POST /api/v1/auth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em'
            )
            slow.append(sock)
        time.sleep(0.5)  # both are now inside a worker, waiting for the rest

        timings = []
        for _ in range(10):
            for sock in slow:  # a byte at a time, as a client on a bad network sends
                with contextlib.suppress(OSError):  # a killed worker's connection
                    sock.sendall(b"a")
            started = time.monotonic()
            status = fetch(f"{server.url}/healthz", timeout=40)[0]
            timings.append(time.monotonic() - started)
            assert status == 200
            time.sleep(0.3)
        for sock in slow:
            sock.close()

    assert max(timings) < 1, timings
