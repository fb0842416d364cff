"""Run the real thing: gunicorn with production settings on 127.0.0.1.

Shared by the benchmarks (`bench`), the contract run (`tests/contract/run_schemathesis.py`)
and the fault tests (`tests/ops/`): each needs the production settings path (DEBUG off,
settings from the environment) serving on a loopback port, against a database of its own
(`harness.database`) so it never touches a developer's data.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOOPBACK = "127.0.0.1"
# For a server whose requests never reach the database (the middleware answers first):
# nothing listens there, so a query that does get through fails loudly.
UNUSED_DATABASE = "postgres://unused@127.0.0.1:1/unused"

# Variables of the caller (a developer's shell, make, pytest) that must not leak into a
# process meant to look like a fresh deployment.
LOCAL_VARIABLES = frozenset(
    {
        "DJANGO_DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "TEST_DATABASE_NAME",
        "DATABASE_URL",
        "PYTEST_CURRENT_TEST",
    }
)


def caller_env(*, dropping: frozenset[str] | set[str] = LOCAL_VARIABLES) -> dict[str, str]:
    """This process's environment without the variables in `dropping`."""
    return {k: v for k, v in os.environ.items() if k not in dropping}


def port_answers(port: int, host: str = LOOPBACK) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(candidates: range) -> int:
    """The first port of `candidates` that nothing listens on. Under pytest-xdist each
    worker starts looking at a different place in `candidates`, so two workers seldom
    pick the same free port at once (the second gunicorn would fail to bind, and its
    probe would reach the first one's server)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit() and len(candidates) > 1:
        offset = int(worker[2:]) % len(candidates)
        candidates = [*candidates[offset:], *candidates[:offset]]
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((LOOPBACK, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {min(candidates)}-{max(candidates)}.")


def production_env(*, database: str, **overrides: str) -> dict[str, str]:
    """The environment of a production deployment on 127.0.0.1, minus TLS."""
    env = caller_env()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{LOOPBACK},localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database,
        # Production refuses to start without a mail server; these servers send none.
        EMAIL_URL="dummymail://",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def run_python(
    *args: str, env: dict[str, str], timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """`python <args>` in the project folder with `env`, its output captured as text;
    the caller judges the exit status."""
    return subprocess.run(
        [PYTHON, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def manage(*args: str, env: dict[str, str], quiet: bool = True) -> None:
    """`manage.py <args>` in a subprocess with `env`; raises with its output on failure."""
    result = run_python("manage.py", *args, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    if not quiet:
        print(result.stdout, end="")


class Gunicorn:
    """gunicorn serving the project on 127.0.0.1:`port`; a context manager."""

    def __init__(
        self,
        *,
        port: int,
        env: dict[str, str],
        workers: int = 2,
        threads: int = 1,
        log_path: Path | None = None,
        access_log: bool = False,
        host_header: str | None = None,
        app: str = "config.wsgi:application",
    ) -> None:
        self.port = port
        self.app = app
        self.url = f"http://{LOOPBACK}:{port}"
        self.env = {
            **env,
            "HOST": LOOPBACK,
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_ACCESS_LOG": "-" if access_log else "",
            # No worker recycling in the middle of a measurement.
            "GUNICORN_MAX_REQUESTS": env.get("GUNICORN_MAX_REQUESTS", "0"),
        }
        self.log_path = log_path
        # For the readiness probe, when 127.0.0.1 is not among DJANGO_ALLOWED_HOSTS.
        self.probe_headers = {"Host": host_header} if host_header else {}
        self._log: IO[str] | None = None
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 30) -> None:
        if port_answers(self.port):
            raise RuntimeError(f"Port {self.port} is already taken.")
        self._log = (self.log_path or Path(os.devnull)).open("w")
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "--config",
                "gunicorn.conf.py",
                self.app,
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            with suppress(OSError):
                if fetch(f"{self.url}/healthz", headers=self.probe_headers, timeout=1)[0] == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # SIGTERM to the arbiter: it stops its workers gracefully.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 60) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log kept)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(  # noqa: S310 - loopback URLs we build ourselves
        url, data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post_json(
    url: str, payload: object, *, timeout: float = 10
) -> tuple[int, dict[str, str], bytes]:
    """`fetch` of a POST with `payload` as its JSON body."""
    return fetch(
        url,
        method="POST",
        headers={"Content-Type": "application/json"},
        body=json.dumps(payload).encode(),
        timeout=timeout,
    )
