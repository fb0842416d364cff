"""Views that belong to no domain: health probes, the API root, the docs pages."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import DATABASE_ERRORS, ServiceUnavailable, error_payload

# Swagger UI and ReDoc style themselves inline and ReDoc starts a worker from a blob;
# every script, style sheet and font still comes from our own static files.
DOCS_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no database, so a database outage does
    not get healthy containers restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness, dependency by dependency: `{"database": "ok", "cache": "down"}`.

    Only the database makes it a 503: nothing works without it. A cache that does not
    answer is reported, and `status` is `degraded`, but the instance stays ready: each
    process then serves from its own memory and throttles per process (core/cache.py).
    """
    checks = {"database": _database_status(), "cache": _cache_status()}
    if checks["database"] != "ok":
        payload = error_payload(
            ServiceUnavailable.default_code, "The database is unreachable.", status_code=503
        )
        response = JsonResponse({**payload, "checks": checks}, status=503)
        response["Retry-After"] = "5"
        return response
    status = "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks})


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_ERRORS:
        return "down"
    return "ok"


def _cache_status() -> str:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return "ok" if ping() else "down"
    try:
        cache.get("readyz-probe")
    except Exception:
        return "down"
    return "ok"


BENCH_CEILING_PAYLOAD = {"status": "ok", "service": "breakthrough"}


def bench_ceiling(request: HttpRequest) -> JsonResponse:
    """The fastest JSON answer this stack can give: no DRF, no database, no cache. The
    benchmarks report every endpoint as a share of it. Routed only when
    `BENCH_ENDPOINTS=true`."""
    return JsonResponse(BENCH_CEILING_PAYLOAD)


# Collections shown at /api/v1/, by URL name; a name not (yet) routed is skipped.
API_ROOT_LINKS = {
    "guides": "guide-list",
    "strategies": "strategy-list",
    "exercises": "exercise-list",
    "prompts": "prompt-list",
    "tags": "tag-list",
    "search": "search",
    "help": "help",
    "events": "event-list",
    "upcoming_events": "event-upcoming",
    "next_event": "event-next",
    "series": "series-list",
    "register": "auth-register",
    "login": "auth-login",
    "me": "me",
    "journal_entries": "journal-entry-list",
    "journal_commitments": "journal-commitment-list",
    "journal_changes": "journal-changes",
    "journal_insights": "journal-insights",
    "schema": "schema",
    "docs": "swagger-ui",
    "redoc": "redoc",
}


class ApiRootView(APIView):
    """Links to every collection, the schema and the docs."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot", fields={"links": serializers.DictField(child=serializers.URLField())}
        ),
    )
    def get(self, request: Request) -> Response:
        links = {}
        for label, name in API_ROOT_LINKS.items():
            try:
                links[label] = request.build_absolute_uri(reverse(name))
            except NoReverseMatch:
                continue
        return Response({"links": links})


@method_decorator(csp_replace(DOCS_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file, so no inline script runs."""


@method_decorator(csp_replace(DOCS_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "core/redoc.html"
