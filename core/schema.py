"""OpenAPI pieces shared by every app: operation ids and tags derived from the route
(so views hold behaviour, not names), and the error responses drf-standardized-errors
does not describe itself (503 on a database outage, 412 on a stale `If-Match`, 411,
413 and 414 from the request limits)."""

from __future__ import annotations

import inspect
import json
import re
from collections import Counter
from http import HTTPStatus

from django.db import models
from drf_orjson_renderer.parsers import ORJSONParser
from drf_spectacular.plumbing import force_instance, is_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer
from drf_standardized_errors.openapi import AutoSchema as StandardizedAutoSchema
from drf_standardized_errors.openapi_serializers import (
    ClientErrorEnum,
    ParseErrorResponseSerializer,
    ServerErrorEnum,
    ValidationErrorEnum,
)
from drf_standardized_errors.openapi_utils import (
    get_flat_serializer_fields,
    get_serializer_fields_with_error_codes,
)
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.viewsets import ViewSetMixin

from core.filters import REVERSED_RANGE, FilterSet, StableOrderingFilter
from core.http_cache import PrivateNoStoreMixin, PublicCacheMixin
from core.pagination import CursorPagination, StrictPageSizeMixin
from core.serializers import UNKNOWN_FIELD_CODE, RefuseUnknownFieldsMixin
from core.validators import ONE_LINE_PATTERN, validate_one_line


class ErrorCode412Enum(models.TextChoices):
    PRECONDITION_FAILED = "precondition_failed"


class ErrorCode503Enum(models.TextChoices):
    SERVICE_UNAVAILABLE = "service_unavailable"


class ErrorCode411Enum(models.TextChoices):
    LENGTH_REQUIRED = "length_required"


class ErrorCode413Enum(models.TextChoices):
    REQUEST_TOO_LARGE = "request_too_large"


class ErrorCode414Enum(models.TextChoices):
    QUERY_STRING_TOO_LONG = "query_string_too_long"


