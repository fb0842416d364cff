"""Reads of a member's profile. Every function takes the owner and never returns
another member's rows."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from events.models import Event
from profiles.models import TARGET_FIELDS, Interest, SavedItem
from strategies.models import Exercise, Guide, Strategy

# What a saved item's reference shows: a title, a slug and a link; never bodies.
_REFERENCE_COLUMNS = {
    "guide": ("guide__id", "guide__title", "guide__slug", "guide__summary", "guide__published_at"),
    "strategy": ("strategy__id", "strategy__title", "strategy__slug"),
    "exercise": ("exercise__id", "exercise__title", "exercise__slug"),
    "event": (
        "event__id",
        "event__title",
        "event__slug",
        "event__starts_at",
        "event__ends_at",
        "event__status",
    ),
}
# The lookup from each saved model to the guide that decides whether it is public.
GUIDE_OF = {
    "guide": "guide",
    "strategy": "strategy__guide",
    "exercise": "exercise__strategy__guide",
}
TARGET_MODELS = {"guide": Guide, "strategy": Strategy, "exercise": Exercise, "event": Event}


def public_targets(now: datetime) -> Q:
    """Saved items whose content the public may see at `now`: the guide (of a strategy,
    or of an exercise's strategy) is published and due; events are always public. An
    unpublished guide's items drop out and come back when it is republished."""
    public_guides = Guide.objects.published(now).values("pk")
    visible = Q(event__isnull=False)
    for path in GUIDE_OF.values():
        visible |= Q(**{f"{path}__in": public_guides})
    return visible


def interest_list(*, owner: object) -> QuerySet[Interest]:
    """The member's interests with their tags (one query), by tag name."""
    return Interest.objects.filter(owner=owner).select_related("tag").order_by("tag__name", "id")


def saved_item_list(*, owner: object, now: datetime | None = None) -> QuerySet[SavedItem]:
    """The member's saved items that are public right now, newest first, with the few
    columns their references show (one query a page)."""
    return (
        SavedItem.objects.filter(public_targets(now or timezone.now()), owner=owner)
        .select_related(*TARGET_FIELDS)
        .only(
            "id",
            "owner_id",
            "created_at",
            *(f"{name}_id" for name in TARGET_FIELDS),
            *(column for columns in _REFERENCE_COLUMNS.values() for column in columns),
        )
        .order_by("-created_at", "-id")
    )


def saved_item_matches(
    *, owner: object, slugs: dict[str, list[str]], now: datetime | None = None
) -> QuerySet[SavedItem]:
    """Which of these slugs (per type) the member has saved, among public content: the
    answer a client needs to mark saved items on a public page, in one query."""
    wanted = Q()
    for name, values in slugs.items():
        if values:
            wanted |= Q(**{f"{name}__slug__in": values})
    if not wanted:
        return SavedItem.objects.none()
    return saved_item_list(owner=owner, now=now).filter(wanted)
