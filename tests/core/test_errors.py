"""Bad input anywhere gets a 4xx in the one JSON error format, never a 500 or HTML."""

import pytest

pytestmark = pytest.mark.django_db


def _assert_error_format(response, status, code=None):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] in {"client_error", "validation_error", "server_error"}
    assert isinstance(body["errors"], list)
    assert body["errors"]
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}
    if code:
        assert body["errors"][0]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/nope/", "/api/v1/a/b/c/"])
def test_unknown_api_paths_are_json_404(api_client, path):
    _assert_error_format(api_client.get(path), 404, "not_found")


def test_malformed_json_is_a_parse_error(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/login/", '{"email": "a@example.com",', content_type="application/json"
    )

    _assert_error_format(response, 400, "parse_error")


def test_wrong_types_are_validation_errors(api_client):
    response = api_client.post(
        "/api/v1/auth/login/", {"email": 12, "password": {"x": 1}}, format="json"
    )

    _assert_error_format(response, 400)
    assert {e["attr"] for e in response.json()["errors"]} >= {"password"}


def test_unsupported_media_type(api_client):
    response = api_client.generic(
        "POST", "/api/v1/auth/login/", "email=a", content_type="text/plain"
    )

    _assert_error_format(response, 415, "unsupported_media_type")


def test_oversized_body_is_a_4xx_not_a_500(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = '{"email": "a@example.com", "password": "' + "x" * 4096 + '"}'

    response = api_client.generic(
        "POST", "/api/v1/auth/login/", big, content_type="application/json"
    )

    assert 400 <= response.status_code < 500
    assert response.json()["errors"]


@pytest.mark.parametrize("page_size", ["101", "0", "-1", "abc", "1e3"])
def test_page_size_outside_the_cap_is_a_400(api_client, page_size):
    from django.urls import reverse

    url = reverse("guide-list")
    response = api_client.get(url, {"page_size": page_size})

    _assert_error_format(response, 400)
    assert response.json()["errors"][0]["attr"] == "page_size"
