"""Registration: one answer for every address; the mail says the rest."""

import pytest
from django.core import mail

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.workers import job_states, run_workers

URL = "/api/v1/auth/register/"
GOOD_PASSWORD = "a long enough passphrase"


@pytest.mark.django_db
def test_register_creates_an_unverified_account_that_can_sign_in(api_client):
    response = api_client.post(
        URL,
        {"email": "New.Member@Example.com", "password": GOOD_PASSWORD, "timezone": "Europe/Paris"},
    )

    assert response.status_code == 202, response.content
    assert set(response.json()) == {"detail"}
    assert response["Cache-Control"] == "private, no-store"
    user = User.objects.get()
    assert user.email == "new.member@example.com"
    assert user.timezone == "Europe/Paris"
    assert not user.email_verified
    login = api_client.post(
        "/api/v1/auth/login/", {"email": "new.member@example.com", "password": GOOD_PASSWORD}
    )
    assert login.status_code == 200
    assert login.json()["user"]["email_verified"] is False


@pytest.mark.django_db
def test_the_mail_is_queued_never_sent_inside_the_request(api_client):
    api_client.post(URL, {"email": "new@example.com", "password": GOOD_PASSWORD})

    assert mail.outbox == []
    assert job_states() == {("accounts.tasks.send_verification_email", "todo"): 1}


def test_a_taken_address_gets_the_same_answer_and_its_owner_is_told(api_client, queue):
    UserFactory(email="taken@example.com")

    taken = api_client.post(URL, {"email": "TAKEN@example.COM", "password": GOOD_PASSWORD})
    fresh = api_client.post(URL, {"email": "fresh@example.com", "password": GOOD_PASSWORD})
    run_workers()

    assert taken.status_code == fresh.status_code == 202
    assert taken.json() == fresh.json()
    assert User.objects.count() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"taken@example.com", "fresh@example.com"}
    assert "already has one" in by_address["taken@example.com"].body
    assert "token=" in by_address["fresh@example.com"].body
    owner = User.objects.get(email="taken@example.com")
    assert owner.check_password(PASSWORD), "the attempt changed nothing"


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_password_is_stored_hashed(api_client):
    api_client.post(URL, {"email": "hash@example.com", "password": GOOD_PASSWORD})

    user = User.objects.get()
    assert user.password != GOOD_PASSWORD
    assert user.check_password(GOOD_PASSWORD)


@pytest.mark.django_db
def test_a_display_name_is_one_line_from_the_start(api_client):
    # The rule a profile edit keeps (PATCH /me/): a sign-up cannot get around it.
    body = {"email": "new@example.com", "password": GOOD_PASSWORD, "display_name": "Sam\nBcc: x"}
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [
        ("control_characters", "display_name")
    ]
    assert not User.objects.exists()
