"""`/me/newsletter/`: a verified member switches it on without the mail round trip;
the subscription is in the export and goes with the account."""

from __future__ import annotations

import pytest
from django.utils import timezone

from newsletter import services
from newsletter.models import Consent, ConsentSource, Subscriber, SubscriberStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.helpers import client_for
from tests.newsletter.factories import SubscriberFactory

URL = "/api/v1/me/newsletter/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified():
    return UserFactory(email="verified@example.com", email_verified_at=timezone.now())


def test_off_by_default(verified):
    response = client_for(verified).get(URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body == {
        "subscribed": False,
        "email": "verified@example.com",
        "subscribed_at": None,
        "consent_text": services.CONSENT_TEXT,
    }


def test_a_verified_member_switches_it_on_and_off(verified):
    client = client_for(verified)

    on = client.put(URL, {"subscribed": True}, format="json")

    assert on.status_code == 200, on.content
    assert on.json()["subscribed"] is True
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.user) == ("verified@example.com", verified)
    assert Consent.objects.get().source == ConsentSource.SETTINGS
    off = client.put(URL, {"subscribed": False}, format="json")
    assert off.json()["subscribed"] is False
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


def test_an_unverified_member_cannot_switch_it_on():
    client = client_for(UserFactory(email_verified_at=None))

    response = client.put(URL, {"subscribed": True}, format="json")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("subscribed", "email_unverified")
    assert not Subscriber.objects.exists()


def test_an_address_subscribed_by_the_form_shows_as_the_members(verified):
    SubscriberFactory(email="verified@example.com")

    assert client_for(verified).get(URL).json()["subscribed"] is True


def test_the_subscription_is_exported_and_deleted_with_the_account(verified):
    client = client_for(verified)
    client.put(URL, {"subscribed": True}, format="json")
    SubscriberFactory(email="someone.else@example.com")

    export = client.get("/api/v1/me/export/").json()["newsletter"]

    assert [row["email"] for row in export] == ["verified@example.com"]
    assert export[0]["consents"][0]["source"] == "settings"
    deleted = client.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert deleted.status_code == 204
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["someone.else@example.com"]


@pytest.mark.parametrize(
    "body",
    [{}, {"subscribed": "maybe"}, {"subscribed": None}, {"subscribed": 0}, {"subscribed": "true"}],
)
def test_bad_input_is_400(verified, body):
    assert client_for(verified).put(URL, body, format="json").status_code == 400
