"""Browsers on another origin (a front end on its own dev server or domain) may call
the API, and only the origins `CORS_ALLOWED_ORIGINS` names.

A preflight is answered before any view runs, so it never meets authentication (no
401 on OPTIONS for private routes) and is the same for every route of the schema.
"""

from __future__ import annotations

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.security.routes import operations

pytestmark = pytest.mark.django_db

ALLOWED = "http://localhost:5173"
OTHER = "https://evil.example"
OPERATIONS = operations()


@pytest.fixture(autouse=True)
def _allowed_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED, "http://127.0.0.1:3000"]


def access_control_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control")}


def preflight(client, path: str, method: str, origin: str):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, if-match",
    )


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_operation_answers_a_preflight_from_an_allowed_origin(api_client, operation):
    response = preflight(api_client, operation.url(), operation.method, ALLOWED)

    assert response.status_code == 200, operation
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert operation.method in response["Access-Control-Allow-Methods"]
    allowed_headers = response["Access-Control-Allow-Headers"].lower()
    for header in ("authorization", "content-type", "if-match", "if-none-match"):
        assert header in allowed_headers
    # No cookies cross origins: front ends send a token.
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("operation", OPERATIONS[:1], ids=str)
def test_a_preflight_from_another_origin_gets_no_cors_header(api_client, operation):
    response = preflight(api_client, operation.url(), operation.method, OTHER)

    assert access_control_headers(response) == {}


def test_an_allowed_origin_reads_the_answer_and_its_caching_headers(api_client):
    response = api_client.get("/api/v1/guides/", HTTP_ORIGIN=ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed >= {"etag", "location", "retry-after", "last-modified"}
    # Shared caches must not hand one origin's answer to another.
    assert "origin" in response["Vary"].lower()


def test_errors_carry_the_cors_headers_too(api_client):
    # Otherwise the browser hides a 401 from the page as a network error.
    response = api_client.get("/api/v1/me/", HTTP_ORIGIN=ALLOWED)

    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == ALLOWED


def test_a_disallowed_origin_gets_the_answer_without_cors_headers(api_client):
    UserFactory(email="cors@example.com")

    response = api_client.post(
        "/api/v1/auth/login/",
        {"email": "cors@example.com", "password": PASSWORD},
        HTTP_ORIGIN=OTHER,
    )

    assert response.status_code == 200
    assert access_control_headers(response) == {}


def test_the_admin_is_not_opened_to_other_origins(client):
    response = preflight(client, "/admin/login/", "POST", ALLOWED)

    assert access_control_headers(response) == {}


def test_no_origin_is_allowed_unless_configured(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = []

    response = preflight(api_client, "/api/v1/guides/", "GET", ALLOWED)

    assert access_control_headers(response) == {}
