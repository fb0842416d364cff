"""Limits as a client meets them through gunicorn: a long query string gets the JSON
414 from Django, not gunicorn's own HTML page, up to gunicorn's request-line cap."""

from __future__ import annotations

import json

import pytest

from harness.server import Gunicorn, fetch, free_port, production_env

# No request here reaches the database: the middleware answers first.
UNUSED_DATABASE = "postgres://unused@127.0.0.1:1/unused"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = production_env(database=UNUSED_DATABASE)
    with Gunicorn(port=free_port(range(8142, 8145)), env=env, log_path=log) as gunicorn:
        yield gunicorn


@pytest.mark.parametrize("length", [3000, 6000, 8000])
def test_a_long_query_string_gets_the_json_414(server, length):
    status, headers, body = fetch(f"{server.url}/api/v1/?q={'a' * length}")

    assert status == 414
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["errors"][0]["code"] == "query_string_too_long"
