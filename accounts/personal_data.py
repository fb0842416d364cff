"""What each app holds about a member, for the export and for account deletion.

Accounts knows nothing of the domain apps. Each app registers a section from its
`AppConfig.ready()`; the export then contains one key per section, and deleting an
account runs every section's `erase` before the user row (and its cascades) goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from rest_framework import serializers

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    # Describes the section's shape in the OpenAPI schema of the export.
    schema: Callable[[], serializers.BaseSerializer]
    export: Callable[[User], Any]
    erase: Callable[[User], None] | None = None


_sections: dict[str, PersonalDataSection] = {}


def register(section: PersonalDataSection) -> None:
    _sections[section.key] = section


def registered_sections() -> list[PersonalDataSection]:
    return list(_sections.values())


def export_personal_data(user: User) -> dict[str, Any]:
    return {key: section.export(user) for key, section in _sections.items()}


@transaction.atomic
def delete_account(user: User) -> None:
    """Erase every personal row, then the account; all of it or none of it."""
    for section in _sections.values():
        if section.erase is not None:
            section.erase(user)
    user.delete()
