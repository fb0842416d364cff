"""`web_url`: every public resource, and every reference to one, names the front end's
page of it when `FRONTEND_URL_<KIND>` is set, and is null otherwise."""

from __future__ import annotations

import pytest

from tests.events.factories import EventFactory, SeriesFactory
from tests.strategies.factories import (
    ExerciseFactory,
    GuideFactory,
    PersonFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db
FRONT = "https://app.example"
TEMPLATES = {
    kind: f"{FRONT}/{kind}/{{slug}}"
    for kind in ("guide", "strategy", "exercise", "event", "series", "person")
}


@pytest.fixture
def content():
    person = PersonFactory(slug="alex")
    guide = GuideFactory(slug="unstuck", author=person, title="Getting unstuck")
    strategy = StrategyFactory(guide=guide, slug="tiny-step", title="The tiny step")
    ExerciseFactory(strategy=strategy, slug="two-minutes", title="Two minutes")
    series = SeriesFactory(slug="weekly", host=person)
    EventFactory(slug="live", series=series, hosts=[person], guides=[guide], strategies=[strategy])


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def page(kind, slug):
    return f"{FRONT}/{kind}/{slug}"


def test_resources_and_their_references_name_their_front_end_page(api_client, settings, content):
    settings.WEB_URL_TEMPLATES = TEMPLATES

    guides = get(api_client, "/api/v1/guides/")["results"]
    assert guides[0]["web_url"] == page("guide", "unstuck")
    assert guides[0]["author"]["web_url"] == page("person", "alex")

    guide = get(api_client, "/api/v1/guides/unstuck/")
    assert guide["web_url"] == page("guide", "unstuck")
    assert guide["strategies"][0]["web_url"] == page("strategy", "tiny-step")

    strategy = get(api_client, "/api/v1/strategies/tiny-step/")
    assert strategy["web_url"] == page("strategy", "tiny-step")
    assert strategy["guide"]["web_url"] == page("guide", "unstuck")
    assert strategy["exercises"][0]["web_url"] == page("exercise", "two-minutes")
    assert get(api_client, "/api/v1/strategies/")["results"][0]["web_url"] == strategy["web_url"]

    exercise = get(api_client, "/api/v1/exercises/two-minutes/")
    assert exercise["web_url"] == page("exercise", "two-minutes")
    assert exercise["strategy"]["web_url"] == page("strategy", "tiny-step")

    person = get(api_client, "/api/v1/people/alex/")
    assert person["web_url"] == page("person", "alex")
    assert person["guides"][0]["web_url"] == page("guide", "unstuck")

    event = get(api_client, "/api/v1/events/live/")
    assert event["web_url"] == page("event", "live")
    assert event["series"]["web_url"] == page("series", "weekly")
    assert event["hosts"][0]["web_url"] == page("person", "alex")
    assert event["guides"][0]["web_url"] == page("guide", "unstuck")
    assert event["strategies"][0]["web_url"] == page("strategy", "tiny-step")
    assert get(api_client, "/api/v1/events/")["results"][0]["web_url"] == page("event", "live")

    series = get(api_client, "/api/v1/series/weekly/")
    assert series["web_url"] == page("series", "weekly")
    assert series["host"]["web_url"] == page("person", "alex")
    assert series["upcoming_events"][0]["web_url"] == page("event", "live")
    assert get(api_client, "/api/v1/series/")["results"][0]["web_url"] == series["web_url"]

    hits = get(api_client, "/api/v1/search/?q=unstuck&type=guide")["results"]
    assert hits[0]["web_url"] == page("guide", "unstuck")


def test_web_url_is_null_without_a_template(api_client, settings, content):
    settings.WEB_URL_TEMPLATES = {"guide": TEMPLATES["guide"]}

    strategy = get(api_client, "/api/v1/strategies/tiny-step/")
    assert strategy["web_url"] is None
    assert strategy["guide"]["web_url"] == page("guide", "unstuck")
    assert strategy["author"]["web_url"] is None
    assert strategy["url"] == "http://testserver/api/v1/strategies/tiny-step/"
    event = get(api_client, "/api/v1/events/live/")
    assert event["web_url"] is None
    assert event["guides"][0]["web_url"] == page("guide", "unstuck")
