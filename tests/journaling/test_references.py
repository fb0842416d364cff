"""Journal records name editorial content and events the way every resource does
(issue 10): read as `{slug, title, url}` (a prompt as `{id, text, url}`), written as the
slug or id alone, and a record read from the API can be sent back as it is."""

from __future__ import annotations

import pytest
from django.urls import set_script_prefix

from tests.events.factories import EventFactory
from tests.strategies.factories import ExerciseFactory, PromptFactory

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/journal/entries/"
API = "http://testserver/api/v1"


def test_an_entry_reads_its_links_as_references_and_may_name_an_event(member_client):
    exercise = ExerciseFactory(title="Box breathing")
    prompt = PromptFactory(strategy=exercise.strategy, text="What did you notice?")
    EventFactory(slug="kabbalah", title="The Kabbalah of Psychology")

    created = member_client.post(
        ENTRIES,
        {
            "body": "After the talk.",
            "exercise": exercise.slug,
            "prompt": prompt.pk,
            "event": "kabbalah",
        },
        format="json",
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    strategy = exercise.strategy
    assert body["strategy"] == {
        "slug": strategy.slug,
        "title": strategy.title,
        "url": f"{API}/strategies/{strategy.slug}/",
        "web_url": None,
    }
    assert body["exercise"]["url"] == f"{API}/exercises/{exercise.slug}/"
    assert body["prompt"] == {
        "id": prompt.pk,
        "text": "What did you notice?",
        "url": f"{API}/prompts/{prompt.pk}/",
    }
    assert body["event"] == {
        "slug": "kabbalah",
        "title": "The Kabbalah of Psychology",
        "url": f"{API}/events/kabbalah/",
        "web_url": None,
    }
    assert member_client.get(f"{ENTRIES}{body['id']}/").json() == body


def test_a_record_read_from_the_api_can_be_put_back_unchanged(member_client):
    exercise = ExerciseFactory()
    EventFactory(slug="talk")
    created = member_client.post(
        ENTRIES, {"body": "Words.", "exercise": exercise.slug, "event": "talk"}, format="json"
    ).json()
    writable = {
        k: v for k, v in created.items() if k not in {"version", "created_at", "updated_at"}
    }

    response = member_client.put(
        f"{ENTRIES}{created['id']}/",
        writable,
        format="json",
        HTTP_IF_MATCH=f'"{created["version"]}"',
    )

    assert response.status_code == 200, response.json()
    assert response.json()["event"]["slug"] == "talk"
    assert response.json()["exercise"]["slug"] == exercise.slug


@pytest.mark.parametrize("event", ["no-such-event", 7, "", {"title": "no slug"}])
def test_an_unknown_or_malformed_event_is_a_400_naming_it(member_client, event):
    response = member_client.post(ENTRIES, {"body": "x", "event": event}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "event"


def test_the_list_stays_at_a_fixed_number_of_queries(member_client, django_assert_max_num_queries):
    exercise = ExerciseFactory()
    prompt = PromptFactory(strategy=exercise.strategy)
    EventFactory(slug="talk")
    for n in range(15):
        member_client.post(
            ENTRIES,
            {"body": f"{n}", "exercise": exercise.slug, "prompt": prompt.pk, "event": "talk"},
            format="json",
        )
    with django_assert_max_num_queries(6):
        rows = member_client.get(ENTRIES).json()["results"]
    assert len(rows) == 15
    assert all(row["event"]["slug"] == "talk" for row in rows)


def test_the_schema_reads_references_and_writes_keys(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    read = components["JournalEntry"]["properties"]
    write = components["JournalEntryCreateRequest"]["properties"]
    assert "#/components/schemas/Reference" in str(read["strategy"])
    assert "#/components/schemas/Reference" in str(read["event"])
    assert "#/components/schemas/PromptReference" in str(read["prompt"])
    assert write["strategy"]["type"] == "string"
    assert write["event"]["type"] == "string"
    assert write["prompt"]["type"] == "integer"


def test_references_follow_the_path_the_service_is_mounted_at(member_client):
    # Behind a proxy that mounts the service under a path (SCRIPT_NAME), every link
    # carries it; the routes reversed once per process must not keep the first one seen.
    exercise = ExerciseFactory()
    member_client.post(ENTRIES, {"body": "x", "exercise": exercise.slug}, format="json")
    slug = exercise.strategy.slug

    plain = member_client.get(ENTRIES).json()["results"][0]
    # What Django's WSGI handler does with SCRIPT_NAME (the test client does not).
    set_script_prefix("/breakthrough/")
    try:
        mounted = member_client.get(ENTRIES).json()["results"][0]
    finally:
        set_script_prefix("/")

    assert plain["strategy"]["url"] == f"{API}/strategies/{slug}/"
    assert mounted["strategy"]["url"] == (
        f"http://testserver/breakthrough/api/v1/strategies/{slug}/"
    )
    assert mounted["exercise"]["url"].startswith("http://testserver/breakthrough/api/v1/")
