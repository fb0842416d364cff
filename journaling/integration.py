"""What the journal plugs into the rest of the project, from `ready()`: its section
of the personal-data export and of account deletion."""

from __future__ import annotations

from accounts import personal_data
from journaling.api.serializers import JournalPersonalDataSerializer
from journaling.export import account_export
from journaling.services import erase_member_journal


def register() -> None:
    personal_data.register(
        personal_data.PersonalDataSection(
            key="journal",
            schema=JournalPersonalDataSerializer,
            export=account_export,
            erase=erase_member_journal,
        )
    )
