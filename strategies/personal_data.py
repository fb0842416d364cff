"""What the strategies app holds about a member: the guides and strategies they saved.

Registered with `accounts.personal_data` from `strategies.integration.register()`, so the export
(`GET /api/v1/me/export/`) and account deletion include it without accounts knowing
this app.
"""

from __future__ import annotations

from typing import Any

from accounts.personal_data import PersonalDataSection
from strategies.api.serializers import SavedItemExportSerializer, SavedItemType
from strategies.models import SavedItem

SECTION_KEY = "saved_items"


def export_saved_items(user) -> list[dict[str, Any]]:
    """Every saved item, oldest first. Titles of content that is unpublished right now
    are left out (its slug is what the member saved)."""
    items = (
        SavedItem.objects.filter(owner=user)
        .select_related("guide", "strategy__guide")
        .order_by("created_at", "id")
    )
    rows = []
    for item in items:
        target = item.guide or item.strategy
        guide = item.guide or item.strategy.guide
        rows.append(
            {
                "id": item.id,
                "type": SavedItemType.GUIDE if item.guide_id else SavedItemType.STRATEGY,
                "slug": target.slug,
                "title": target.title if guide.is_public else None,
                "saved_at": item.created_at,
            }
        )
    return SavedItemExportSerializer(rows, many=True).data


def erase_saved_items(user) -> None:
    SavedItem.objects.filter(owner=user).delete()


SECTION = PersonalDataSection(
    key=SECTION_KEY,
    schema=lambda: SavedItemExportSerializer(many=True),
    export=export_saved_items,
    erase=erase_saved_items,
)
