from django.apps import AppConfig


class JournalingConfig(AppConfig):
    """A member's private journal, commitments, sync feed and insights."""

    name = "journaling"
    verbose_name = "Journaling"

    def ready(self) -> None:
        from accounts.personal_data import PersonalDataSection, register
        from journaling.export import account_export
        from journaling.serializers import JournalPersonalDataSerializer
        from journaling.services import erase_member_journal

        register(
            PersonalDataSection(
                key="journal",
                schema=JournalPersonalDataSerializer,
                export=account_export,
                erase=erase_member_journal,
            )
        )
