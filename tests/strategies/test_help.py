"""`/api/v1/help/` tells a client where to find real help, and guides point to it."""

from __future__ import annotations

import pytest

from tests.helpers import operation_parameters

pytestmark = pytest.mark.django_db


def test_help_is_public_and_complete(api_client):
    response = api_client.get("/api/v1/help/")
    assert response.status_code == 200
    body = response.json()
    assert "not medical" in body["disclaimer"]
    assert "emergency" in body["emergency"]
    regions = {resource["region"] for resource in body["resources"]}
    assert {"United States", "United Kingdom and Ireland", "Worldwide"} <= regions
    for resource in body["resources"]:
        assert resource["name"]
        assert resource["phone"] or resource["text"] or resource["url"]
        assert resource["url"] is None or resource["url"].startswith("https://")
    assert body["last_reviewed"]
    assert response["Cache-Control"] == "public, max-age=60"


def test_help_is_linked_from_the_api_root_and_every_guide(api_client, tree):
    assert api_client.get("/api/v1/").json()["links"]["help"] == "http://testserver/api/v1/help/"
    detail = api_client.get("/api/v1/guides/public-guide/").json()
    assert detail["help_url"] == "http://testserver/api/v1/help/"
    assert detail["disclaimer_html"]


def test_help_and_search_are_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    openapi = schema.json()
    paths = openapi["paths"]
    assert paths["/api/v1/help/"]["get"]["operationId"] == "help"
    assert paths["/api/v1/search/"]["get"]["operationId"] == "search"
    names = {p["name"] for p in operation_parameters(openapi, paths["/api/v1/guides/"]["get"])}
    assert {"q", "tag", "author", "updated_since", "ordering", "preview", "page_size"} <= names
