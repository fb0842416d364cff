"""Reads of the newsletter: the public archive (sent editions only)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from newsletter.models import Edition, EditionExercise, EditionStatus


def edition_list() -> QuerySet[Edition]:
    """Sent editions, newest first."""
    return Edition.objects.filter(status=EditionStatus.SENT).order_by("-sent_at", "-id")


def edition_detail() -> QuerySet[Edition]:
    """Sent editions with what the detail shows, in three queries for any edition."""
    return (
        edition_list()
        .select_related("guide", "event")
        .prefetch_related(
            Prefetch(
                "edition_exercises",
                queryset=EditionExercise.objects.select_related("exercise").order_by(
                    "position", "id"
                ),
            )
        )
    )
