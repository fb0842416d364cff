"""A chunked request body (`Transfer-Encoding: chunked`) through gunicorn. Django reads
only `Content-Length` bytes, which a chunked request does not declare, so it used to
see an empty body: a PATCH answered 200 and wrote nothing. It is refused with 411."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest


def chunked(url: str, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(
            method,
            path,
            body=iter([b'{"display_name": ', b'"Ada"}']),
            headers={"Content-Type": "application/json", "Authorization": "Token x"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", "/api/v1/me/"), ("POST", "/api/v1/journal/entries/"), ("POST", "/admin/login/")],
)
def test_a_chunked_body_is_refused_with_411(databaseless_server, method, path):
    status, headers, body = chunked(databaseless_server.url, method, path)
    assert status == 411, body[:300]
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["errors"][0]["code"] == "length_required"
