"""`FRONTEND_URL_<KIND>` templates are checked when the service starts: one that cannot
work is a system check error (`manage.py check`, and the WSGI module gunicorn loads),
never a 500 on the first page that links there."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from harness.server import run_python


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("https://app.example/guides/", "it has no {slug}"),
        ("https://app.example/{kind}/{slug}", "it names {kind}"),
        ("https://app.example/guides/{slug", "it is not a template"),
        ("https://app.example/guides/{slug!r}", "write {slug} plainly, without a conversion"),
        ("/guides/{slug}", "it is not an absolute http(s) address"),
        ("ftp://app.example/{slug}", "it is not an absolute http(s) address"),
    ],
)
def test_a_template_that_cannot_work_fails_the_checks(settings, template, reason):
    settings.WEB_URL_TEMPLATES = {"guide": template}

    with pytest.raises(SystemCheckError) as failure:
        call_command("check")

    assert "core.E001" in str(failure.value)
    assert f"FRONTEND_URL_GUIDE={template!r}: {reason}" in str(failure.value)


def test_good_templates_pass(settings):
    settings.WEB_URL_TEMPLATES = {
        "guide": "https://app.example/guides/{slug}",
        "event": "http://localhost:3000/events/{slug}?from=calendar",
    }
    call_command("check")


def _environment(**values: str) -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "PYTEST_CURRENT_TEST", "HOST", "PORT"}
    }
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        **values,
    }


def test_gunicorn_cannot_start_with_a_broken_template():
    # gunicorn runs no system checks; its WSGI module does this one.
    broken = run_python(
        "-c", "import config.wsgi", env=_environment(FRONTEND_URL_EVENT="https://app.example/e")
    )
    assert broken.returncode != 0
    assert "FRONTEND_URL_EVENT='https://app.example/e': it has no {slug}" in broken.stderr

    fine = run_python(
        "-c",
        "import config.wsgi",
        env=_environment(FRONTEND_URL_EVENT="https://app.example/e/{slug}"),
    )
    assert fine.returncode == 0, fine.stderr


SITE_URL = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SITE_URL, settings.PASSWORD_RESET_URL)"
)
ANY_ADDRESS = "0.0.0.0"  # noqa: S104 (where gunicorn listens, not bound here)


@pytest.mark.parametrize(
    ("listen", "site"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"HOST": "127.0.0.1", "PORT": "9000"}, "http://127.0.0.1:9000"),
        ({"HOST": ANY_ADDRESS, "PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"HOST": "api.local", "PORT": "80"}, "http://api.local:80"),
        ({"HOST": "::1"}, "http://[::1]:8000"),
        ({"HOST": ANY_ADDRESS, "SITE_URL": "https://api.example/"}, "https://api.example"),
    ],
)
def test_site_url_follows_where_gunicorn_listens(listen, site):
    result = run_python("-c", SITE_URL, env=_environment(**listen))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [site, f"{site}/reset-password?token={{token}}"]
