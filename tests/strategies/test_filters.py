"""Filters, ordering and pagination on the public lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from strategies.models import Guide
from tests.strategies.factories import (
    ExerciseFactory,
    GuideFactory,
    PersonFactory,
    PromptFactory,
    StrategyFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def content(db):
    calm, focus = TagFactory(slug="calm"), TagFactory(slug="focus")
    ada = PersonFactory(slug="ada")
    first = GuideFactory(slug="first", title="Zebra", author=ada)
    first.tags.add(calm, focus)  # two matching tags must not duplicate the row
    second = GuideFactory(slug="second", title="Apple")
    second.tags.add(focus)
    s1 = StrategyFactory(guide=first, slug="s1", position=2)
    s1.tags.add(calm)
    s2 = StrategyFactory(guide=first, slug="s2", position=1)
    s3 = StrategyFactory(guide=second, slug="s3")
    ExerciseFactory(strategy=s1, slug="short", duration_minutes=5)
    ExerciseFactory(strategy=s2, slug="long", duration_minutes=45)
    ExerciseFactory(strategy=s3, slug="other", duration_minutes=10)
    PromptFactory(strategy=s1, text="Calm question?")
    PromptFactory(strategy=s3, text="Other question?")
    return {"first": first, "second": second}


def test_guides_by_tag_and_author(api_client, content):
    assert slugs(api_client.get("/api/v1/guides/", {"tag": "calm"})) == ["first"]
    assert sorted(slugs(api_client.get("/api/v1/guides/", {"tag": "focus"}))) == [
        "first",
        "second",
    ]
    assert slugs(api_client.get("/api/v1/guides/", {"author": "ada"})) == ["first"]
    assert slugs(api_client.get("/api/v1/guides/", {"tag": "nothing"})) == []


def test_strategies_by_guide_tag_and_author(api_client, content):
    assert slugs(api_client.get("/api/v1/strategies/", {"guide": "first"})) == ["s2", "s1"]
    assert slugs(api_client.get("/api/v1/strategies/", {"tag": "calm"})) == ["s1"]
    assert slugs(api_client.get("/api/v1/strategies/", {"author": "ada"})) == ["s2", "s1"]


def test_exercises_by_strategy_guide_tag_and_duration(api_client, content):
    assert slugs(api_client.get("/api/v1/exercises/", {"strategy": "s1"})) == ["short"]
    assert sorted(slugs(api_client.get("/api/v1/exercises/", {"guide": "first"}))) == [
        "long",
        "short",
    ]
    assert slugs(api_client.get("/api/v1/exercises/", {"tag": "calm"})) == ["short"]
    assert sorted(slugs(api_client.get("/api/v1/exercises/", {"max_duration": 10}))) == [
        "other",
        "short",
    ]


def test_prompts_by_strategy_and_guide(api_client, content):
    texts = [
        p["text"] for p in api_client.get("/api/v1/prompts/", {"guide": "first"}).json()["results"]
    ]
    assert texts == ["Calm question?"]
    assert api_client.get("/api/v1/prompts/", {"strategy": "s3"}).json()["count"] == 1


def test_a_repeated_filter_means_any_of_them(api_client, content):
    """`?tag=a&tag=b`: rows with either tag, each once (`first` carries both)."""
    GuideFactory(slug="third").tags.add(TagFactory(slug="rest"))
    both = {"tag": ["calm", "rest"]}
    assert sorted(slugs(api_client.get("/api/v1/guides/", both))) == ["first", "third"]
    either = {"tag": ["calm", "focus"]}
    assert sorted(slugs(api_client.get("/api/v1/guides/", either))) == ["first", "second"]
    response = api_client.get("/api/v1/guides/", either)
    assert response.json()["count"] == 2
    guides = {"guide": ["first", "second"]}
    assert sorted(slugs(api_client.get("/api/v1/strategies/", guides))) == ["s1", "s2", "s3"]
    strategies = {"strategy": ["s1", "s3"]}
    assert sorted(slugs(api_client.get("/api/v1/exercises/", strategies))) == ["other", "short"]
    assert slugs(api_client.get("/api/v1/exercises/", {"tag": ["calm", "none"]})) == ["short"]
    prompts = api_client.get("/api/v1/prompts/", {"strategy": ["s1", "s3"]}).json()["results"]
    assert len(prompts) == 2
    # Unknown slugs match nothing, as a single one does; blank values are no filter.
    assert slugs(api_client.get("/api/v1/guides/", {"tag": ["nothing", "nowhere"]})) == []
    assert len(slugs(api_client.get("/api/v1/guides/", {"tag": ["", " "]}))) == 3


def test_a_filter_takes_at_most_twenty_values(api_client, content):
    response = api_client.get("/api/v1/guides/", {"tag": [f"t{n}" for n in range(21)]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "tag"
    assert api_client.get("/api/v1/guides/", {"tag": ["t"] * 20}).status_code == 200


def _parameters(schema: dict, path: str) -> dict[str, dict]:
    """The operation's query parameters by name, shared ones (`$ref`) resolved."""
    shared = schema["components"].get("parameters", {})
    parameters = [
        shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
        for p in schema["paths"][path]["get"]["parameters"]
    ]
    return {p["name"]: p for p in parameters}


