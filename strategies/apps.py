from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    """Editorial content: guides, strategies, exercises, prompts, tags and people."""

    name = "strategies"
    verbose_name = "Strategies"

    def ready(self) -> None:
        from accounts import personal_data
        from strategies import search, signals  # noqa: F401
        from strategies.personal_data import SECTION

        personal_data.register(SECTION)
        search.register_sources()
