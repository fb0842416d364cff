from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Members: sign-up, tokens, profile, and the personal-data registry."""

    name = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        from accounts import token_cache

        token_cache.register()
