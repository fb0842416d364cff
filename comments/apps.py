from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Moderated comment threads under guides, and the notices of replies."""

    name = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from comments import integration

        integration.register()
