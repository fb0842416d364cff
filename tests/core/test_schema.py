"""The OpenAPI document as clients download it: errors described once and shared, small,
gzipped, and built once per process rather than per request."""

from __future__ import annotations

import gzip
import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from core import views
from tests.helpers import operation_parameters

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"
MAX_SCHEMA_BYTES = 300_000
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# Statuses described once and referred to by the operations that can answer them.
SHARED_STATUSES = {"401", "403", "404", "429", "503"}
# Statuses any operation can answer whatever it does: its `default` response.
DEFAULT_STATUSES = {"405", "406", "411", "413", "414", "415", "500"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def fresh_schema_cache():
    views._schema_documents.clear()
    yield
    views._schema_documents.clear()


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def test_common_error_responses_are_one_shared_response_each(schema):
    for name, operation in _operations(schema):
        for status, response in operation["responses"].items():
            # An operation may still say something of its own about a status.
            if status in SHARED_STATUSES and not response.get("description"):
                assert response == {"$ref": f"#/components/responses/Error{status}"}, name
    shared = schema["components"]["responses"]
    for status in SHARED_STATUSES:
        assert shared[f"Error{status}"]["description"], status


def test_errors_any_operation_can_answer_are_its_default_response(schema):
    for name, operation in _operations(schema):
        assert operation["responses"]["default"] == {"$ref": "#/components/responses/Error"}, name
        assert not DEFAULT_STATUSES & set(operation["responses"]), name
    default = schema["components"]["responses"]["Error"]
    for status in DEFAULT_STATUSES:
        assert f"{status}: " in default["description"]
    ref = default["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/ErrorResponse")


def test_no_error_component_is_made_per_operation(schema):
    operation_ids = {
        "".join(part.title() for part in operation["operationId"].split("_"))
        for _, operation in _operations(schema)
    }
    for name in schema["components"]["schemas"]:
        assert not name.endswith("ErrorComponent"), name
        assert not any(name.startswith(op_id) and "Error" in name for op_id in operation_ids), name


def test_a_400_names_the_fields_and_codes_of_its_operation(schema):
    response = schema["paths"]["/api/v1/guides/"]["get"]["responses"]["400"]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/ErrorResponse400")
    assert "`page_size`: `invalid`" in response["description"]
    # A NUL in the query string is a parse error, on a GET too.
    assert "parse_error" in response["description"]
    create = schema["paths"]["/api/v1/journal/entries/"]["post"]["responses"]["400"]
    assert create["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse400")
    assert "parse_error" in create["description"]


@pytest.mark.parametrize("status", ["429", "503"])
def test_retry_statuses_document_retry_after(schema, status):
    assert "Retry-After" in schema["components"]["responses"][f"Error{status}"]["headers"]


def test_the_served_schema_is_under_300_kb(api_client, fresh_schema_cache):
    response = api_client.get(SCHEMA_URL)

    assert response.status_code == 200
    assert len(response.content) < MAX_SCHEMA_BYTES
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_the_schema_is_served_gzipped_with_validators(api_client, fresh_schema_cache):
    plain = api_client.get(SCHEMA_URL)
    zipped = api_client.get(SCHEMA_URL, HTTP_ACCEPT_ENCODING="gzip")

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 4
    assert plain["Cache-Control"].startswith("public, max-age=")
    assert "Accept-Encoding" in zipped["Vary"]
    again = api_client.get(SCHEMA_URL, HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_the_schema_is_built_once_per_process(api_client, fresh_schema_cache, monkeypatch):
    calls = []
    build = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return build(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    first = api_client.get(SCHEMA_URL)
    second = api_client.get(SCHEMA_URL)

    assert first.content == second.content
    assert len(calls) == 1
    # YAML is its own document, built once too.
    assert api_client.get("/api/schema/?format=yaml").status_code == 200
    assert api_client.get("/api/schema/?format=yaml").status_code == 200
    assert len(calls) == 2


def _response(schema, operation: dict, status: str) -> dict:
    answer = operation["responses"][status]
    if "$ref" in answer:
        answer = schema["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    return answer


PUBLIC_READS = [
    "/api/v1/guides/",
    "/api/v1/guides/{slug}/",
    "/api/v1/search/",
    "/api/v1/events/",
    "/api/v1/events/{slug}/calendar.ics",
    "/api/v1/newsletter/editions/",
]


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_public_reads_document_conditional_requests_and_validators(schema, path):
    operation = schema["paths"][path]["get"]
    headers = {p["name"] for p in operation_parameters(schema, operation) if p["in"] == "header"}
    assert {"If-None-Match", "If-Modified-Since"} <= headers
    for status in ("200", "304"):
        assert {"ETag", "Last-Modified", "Cache-Control"} <= set(
            _response(schema, operation, status)["headers"]
        ), status
    assert _response(schema, operation, "304")["description"].startswith("Not modified")


# Parameters and answers many operations share: written once, each operation refers to it.
SHARED_PARAMETERS = {
    "IfNoneMatch": ("header", "If-None-Match"),
    "IfModifiedSince": ("header", "If-Modified-Since"),
    "IfMatch": ("header", "If-Match"),
    "PageSize": ("query", "page_size"),
    "Page": ("query", "page"),
    "Preview": ("query", "preview"),
}


def test_shared_parameters_are_components_not_repeated(schema):
    shared = schema["components"]["parameters"]
    for key, (location, name) in SHARED_PARAMETERS.items():
        assert (shared[key]["in"], shared[key]["name"]) == (location, name), key
    inline = [
        (label, parameter["name"])
        for label, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if "$ref" not in parameter and parameter in shared.values()
    ]
    assert not inline
    guides = schema["paths"]["/api/v1/guides/"]["get"]["parameters"]
    for key in ("IfNoneMatch", "IfModifiedSince", "PageSize", "Page", "Preview"):
        assert {"$ref": f"#/components/parameters/{key}"} in guides, key


def test_the_304_is_one_shared_response(schema):
    not_modified = {"$ref": "#/components/responses/NotModified"}
    uses = [
        label
        for label, operation in _operations(schema)
        if operation["responses"].get("304") == not_modified
    ]
    assert len(uses) > 10
    assert schema["components"]["responses"]["NotModified"]["description"].startswith(
        "Not modified"
    )


def _request_components(schema):
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            yield name, component


def test_one_line_text_states_the_characters_it_refuses(schema):
    import re

    from core.validators import CONTROL_CHARACTERS, ONE_LINE_PATTERN

    # The pattern and the validator agree on every character of the first planes.
    # (ECMA-262's `$` is the end of the text; Python's `\Z` is.)
    pattern = re.compile(ONE_LINE_PATTERN.removesuffix("$") + r"\Z")
    for code in range(0x3000):
        character = chr(code)
        refused = bool(CONTROL_CHARACTERS.search(character))
        assert bool(pattern.search(character)) != refused, hex(code)
    components = schema["components"]["schemas"]
    for name, field in [
        ("PatchedUserRequest", "display_name"),
        ("JournalEntryCreateRequest", "title"),
        ("CommitmentCreateRequest", "text"),
    ]:
        assert components[name]["properties"][field]["pattern"] == ONE_LINE_PATTERN, name
    # Only requests: stored rows may predate the rule.
    assert "pattern" not in components["User"]["properties"]["display_name"]


def test_bodies_that_refuse_unknown_fields_allow_no_other_property(schema):
    # core.serializers.RefuseUnknownFieldsMixin answers `unknown_field` for any other.
    closed = {
        name
        for name, component in _request_components(schema)
        if component.get("additionalProperties") is False
    }
    assert {"InterestsUpdateRequest", "PatchedUserRequest"} <= closed
    # A body that drops unknown fields stays open.
    assert "additionalProperties" not in schema["components"]["schemas"]["LoginRequest"]


def test_private_reads_document_no_store(schema):
    header = schema["paths"]["/api/v1/me/"]["get"]["responses"]["200"]["headers"]["Cache-Control"]
    if "$ref" in header:
        header = schema["components"]["headers"][header["$ref"].rsplit("/", 1)[-1]]
    assert "no-store" in header["description"]


@pytest.mark.parametrize(
    ("path", "media_types"),
    [
        ("/api/v1/events/calendar.ics", {"text/calendar"}),
        ("/api/v1/calendar/{token}.ics", {"text/calendar"}),
        ("/api/v1/journal/export/", {"application/json", "text/markdown", "text/csv"}),
    ],
)
def test_documents_are_declared_as_text_with_their_media_type(schema, path, media_types):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert set(content) == media_types
    for media_type in media_types - {"application/json"}:
        assert content[media_type]["schema"]["type"] == "string"


def test_every_tag_in_use_is_declared_with_a_description(schema):
    declared = {tag["name"]: tag.get("description", "") for tag in schema["tags"]}
    used = {tag for _, operation in _operations(schema) for tag in operation["tags"]}
    assert used <= set(declared), used - set(declared)
    assert all(declared[tag].strip() for tag in used)


def test_no_mixin_docstring_describes_an_operation(schema):
    # ClockMixin's and the profile mixin's docstrings describe code, not operations.
    leaks = ("One clock reading", "nothing of a profile may sit")
    for name, operation in _operations(schema):
        assert not any(leak in operation.get("description", "") for leak in leaks), name


def _resolved(schema, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _has_example(schema, content: dict) -> bool:
    return bool(
        "example" in content
        or content.get("examples")
        or "example" in _resolved(schema, content.get("schema", {}))
    )


def test_every_success_response_and_request_body_has_an_example(schema):
    missing = []
    for name, operation in _operations(schema):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            if not _has_example(schema, content):
                missing.append(f"{name} request {media_type}")
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                for media_type, content in response.get("content", {}).items():
                    if not _has_example(schema, content):
                        missing.append(f"{name} {status} {media_type}")
    assert not missing


def test_every_response_has_a_description(schema):
    for name, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if "$ref" not in response:
                assert response.get("description", "").strip(), f"{name} {status}"
    for name, response in schema["components"]["responses"].items():
        assert response["description"].strip(), name


def test_examples_follow_the_schema(schema):
    # The generated examples keep to formats, enums and limits: spot checks.
    components = schema["components"]["schemas"]
    entry = components["JournalEntryCreateRequest"]["example"]
    assert len(entry["id"]) == 36
    assert entry["entry_date"] == "2026-03-14"
    page = components["PaginatedGuideList"]["example"]
    assert page["results"][0]["slug"] == "small-steps"
    assert page["results"][0]["status"] in components["GuideStatusEnum"]["enum"]
    calendar = schema["paths"]["/api/v1/events/calendar.ics"]["get"]["responses"]["200"]
    assert calendar["content"]["text/calendar"]["example"].startswith("BEGIN:VCALENDAR")


def _as_json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's `null` type."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: _as_json_schema(value)
        for key, value in node.items()
        if key not in ("nullable", "example", "discriminator")
    }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_every_component_example_validates_against_its_component(schema):
    from jsonschema import Draft7Validator

    document = {"components": {"schemas": _as_json_schema(schema["components"]["schemas"])}}
    invalid = []
    for name, component in schema["components"]["schemas"].items():
        if "example" in component:
            validator = Draft7Validator({**document, "$ref": f"#/components/schemas/{name}"})
            errors = [error.message for error in validator.iter_errors(component["example"])]
            if errors:
                invalid.append((name, errors[:2]))
    assert not invalid
