"""A mail provider through django-anymail is chosen with two variables, in production
too (it stands in for EMAIL_URL)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DUMP = (
    "import json, django\nfrom django.conf import settings\ndjango.setup()\n"
    "print(json.dumps([settings.EMAIL_BACKEND, settings.ANYMAIL]))"
)


def test_email_provider_selects_anymail_and_its_settings():
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "EMAIL_URL", "PYTEST_CURRENT_TEST"}
        and not k.startswith("ANYMAIL_")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="api.example.com",
        DATABASE_URL="postgres://app@db.example.com:5432/breakthrough",
        EMAIL_PROVIDER="postmark",
        ANYMAIL_POSTMARK_SERVER_TOKEN="server-token",
    )
    result = subprocess.run(
        [sys.executable, "-c", DUMP],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    backend, anymail = json.loads(result.stdout)
    assert backend == "anymail.backends.postmark.EmailBackend"
    assert anymail == {"POSTMARK_SERVER_TOKEN": "server-token"}
