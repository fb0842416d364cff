from django.apps import AppConfig


class JournalingConfig(AppConfig):
    """A member's private journal, commitments, sync feed and insights."""

    name = "journaling"
    verbose_name = "Journaling"

    def ready(self) -> None:
        from journaling import integration

        integration.register()
