"""Double opt-in: always the same 202, a confirmation mail from a worker, nothing
stored until the link is opened, and the consent recorded when it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from newsletter import services, tokens
from newsletter.models import Consent, ConsentSource, Subscriber, SubscriberStatus
from tests.accounts.factories import UserFactory
from tests.accounts.mail import link_token
from tests.newsletter.factories import SubscriberFactory
from tests.workers import job_states, run_workers

SUBSCRIBE = "/api/v1/newsletter/subscriptions/"
CONFIRM = "/api/v1/newsletter/confirm/"


def _subscribe(client, email, **extra):
    return client.post(SUBSCRIBE, {"email": email, **extra}, format="json")


def test_every_address_gets_the_same_answer(api_client, queue):
    SubscriberFactory(email="confirmed@example.com")
    SubscriberFactory(
        email="gone@example.com",
        status=SubscriberStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    _subscribe(api_client, "pending@example.com")

    answers = [
        _subscribe(api_client, email)
        for email in (
            "new@example.com",
            "pending@example.com",
            "confirmed@example.com",
            "gone@example.com",
            "CONFIRMED@Example.com",
        )
    ]

    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    assert answers[0]["Cache-Control"] == "private, no-store"
    run_workers()
    # Only the addresses that do not receive it yet get a link; one pending mail each.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gone@example.com",
        "new@example.com",
        "pending@example.com",
    ]


@pytest.mark.django_db
def test_nothing_is_stored_or_sent_inside_the_request(api_client):
    _subscribe(api_client, "new@example.com")

    assert not Subscriber.objects.exists()
    assert mail.outbox == []
    assert job_states() == {("newsletter.tasks.send_confirmation", "todo"): 1}


def test_confirming_records_the_consent(api_client, queue):
    member = UserFactory(email="member@example.com")
    _subscribe(api_client, "Member@Example.com", source="app")
    run_workers()
    (message,) = mail.outbox
    assert message.to == ["member@example.com"]

    response = api_client.post(CONFIRM, {"token": link_token(message)}, format="json")

    assert response.status_code == 200, response.content
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("member@example.com", "confirmed")
    assert subscriber.user == member, "linked, so it is in the member's export"
    consent = Consent.objects.get()
    assert consent.text == services.CONSENT_TEXT
    assert consent.source == ConsentSource.APP
    assert abs(consent.given_at - timezone.now()) < timedelta(minutes=1)


def test_opening_the_link_twice_is_harmless(api_client, queue):
    _subscribe(api_client, "new@example.com")
    run_workers()
    token = link_token(mail.outbox[0])
    api_client.post(CONFIRM, {"token": token}, format="json")

    again = api_client.post(CONFIRM, {"token": token}, format="json")

    assert again.status_code == 200
    assert Subscriber.objects.count() == Consent.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    ["forged", "x" * 1000, tokens.SALT],
    ids=["forged", "long", "salt"],
)
def test_a_bad_token_is_400(api_client, token):
    response = api_client.post(CONFIRM, {"token": token}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "token"
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_an_expired_token_is_400(api_client, settings):
    token = tokens.confirmation_token(email="late@example.com", source="web")
    later = timezone.now() + timedelta(seconds=settings.NEWSLETTER_CONFIRM_MAX_AGE + 5)
    with time_machine.travel(later, tick=False):
        response = api_client.post(CONFIRM, {"token": token}, format="json")

    assert response.status_code == 400


@pytest.mark.django_db
def test_an_old_link_cannot_resubscribe_an_address_that_left_since(api_client):
    token = tokens.confirmation_token(email="left@example.com", source="web")
    api_client.post(CONFIRM, {"token": token}, format="json")
    services.unsubscribe(subscriber=Subscriber.objects.get())

    response = api_client.post(CONFIRM, {"token": token}, format="json")

    assert response.status_code == 400
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [{"email": "not-an-email"}, {}, {"email": "a@example.com", "source": "settings"}],
    ids=["bad-email", "empty", "source-settings"],
)
def test_bad_input_is_400(api_client, body):
    assert api_client.post(SUBSCRIBE, body, format="json").status_code == 400


@pytest.mark.django_db
def test_subscribing_is_throttled_per_client(api_client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "newsletter_subscribe", "2/hour")

    statuses = [_subscribe(api_client, f"n{i}@example.com").status_code for i in range(3)]

    assert statuses == [202, 202, 429]
