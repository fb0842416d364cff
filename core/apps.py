from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """Infrastructure every domain app shares: errors, pagination, caching, health."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import integration
        from core.serializers import refuse_numbers_as_text

        integration.register()
        refuse_numbers_as_text()


class BreakthroughAdminConfig(admin_apps.AdminConfig):
    """Django's admin on the editors' site (`core.admin_site`)."""

    default = False  # `core` alone means CoreConfig
    default_site = "core.admin_site.BreakthroughAdminSite"

    def ready(self) -> None:
        from django.contrib.admin import options
        from django.db import models

        from core.widgets import ZonedSplitDateTime

        # Before the ModelAdmins are built (they copy these defaults): every admin
        # date-time field names the zone it is typed in.
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField] = {
            **options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField],
            "widget": ZonedSplitDateTime,
        }
        super().ready()
