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


def test_unified_search_pages_through_every_hit(api_client):
    for n in range(5):
        StrategyFactory(title=f"Courage {n}", summary="courage")
    first = api_client.get("/api/v1/search/", {"q": "courage", "limit": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    second = api_client.get(first["next"]).json()
    third = api_client.get(second["next"]).json()
    assert third["next"] is None
    assert api_client.get(third["previous"]).json() == second
    seen = [hit["title"] for page in (first, second, third) for hit in page["results"]]
    assert sorted(seen) == [f"Courage {n}" for n in range(5)]


@pytest.mark.parametrize("page", ["0", "26", "two"])
def test_unified_search_refuses_a_page_out_of_bounds(api_client, page):
    response = api_client.get("/api/v1/search/", {"q": "joy", "page": page})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "page"


def test_the_last_word_matches_as_a_person_types(api_client):
    StrategyFactory(title="Find a therapist", summary="Working with therapy.")
    StrategyFactory(title="Theatre night", summary="Go out.")
    assert titles(api_client.get("/api/v1/search/", {"q": "thera"})) == ["Find a therapist"]
    # An excluded last word is no prefix: nothing is brought in by it.
    assert titles(api_client.get("/api/v1/search/", {"q": "go -thera"})) == ["Theatre night"]
    assert titles(api_client.get("/api/v1/strategies/", {"q": "find thera"})) == [
        "Find a therapist"
    ]


def test_search_finds_people_and_series_and_hosts(api_client):
    from tests.events.factories import SeriesFactory
    from tests.strategies.factories import PersonFactory

    host = PersonFactory(name="Simone Okafor", slug="simone", bio="Hosts our weekly talks.")
    SeriesFactory(title="Monday Mindset", slug="monday", host=host)
    hits = api_client.get("/api/v1/search/", {"q": "simo"}).json()["results"]
    assert [(hit["type"], hit["title"]) for hit in hits] == [("person", "Simone Okafor")]
    assert hits[0]["url"] == "http://testserver/api/v1/people/simone/"
    series = api_client.get("/api/v1/search/", {"q": "mindset", "type": "series"}).json()
    assert [hit["url"] for hit in series["results"]] == ["http://testserver/api/v1/series/monday/"]


def test_unified_search_merges_registered_sources_by_rank(api_client, sample, monkeypatch):
    from strategies import extensions

    def search(query, limit):
        return [SearchHit("planet", "Planet of joy", "planet", "/api/v1/x/", "…", 99.0)]

    sources = dict(extensions._search_sources)
    sources["planet"] = SearchSource(kind="planet", search=search, count=lambda query: 1)
    monkeypatch.setattr(extensions, "_search_sources", sources)
    results = api_client.get("/api/v1/search/", {"q": "joy"}).json()["results"]
    assert results[0]["type"] == "planet"
    assert results[1]["title"] == "Pursue and Practice Joy"
