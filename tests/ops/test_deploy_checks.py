"""The production configuration, checked the way an operator would start it: in a fresh
process with only the documented environment variables set."""

from __future__ import annotations

import json
import os
import secrets

import pytest

from harness.server import LOCAL_VARIABLES, caller_env, run_python

# Variables of a developer's shell or of the test run that production would not have.
LOCAL_ONLY = LOCAL_VARIABLES | {"REDIS_URL"}


def production_env(**extra: str) -> dict[str, str]:
    env = caller_env(dropping=LOCAL_ONLY)
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="api.example.com",
        DATABASE_URL="postgres://app:secret@db.example.com:5432/breakthrough",
        REDIS_URL="redis://cache.example.com:6379/0",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
        SITE_URL="https://api.example.com",
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_under_production_variables():
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production_env()
    )

    assert result.returncode == 0, result.stdout + result.stderr


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_HTTPONLY": s.CSRF_COOKIE_HTTPONLY,
    "BENCH_ENDPOINTS": s.BENCH_ENDPOINTS,
    "RENDERERS": s.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"],
}))
"""


def test_production_defaults_are_the_safe_ones():
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings")

    result = run_python("-c", PRINT_SETTINGS, env=env)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for name in ("SESSION_COOKIE", "CSRF_COOKIE"):
        assert values[f"{name}_SECURE"] is True
        assert values[f"{name}_HTTPONLY"] is True
    assert values["BENCH_ENDPOINTS"] is False, "production exposes no benchmark view"
    assert values["RENDERERS"] == ["drf_orjson_renderer.renderers.ORJSONRenderer"]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = production_env()
    del env[missing]

    result = run_python("manage.py", "check", env=env)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_to_start_without_a_mail_server():
    # The console backend would print every password-reset link (uid and token) to the
    # log, where anyone who reads the logs could take over the account.
    env = production_env()
    del env["EMAIL_URL"]

    result = run_python("manage.py", "check", env=env)

    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr


def test_console_mail_asked_for_explicitly_starts_but_fails_check_deploy():
    env = production_env(EMAIL_URL="consolemail://")

    assert run_python("manage.py", "check", env=env).returncode == 0
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "core.W001" in result.stdout + result.stderr


@pytest.mark.parametrize("site_url", [None, "http://localhost:8000", "http://[::1]:8000"])
def test_a_site_url_on_the_server_itself_fails_check_deploy(site_url):
    # Unset, it follows HOST and PORT: the Dockerfile's 0.0.0.0:8000 reads as 127.0.0.1.
    env = production_env(HOST="0.0.0.0", PORT="8000")  # noqa: S104 (the Dockerfile's)
    if site_url is None:
        del env["SITE_URL"]
    else:
        env["SITE_URL"] = site_url
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "core.W002" in result.stdout + result.stderr


def test_the_schema_validates_without_warnings(tmp_path):
    # The same database as the tests (embedded, or DATABASE_URL): generation reads no rows.
    # With DATABASE_URL set this is production, which needs its two secrets.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "api.example.com",
        "EMAIL_URL": "dummymail://",
    }
    schema = tmp_path / "schema.yaml"

    result = run_python(
        "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(schema), env=env
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert schema.stat().st_size > 1000
