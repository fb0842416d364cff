from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    """Editorial content: guides, strategies, exercises, prompts, tags and people."""

    name = "strategies"
    verbose_name = "Content"

    def ready(self) -> None:
        from strategies import integration

        integration.register()
