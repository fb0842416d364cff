"""The OpenAPI schema tells client generators what the journal really does."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.helpers import operation_parameters

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operation(schema, path: str, method: str) -> dict:
    return schema["paths"][f"/api/v1/journal/{path}"][method]


def response(schema, op: dict, status: str) -> dict:
    """The operation's response for `status`, following a shared `components/responses`."""
    answer = op["responses"][status]
    if "$ref" in answer:
        answer = schema["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    return answer


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("entries/{id}/", "put"),
        ("entries/{id}/", "patch"),
        ("entries/{id}/", "delete"),
        ("commitments/{id}/", "put"),
        ("commitments/{id}/", "patch"),
        ("commitments/{id}/", "delete"),
        ("commitments/{id}/check-in/", "post"),
    ],
)
def test_writes_document_if_match_and_412(schema, path, method):
    op = operation(schema, path, method)
    headers = {p["name"] for p in operation_parameters(schema, op) if p["in"] == "header"}
    assert "If-Match" in headers
    content = response(schema, op, "412")["content"]["application/json"]
    assert content["schema"]["$ref"].endswith("/ErrorResponse412")


def test_reads_and_writes_document_the_etag_header(schema):
    for path, method, status in [
        ("entries/{id}/", "get", "200"),
        ("entries/{id}/", "patch", "200"),
        ("entries/", "post", "201"),
    ]:
        assert "ETag" in operation(schema, path, method)["responses"][status]["headers"]


def test_creates_document_the_retry_and_the_conflict(schema):
    op = operation(schema, "entries/", "post")
    assert {"200", "201", "409"} <= set(op["responses"])
    request = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request.endswith("/JournalEntryCreateRequest")
    fields = schema["components"]["schemas"]["JournalEntryCreateRequest"]["properties"]
    assert "id" in fields
    assert not {"version", "owner", "created_at"} & set(fields)
    patched = schema["components"]["schemas"]["PatchedJournalEntryRequest"]["properties"]
    assert not {"id", "version", "owner"} & set(patched)


def test_export_documents_its_three_formats(schema):
    op = operation(schema, "export/", "get")
    assert set(op["responses"]["200"]["content"]) == {
        "application/json",
        "text/markdown",
        "text/csv",
    }
    (fmt,) = [p for p in operation_parameters(schema, op) if p["name"] == "format"]
    assert fmt["schema"]["enum"] == ["json", "markdown", "csv"]


def test_change_feed_documents_the_expired_token(schema):
    op = operation(schema, "changes/", "get")
    assert "410" in op["responses"]
    assert {p["name"] for p in operation_parameters(schema, op)} >= {"since", "limit"}


def test_operation_ids_are_stable(schema):
    ids = {
        op["operationId"]
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/journal/")
        for op in ops.values()
    }
    assert ids == {
        "journal_entries_list",
        "journal_entries_create",
        "journal_entries_retrieve",
        "journal_entries_update",
        "journal_entries_partial_update",
        "journal_entries_destroy",
        "journal_commitments_list",
        "journal_commitments_create",
        "journal_commitments_retrieve",
        "journal_commitments_update",
        "journal_commitments_partial_update",
        "journal_commitments_destroy",
        "journal_commitments_check_in",
        "journal_changes_list",
        "journal_insights_retrieve",
        "journal_export",
    }


def test_api_root_links_the_journal(api_client):
    links = api_client.get("/api/v1/").json()["links"]
    for label in ("journal_entries", "journal_commitments", "journal_changes", "journal_insights"):
        assert links[label].startswith("http://testserver/api/v1/journal/")
