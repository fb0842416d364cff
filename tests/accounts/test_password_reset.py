"""Password reset: the mail comes from a worker, its link carries one opaque token."""

import pytest
from django.core import mail
from rest_framework.throttling import SimpleRateThrottle

from tests.accounts.factories import UserFactory
from tests.accounts.mail import link_token
from tests.helpers import client_for
from tests.workers import job_states, run_workers

REQUEST = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"


def test_the_answer_does_not_reveal_whether_the_email_exists(api_client, queue):
    UserFactory(email="known@example.com")

    known = api_client.post(REQUEST, {"email": "KNOWN@example.com"})
    unknown = api_client.post(REQUEST, {"email": "unknown@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert mail.outbox == [], "nothing is sent inside the request"
    run_workers()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["known@example.com"]
    assert job_states() == {("accounts.tasks.send_password_reset", "succeeded"): 1}


def test_confirm_sets_the_password_and_revokes_every_token(api_client, queue):
    user = UserFactory(email="known@example.com")
    device = client_for(user)
    api_client.post(REQUEST, {"email": "known@example.com"})
    run_workers()
    token = link_token(mail.outbox[0])

    response = api_client.post(CONFIRM, {"token": token, "new_password": "my brand new passphrase"})

    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.check_password("my brand new passphrase")
    assert device.get("/api/v1/me/").status_code == 401
    again = api_client.post(CONFIRM, {"token": token, "new_password": "yet another passphrase"})
    assert again.status_code == 400, "a reset link works once"


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["bm9wZQ.abc-def", "!!!", "MQ.1-2", "MQ", ".", "x" * 256])
def test_a_bad_token_is_400(api_client, token):
    UserFactory()

    response = api_client.post(CONFIRM, {"token": token, "new_password": "whatever it is 1"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "token"


@pytest.mark.django_db
def test_request_and_confirm_have_buckets_of_their_own(api_client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password_reset", "2/hour")

    for _ in range(2):
        assert api_client.post(REQUEST, {"email": "a@example.com"}).status_code == 202
    assert api_client.post(REQUEST, {"email": "a@example.com"}).status_code == 429
    # A member who then mistypes their new password still gets an answer.
    confirm = api_client.post(CONFIRM, {"token": "MQ.1-2", "new_password": "x"})
    assert confirm.status_code == 400
