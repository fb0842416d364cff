"""`manage.py load_sample_content`: the demo content `make run` shows a newcomer.

Each app that has sample content names a loader in `settings.SAMPLE_CONTENT_LOADERS`
(run in that order, dependencies first). Loaders are idempotent: they look rows up by
slug and create only what is missing, so a second run adds nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load the sample guides, strategies and events (idempotent)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for dotted_path in settings.SAMPLE_CONTENT_LOADERS:
                created = import_string(dotted_path)()
                self.stdout.write(f"{dotted_path}: {created} new rows")
