"""Writes on editorial content that touch more than one row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.http_cache import bump_content_version
from strategies.models import Guide, Strategy


@dataclass
class PublishOutcome:
    published: list[Guide] = field(default_factory=list)
    scheduled: list[Guide] = field(default_factory=list)
    refused: list[Guide] = field(default_factory=list)  # no strategy yet


@transaction.atomic
def guides_publish(*, guides: Iterable[Guide], now: datetime | None = None) -> PublishOutcome:
    """Publish each guide that has at least one strategy. A guide keeps a publication
    date it already has (a future one means "scheduled"); one without gets `now`. A
    guide without a strategy stays a draft."""
    now = now or timezone.now()
    outcome = PublishOutcome()
    locked = list(
        Guide.objects.filter(pk__in=[guide.pk for guide in guides])
        .select_for_update()
        .order_by("pk")
    )
    with_strategies = set(
        Strategy.objects.filter(guide__in=locked).values_list("guide_id", flat=True)
    )
    for guide in locked:
        if guide.pk not in with_strategies:
            outcome.refused.append(guide)
            continue
        guide.status = Guide.Status.PUBLISHED
        guide.published_at = guide.published_at or now
        guide.save(update_fields=["status", "published_at", "updated_at"])
        (outcome.scheduled if guide.published_at > now else outcome.published).append(guide)
    return outcome


@transaction.atomic
def guides_unpublish(*, guides: Iterable[Guide]) -> int:
    """Back to draft; the publication date is kept so republishing restores it."""
    changed = Guide.objects.filter(
        pk__in=[guide.pk for guide in guides], status=Guide.Status.PUBLISHED
    ).update(status=Guide.Status.DRAFT, updated_at=timezone.now())
    transaction.on_commit(bump_content_version)
    return changed
