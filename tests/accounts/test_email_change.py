"""Changing the email: the password, a link to the new address, a note to the old one."""

import pytest
from django.core import mail

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.mail import link_token
from tests.helpers import client_for
from tests.workers import run_workers

CHANGE = "/api/v1/me/email/"
VERIFY = "/api/v1/auth/verify-email/"


def _change(client, email, password=PASSWORD):
    return client.post(CHANGE, {"email": email, "password": password}, format="json")


def test_the_address_changes_once_the_new_one_is_proved(queue):
    user = UserFactory(email="old@example.com")
    client = client_for(user)

    response = _change(client, "New@Example.com")
    assert response.status_code == 202, response.content
    run_workers()
    user.refresh_from_db()
    assert user.email == "old@example.com", "nothing changes before the link is opened"
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]

    verified = client.post(VERIFY, {"token": link_token(message)}, format="json")
    assert verified.status_code == 200, verified.content
    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("new@example.com", True)
    run_workers()
    told = mail.outbox[1]
    assert told.to == ["old@example.com"]
    assert "new@example.com" in told.body
    assert client.get("/api/v1/me/").json()["email"] == "new@example.com"


@pytest.mark.django_db
def test_the_password_is_needed():
    client = client_for(UserFactory())

    response = _change(client, "new@example.com", password="not my password")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "wrong_password"


def test_a_taken_address_gets_the_same_answer_and_only_its_owner_hears(queue):
    UserFactory(email="taken@example.com")
    client = client_for(UserFactory(email="me@example.com"))

    taken = _change(client, "taken@example.com")
    free = _change(client, "free@example.com")
    run_workers()

    assert taken.status_code == free.status_code == 202
    assert taken.json() == free.json()
    assert sorted(m.to[0] for m in mail.outbox) == ["free@example.com", "taken@example.com"]
    assert "token=" not in next(m for m in mail.outbox if m.to == ["taken@example.com"]).body


def test_an_old_change_link_is_void_after_another_change(queue):
    user = UserFactory(email="me@example.com")
    client = client_for(user)
    _change(client, "first@example.com")
    _change(client, "second@example.com")
    run_workers()
    first, second = sorted(mail.outbox, key=lambda m: m.to[0])
    assert client.post(VERIFY, {"token": link_token(second)}, format="json").status_code == 200

    stale = client.post(VERIFY, {"token": link_token(first)}, format="json")

    assert stale.status_code == 400
    assert User.objects.get(pk=user.pk).email == "second@example.com"


def test_a_change_to_an_address_taken_meanwhile_is_400(queue):
    client = client_for(UserFactory(email="me@example.com"))
    _change(client, "wanted@example.com")
    run_workers()
    UserFactory(email="wanted@example.com")

    response = client.post(VERIFY, {"token": link_token(mail.outbox[0])}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "email_taken"
