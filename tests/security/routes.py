"""The API's routes as the OpenAPI schema lists them, for checks that must cover every
route, including the ones added after these tests were written.

Each check reads the live schema, so a new operation is picked up by itself; where a
check needs to know more than the schema says (who owns a record, what a valid body
looks like), `tests/security/resources.py` holds explicit entries, and a test there
fails for any private route that has none.
"""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from typing import Any

from drf_spectacular.generators import SchemaGenerator

from tests.helpers import operation_parameters

PARAMETER = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the schema's template: /api/v1/journal/entries/{id}/
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def operation_id(self) -> str:
        return self.spec.get("operationId", "")

    @property
    def anonymous_allowed(self) -> bool:
        # drf-spectacular lists `{}` among the security requirements when the
        # permission classes let an anonymous request through.
        return {} in self.spec.get("security", [{}])

    @property
    def path_parameters(self) -> list[str]:
        return PARAMETER.findall(self.path)

    @property
    def query_parameters(self) -> set[str]:
        return {p["name"] for p in self.spec.get("parameters", []) if p["in"] == "query"}

    def parameter_schema(self, name: str) -> dict[str, Any]:
        for parameter in self.spec.get("parameters", []):
            if parameter["name"] == name:
                return parameter.get("schema", {})
        return {}

    def url(self, **values: object) -> str:
        """The path with each parameter filled from `values`, or else with a value of
        the right type that names no existing record."""

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            schema = self.parameter_schema(name)
            if schema.get("format") == "uuid":
                return str(uuid.UUID(int=0x5EC))
            if schema.get("type") == "integer":
                return "987654321"
            return "no-such-record"

        return PARAMETER.sub(fill, self.path)

    def request_schema(self) -> dict[str, Any] | None:
        body = self.spec.get("requestBody", {}).get("content", {})
        media = body.get("application/json")
        return resolve(media["schema"]) if media else None

    def success_schema(self) -> dict[str, Any] | None:
        for status in ("200", "201"):
            response = self.spec.get("responses", {}).get(status)
            if response and "application/json" in response.get("content", {}):
                return resolve(response["content"]["application/json"]["schema"])
        return None


@functools.cache
def api_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`s (and a single-member `allOf`) to the component they name."""
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = api_schema()["components"]["schemas"][name]
        elif len(schema.get("allOf", [])) == 1:
            schema = schema["allOf"][0]
        else:
            return schema


def operations() -> list[Operation]:
    openapi = api_schema()
    return [
        Operation(method.upper(), path, {**spec, "parameters": operation_parameters(openapi, spec)})
        for path, methods in openapi["paths"].items()
        for method, spec in methods.items()
    ]


def private_operations() -> list[Operation]:
    """Operations that refuse anonymous requests: all of them hold or change personal
    data (an account, a journal, saved items, reminders)."""
    return [op for op in operations() if not op.anonymous_allowed]


def read_only_fields(operation: Operation) -> dict[str, dict[str, Any]]:
    """Fields the response shows but the request body does not accept (with
    COMPONENT_SPLIT_REQUEST the request component leaves read-only fields out)."""
    request, response = operation.request_schema(), operation.success_schema()
    if not request or not response:
        return {}
    accepted = set(request.get("properties", {}))
    return {
        name: resolve(spec)
        for name, spec in response.get("properties", {}).items()
        if name not in accepted
    }
