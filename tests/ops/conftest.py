"""Fixtures of the fault tests."""

from __future__ import annotations

import pytest

from harness.server import UNUSED_DATABASE, Gunicorn, free_port, production_env

# Off the ports of the outage test's proxy (8145-8149) and of the other servers here.
DATABASELESS_PORTS = range(8162, 8170)


@pytest.fixture(scope="module")
def databaseless_server(tmp_path_factory):
    """gunicorn with production settings on no database, for what the middleware and
    gunicorn answer before any view."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = production_env(database=UNUSED_DATABASE)
    with Gunicorn(port=free_port(DATABASELESS_PORTS), env=env, log_path=log) as gunicorn:
        yield gunicorn
