"""A token stops working after logout, logout-all, a password change and deletion."""

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_logout_revokes_only_this_token(member):
    phone, laptop = client_for(member), client_for(member)

    assert phone.post("/api/v1/auth/logout/").status_code == 204

    assert phone.get("/api/v1/me/").status_code == 401
    assert laptop.get("/api/v1/me/").status_code == 200


def test_logout_all_revokes_every_token(member):
    phone, laptop = client_for(member), client_for(member)

    assert phone.post("/api/v1/auth/logout-all/").status_code == 204

    assert phone.get("/api/v1/me/").status_code == 401
    assert laptop.get("/api/v1/me/").status_code == 401


def test_password_change_keeps_this_token_and_revokes_the_others(member):
    phone, laptop = client_for(member), client_for(member)

    response = phone.post(
        "/api/v1/me/password/",
        {"password": PASSWORD, "new_password": "an entirely new passphrase"},
    )

    assert response.status_code == 200
    assert phone.get("/api/v1/me/").status_code == 200
    assert laptop.get("/api/v1/me/").status_code == 401
    member.refresh_from_db()
    assert member.check_password("an entirely new passphrase")


def test_password_change_needs_the_current_password(member_client, member):
    response = member_client.post(
        "/api/v1/me/password/", {"password": "wrong", "new_password": "an entirely new one"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "password"
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_weak_new_password_is_refused(member_client):
    response = member_client.post(
        "/api/v1/me/password/", {"password": PASSWORD, "new_password": "123"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "new_password"


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Token ", "Bearer abc", "Token a b"])
def test_bad_tokens_are_401_in_the_error_format(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/me/"),
        ("patch", "/api/v1/me/"),
        ("delete", "/api/v1/me/"),
        ("get", "/api/v1/me/export/"),
        ("post", "/api/v1/me/password/"),
        ("post", "/api/v1/auth/logout/"),
        ("post", "/api/v1/auth/logout-all/"),
    ],
)
def test_anonymous_gets_401_on_every_personal_endpoint(api_client, method, path):
    response = getattr(api_client, method)(path, {}, format="json")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_one_device_too_many_logs_out_the_oldest(member, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    oldest, middle = client_for(member), client_for(member)

    newest = client_for(member)

    assert oldest.get("/api/v1/me/").status_code == 401
    assert middle.get("/api/v1/me/").status_code == 200
    assert newest.get("/api/v1/me/").status_code == 200
