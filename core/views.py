"""Views that belong to no domain: health probes, the API root, the docs pages."""

from __future__ import annotations

import threading

from csp.decorators import csp_replace
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import DATABASE_ERRORS, ServiceUnavailable, error_payload
from core.etags import content_etag, none_match

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


class CompactJsonRenderer(OpenApiJsonRenderer):
    """The schema as JSON without indentation (a client asking `indent=2` in `Accept`
    still gets it indented): a third of the indented size."""

    def get_indent(self, accepted_media_type, renderer_context):
        return JSONRenderer.get_indent(self, accepted_media_type, renderer_context)


class CompactJsonRenderer2(CompactJsonRenderer):
    media_type = OpenApiJsonRenderer2.media_type


# Public schema documents by format (and `Accept` parameters), built once per process:
# the schema only changes with the code, and building it takes seconds.
SCHEMA_MAX_AGE = 60 * 60
_schema_documents: dict[tuple[str, str], tuple[bytes, str]] = {}
_schema_lock = threading.Lock()


@method_decorator(gzip_page, name="dispatch")
class SchemaView(SpectacularAPIView):
    """The OpenAPI document, built once per process, then served from memory with an
    `ETag` (answering `If-None-Match` with a 304), `Cache-Control` and gzip."""

    renderer_classes = [
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
        CompactJsonRenderer,
        CompactJsonRenderer2,
    ]

    def _get_schema_response(self, request):
        key = (request.accepted_media_type, request.GET.get("lang", ""))
        with _schema_lock:
            if key not in _schema_documents:
                response = super()._get_schema_response(request)
                body = request.accepted_renderer.render(
                    response.data, request.accepted_media_type, {"request": request}
                )
                _schema_documents[key] = (body, response["Content-Disposition"])
            body, disposition = _schema_documents[key]
        etag = content_etag(body)
        if none_match(etag, request.headers.get("If-None-Match")):
            answer = HttpResponseNotModified()
        else:
            content_type = request.accepted_media_type
            if request.accepted_renderer.charset:
                content_type = f"{content_type}; charset={request.accepted_renderer.charset}"
            answer = HttpResponse(body, content_type=content_type)
            answer["Content-Disposition"] = disposition
        answer["ETag"] = etag
        answer["Cache-Control"] = f"public, max-age={SCHEMA_MAX_AGE}"
        answer["Vary"] = "Accept, Accept-Encoding"
        return answer