def error_response_serializer(
    status_code: int, codes: type[models.TextChoices], *, doc: str = ""
) -> type[serializers.Serializer]:
    """The one error format, for a status whose `code` is always one of `codes`.

    Builds `Error<status>` and `ErrorResponse<status>` components, named like the ones
    drf-standardized-errors makes for the statuses it knows."""
    error = type(
        f"Error{status_code}Serializer",
        (serializers.Serializer,),
        {
            "code": serializers.ChoiceField(choices=codes.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    error_types = ServerErrorEnum if status_code >= 500 else ClientErrorEnum
    return type(
        f"ErrorResponse{status_code}Serializer",
        (serializers.Serializer,),
        {
            "__doc__": doc,
            "type": serializers.ChoiceField(choices=error_types.choices),
            "errors": error(many=True),
        },
    )


ErrorResponse412Serializer = error_response_serializer(412, ErrorCode412Enum)
ErrorResponse411Serializer = error_response_serializer(
    411,
    ErrorCode411Enum,
    doc="A chunked body (`Transfer-Encoding`), refused unread: send `Content-Length`.",
)
ErrorResponse413Serializer = error_response_serializer(
    413,
    ErrorCode413Enum,
    doc="A body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, refused before it is read.",
)
ErrorResponse414Serializer = error_response_serializer(
    414, ErrorCode414Enum, doc="A query string over `MAX_QUERY_STRING_LENGTH`."
)
ErrorResponse503Serializer = error_response_serializer(503, ErrorCode503Enum)


class ValidationErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Why the value was refused: `required`, `invalid`...")
    detail = serializers.CharField(help_text="The reason, in English, for a person to read.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The field refused (`field.0.subfield` inside lists), or "
        "`non_field_errors` for the request as a whole.",
    )


class ValidationErrorResponseSerializer(serializers.Serializer):
    """Input refused: one item per problem, each naming the field (`attr`) it is about."""

    type = serializers.ChoiceField(choices=ValidationErrorEnum.choices)
    errors = ValidationErrorSerializer(many=True)


# One 400 for every operation: each operation's description of it lists the fields and
# codes it can name, instead of a component per operation and field (drf-standardized-
# errors' default, which made 430 of the schema's 570 components).
ErrorResponse400Serializer = PolymorphicProxySerializer(
    component_name="ErrorResponse400",
    serializers={
        ValidationErrorEnum.VALIDATION_ERROR.value: ValidationErrorResponseSerializer,
        ClientErrorEnum.CLIENT_ERROR.value: ParseErrorResponseSerializer,
    },
    resource_type_field_name="type",
)

# What each shared error response says; every operation refers to the same one.
ERROR_DESCRIPTIONS = {
    "401": "No valid token: send `Authorization: Token <token>` (log in for one).",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such record (or not yours), or a page past the last one.",
    "405": "This method is not allowed on this path (`Allow` lists the ones that are).",
    "406": "No representation matches the `Accept` header.",
    "411": "A chunked body (`Transfer-Encoding`), refused unread: send `Content-Length`.",
    "413": "The body is over the size limit, refused before it is read.",
    "414": "The query string is over the length limit.",
    "415": "The body's `Content-Type` is not accepted here: send `application/json`.",
    "429": "Too many requests: wait the seconds `Retry-After` gives, then retry.",
    "500": "An unexpected server error; it is logged. Retrying may not help.",
    "503": "The database is unreachable for a moment: retry after `Retry-After` seconds.",
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
# Answered by any operation whatever it does: documented once as each one's `default`.
DEFAULT_STATUSES = ("405", "406", "411", "413", "414", "415", "500")
# Responses that carry `Retry-After`.
RETRY_AFTER_STATUSES = frozenset({"429", "503"})


def get_doc_text(doc: str) -> str:
    return inspect.cleandoc(doc).strip()


def header(name: str, description: str, *, response: list[int] | None = None) -> OpenApiParameter:
    """A text header: one the request may send, or, given `response`, one the answers
    with those statuses carry."""
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=description,
        response=response or False,
    )


# Public content (core.http_cache.PublicCacheMixin): conditional requests and validators.
NOT_MODIFIED = "304"
PUBLIC_CACHE_PARAMETERS = [
    header("If-None-Match", "An `ETag` you hold: 304 if current."),
    header("If-Modified-Since", "A `Last-Modified` you hold: 304 if unchanged."),
    header(
        "ETag",
        "Names this version of the answer; send it back as `If-None-Match`.",
        response=[200, 304],
    ),
    header(
        "Last-Modified", "When public content last changed (an HTTP date).", response=[200, 304]
    ),
    header(
        "Cache-Control",
        "`public, max-age=<up to 60>` for an anonymous request; "
        "`private, max-age=0, must-revalidate` for one with credentials.",
        response=[200, 304],
    ),
]
NOT_MODIFIED_DESCRIPTION = (
    "Not modified: the copy named by `If-None-Match` (or dated by `If-Modified-Since`) "
    "is still current. No body."
)
# A member's data (core.http_cache.PrivateNoStoreMixin): no cache may keep it.
PRIVATE_CACHE_PARAMETERS = [
    header(
        "Cache-Control",
        "`private, no-store`: a member's data, kept by no cache.",
        response=[200, 201, 202, 204],
    ),
]


# The actions a router maps to HTTP methods; any other viewset action is an `@action`,
# whose own path segment already names it.
ROUTER_ACTIONS = frozenset({"list", "retrieve", "create", "update", "partial_update", "destroy"})
# A document served as a file (`calendar.ics`) is named by its path without the suffix.
CALENDAR_SUFFIX = ".ics"
ROOT_OPERATION_ID = "api_root"
ROOT_TAG = "meta"
CALENDAR_TAG = "calendars"
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete"})


class AutoSchema(StandardizedAutoSchema):
    """Derives every operation id as `<resource>_<action>` and every tag from the route.

    drf-spectacular's own ids say `create` for a `POST /auth/login/` and `retrieve` for
    a download, and its tags come from the first path segment only; left alone, each view
    wrote its id and tag by hand (53 of them) and they drifted. Here:

    - the resource is the path after `/api/v1/` without its parameters, `-` read as `_`
      and `.ics` dropped (`/journal/commitments/{id}/check-in/` -> `journal_commitments_check_in`);
    - on a viewset the action is the router's (`list`, `retrieve`, `create`, `update`,
      `partial_update`, `destroy`); an `@action` is named by its path alone (`events_next`);
    - on a view with one operation, a command (`POST /auth/login/` -> `auth_login`) or a
      document (`GET /help/` -> `help`) is named by its path alone, a list gets `_list`;
    - on a view with several, GET is `retrieve` (or `list`), POST `create`, PUT `update`,
      DELETE `destroy`, PATCH `update` unless the view also takes a PUT;
    - the root is `api_root`. The tag is the first path segment, `meta` for the root and
      `calendars` for an iCalendar file.

    `@extend_schema(operation_id=...)` still wins: the few ids that break the pattern on
    purpose live in their app's `api/schema.py` (tests/core/test_operation_ids.py lists them).
    """

    # The direction of the serializer being mapped ("request" or "response").
    _direction = "response"

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # One-line text (core.validators.validate_one_line) refuses control characters.
        # Said of requests only: rows written before the rule, or by code that does not
        # validate (imports, the admin's bulk actions), may still hold them.
        if (
            self._direction == "request"
            and validate_one_line in getattr(field, "validators", ())
            and schema.get("type") == "string"
            and "pattern" not in schema
        ):
            schema["pattern"] = ONE_LINE_PATTERN

    def get_operation_id(self) -> str:
        resource = self._resource_tokens()
        if not resource:
            return ROOT_OPERATION_ID
        action = self._derived_action()
        return "_".join([*resource, action] if action else resource)

    def get_tags(self) -> list[str]:
        if self.path.endswith(CALENDAR_SUFFIX):
            return [CALENDAR_TAG]
        return self._tokenize_path()[:1] or [ROOT_TAG]

    def _resource_tokens(self) -> list[str]:
        tokens = [token.removesuffix(CALENDAR_SUFFIX) for token in self._tokenize_path()]
        return [token.replace("-", "_") for token in tokens if token]

    def _derived_action(self) -> str:
        """The verb after the resource, or "" when the path alone names the operation."""
        if isinstance(self.view, ViewSetMixin):
            return self.view.action if self.view.action in ROUTER_ACTIONS else ""
        method = self.method.lower()
        methods = {m.lower() for m in self.view.allowed_methods} & HTTP_METHODS
        if method == "get" and self._is_list_view():
            return "list"
        if methods == {method}:
            return ""
        if method == "patch" and "put" not in methods:
            return "update"
        return self.method_mapping[method]

    def get_description(self) -> str:
        """The operation's own description, else the docstring of its method or of the
        view class itself. drf-spectacular would fall back on any base class's
        docstring, which for a mixin (ClockMixin, a cache mixin) describes the code,
        not the operation."""
        action = getattr(self.view, "action", None) or self.method.lower()
        handler = getattr(self.view, action, None)
        own = type(self.view).__dict__.get("__doc__")
        for doc in (getattr(handler, "__doc__", None), own):
            if doc and doc.strip():
                return get_doc_text(doc)
        return ""

    def _is_public_read(self) -> bool:
        return self.method == "GET" and isinstance(self.view, PublicCacheMixin)

    def get_override_parameters(self) -> list:
        # Before the view's own, which win on the same name.
        parameters = super().get_override_parameters()
        if self._is_public_read():
            return [*PUBLIC_CACHE_PARAMETERS, *parameters]
        if isinstance(self.view, PrivateNoStoreMixin):
            return [*PRIVATE_CACHE_PARAMETERS, *parameters]
        return parameters

    def _map_basic_serializer(self, serializer, direction: str) -> dict:
        """A model serializer's response has every field it declares (a nullable one as
        null): drf-spectacular marks only the fields a request must send as required, so
        a generated client would have to test that `title` is there. Serializers of
        plain data, which may leave keys out (`RecommendationReason`), keep its reading,
        and so do the fields a model serializer gives only when asked for, which it
        names in `included_fields` (`StrategyInGuide`'s bodies).

        A request body naming a field the serializer does not know is refused
        (core.serializers.RefuseUnknownFieldsMixin): its schema allows no other property."""
        outer, self._direction = self._direction, direction
        try:
            result = super()._map_basic_serializer(serializer, direction)
        finally:
            self._direction = outer
        if direction == "response" and isinstance(serializer, serializers.ModelSerializer):
            optional = set(getattr(serializer, "included_fields", ()))
            result["required"] = sorted(set(result.get("properties", {})) - optional)
        if direction == "request" and isinstance(
            force_instance(serializer), RefuseUnknownFieldsMixin
        ):
            result["additionalProperties"] = False
        return result

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction=direction)
        if direction == "response" and self._is_public_read() and NOT_MODIFIED not in responses:
            headers = self._get_response_headers_for_code(NOT_MODIFIED, direction)
            responses[NOT_MODIFIED] = {"headers": headers, "description": NOT_MODIFIED_DESCRIPTION}
        return responses

    def _get_error_response_serializer(self, status_code: str):
        if status_code == "400":
            return self._get_http400_serializer()
        serializer = super()._get_error_response_serializer(status_code)
        if serializer and status_code in ERROR_DESCRIPTIONS:
            return OpenApiResponse(response=serializer, description=ERROR_DESCRIPTIONS[status_code])
        return serializer

    def _get_http400_serializer(self) -> OpenApiResponse:
        validates = self._should_add_validation_error_response()
        parses = self._should_add_parse_error_response()
        if validates and parses:
            serializer = ErrorResponse400Serializer
        elif validates:
            serializer = ValidationErrorResponseSerializer
        else:
            serializer = ParseErrorResponseSerializer
        parts = []
        if parses:
            parts.append("`parse_error`: invalid JSON, or a NUL character.")
        if validates:
            codes = self._get_validation_error_codes_by_field(
                self._determine_fields_with_error_codes()
            )
            fields = "; ".join(
                f"`{name}`: {', '.join(f'`{code}`' for code in sorted(codes[name]))}"
                for name in sorted(codes)
            )
            parts.append(
                f"`validation_error`, by `attr`: {fields}."
                if fields
                else "Input refused (`validation_error`)."
            )
        return OpenApiResponse(response=serializer, description=" ".join(parts))

    def _get_extra_validation_errors(self) -> dict[str, set[str]]:
        # Every list paginated here refuses a page_size outside 1..100 with a 400 that
        # names `page_size`; say so in each list's error schema.
        errors = {
            name: set(codes) for name, codes in super()._get_extra_validation_errors().items()
        }
        paginator = self._get_paginator()
        if self._is_list_view() and isinstance(paginator, StrictPageSizeMixin):
            errors.setdefault(paginator.page_size_query_param, set()).add("invalid")
        if self._is_list_view() and isinstance(paginator, CursorPagination):
            errors.setdefault(paginator.cursor_query_param, set()).add("invalid")
        # ...and `ordering` terms it does not list (core.filters.StableOrderingFilter).
        if self._is_list_view() and any(
            issubclass(backend, StableOrderingFilter) and backend().terms(self.view)
            for backend in getattr(self.view, "filter_backends", [])
        ):
            errors.setdefault(StableOrderingFilter.ordering_param, set()).add("invalid")
        # ...and a lower bound past its upper one (core.filters.FilterSet).
        filterset = getattr(self.view, "filterset_class", None)
        if (
            self._is_list_view()
            and isinstance(filterset, type)
            and issubclass(filterset, FilterSet)
        ):
            for low, _ in filterset.bound_pairs():
                errors.setdefault(low, set()).add(REVERSED_RANGE)
        # A body naming a field the serializer does not know is refused (core.serializers).
        if self.method.lower() in {"post", "put", "patch"} and isinstance(
            force_instance(self.get_request_serializer()), RefuseUnknownFieldsMixin
        ):
            errors.setdefault(api_settings.NON_FIELD_ERRORS_KEY, set()).add(UNKNOWN_FIELD_CODE)
        # A serializer given as `@extend_schema(parameters=[...])` validates the query
        # string: each of its fields can fail with the codes that field knows.
        for parameter in self.get_override_parameters():
            if is_serializer(parameter):
                serializer = force_instance(parameter)
                for field in get_serializer_fields_with_error_codes(
                    get_flat_serializer_fields(serializer)
                ):
                    # ...plus "invalid", the code of a `validate_<field>` method's error.
                    errors.setdefault(field.name, set()).update({*field.error_codes, "invalid"})
        return errors

    def _should_add_parse_error_response(self) -> bool:
        # ORJSONParser raises ParseError on malformed JSON like DRF's JSONParser, but is
        # not a subclass of it, so the library would leave that 400 undocumented.
        # A NUL character in the query string is a parse error too, on any method.
        return super()._should_add_parse_error_response() or any(
            isinstance(parser, ORJSONParser) for parser in self.view.get_parsers()
        )


def share_error_responses(result: dict, generator, request, public) -> dict:
    """A spectacular postprocessing hook: an error response that many operations give
    alike (401, 404, 429...) is written once under `components/responses` and referred
    to, instead of repeated in full under each operation. The statuses that carry
    `Retry-After` say so; schema components nothing refers to any more are dropped."""
    operations = [
        operation
        for methods in result.get("paths", {}).values()
        for method, operation in methods.items()
        if method in HTTP_METHODS
    ]
    variants: dict[str, Counter] = {}
    for operation in operations:
        for status, response in operation.get("responses", {}).items():
            if status.isdigit() and int(status) >= 400 and "$ref" not in response:
                variants.setdefault(status, Counter())[_canonical(response)] += 1
    shared = result.setdefault("components", {}).setdefault("responses", {})
    names: dict[tuple[str, str], str] = {}
    for status, counts in sorted(variants.items()):
        canonical, uses = counts.most_common(1)[0]
        if uses < 2:
            continue
        name = f"Error{status}"
        response = json.loads(canonical)
        if status in RETRY_AFTER_STATUSES:
            response["headers"] = {**response.get("headers", {}), **RETRY_AFTER_HEADER}
        shared[name] = response
        names[status, canonical] = name
    for operation in operations:
        responses = operation.get("responses", {})
        for status, response in responses.items():
            if "$ref" in response:
                continue
            if name := names.get((status, _canonical(response))):
                responses[status] = {"$ref": f"#/components/responses/{name}"}
            elif status in RETRY_AFTER_STATUSES:
                response["headers"] = {**response.get("headers", {}), **RETRY_AFTER_HEADER}
    _use_default_response(result, operations)
    _share_response_headers(result, operations)
    _drop_unused_schemas(result)
    return result


def _use_default_response(result: dict, operations: list[dict]) -> None:
    """The statuses any operation can answer whatever it does (a wrong method, an
    `Accept` or `Content-Type` it cannot serve, a body or query over the limits, a
    bug) are one `default` response, not seven entries under every operation."""
    responses = result["components"]["responses"]
    generic = {f"#/components/responses/Error{status}" for status in DEFAULT_STATUSES}
    for operation in operations:
        answers = operation.get("responses", {})
        folded = [status for status, answer in answers.items() if answer.get("$ref") in generic]
        for status in folded:
            del answers[status]
        if folded:
            answers["default"] = {"$ref": "#/components/responses/Error"}
    for status in DEFAULT_STATUSES:
        responses.pop(f"Error{status}", None)
    listed = "; ".join(f"{status}: {ERROR_DESCRIPTIONS[status]}" for status in DEFAULT_STATUSES)
    responses["Error"] = {
        "description": f"Any other error, in the one error format. {listed}",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorResponse"},
                "example": {
                    "type": "client_error",
                    "errors": [
                        {
                            "code": "method_not_allowed",
                            "detail": 'Method "PUT" not allowed.',
                            "attr": None,
                        }
                    ],
                },
            }
        },
    }
    schemas = result["components"]["schemas"]
    schemas["Error"] = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "description": "Stable, for programs: `not_found`..."},
            "detail": {"type": "string", "description": "For people, in English."},
            "attr": {"type": "string", "nullable": True, "description": "The field, if any."},
        },
        "required": ["code", "detail", "attr"],
    }
    schemas["ErrorResponse"] = {
        "type": "object",
        "description": "The one error format, for any status.",
        "properties": {
            "type": {"type": "string", "enum": ["client_error", "server_error"]},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
        },
        "required": ["type", "errors"],
    }


