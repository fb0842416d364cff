"""The test suite's settings, named for pytest in pyproject.toml.

They are production's own (`config.settings`, read from the environment) plus the few
choices that only make a test run fast and self-contained. A test run is a local run:
where the environment leaves them unset, it gets a throwaway key, the loopback host
names and plain http, as `make run` does.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager

_LOCAL_DEFAULTS = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1,[::1],testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_SESSION_COOKIE_SECURE": "false",
    "DJANGO_CSRF_COOKIE_SECURE": "false",
    # Django's test runner swaps in its in-memory backend whatever this names.
    "EMAIL_URL": "memorymail://",
    # Creating and dropping the test databases can take longer than production's bound
    # on a busy machine; the servers the tests start keep that bound.
    "DATABASE_STATEMENT_TIMEOUT": "0",
}


@contextmanager
def _defaults(values: dict[str, str]):
    # Only while config.settings is read: servers and commands that the tests start in
    # subprocesses copy os.environ and must not inherit these.
    added = [name for name in values if name not in os.environ]
    os.environ.update({name: values[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            del os.environ[name]


with _defaults(_LOCAL_DEFAULTS):
    from config.settings import *  # noqa: F403
    from config.settings import STORAGES

# Argon2 is deliberately slow; tests create hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test clears the cache (tests/conftest.py); per-process memory is enough, unless
# the run is about the shared cache (REDIS_URL set, as CI's second pass does).
if not os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No manifest: tests never run collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads of a test run go to a folder of its own, removed when the run ends.
MEDIA_ROOT = tempfile.mkdtemp(prefix="breakthrough-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
