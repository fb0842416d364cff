"""Writes of the newsletter: subscribing (double opt-in), unsubscribing, erasure, and
the editorial steps of an edition. Sending itself is in `newsletter.sending`."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from accounts.models import User, UserManager
from core.errors import DomainError
from newsletter import tasks, tokens
from newsletter.models import (
    Consent,
    ConsentSource,
    Delivery,
    DeliveryStatus,
    Edition,
    EditionStatus,
    Subscriber,
    SubscriberStatus,
)

# What a person agrees to, recorded word for word with each consent. A new wording is a
# new constant: old consents keep the text their subscribers saw.
CONSENT_TEXT = (
    "Yes, email me the Soul Gym: free exercises from Breakthrough, about once a week. "
    "I can unsubscribe with one click from any issue."
)


class TokenInvalidError(DomainError):
    """A confirmation or unsubscribe token that is forged, expired or used up."""

    default_code = "invalid"
    default_detail = "This link is invalid or has expired."

    def __init__(self) -> None:
        super().__init__(field="token")


class EmailUnverifiedError(DomainError):
    default_code = "email_unverified"
    default_detail = "Confirm your email address first (see auth/verify-email/resend/)."

    def __init__(self) -> None:
        super().__init__(field="subscribed")


def normalize(email: str) -> str:
    return UserManager.normalize_email_address(email)


def subscription_request(*, email: str, source: str) -> None:
    """Mail a confirmation link, unless the address already receives the newsletter.
    The caller is told the same either way. One pending mail per address at a time,
    however often the form is sent."""
    email = normalize(email)
    if Subscriber.objects.filter(email__iexact=email, status=SubscriberStatus.CONFIRMED).exists():
        return
    with contextlib.suppress(AlreadyEnqueued):
        tasks.send_confirmation.configure(queueing_lock=f"newsletter-confirm:{email}").defer(
            email=email, source=source
        )


def _member_for(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


@transaction.atomic
def _subscribe(*, email: str, source: str, user: User | None, now: datetime) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email, subscribed_at=now, user=user)
    elif subscriber.is_confirmed:
        return subscriber
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.subscribed_at, subscriber.unsubscribed_at = now, None
    subscriber.user = subscriber.user or user
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError:  # the same address confirmed a moment ago
        return Subscriber.objects.get(email__iexact=email)
    Consent.objects.create(subscriber=subscriber, given_at=now, text=CONSENT_TEXT, source=source)
    return subscriber


def subscription_confirm(*, token: str) -> Subscriber:
    """The double opt-in link was opened: the address receives the newsletter from now
    on, and the consent is recorded. Opening it again is harmless."""
    claim = tokens.read_confirmation_token(token)
    if claim is None:
        raise TokenInvalidError()
    existing = Subscriber.objects.filter(email__iexact=claim.email).first()
    requested_at = datetime.fromtimestamp(claim.requested_at, tz=UTC)
    if existing and existing.unsubscribed_at and existing.unsubscribed_at > requested_at:
        raise TokenInvalidError()
    return _subscribe(
        email=claim.email, source=claim.source, user=_member_for(claim.email), now=timezone.now()
    )


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop at once, including for an edition being sent right now: its deliveries not
    yet taken by a worker are skipped (and a worker re-reads the status before each
    group of messages)."""
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk, status=SubscriberStatus.CONFIRMED).update(
        status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now
    )
    Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SKIPPED
    )


def subscriber_by_token(token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(unsubscribe_token=token).first() if token else None
    if subscriber is None:
        raise TokenInvalidError()
    return subscriber


def unsubscribe_by_token(*, token: str) -> None:
    unsubscribe(subscriber=subscriber_by_token(token))


@transaction.atomic
def erase_by_token(*, token: str) -> None:
    """Forget the address entirely: the subscriber, its consents; delivery rows stay as
    anonymous counts of an edition."""
    subscriber = subscriber_by_token(token)
    unsubscribe(subscriber=subscriber)
    subscriber.delete()


def member_subscription_set(*, user: User, subscribed: bool) -> Subscriber | None:
    """From the member's settings: no mail round trip, the account's verified address
    is proof enough. An unverified member cannot switch it on."""
    current = member_subscription(user)
    if not subscribed:
        if current is not None:
            unsubscribe(subscriber=current)
        return current
    if not user.email_verified:
        raise EmailUnverifiedError()
    return _subscribe(
        email=user.email, source=ConsentSource.SETTINGS, user=user, now=timezone.now()
    )


def member_subscription(user: User) -> Subscriber | None:
    return (
        Subscriber.objects.filter(email__iexact=user.email).first()
        or Subscriber.objects.filter(user=user).order_by("-subscribed_at", "id").first()
    )


def member_erase(user: User) -> None:
    """Account deletion: every subscription of the member's, by link or by address."""
    Subscriber.objects.filter(user=user).delete()
    Subscriber.objects.filter(email__iexact=user.email).delete()


# --- Editorial steps (admin) ----------------------------------------------------------


def edition_schedule(*, edition: Edition) -> bool:
    """Hand a draft to the workers for its `send_at`; False if it has no send time or
    is already past drafting."""
    if edition.send_at is None:
        return False
    return bool(
        Edition.objects.filter(pk=edition.pk, status=EditionStatus.DRAFT).update(
            status=EditionStatus.SCHEDULED, updated_at=timezone.now()
        )
    )


def edition_unschedule(*, edition: Edition) -> bool:
    """Back to a draft, as long as no worker has started sending it."""
    return bool(
        Edition.objects.filter(pk=edition.pk, status=EditionStatus.SCHEDULED).update(
            status=EditionStatus.DRAFT, updated_at=timezone.now()
        )
    )


def edition_send_test(*, edition: Edition, email: str) -> None:
    """A copy to the editor's own address (a worker sends it); it is no delivery."""
    tasks.send_test.defer(edition_id=edition.pk, email=email)
