"""A NUL byte anywhere in a request is a 4xx in the JSON error format: in the path a
404 (no resource has such a name), in the query string or a JSON body a 400.
PostgreSQL refuses NUL in any text, so one that reached a query used to end as a 500
with a traceback."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def assert_refused(response, status_code: int = 400) -> None:
    assert response.status_code == status_code, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    (error,) = response.json()["errors"]
    # 400: the code of an unreadable body, which every operation documents.
    assert error["code"] == ("parse_error" if status_code == 400 else "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/calendar/%00.ics",
        "/api/v1/calendar/abc%00def.ics",
        "/api/v1/guides/%00/",
        "/api/v1/journal/entries/%00/",
        "/api/v1/events/%00/calendar.ics",
        "/api/v1/%00",
        "/admin/accounts/user/%00/change/",
    ],
)
def test_a_nul_in_the_path(member_client, path):
    assert_refused(member_client.get(path), 404)


@pytest.mark.parametrize(
    "query",
    ["q=%00", "tag=a%00b", "since=%00", "page=%00", "%00=1", "cursor=%00", "format=%00"],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/guides/", "/api/v1/journal/entries/", "/api/v1/journal/changes/"]
)
def test_a_nul_in_the_query_string(member_client, path, query):
    assert_refused(member_client.get(f"{path}?{query}"))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/me/saved/", {"guide": "\x00"}),
        ("patch", "/api/v1/me/", {"display_name": "Ada\x00"}),
        ("patch", "/api/v1/me/", {"timezone": "UTC\x00"}),
        ("post", "/api/v1/journal/entries/", {"body": "x", "tags": ["ok"], "\x00": 1}),
        ("post", "/api/v1/journal/entries/", {"body": "x", "prompt": "\x00"}),
        ("post", "/api/v1/auth/login/", {"email": "a@example.com", "password": "\x00"}),
    ],
)
def test_a_nul_in_a_json_body(member_client, method, path, body):
    assert_refused(getattr(member_client, method)(path, body, format="json"))


def test_text_that_only_spells_a_backslash_u_is_fine(member_client):
    response = member_client.post(
        "/api/v1/journal/entries/", {"body": "typed \\u0000 on purpose"}, format="json"
    )
    assert response.status_code == 201, response.content
