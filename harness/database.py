"""Throwaway databases for the live harness: created, migrated and dropped on the
server the project uses now (`DATABASE_URL`, or else the embedded PostgreSQL)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from harness.server import manage


def database_url(name: str) -> str:
    """A URL for database `name` on the server the project uses now: the one
    `DATABASE_URL` names, or else the embedded PostgreSQL (over its Unix socket)."""
    if url := os.environ.get("DATABASE_URL"):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    from config import embedded_db

    socket_dir = embedded_db.start()
    return f"postgres://postgres@/{name}?host={socket_dir}"


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    kwargs: dict[str, object] = {"dbname": "postgres", "autocommit": True}
    if parts.hostname:
        kwargs.update(host=parts.hostname, port=parts.port or 5432)
    else:
        kwargs["host"] = dict(p.split("=", 1) for p in parts.query.split("&") if p)["host"]
    kwargs["user"] = parts.username or "postgres"
    if parts.password:
        kwargs["password"] = parts.password
    return psycopg.connect(**kwargs)


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def database_exists(url: str) -> bool:
    with _admin_connection(url) as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_name(url)]).fetchone()
        )


def drop_database(url: str) -> None:
    from psycopg import sql

    with _admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_name(url)))
        )


def create_database(url: str, *, fresh: bool) -> None:
    from psycopg import sql

    if fresh:
        drop_database(url)
    elif database_exists(url):
        return
    with _admin_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_name(url))))


def prepare_database(env: dict[str, str], *, sample_content: bool = True) -> None:
    """Migrate, create the cache table (used when REDIS_URL is unset) and load samples."""
    manage("migrate", "--no-input", env=env)
    manage("createcachetable", env=env)
    if sample_content:
        manage("load_sample_content", env=env)
