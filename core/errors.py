"""One error format for the whole API.

drf-standardized-errors shapes every error raised inside a DRF view as
`{"type": ..., "errors": [{"code", "detail", "attr"}]}`. The helpers here give the
same shape to what happens outside DRF (unknown URLs, a database outage caught in
middleware), so a client parses one format everywhere.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from rest_framework import exceptions, status

DATABASE_ERRORS = (OperationalError, InterfaceError)


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Try again shortly."
    default_code = "service_unavailable"


class DomainError(Exception):
    """A rule of the domain was broken. Services raise these, never DRF's exceptions,
    so they know nothing of HTTP; `ExceptionHandler` answers each in the one error
    format with the subclass's status and code. `field` names the input at fault (the
    error's `attr`; only for a 400)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "This request breaks a rule of the record it writes."

    def __init__(
        self, detail: str | None = None, *, code: str | None = None, field: str | None = None
    ) -> None:
        self.detail = detail or self.default_detail
        self.code = code or self.default_code
        self.field = field
        super().__init__(self.detail)

    def as_api_exception(self) -> exceptions.APIException:
        if self.status_code == status.HTTP_400_BAD_REQUEST:
            detail = {self.field: [self.detail]} if self.field else [self.detail]
            return exceptions.ValidationError(detail, code=self.code)
        converted = exceptions.APIException(self.detail, self.code)
        converted.status_code = self.status_code
        return converted


class RecordNotFoundError(DomainError):
    """The record is not there (or not the member's, which reads the same)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "Not found."


class StaleVersionError(DomainError):
    """The write expected a version of the record that is no longer the stored one."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it. Fetch it again, then retry."
    default_code = "precondition_failed"


class ExceptionHandler(StandardizedExceptionHandler):
    """Adds: a service's `DomainError` gets its own status; a lost database connection
    is a 503 a client may retry, not a 500."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DomainError):
            return exc.as_api_exception()
        if isinstance(exc, DATABASE_ERRORS):
            return ServiceUnavailable()
        return super().convert_known_exceptions(exc)

    def get_headers(self, exc: exceptions.APIException) -> dict:
        headers = super().get_headers(exc)
        if isinstance(exc, ServiceUnavailable):
            headers["Retry-After"] = "5"
        return headers


def error_payload(code: str, detail: str, *, status_code: int) -> dict:
    return {
        "type": "server_error" if status_code >= 500 else "client_error",
        "errors": [{"code": code, "detail": detail, "attr": None}],
    }


def json_error(code: str, detail: str, *, status_code: int) -> JsonResponse:
    response = JsonResponse(
        error_payload(code, detail, status_code=status_code), status=status_code
    )
    if status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        response["Retry-After"] = "5"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_error("not_found", "Not found.", status_code=status.HTTP_404_NOT_FOUND)


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Every unknown path under /api/. A path missing only its final slash is redirected
    to the slashed path when that names a real route (APPEND_SLASH's job, done here
    because this view makes every /api/ path resolve); anything else is the JSON 404,
    never a redirect to another 404."""
    path = request.path_info
    if settings.APPEND_SLASH and not path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(f"{path}/")
        except Resolver404:
            match = None
        if match is not None and not getattr(match.func, "api_fallback", False):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return not_found(request)


api_not_found.api_fallback = True


def server_error(request: HttpRequest) -> JsonResponse:
    """handler500: JSON, never a traceback; a database outage is a 503."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return json_error(
            ServiceUnavailable.default_code,
            str(ServiceUnavailable.default_detail),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    return json_error(
        "error", "Server Error (500)", status_code=status.HTTP_500_INTERNAL_SERVER_ERROR
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_error("bad_request", "Bad request.", status_code=status.HTTP_400_BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_error(
        "permission_denied",
        "You do not have permission to perform this action.",
        status_code=status.HTTP_403_FORBIDDEN,
    )
