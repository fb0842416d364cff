"""Email verification: a link from a worker, one opaque token, `email_verified` on /me/."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail, signing

from accounts import tokens
from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.mail import link_token
from tests.helpers import client_for
from tests.workers import run_workers

VERIFY = "/api/v1/auth/verify-email/"
RESEND = "/api/v1/auth/verify-email/resend/"
PASSPHRASE = "a long enough passphrase"


def _register(api_client, email="new@example.com") -> None:
    response = api_client.post("/api/v1/auth/register/", {"email": email, "password": PASSPHRASE})
    assert response.status_code == 202


def test_the_registration_link_verifies_the_address(api_client, queue):
    _register(api_client)
    run_workers()
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]

    response = api_client.post(VERIFY, {"token": link_token(message)}, format="json")

    assert response.status_code == 200, response.content
    user = User.objects.get()
    assert user.email_verified
    me = client_for(user).get("/api/v1/me/").json()
    assert me["email_verified"] is True


def test_opening_the_link_twice_is_harmless(api_client, queue):
    _register(api_client)
    run_workers()
    token = link_token(mail.outbox[0])
    api_client.post(VERIFY, {"token": token}, format="json")
    first = User.objects.get().email_verified_at

    again = api_client.post(VERIFY, {"token": token}, format="json")

    assert again.status_code == 200
    assert User.objects.get().email_verified_at == first


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: "forged",
        lambda user: "",
        lambda user: signing.dumps({"u": user.pk, "e": user.email}, salt="another-purpose"),
        lambda user: signing.dumps({"e": user.email}, salt=tokens.VERIFICATION_SALT),
        lambda user: signing.dumps({"u": "x", "e": user.email}, salt=tokens.VERIFICATION_SALT),
    ],
    ids=["forged", "empty", "other-salt", "no-user", "bad-user"],
)
def test_a_bad_token_is_400_on_token(api_client, make_token):
    token = make_token(UserFactory(email="new@example.com"))

    response = api_client.post(VERIFY, {"token": token}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "token"
    assert not User.objects.get().email_verified


@pytest.mark.django_db
def test_an_expired_token_is_400(api_client, settings):
    user = UserFactory(email="new@example.com")
    issued = datetime(2026, 1, 1, tzinfo=UTC)
    with time_machine.travel(issued, tick=False):
        token = tokens.verification_token(user=user)
    later = issued + timedelta(seconds=settings.EMAIL_VERIFICATION_MAX_AGE + 1)
    with time_machine.travel(later, tick=False):
        response = api_client.post(VERIFY, {"token": token}, format="json")

    assert response.status_code == 400


@pytest.mark.django_db
def test_a_token_for_an_address_the_account_no_longer_has_is_400(api_client):
    user = UserFactory(email="old@example.com")
    token = tokens.verification_token(user=user)
    User.objects.filter(pk=user.pk).update(email="moved@example.com")

    assert api_client.post(VERIFY, {"token": token}, format="json").status_code == 400


def test_resend_mails_a_new_link_until_verified(queue):
    user = UserFactory(email="slow@example.com")
    client = client_for(user)

    assert client.post(RESEND).status_code == 202
    run_workers()
    assert [m.to for m in mail.outbox] == [["slow@example.com"]]
    client.post(VERIFY, {"token": link_token(mail.outbox[0])}, format="json")
    assert client.post(RESEND).status_code == 202
    run_workers()
    assert len(mail.outbox) == 1, "a verified address gets no more links"


@pytest.mark.django_db
def test_resend_needs_a_member_and_is_throttled(api_client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "verification_mail", "2/hour")
    assert api_client.post(RESEND).status_code == 401
    client = client_for(UserFactory())

    statuses = [client.post(RESEND).status_code for _ in range(3)]

    assert statuses == [202, 202, 429]