def _share_response_headers(result: dict, operations: list[dict]) -> None:
    """Each response header described alike in several places (`ETag`, `Cache-Control`)
    becomes one `components/headers` entry: `ETag`, or `Cache-Control2` for the second
    most used description of a header."""
    responses = [
        response
        for operation in operations
        for response in operation.get("responses", {}).values()
        if "$ref" not in response
    ]
    responses += result["components"].get("responses", {}).values()
    uses: dict[str, Counter] = {}
    for response in responses:
        for name, header in response.get("headers", {}).items():
            if "$ref" not in header:
                uses.setdefault(name, Counter())[_canonical(header)] += 1
    refs = {}
    shared = result["components"].setdefault("headers", {})
    for name, counts in sorted(uses.items()):
        for rank, (canonical, count) in enumerate(counts.most_common()):
            if count < 2:
                break
            key = name if rank == 0 else f"{name}{rank + 1}"
            shared[key] = json.loads(canonical)
            refs[name, canonical] = {"$ref": f"#/components/headers/{key}"}
    for response in responses:
        headers = response.get("headers", {})
        for name, header in headers.items():
            if ref := refs.get((name, _canonical(header))):
                headers[name] = ref


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _drop_unused_schemas(result: dict) -> None:
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        used = set(SCHEMA_REF.findall(_canonical(result)))
        unused = set(schemas) - used
        if not unused:
            return
        for name in unused:
            del schemas[name]


