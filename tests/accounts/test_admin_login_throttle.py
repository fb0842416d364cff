"""The admin's sign-in form is throttled like the API login: the same rate, and the
same bucket per client address, so switching doors gains an attacker nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def editor_account():
    return UserFactory(email="editor@example.com", password="right horse battery", is_staff=True)


def attempt(client: Client, password: str):
    return client.post(
        ADMIN_LOGIN, {"username": "editor@example.com", "password": password, "next": "/admin/"}
    )


def test_fifteen_wrong_passwords_are_throttled_after_the_api_rate(editor_account):
    client = Client()
    statuses = [attempt(client, f"wrong {n}").status_code for n in range(15)]
    # THROTTLE_LOGIN's default, 10 a minute, as for POST /api/v1/auth/login/.
    assert statuses == [200] * 10 + [429] * 5
    refused = attempt(client, "right horse battery")
    assert refused.status_code == 429, "the right password does not get past the limit"
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_showing_the_form_is_not_an_attempt(editor_account):
    client = Client()
    for _ in range(12):
        assert client.get(ADMIN_LOGIN).status_code == 200
    assert attempt(client, "right horse battery").status_code == 302


def test_the_admin_and_the_api_share_one_bucket(editor_account, api_client):
    for n in range(10):
        api_client.post(
            "/api/v1/auth/login/",
            {"email": "editor@example.com", "password": f"wrong {n}"},
            format="json",
        )
    assert attempt(Client(), "right horse battery").status_code == 429