def test_repeatable_filters_are_arrays_in_the_schema(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    for path, names in {
        "/api/v1/guides/": {"tag", "author"},
        "/api/v1/strategies/": {"tag", "guide", "author"},
        "/api/v1/exercises/": {"tag", "guide", "strategy", "author"},
        "/api/v1/prompts/": {"tag", "guide", "strategy", "author"},
    }.items():
        parameters = _parameters(schema, path)
        for name in names:
            parameter = parameters[name]
            assert parameter["schema"]["type"] == "array", (path, name)
            assert (parameter["style"], parameter["explode"]) == ("form", True)
            assert "any of" in parameter["description"]


def test_updated_since(api_client, content):
    cutoff = timezone.now()
    Guide.objects.filter(slug="first").update(updated_at=cutoff + timedelta(minutes=1))
    Guide.objects.filter(slug="second").update(updated_at=cutoff - timedelta(days=1))
    response = api_client.get("/api/v1/guides/", {"updated_since": cutoff.isoformat()})
    assert slugs(response) == ["first"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/guides/", {"updated_since": "last tuesday"}),
        ("/api/v1/exercises/", {"max_duration": "long"}),
        ("/api/v1/exercises/", {"max_duration": "0"}),
        ("/api/v1/guides/", {"page_size": "101"}),
        ("/api/v1/guides/", {"page_size": "0"}),
        ("/api/v1/guides/", {"page": "999"}),
    ],
)
def test_bad_parameters_are_clear_4xx(api_client, content, path, params):
    response = api_client.get(path, params)
    assert 400 <= response.status_code < 500
    assert response.json()["errors"][0]["detail"]


def test_ordering_options_with_a_stable_tie_breaker(api_client, content):
    assert slugs(api_client.get("/api/v1/guides/", {"ordering": "title"})) == ["second", "first"]
    assert slugs(api_client.get("/api/v1/guides/", {"ordering": "-title"})) == ["first", "second"]
    # A field not offered for ordering is a 400 naming the parameter, never a 500.
    response = api_client.get("/api/v1/guides/", {"ordering": "password"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "ordering"


def test_default_order_is_newest_guide_first(api_client, content):
    Guide.objects.filter(slug="second").update(published_at=timezone.now() - timedelta(hours=1))
    Guide.objects.filter(slug="first").update(published_at=timezone.now() - timedelta(days=3))
    assert slugs(api_client.get("/api/v1/guides/")) == ["second", "first"]


def test_pages_never_repeat_or_skip_rows_with_equal_sort_keys(api_client):
    same_time = timezone.now() - timedelta(days=1)
    for n in range(7):
        GuideFactory(slug=f"same-{n}", title="Same title", published_at=same_time)
    for ordering in ("title", "-published_at", "updated_at"):
        seen = []
        for page in (1, 2, 3):
            seen += slugs(
                api_client.get(
                    "/api/v1/guides/", {"ordering": ordering, "page_size": 3, "page": page}
                )
            )
        assert sorted(seen) == sorted(f"same-{n}" for n in range(7)), ordering
