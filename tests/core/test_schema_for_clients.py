"""What the generated clients need of the schema (tests/clients/ compiles and runs three):
a request never has to send a field the server defaults, and a response's fields are
there to read without testing that they exist."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.schema import SCHEMA_REF

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _defaults(node, path="") -> list[str]:
    """Where `default` appears as a keyword (not as a property named so) under `node`."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "default" and path.rsplit("/", 1)[-1] != "properties":
                found.append(path)
            found += _defaults(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _defaults(value, f"{path}/{index}")
    return found


def _request_components(schema) -> set[str]:
    bodies = [
        operation.get("requestBody", {})
        for methods in schema["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict)
    ]
    return set(SCHEMA_REF.findall(json.dumps(bodies)))


def test_request_bodies_carry_no_default(schema):
    components = schema["components"]["schemas"]
    assert {"JournalEntryCreateRequest", "RegisterRequest"} <= _request_components(schema)
    for name in _request_components(schema):
        assert not _defaults(components[name]), name
    # The fields stay optional, and the responses keep saying what the server fills in.
    assert set(components["RegisterRequest"]["required"]) == {"email", "password"}
    assert "required" not in components["JournalEntryCreateRequest"]
    assert components["JournalEntry"]["properties"]["title"]["default"] == ""


def test_a_model_response_requires_every_field(schema):
    components = schema["components"]["schemas"]
    for name in ("JournalEntry", "User", "Commitment", "GuideDetail"):
        component = components[name]
        assert set(component["required"]) == set(component["properties"]), name


def test_a_response_that_leaves_keys_out_keeps_them_optional(schema):
    components = schema["components"]["schemas"]
    assert set(components["RecommendationReason"]["required"]) == {"reason"}
    # `?include=strategies.body` alone brings these.
    strategy = components["StrategyInGuide"]
    included = {"body_markdown", "body_html", "exercises", "prompts"}
    assert included <= set(strategy["properties"])
    assert set(strategy["required"]) == set(strategy["properties"]) - included


@pytest.mark.parametrize("name", ["PaginatedGuideList", "PaginatedJournalEntryList"])
def test_every_page_has_next_and_previous(schema, name):
    page = schema["components"]["schemas"][name]
    assert {"next", "previous", "results"} <= set(page["required"])
