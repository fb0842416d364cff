import pytest

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/register/"
GOOD_PASSWORD = "a long enough passphrase"


def test_register_returns_a_working_token_and_the_user(api_client):
    response = api_client.post(
        URL,
        {"email": "New.Member@Example.com", "password": GOOD_PASSWORD, "timezone": "Europe/Paris"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "new.member@example.com"
    assert body["user"]["timezone"] == "Europe/Paris"
    assert "password" not in body["user"]
    assert body["expiry"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api_client.get("/api/v1/me/").json()["email"] == "new.member@example.com"
    assert response["Cache-Control"] == "private, no-store"


def test_duplicate_email_in_another_case_is_refused(api_client):
    UserFactory(email="taken@example.com")

    response = api_client.post(URL, {"email": "TAKEN@example.COM", "password": GOOD_PASSWORD})

    assert response.status_code == 400
    error = response.json()
    assert error["type"] == "validation_error"
    assert error["errors"][0]["attr"] == "email"
    assert error["errors"][0]["code"] == "unique"
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "attr"),
    [
        ({"email": "not-an-email", "password": GOOD_PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "12345678901"}, "password"),
        (
            {"email": "a@example.com", "password": GOOD_PASSWORD, "timezone": "Mars/Olympus"},
            "timezone",
        ),
        ({"password": GOOD_PASSWORD}, "email"),
        ({"email": ["a@example.com"], "password": GOOD_PASSWORD}, "email"),
    ],
)
def test_invalid_registrations_are_400_with_the_field_named(api_client, payload, attr):
    response = api_client.post(URL, payload, format="json")

    assert response.status_code == 400
    assert attr in [error["attr"] for error in response.json()["errors"]]
    assert not User.objects.exists()


def test_password_is_stored_hashed(api_client):
    api_client.post(URL, {"email": "hash@example.com", "password": GOOD_PASSWORD})

    user = User.objects.get()
    assert user.password != GOOD_PASSWORD
    assert user.check_password(GOOD_PASSWORD)
