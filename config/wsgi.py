"""WSGI entry point used by gunicorn (`config.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# gunicorn runs no system checks: a front-end link template that cannot work stops the
# start here (each worker fails to boot), not a page later.
from core.checks import raise_for_link_errors  # noqa: E402 (needs the apps loaded)

raise_for_link_errors()
