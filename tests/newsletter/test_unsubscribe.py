"""The unsubscribe link: RFC 8058 one-click, no account needed, and erasure."""

from __future__ import annotations

import pytest

from newsletter.models import Consent, Delivery, DeliveryStatus, Subscriber, SubscriberStatus
from tests.newsletter.factories import SubscriberFactory, sent_edition

UNSUBSCRIBE = "/api/v1/newsletter/unsubscribe/"
ERASE = "/api/v1/newsletter/erase/"

pytestmark = pytest.mark.django_db


def test_a_mail_clients_one_click_post_unsubscribes(api_client):
    subscriber = SubscriberFactory()

    # RFC 8058: POST to the List-Unsubscribe URL with this exact form body.
    response = api_client.post(
        f"{UNSUBSCRIBE}?token={subscriber.unsubscribe_token}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_a_front_end_sends_the_token_as_json(api_client):
    subscriber = SubscriberFactory()

    response = api_client.post(UNSUBSCRIBE, {"token": subscriber.unsubscribe_token}, format="json")
    again = api_client.post(UNSUBSCRIBE, {"token": subscriber.unsubscribe_token}, format="json")

    assert response.status_code == again.status_code == 200
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (UNSUBSCRIBE, {"token": "nope"}),
        (f"{UNSUBSCRIBE}?token=nope", {}),
        (UNSUBSCRIBE, {}),
        (ERASE, {"token": "nope"}),
        (ERASE, {}),
    ],
    ids=["json", "query", "missing", "erase", "erase-missing"],
)
def test_a_bad_or_missing_token_is_400(api_client, path, body):
    SubscriberFactory()

    response = api_client.post(path, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "token"
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


def test_erasure_forgets_the_address_and_keeps_anonymous_counts(api_client):
    subscriber = SubscriberFactory(email="forget-me@example.com")
    edition = sent_edition()
    Delivery.objects.create(edition=edition, subscriber=subscriber, status=DeliveryStatus.SENT)

    response = api_client.post(ERASE, {"token": subscriber.unsubscribe_token}, format="json")

    assert response.status_code == 204
    assert not Subscriber.objects.exists()
    assert not Consent.objects.exists()
    delivery = Delivery.objects.get()
    assert (delivery.subscriber_id, delivery.status) == (None, DeliveryStatus.SENT)
    again = api_client.post(ERASE, {"token": subscriber.unsubscribe_token}, format="json")
    assert again.status_code == 400
