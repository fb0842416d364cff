"""One sent edition of the Soul Gym for `make run`, so the archive is never empty.

It uses the sample guide's exercises and the next sample event when those samples are
loaded (they run first), and stands alone otherwise. It is marked sent without
sending anything: no subscriber exists in a fresh database. Every text is our own.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from events.models import Event, EventStatus
from newsletter.models import Edition, EditionExercise, EditionStatus
from strategies.models import Exercise, Guide

SLUG = "soul-gym-1-when-you-feel-stuck"
GUIDE_SLUG = "four-things-to-do-when-therapy-isnt-working"
INTRO = (
    "Welcome to the first Soul Gym. Each issue brings a few small exercises you can do "
    "in the time it takes to drink a coffee. None of them fixes everything; each one "
    "moves you one step, and a step is what being stuck is missing.\n\n"
    "This week: noticing where you are, and doing one kind thing anyway."
)


def load() -> int:
    if Edition.objects.filter(slug=SLUG).exists():
        return 0
    now = timezone.now()
    guide = Guide.objects.filter(slug=GUIDE_SLUG).first()
    edition = Edition.objects.create(
        slug=SLUG,
        subject="Soul Gym #1: when you feel stuck",
        intro_markdown=INTRO,
        guide=guide,
        event=Event.objects.filter(starts_at__gt=now)
        .exclude(status__in=[EventStatus.CANCELLED, EventStatus.POSTPONED])
        .order_by("starts_at", "id")
        .first(),
        send_at=now - timedelta(days=7),
        status=EditionStatus.SENT,
        sending_started_at=now - timedelta(days=7),
        sent_at=now - timedelta(days=7),
    )
    exercises = Exercise.objects.filter(strategy__guide=guide).order_by(
        "strategy__position", "position", "id"
    )[:3]
    EditionExercise.objects.bulk_create(
        EditionExercise(edition=edition, exercise=exercise, position=position)
        for position, exercise in enumerate(exercises)
    )
    return 1 + len(exercises)
