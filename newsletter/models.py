"""The Soul Gym newsletter: who receives it, what was sent, and to whom.

A `Subscriber` row exists only for an address that proved it wants the newsletter
(the double opt-in link was opened, or a verified member switched it on): nothing is
stored about an address someone merely typed into the form. Each `Consent` row is the
record of one such yes. An `Edition` is written in the admin and sent once; its
`Delivery` rows (one per recipient, unique per edition) are what the workers claim,
send and tick off, so a send can stop anywhere and carry on.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from core.models import TimeStampedModel
from core.validators import validate_one_line
from strategies.models import MarkdownRenderingModel


def new_unsubscribe_token() -> str:
    return secrets.token_urlsafe(32)


class ConsentSource(models.TextChoices):
    APP = "app", "App"
    WEB = "web", "Web"
    SETTINGS = "settings", "Member settings"


class SubscriberStatus(models.TextChoices):
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


class Subscriber(TimeStampedModel):
    """An address that receives the newsletter (or did, until it unsubscribed).

    `user` links the account with this address, so the row is in that member's export
    and goes with the account. `unsubscribe_token` is the opaque key of the
    unsubscribe link in every mail; it also lets its holder erase the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(
        max_length=12, choices=SubscriberStatus.choices, default=SubscriberStatus.CONFIRMED
    )
    subscribed_at = models.DateTimeField()
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_token = models.CharField(
        max_length=64, unique=True, default=new_unsubscribe_token, editable=False
    )

    class Meta:
        ordering = ["email", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["status"], name="newsletter_subscriber_status")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.status == SubscriberStatus.CONFIRMED


class Consent(models.Model):
    """One recorded yes: when, the exact wording the person agreed to, and where."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    given_at = models.DateTimeField()
    text = models.TextField()
    source = models.CharField(max_length=10, choices=ConsentSource.choices)

    class Meta:
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"Consent of {self.subscriber} at {self.given_at:%Y-%m-%d %H:%M}"


class EditionStatus(models.TextChoices):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"


class Edition(MarkdownRenderingModel, TimeStampedModel):
    """One issue of the newsletter: a short intro, a chosen set of Soul Gym exercises,
    a guide to read and the next live event. Sent once, at `send_at`; once sent it is
    in the public archive."""

    markdown_fields = ("intro",)

    slug = models.SlugField(max_length=200, unique=True)
    subject = models.CharField(max_length=200, validators=[validate_one_line])
    intro_markdown = models.TextField(blank=True)
    intro_html = models.TextField(blank=True, editable=False)
    exercises = models.ManyToManyField(
        "strategies.Exercise", through="EditionExercise", blank=True, related_name="+"
    )
    guide = models.ForeignKey(
        "strategies.Guide", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The next live event, announced at the end.",
    )
    send_at = models.DateTimeField(
        null=True, blank=True, help_text="When the workers start sending (once scheduled)."
    )
    status = models.CharField(
        max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    sending_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-send_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["scheduled", "sending", "sent"])
                | models.Q(send_at__isnull=False),
                name="newsletter_edition_scheduled_has_send_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="newsletter_edition_sent_has_sent_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "send_at"], name="newsletter_edition_due")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_editable(self) -> bool:
        return self.status in (EditionStatus.DRAFT, EditionStatus.SCHEDULED)


class EditionExercise(models.Model):
    """An exercise of an edition, in the editor's order."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="edition_exercises")
    exercise = models.ForeignKey("strategies.Exercise", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "exercise"], name="newsletter_edition_exercise_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} #{self.position}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker's job
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # unsubscribed (or erased) before its turn came


class Delivery(models.Model):
    """An edition for one subscriber. The unique pair is what makes a send exactly-once:
    queueing twice adds nothing, and each row is claimed by one job at a time."""

    id = models.BigAutoField(primary_key=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    job_id = models.BigIntegerField(
        null=True, blank=True, help_text="The job that claimed it (while sending)."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="newsletter_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "status"], name="newsletter_delivery_state"),
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}/{self.subscriber_id}: {self.status}"
