"""OpenAPI pieces shared by every app: the error responses drf-standardized-errors
does not describe itself (503 on a database outage, 412 on a stale `If-Match`, 413 and
414 from the request limits)."""

from __future__ import annotations

from django.db import models
from drf_orjson_renderer.parsers import ORJSONParser
from drf_standardized_errors.openapi import AutoSchema as StandardizedAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import serializers

from core.pagination import StrictPageSizeMixin


class ErrorCode412Enum(models.TextChoices):
    PRECONDITION_FAILED = "precondition_failed"


class ErrorCode503Enum(models.TextChoices):
    SERVICE_UNAVAILABLE = "service_unavailable"


class ErrorCode413Enum(models.TextChoices):
    REQUEST_TOO_LARGE = "request_too_large"


class ErrorCode414Enum(models.TextChoices):
    QUERY_STRING_TOO_LONG = "query_string_too_long"


class Error412Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode412Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse412Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error412Serializer(many=True)


class Error503Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode503Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse503Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    errors = Error503Serializer(many=True)


class Error413Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode413Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse413Serializer(serializers.Serializer):
    """A body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, refused before it is read."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error413Serializer(many=True)


class Error414Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode414Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse414Serializer(serializers.Serializer):
    """A query string over `MAX_QUERY_STRING_LENGTH`."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error414Serializer(many=True)


class AutoSchema(StandardizedAutoSchema):
    """Operation ids read as `<tag>_<verb>` (`guides_list`, `journal_entries_update`)."""

    def _get_extra_validation_errors(self) -> dict[str, set[str]]:
        # Every list paginated here refuses a page_size outside 1..100 with a 400 that
        # names `page_size`; say so in each list's error schema.
        errors = {
            name: set(codes) for name, codes in super()._get_extra_validation_errors().items()
        }
        paginator = self._get_paginator()
        if self._is_list_view() and isinstance(paginator, StrictPageSizeMixin):
            errors.setdefault(paginator.page_size_query_param, set()).add("invalid")
        return errors

    def _should_add_parse_error_response(self) -> bool:
        # ORJSONParser raises ParseError on malformed JSON like DRF's JSONParser, but is
        # not a subclass of it, so the library would leave that 400 undocumented.
        return super()._should_add_parse_error_response() or any(
            isinstance(parser, ORJSONParser) for parser in self.view.get_parsers()
        )
