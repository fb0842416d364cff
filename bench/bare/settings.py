"""Settings of the bare project (`bench.bare`): nothing but what Django needs to answer."""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-bare-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "bench.bare.urls"
USE_TZ = True
