"""`GET /api/v1/guides/{slug}/?include=strategies.body`: the guide with each strategy's
body, exercises and prompts, so a screen needs one call; without it, the short shape."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

GUIDE = "/api/v1/guides/public-guide/"
INCLUDED = ("body_markdown", "body_html", "exercises", "prompts")


def test_without_include_strategies_are_short(api_client, tree):
    strategies = api_client.get(GUIDE).json()["strategies"]
    assert len(strategies) == 2
    for strategy in strategies:
        assert not set(INCLUDED) & set(strategy)
    # Empty is no include, like any empty parameter.
    assert api_client.get(GUIDE, {"include": ""}).json()["strategies"] == strategies


def test_include_carries_what_the_strategy_detail_shows(api_client, tree):
    response = api_client.get(GUIDE, {"include": "strategies.body"})
    assert response.status_code == 200, response.content
    strategies = response.json()["strategies"]
    assert [s["slug"] for s in strategies] == ["public-strategy-1", "public-strategy-2"]
    for strategy in strategies:
        detail = api_client.get(f"/api/v1/strategies/{strategy['slug']}/").json()
        for name in INCLUDED:
            assert strategy[name] == detail[name], name
        assert len(strategy["exercises"]) == 1
        assert len(strategy["prompts"]) == 1


@pytest.mark.parametrize("value", ["strategies", "strategies.body,tags", "STRATEGIES.BODY"])
def test_an_unknown_include_is_a_400(api_client, tree, value):
    response = api_client.get(GUIDE, {"include": value})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["code"], error["attr"]) == ("invalid_choice", "include")
    assert "strategies.body" in error["detail"]


def test_each_variant_has_its_own_cached_copy_and_etag(api_client, tree):
    plain = api_client.get(GUIDE)
    full = api_client.get(GUIDE, {"include": "strategies.body"})
    assert plain["ETag"] != full["ETag"]
    # Served again from the shared cache: each URL gets its own body back.
    assert "exercises" not in api_client.get(GUIDE).json()["strategies"][0]
    again = api_client.get(GUIDE, {"include": "strategies.body"})
    assert "exercises" in again.json()["strategies"][0]
    # A copy of one variant is not a copy of the other.
    other = api_client.get(GUIDE, HTTP_IF_NONE_MATCH=full["ETag"])
    assert other.status_code == 200
    same = api_client.get(GUIDE, {"include": "strategies.body"}, HTTP_IF_NONE_MATCH=full["ETag"])
    assert same.status_code == 304


def test_the_schema_documents_include_and_the_optional_fields(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/guides/{slug}/"]["get"]
    shared = schema["components"].get("parameters", {})
    parameters = [
        shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in operation["parameters"]
    ]
    (include,) = [p for p in parameters if p["name"] == "include"]
    assert include["schema"] == {"type": "string", "enum": ["strategies.body"]}
    strategy = schema["components"]["schemas"]["StrategyInGuide"]
    for name in INCLUDED:
        assert name in strategy["properties"]
        assert name not in strategy["required"]
        assert "include=strategies.body" in strategy["properties"][name]["description"]
    assert {"slug", "title", "url"} <= set(strategy["required"])