SCHEMA_REF = re.compile(r'"#/components/schemas/([^"]+)"')


LOCATION_HEADER = {
    "description": "The address of the resource created (`core.responses.created_response`).",
    "schema": {"type": "string", "format": "uri"},
}


def document_location(result: dict, generator, request, public) -> dict:
    """A spectacular postprocessing hook: every 201 carries `Location`, so every 201 in
    the schema says so (a generated client can follow it without building the URL)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            created = (
                operation.get("responses", {}).get("201") if isinstance(operation, dict) else None
            )
            if created is not None:
                created.setdefault("headers", {})["Location"] = LOCATION_HEADER
    return result


# Answers named by their status alone when many operations give them alike: a 304 is
# the same "not modified" everywhere; a 200 or 201 is each operation's own.
NAMED_BY_STATUS = frozenset({"202", "204", "304"})


def share_parameters_and_responses(result: dict, generator, request, public) -> dict:
    """A spectacular postprocessing hook, the last one: a parameter that many operations
    take alike (`If-None-Match`, `page_size`, `preview`...) is written once under
    `components/parameters`, named after it (`IfNoneMatch`, `PageSize`, `Preview`), and
    referred to; so is a 202, 204 or 304 answer many give alike, under
    `components/responses`, named after its status (`NotModified`). A parameter or
    answer an operation describes its own way stays with the operation."""
    operations = [
        operation
        for methods in result.get("paths", {}).values()
        for method, operation in methods.items()
        if method in HTTP_METHODS
    ]
    components = result.setdefault("components", {})
    _share_parameters(components, operations)
    _share_status_answers(components, operations)
    return result


def _share_parameters(components: dict, operations: list[dict]) -> None:
    uses: dict[tuple[str, str], Counter] = {}
    for operation in operations:
        for parameter in operation.get("parameters", []):
            if "$ref" not in parameter:
                key = (parameter["in"], parameter["name"])
                uses.setdefault(key, Counter())[_canonical(parameter)] += 1
    shared = components.setdefault("parameters", {})
    refs = {}
    # The most used description of each parameter is shared; the rest stay inline.
    for (location, name), counts in sorted(uses.items()):
        canonical, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        if count < 2:
            continue
        key = _component_name(name)
        if key in shared:  # the same name in another place (`id` in the path and query)
            key += _component_name(location)
        shared[key] = json.loads(canonical)
        refs[canonical] = {"$ref": f"#/components/parameters/{key}"}
    for operation in operations:
        parameters = operation.get("parameters", [])
        for index, parameter in enumerate(parameters):
            if ref := refs.get(_canonical(parameter)):
                parameters[index] = ref
    if not shared:
        del components["parameters"]


def _share_status_answers(components: dict, operations: list[dict]) -> None:
    uses: dict[str, Counter] = {}
    for operation in operations:
        for status, response in operation.get("responses", {}).items():
            if status in NAMED_BY_STATUS and "$ref" not in response:
                uses.setdefault(status, Counter())[_canonical(response)] += 1
    shared = components.setdefault("responses", {})
    refs = {}
    for status, counts in sorted(uses.items()):
        canonical, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        if count < 2:
            continue
        key = _component_name(HTTPStatus(int(status)).phrase)
        shared[key] = json.loads(canonical)
        refs[status, canonical] = {"$ref": f"#/components/responses/{key}"}
    for operation in operations:
        responses = operation.get("responses", {})
        for status, response in responses.items():
            if ref := refs.get((status, _canonical(response))):
                responses[status] = ref


def _component_name(words: str) -> str:
    """`If-None-Match` -> `IfNoneMatch`, `page_size` -> `PageSize`, `Not Modified` ->
    `NotModified`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", words))


