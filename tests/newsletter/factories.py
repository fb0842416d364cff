"""factory_boy factories for the newsletter: subscribers (with their consent) and
editions."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from newsletter.models import (
    Consent,
    ConsentSource,
    Edition,
    EditionExercise,
    EditionStatus,
    Subscriber,
)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber, with the consent that made it one."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    subscribed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def consent(self, create, extracted, **kwargs):
        if create:
            Consent.objects.create(
                subscriber=self,
                given_at=self.subscribed_at,
                text="Yes, email me the Soul Gym.",
                source=ConsentSource.WEB,
            )


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"soul-gym-{n}")
    subject = factory.Sequence(lambda n: f"Soul Gym #{n}")
    intro_markdown = "This week, *one* small step."

    @factory.post_generation
    def exercises(self, create, extracted, **kwargs):
        for position, exercise in enumerate(extracted or []):
            EditionExercise.objects.create(edition=self, exercise=exercise, position=position)


def sent_edition(**fields) -> Edition:
    sent = fields.pop("sent_at", timezone.now() - timedelta(days=1))
    return EditionFactory(status=EditionStatus.SENT, send_at=sent, sent_at=sent, **fields)


def due_edition(**fields) -> Edition:
    return EditionFactory(
        status=EditionStatus.SCHEDULED, send_at=timezone.now() - timedelta(minutes=1), **fields
    )
