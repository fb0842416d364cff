"""What a member keeps on their own profile: the topics they care about and the content
they saved. Both feed the recommendations (`profiles.recommendations`); neither is ever
shown to anyone else (editors see counts only, in the admin).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from events.models import Event
from strategies.models import Exercise, Guide, Strategy, Tag

# A member picks a handful of topics; a cap keeps a PUT (and the ranking) bounded.
MAX_INTERESTS = 30


class Interest(models.Model):
    """One tag a member chose as a topic they want more of."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interests"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tag__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "tag"], name="profiles_interest_unique"),
        ]

    def __str__(self) -> str:
        return f"Interest #{self.pk} of member {self.owner_id}"


class SavedItemType(models.TextChoices):
    GUIDE = "guide"
    STRATEGY = "strategy"
    EXERCISE = "exercise"
    EVENT = "event"


# The target columns, in the order of `SavedItemType`: exactly one is set per row.
TARGET_FIELDS: tuple[str, ...] = tuple(SavedItemType.values)


def _exactly_one_target() -> Q:
    condition = Q()
    for name in TARGET_FIELDS:
        only_this = Q(**{f"{name}__isnull": False})
        for other in TARGET_FIELDS:
            if other != name:
                only_this &= Q(**{f"{other}__isnull": True})
        condition |= only_this
    return condition


class SavedItem(models.Model):
    """A guide, strategy, exercise or event a member keeps for later: exactly one of
    the four. Rows saved before this app existed came over from `strategies` with their
    ids (migration 0001 renames that table)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_items"
    )
    guide = models.ForeignKey(Guide, null=True, blank=True, on_delete=models.CASCADE)
    strategy = models.ForeignKey(Strategy, null=True, blank=True, on_delete=models.CASCADE)
    exercise = models.ForeignKey(Exercise, null=True, blank=True, on_delete=models.CASCADE)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="profiles_saveditem_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_target(),
                name="profiles_saveditem_exactly_one_target",
                violation_error_message="Save one guide, strategy, exercise or event.",
            ),
            *(
                models.UniqueConstraint(
                    fields=["owner", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"profiles_saveditem_unique_{name}",
                )
                for name in TARGET_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"Saved {self.type} #{self.target_id} of member {self.owner_id}"

    @property
    def type(self) -> str:
        return next(name for name in TARGET_FIELDS if getattr(self, f"{name}_id") is not None)

    @property
    def target_id(self) -> int:
        return getattr(self, f"{self.type}_id")

    @property
    def target(self) -> Guide | Strategy | Exercise | Event:
        return getattr(self, self.type)


class GuideEngagement(Guide):
    """The admin's window on what helps, per guide: how many members saved it and the
    mood lift members recorded with its strategies. Counts and averages only."""

    class Meta:
        proxy = True
        verbose_name = "guide engagement"
        verbose_name_plural = "engagement per guide"

    def __str__(self) -> str:
        return f"Engagement with {self.title}"


class StrategyEngagement(Strategy):
    """The same, per strategy."""

    class Meta:
        proxy = True
        verbose_name = "strategy engagement"
        verbose_name_plural = "engagement per strategy"

    def __str__(self) -> str:
        return f"Engagement with {self.title}"
