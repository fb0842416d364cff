"""Full-text search: `?q=` on lists (ranked, titles above bodies) and the unified
`/api/v1/search/` across every public type."""

from __future__ import annotations

import pytest

from strategies import sample_content
from strategies.extensions import SearchHit, SearchSource
from tests.strategies.factories import ExerciseFactory, GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(db):
    sample_content.load()


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_joy_ranks_pursue_and_practice_joy_first_among_strategies(api_client, sample):
    assert titles(api_client.get("/api/v1/strategies/", {"q": "joy"}))[0] == (
        "Pursue and Practice Joy"
    )


def test_joy_ranks_pursue_and_practice_joy_first_in_unified_search(api_client, sample):
    response = api_client.get("/api/v1/search/", {"q": "joy"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["title"] == "Pursue and Practice Joy"
    assert first["type"] == "strategy"
    assert first["slug"] == "pursue-and-practice-joy"
    assert first["url"] == "http://testserver/api/v1/strategies/pursue-and-practice-joy/"
    assert "<mark>" in first["snippet"]


def test_search_uses_stemming(api_client, sample):
    assert "Pursue and Practice Joy" in titles(
        api_client.get("/api/v1/strategies/", {"q": "joyful"})
    )


def test_title_matches_rank_above_body_matches(api_client):
    GuideFactory(slug="body", title="Another subject", summary="", body_markdown="patience " * 3)
    GuideFactory(slug="title", title="Patience", summary="", body_markdown="Nothing else.")
    assert titles(api_client.get("/api/v1/guides/", {"q": "patience"})) == [
        "Patience",
        "Another subject",
    ]


def test_explicit_ordering_overrides_rank(api_client):
    GuideFactory(title="B patience", summary="", body_markdown="")
    GuideFactory(title="A guide", summary="", body_markdown="patience")
    ordered = titles(api_client.get("/api/v1/guides/", {"q": "patience", "ordering": "title"}))
    assert ordered == ["A guide", "B patience"]


def test_exercises_are_searchable(api_client):
    ExerciseFactory(title="Breathing square", instructions_markdown="Count to four.")
    ExerciseFactory(title="Walk", instructions_markdown="Leave the phone.")
    assert titles(api_client.get("/api/v1/exercises/", {"q": "breathing"})) == ["Breathing square"]


def test_websearch_syntax_works(api_client):
    GuideFactory(title="Morning habit", summary="", body_markdown="")
    GuideFactory(title="Evening habit", summary="", body_markdown="")
    assert titles(api_client.get("/api/v1/guides/", {"q": "habit -evening"})) == ["Morning habit"]
    assert titles(api_client.get("/api/v1/guides/", {"q": '"evening habit"'})) == ["Evening habit"]


def test_stop_words_only_find_nothing_without_error(api_client, sample):
    response = api_client.get("/api/v1/guides/", {"q": "the and of"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert api_client.get("/api/v1/search/", {"q": "the"}).json()["count"] == 0


def test_punctuation_and_unicode_are_harmless(api_client, sample):
    for text in ["joy & | ! ( ) : * '", "日本語", "naïve café", "a\\b", "-", '"']:
        assert api_client.get("/api/v1/guides/", {"q": text}).status_code == 200, text
        assert api_client.get("/api/v1/search/", {"q": text}).status_code == 200, text


def test_blank_q_on_a_list_means_no_search(api_client, sample):
    assert api_client.get("/api/v1/guides/", {"q": "   "}).json()["count"] == 7


def test_too_long_q_is_400(api_client):
    response = api_client.get("/api/v1/guides/", {"q": "x" * 201})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "q"
    assert api_client.get("/api/v1/search/", {"q": "x" * 201}).status_code == 400


def test_unified_search_needs_q(api_client):
    response = api_client.get("/api/v1/search/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "q"


def test_unified_search_can_be_limited_to_types(api_client, sample):
    hits = api_client.get("/api/v1/search/", {"q": "joy", "type": "guide"}).json()["results"]
    assert {hit["type"] for hit in hits} == {"guide"}
    both = api_client.get("/api/v1/search/", {"q": "joy", "type": "guide,strategy"}).json()
    assert {hit["type"] for hit in both["results"]} == {"guide", "strategy"}
    repeated = api_client.get("/api/v1/search/?q=joy&type=guide&type=strategy").json()
    assert repeated == both


def test_unified_search_rejects_unknown_types_and_bad_limits(api_client):
    response = api_client.get("/api/v1/search/", {"q": "joy", "type": "spaceship"})
    assert response.status_code == 400
    assert "spaceship" in response.json()["errors"][0]["detail"]
    for limit in ("0", "51", "many"):
        assert api_client.get("/api/v1/search/", {"q": "joy", "limit": limit}).status_code == 400


def test_unified_search_limit_caps_the_hits(api_client):
    for n in range(5):
        StrategyFactory(title=f"Courage {n}", summary="courage")
    response = api_client.get("/api/v1/search/", {"q": "courage", "limit": 3}).json()
    assert response["count"] == 3
    assert len(response["results"]) == 3


def test_unified_search_merges_registered_sources_by_rank(api_client, sample, monkeypatch):
    from strategies import extensions

    def search(query, limit):
        return [SearchHit("planet", "Planet of joy", "planet", "/api/v1/x/", "…", 99.0)]

    sources = dict(extensions._search_sources)
    sources["planet"] = SearchSource(kind="planet", search=search)
    monkeypatch.setattr(extensions, "_search_sources", sources)
    results = api_client.get("/api/v1/search/", {"q": "joy"}).json()["results"]
    assert results[0]["type"] == "planet"
    assert results[1]["title"] == "Pursue and Practice Joy"
