"""What the profiles app plugs into the rest of the project, from `ready()`: its parts
of the personal-data export (`interests`, `saved_items`) and of account deletion."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts import personal_data
from profiles import services
from profiles.models import Interest, SavedItem, SavedItemType
from strategies.api.serializers import TagRefSerializer


class SavedItemExportSerializer(serializers.Serializer):
    """One saved item in the account export."""

    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=SavedItemType.choices)
    slug = serializers.CharField()
    title = serializers.CharField(
        allow_null=True, help_text="Null while the saved content is unpublished."
    )
    saved_at = serializers.DateTimeField()


class InterestExportSerializer(TagRefSerializer):
    """One topic the member picked."""


def export_saved_items(user: Any) -> list[dict[str, Any]]:
    """Every saved item, oldest first. Titles of content unpublished right now are left
    out (its slug is what the member saved)."""
    items = (
        SavedItem.objects.filter(owner=user)
        .select_related("guide", "strategy__guide", "exercise__strategy__guide", "event")
        .order_by("created_at", "id")
    )
    rows = []
    for item in items:
        target = item.target
        guide = {
            "guide": item.guide,
            "strategy": item.strategy and item.strategy.guide,
            "exercise": item.exercise and item.exercise.strategy.guide,
            "event": None,
        }[item.type]
        rows.append(
            {
                "id": item.id,
                "type": item.type,
                "slug": target.slug,
                "title": target.title if guide is None or guide.is_public else None,
                "saved_at": item.created_at,
            }
        )
    return SavedItemExportSerializer(rows, many=True).data


def export_interests(user: Any) -> list[dict[str, Any]]:
    tags = [i.tag for i in Interest.objects.filter(owner=user).select_related("tag")]
    return InterestExportSerializer(tags, many=True).data


def register() -> None:
    personal_data.register(
        personal_data.PersonalDataSection(
            key="saved_items",
            schema=lambda: SavedItemExportSerializer(many=True),
            export=export_saved_items,
            erase=lambda user: services.profile_erase(owner=user),
        )
    )
    personal_data.register(
        personal_data.PersonalDataSection(
            key="interests",
            schema=lambda: InterestExportSerializer(many=True),
            export=export_interests,
        )
    )
