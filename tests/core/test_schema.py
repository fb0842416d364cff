"""The OpenAPI document as clients download it: errors described once and shared, small,
gzipped, and built once per process rather than per request."""

from __future__ import annotations

import gzip
import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from core import views

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"
MAX_SCHEMA_BYTES = 300_000
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# Every status the error handler can answer on any operation, whatever it does.
SHARED_STATUSES = {"401", "403", "404", "405", "406", "411", "413", "414", "415", "429", "500"}


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
            if status in SHARED_STATUSES:
                assert response == {"$ref": f"#/components/responses/Error{status}"}, name
    shared = schema["components"]["responses"]
    for status in SHARED_STATUSES:
        assert shared[f"Error{status}"]["description"], status


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
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert {"If-None-Match", "If-Modified-Since"} <= headers
    for status in ("200", "304"):
        assert {"ETag", "Last-Modified", "Cache-Control"} <= set(
            _response(schema, operation, status)["headers"]
        ), status
    assert _response(schema, operation, "304")["description"].startswith("Not modified")


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
