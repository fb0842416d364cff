import re

import pytest
from django.core import mail

from tests.accounts.factories import UserFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REQUEST = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"


def _uid_and_token(message: str) -> tuple[str, str]:
    match = re.search(r"uid=(\S+) and token=(\S+) ", message)
    assert match, message
    return match.group(1), match.group(2)


def test_the_answer_does_not_reveal_whether_the_email_exists(api_client):
    UserFactory(email="known@example.com")

    known = api_client.post(REQUEST, {"email": "KNOWN@example.com"})
    unknown = api_client.post(REQUEST, {"email": "unknown@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["known@example.com"]


def test_confirm_sets_the_password_and_revokes_every_token(api_client):
    user = UserFactory(email="known@example.com")
    device = client_for(user)
    api_client.post(REQUEST, {"email": "known@example.com"})
    uid, token = _uid_and_token(mail.outbox[0].body)

    response = api_client.post(
        CONFIRM, {"uid": uid, "token": token, "new_password": "my brand new passphrase"}
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("my brand new passphrase")
    assert device.get("/api/v1/me/").status_code == 401
    again = api_client.post(
        CONFIRM, {"uid": uid, "token": token, "new_password": "yet another passphrase"}
    )
    assert again.status_code == 400, "a reset link works once"


@pytest.mark.parametrize(("uid", "token"), [("bm9wZQ", "abc-def"), ("!!!", "x"), ("MQ", "1-2")])
def test_bad_uid_or_token_is_400(api_client, uid, token):
    UserFactory()

    response = api_client.post(
        CONFIRM, {"uid": uid, "token": token, "new_password": "whatever it is 1"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "token"
