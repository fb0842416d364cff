from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Live-stream series and events, calendars and reminders."""

    name = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from events import integration

        integration.register()
