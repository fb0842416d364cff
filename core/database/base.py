"""Django's PostgreSQL backend, with a bound on every wait for the server.

The server bounds what it sees: `statement_timeout` and `lock_timeout` (set on every
connection from `DATABASE_STATEMENT_TIMEOUT` and `DATABASE_LOCK_TIMEOUT`) cancel a slow
statement with an error. A server that hangs (a frozen host, a network path that drops
packets, a proxy that stops forwarding) sees nothing and cancels nothing, and libpq
would wait on the socket for good, holding the worker until gunicorn kills it. So each
call that waits for an answer (statements, commits and rollbacks, the health check of a
reused connection) is also watched from here: when the server has not answered a
second after its own statement timeout would have fired, `Watchdog` shuts the socket
down. The waiting call then fails at once with psycopg's "server closed the connection"
(`OperationalError`, answered as a 503 with `Retry-After`), and the next request opens a
new connection, bounded by `connect_timeout`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator

from django.db.backends.postgresql import base

# How often the watchdog looks; a hung call fails at most this much after its bound.
TICK_SECONDS = 0.2
# The health check of a reused connection (`SELECT 1`) gets this long.
HEALTH_CHECK_SECONDS = 1.5


class Watchdog:
    """One thread per process that shuts down the sockets of calls past their deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, tuple[float, int]] = {}
        self._next_token = 0
        self._thread_pid: int | None = None

    def watch(self, fd: int, seconds: float) -> int:
        with self._lock:
            if self._thread_pid != os.getpid():  # first use, or first use after a fork
                self._thread_pid = os.getpid()
                threading.Thread(target=self._run, name="db-watchdog", daemon=True).start()
            self._next_token += 1
            self._watched[self._next_token] = (time.monotonic() + seconds, fd)
            return self._next_token

    def unwatch(self, token: int) -> None:
        with self._lock:
            self._watched.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                expired = [t for t, (deadline, _) in self._watched.items() if deadline <= now]
                fds = [self._watched.pop(t)[1] for t in expired]
            for fd in fds:
                _shut_down(fd)


def _shut_down(fd: int) -> None:
    """Shut the socket behind `fd` down (both ways), leaving `fd` itself to its owner."""
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=os.dup(fd))
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


WATCHDOG = Watchdog()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Runs inside every other execute wrapper, around the call to the server.
        self.execute_wrappers.append(self._bounded_execute)

    @property
    def client_timeout(self) -> float:
        """Seconds a call may wait for the server; 0: unbounded."""
        return float(self.settings_dict.get("CLIENT_TIMEOUT") or 0)

    @contextlib.contextmanager
    def bounded(self, seconds: float | None = None) -> Iterator[None]:
        connection = self.connection
        seconds = self.client_timeout if seconds is None else seconds
        fd = -1
        if connection is not None and seconds > 0:
            with contextlib.suppress(Exception):
                fd = connection.fileno()
        if fd < 0:
            yield
            return
        token = WATCHDOG.watch(fd, seconds)
        try:
            yield
        finally:
            WATCHDOG.unwatch(token)

    def _bounded_execute(self, execute, sql, params, many, context):
        with self.bounded():
            return execute(sql, params, many, context)

    def is_usable(self) -> bool:
        # `SELECT 1` takes no time on a server that answers: no need to wait out a
        # statement's bound before reconnecting.
        seconds = min(self.client_timeout, HEALTH_CHECK_SECONDS) if self.client_timeout else 0
        with self.bounded(seconds):
            return super().is_usable()

    def init_connection_state(self) -> None:
        with self.bounded():
            super().init_connection_state()

    def _commit(self) -> None:
        with self.bounded():
            super()._commit()

    def _rollback(self) -> None:
        with self.bounded():
            super()._rollback()