def request_defaults_optional(result: dict, generator, request, public) -> dict:
    """A spectacular postprocessing hook: a request field with a server-side default
    (`title`, `timezone`) is optional, as `required` already says; but openapi-typescript
    (by default) reads `default` in a component as "always there" and would demand the
    field of every request. So the components that only request bodies use carry no
    `default`; the responses keep theirs, where the field is indeed always there
    (tests/clients/ compiles and runs the generated clients)."""
    schemas = result.get("components", {}).get("schemas", {})
    requests, others = [], []
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method in HTTP_METHODS:
                requests.append(operation.get("requestBody", {}))
                others.append({k: v for k, v in operation.items() if k != "requestBody"})
    others.append({k: v for k, v in result.get("components", {}).items() if k != "schemas"})
    request_only = _reachable(requests, schemas) - _reachable(others, schemas)
    for name in request_only:
        _drop_defaults(schemas[name])
    return result


def _reachable(roots: list, schemas: dict) -> set[str]:
    """The schema components `roots` refer to, directly or through other components."""
    seen: set[str] = set()
    todo = set(SCHEMA_REF.findall(_canonical(roots)))
    while todo:
        name = todo.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            todo |= set(SCHEMA_REF.findall(_canonical(schemas[name])))
    return seen


def _drop_defaults(schema: dict) -> None:
    schema.pop("default", None)
    for child in schema.get("properties", {}).values():
        _drop_defaults(child)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _drop_defaults(schema[key])
    for key in ("allOf", "oneOf", "anyOf"):
        for child in schema.get(key, []):
            _drop_defaults(child)
