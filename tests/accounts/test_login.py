import pytest

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/login/"


def test_login_with_any_case_of_the_email_returns_a_new_token(api_client):
    UserFactory(email="reader@example.com")

    first = api_client.post(URL, {"email": "Reader@Example.com", "password": PASSWORD})
    second = api_client.post(URL, {"email": "reader@example.com", "password": PASSWORD})

    assert first.status_code == 200
    assert second.status_code == 200
    assert first.json()["token"] != second.json()["token"], "one token per device"
    assert first.json()["user"]["email"] == "reader@example.com"


@pytest.mark.parametrize(
    ("email", "password"),
    [("reader@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_wrong_credentials_are_one_indistinct_400(api_client, email, password):
    UserFactory(email="reader@example.com")

    response = api_client.post(URL, {"email": email, "password": password})

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_credentials"
    assert "token" not in response.json()


def test_inactive_member_cannot_log_in(api_client):
    UserFactory(email="gone@example.com", is_active=False)

    response = api_client.post(URL, {"email": "gone@example.com", "password": PASSWORD})

    assert response.status_code == 400


def test_login_is_throttled_with_retry_after(api_client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    UserFactory(email="reader@example.com")
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "3/min")

    statuses = [
        api_client.post(URL, {"email": "reader@example.com", "password": "nope"}).status_code
        for _ in range(4)
    ]
    response = api_client.post(URL, {"email": "reader@example.com", "password": PASSWORD})

    assert statuses == [400, 400, 400, 429]
    assert response.status_code == 429, "the right password does not get past the limit"
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"
