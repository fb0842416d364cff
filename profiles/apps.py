from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """A member's profile: interests, saved items, recommendations and the home screen."""

    name = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from profiles import integration

        integration.register()
