"""Every create answers one way (issue 10, "one shape per thing"): 201 with a `Location`
that reads the new resource back, and 200 with the same resource when the request
repeats one that already succeeded, so a client retrying after a lost answer never
sees an error and never makes a second row."""

from __future__ import annotations

import uuid

import pytest

from tests.events.factories import EventFactory
from tests.strategies.factories import GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def _creates(member_client):
    event = EventFactory(slug="talk")
    guide = GuideFactory(slug="stuck")
    strategy = StrategyFactory(guide=guide, slug="small-steps")
    yield "/api/v1/events/talk/reminders/", {"minutes_before": 60}, "/api/v1/me/reminders/"
    yield "/api/v1/me/saved/", {"guide": guide.slug}, "/api/v1/me/saved/"
    entry_id = str(uuid.uuid4())
    yield (
        "/api/v1/journal/entries/",
        {"id": entry_id, "body": "A start."},
        "/api/v1/journal/entries/",
    )
    commitment = {"id": str(uuid.uuid4()), "strategy": strategy.slug, "text": "Walk"}
    yield "/api/v1/journal/commitments/", commitment, "/api/v1/journal/commitments/"
    assert event.pk


def test_a_create_says_where_the_resource_is_and_a_repeat_answers_it(member_client):
    seen = 0
    for url, body, collection in _creates(member_client):
        first = member_client.post(url, body, format="json")
        assert first.status_code == 201, (url, first.json())
        location = first.headers["Location"]
        assert location.startswith(f"http://testserver{collection}"), location
        read = member_client.get(location)
        assert read.status_code == 200, location
        assert read.json()["id"] == first.json()["id"]

        again = member_client.post(url, body, format="json")
        assert again.status_code == 200, (url, again.json())
        assert again.json()["id"] == first.json()["id"]
        listed = member_client.get(collection).json()
        assert [row["id"] for row in listed["results"]] == [first.json()["id"]]
        seen += 1
    assert seen == 4


def test_another_member_cannot_read_what_a_location_names(member_client, other_client):
    EventFactory(slug="talk")
    created = member_client.post(
        "/api/v1/events/talk/reminders/", {"minutes_before": 60}, format="json"
    )
    assert other_client.get(created.headers["Location"]).status_code == 404


def test_every_201_in_the_schema_documents_location(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    created = [
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "201" in operation.get("responses", {})
    ]
    assert len(created) >= 4
    for path, method in created:
        headers = schema["paths"][path][method]["responses"]["201"].get("headers", {})
        assert "Location" in headers, (method, path)
