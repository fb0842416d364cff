from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """The Soul Gym newsletter: double opt-in subscribers, editions, their delivery."""

    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        from newsletter import integration

        integration.register()
