from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure every domain app shares: errors, pagination, caching, health."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import integration

        integration.register()
