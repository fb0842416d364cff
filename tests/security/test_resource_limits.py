"""Limits that keep one client from costing the service too much: page size, body size,
query string length and request rates. Each refusal is a 4xx in the JSON error format."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.pagination import MAX_PAGE_SIZE
from tests.accounts.factories import PASSWORD
from tests.security.routes import operations

pytestmark = pytest.mark.django_db

PAGINATED_LISTS = [
    op
    for op in operations()
    if op.method == "GET" and "page_size" in op.query_parameters and not op.path_parameters
]


def _assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] in {"client_error", "validation_error", "server_error"}
    assert all(set(error) == {"code", "detail", "attr"} for error in body["errors"])
    if code:
        assert body["errors"][0]["code"] == code
    return body


# --- page size ------------------------------------------------------------------------


def test_some_list_is_paginated():
    assert any(op.path == "/api/v1/guides/" for op in PAGINATED_LISTS), PAGINATED_LISTS


@pytest.mark.parametrize("operation", PAGINATED_LISTS, ids=str)
@pytest.mark.parametrize("page_size", [str(MAX_PAGE_SIZE + 1), "0", "-1", "1e3", "¹", "٣"])
def test_page_size_beyond_the_cap_is_refused(member_client, operation, page_size):
    response = member_client.get(operation.url(), {"page_size": page_size})

    body = _assert_error(response, 400)
    assert body["errors"][0]["attr"] == "page_size"


@pytest.mark.parametrize("operation", PAGINATED_LISTS, ids=str)
def test_page_size_at_the_cap_is_served(member_client, operation):
    response = member_client.get(operation.url(), {"page_size": MAX_PAGE_SIZE})

    assert response.status_code == 200, response.content[:300]


def test_an_empty_page_size_means_the_default(member_client):
    # As with every query parameter, `?page_size=` counts as not given.
    response = member_client.get("/api/v1/guides/", {"page_size": ""})

    assert response.status_code == 200


# --- body size ------------------------------------------------------------------------


def _json_of_size(size: int) -> str:
    """A login body of exactly `size` bytes."""
    skeleton = json.dumps({"email": "a@example.com", "password": ""})
    return json.dumps({"email": "a@example.com", "password": "x" * (size - len(skeleton))})


def test_a_body_over_the_cap_is_413_before_it_is_read(api_client):
    body = _json_of_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = api_client.generic(
        "POST", "/api/v1/auth/login/", body, content_type="application/json"
    )

    _assert_error(response, 413, "request_too_large")


def test_a_body_at_the_cap_reaches_the_view(api_client):
    body = _json_of_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)

    response = api_client.generic(
        "POST", "/api/v1/auth/login/", body, content_type="application/json"
    )

    _assert_error(response, 400)  # the password is too long: the view saw the body


def test_an_oversized_write_changes_nothing(member, member_client):
    name_before = member.display_name
    body = json.dumps({"display_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = member_client.generic("PATCH", "/api/v1/me/", body, content_type="application/json")

    _assert_error(response, 413)
    member.refresh_from_db()
    assert member.display_name == name_before


def test_an_oversized_admin_form_is_a_json_400_not_a_500(client):
    # Outside /api/ Django's own cap applies to form fields: SuspiciousOperation -> 400.
    body = "username=a&password=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.generic(
        "POST", "/admin/login/", body, content_type="application/x-www-form-urlencoded"
    )

    _assert_error(response, 400)


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=x", "application/x-www-form-urlencoded"]
)
def test_the_api_reads_json_only(api_client, content_type):
    response = api_client.generic(
        "POST", "/api/v1/auth/login/", "email=a%40example.com", content_type=content_type
    )

    _assert_error(response, 415, "unsupported_media_type")


# --- query string -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/guides/", "/api/v1/me/", "/readyz"])
def test_a_query_string_over_the_cap_is_414(api_client, path):
    query = "q=" + "a" * (settings.MAX_QUERY_STRING_LENGTH - 1)

    response = api_client.get(f"{path}?{query}")

    _assert_error(response, 414, "query_string_too_long")


def test_a_query_string_at_the_cap_is_served(api_client):
    query = "q=" + "a" * (settings.MAX_QUERY_STRING_LENGTH - 2)

    response = api_client.get(f"/api/v1/?{query}")

    assert response.status_code == 200


# --- throttles ------------------------------------------------------------------------


@pytest.fixture
def rates(monkeypatch):
    """Set throttle rates for one test (DRF reads them once, into a class attribute)."""

    def set_rate(scope: str, rate: str) -> None:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rate


def _assert_throttled(response) -> None:
    _assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_anonymous_requests_are_throttled_per_client(api_client, rates):
    rates("anon", "3/min")

    statuses = [api_client.get("/api/v1/").status_code for _ in range(3)]
    response = api_client.get("/api/v1/")

    assert statuses == [200, 200, 200]
    _assert_throttled(response)


def test_member_requests_are_throttled_per_member(member_client, other_client, rates):
    rates("user", "3/min")

    statuses = [member_client.get("/api/v1/me/").status_code for _ in range(3)]
    response = member_client.get("/api/v1/me/")

    assert statuses == [200, 200, 200]
    _assert_throttled(response)
    assert other_client.get("/api/v1/me/").status_code == 200, "one member's limit is theirs"


@pytest.mark.parametrize(
    ("scope", "path", "body"),
    [
        ("login", "/api/v1/auth/login/", {"email": "a@example.com", "password": "wrong"}),
        ("register", "/api/v1/auth/register/", {"email": "bad", "password": PASSWORD}),
        ("password_reset", "/api/v1/auth/password-reset/", {"email": "a@example.com"}),
        ("verify_email", "/api/v1/auth/verify-email/", {"token": "forged"}),
        (
            "password_reset_confirm",
            "/api/v1/auth/password-reset/confirm/",
            {"token": "y", "new_password": PASSWORD},
        ),
    ],
)
def test_sign_in_routes_have_strict_rates_of_their_own(api_client, rates, scope, path, body):
    rates(scope, "2/min")

    for _ in range(2):
        assert api_client.post(path, body, format="json").status_code != 429
    response = api_client.post(path, body, format="json")

    _assert_throttled(response)
