"""Limits as a client meets them through gunicorn: a long query string gets the JSON
414 from Django, not gunicorn's own HTML page, up to gunicorn's request-line cap."""

from __future__ import annotations

import json

import pytest

from harness.server import fetch


@pytest.mark.parametrize("length", [3000, 6000, 8000])
def test_a_long_query_string_gets_the_json_414(databaseless_server, length):
    status, headers, body = fetch(f"{databaseless_server.url}/api/v1/?q={'a' * length}")

    assert status == 414
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["errors"][0]["code"] == "query_string_too_long"
