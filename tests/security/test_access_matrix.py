"""Every operation that holds personal data, tried by its owner, another member, a
superuser and an anonymous client.

The operations come from the live schema (every operation that refuses anonymous
requests); what the owner should get comes from `resources.EXPECTATIONS`. Whoever is not
the owner must get 401 (anonymous) or 404 (a record of someone else), must see none of
the owner's secrets, and must leave every one of the owner's rows as it was.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.helpers import client_for
from tests.security.resources import (
    EXPECTATIONS,
    Expectation,
    build_world,
    personal_rows,
    table_counts,
)
from tests.security.routes import operations, private_operations

pytestmark = pytest.mark.django_db

PRIVATE = private_operations()


def _request(client, operation, expectation: Expectation | None, world):
    params = expectation.params(world) if expectation and expectation.params else {}
    body = expectation.body(world) if expectation and expectation.body else None
    return client.generic(
        operation.method,
        operation.url(**params),
        data="" if body is None else json.dumps(body),
        content_type="application/json",
    )


def content_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _assert_error_format(response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert {"type", "errors"} <= set(response.json())


def test_every_private_operation_has_an_expectation():
    missing = sorted(str(op) for op in PRIVATE if str(op) not in EXPECTATIONS)
    assert not missing, f"Add these to tests/security/resources.py EXPECTATIONS: {missing}"


def test_no_expectation_names_a_vanished_operation():
    known = {str(op) for op in PRIVATE}
    assert not sorted(set(EXPECTATIONS) - known)


@pytest.mark.parametrize("operation", PRIVATE, ids=str)
def test_anonymous_gets_401_and_changes_nothing(api_client, operation):
    world = build_world()
    rows, counts = personal_rows(world.owner), table_counts()

    response = _request(api_client, operation, EXPECTATIONS.get(str(operation)), world)

    _assert_error_format(response, 401)
    assert personal_rows(world.owner) == rows
    assert table_counts() == counts


@pytest.mark.parametrize("actor", ["other", "staff"])
@pytest.mark.parametrize("operation", PRIVATE, ids=str)
def test_someone_else_never_reaches_the_owners_records(operation, actor):
    world = build_world()
    rows = personal_rows(world.owner)
    counts_before = table_counts()

    response = _request(
        client_for(getattr(world, actor)), operation, EXPECTATIONS.get(str(operation)), world
    )

    assert response.status_code < 500, content_of(response)[:300]
    expectation = EXPECTATIONS.get(str(operation))
    if operation.path_parameters and not (expectation and expectation.public_path):
        # The owner's record, named by its id, does not exist for anyone else.
        _assert_error_format(response, 404)
        assert table_counts() == counts_before
    body = content_of(response)
    leaked = [secret for secret in world.secrets if secret in body]
    assert not leaked, f"{actor} saw the owner's {leaked}"
    assert personal_rows(world.owner) == rows


@pytest.mark.parametrize("operation", PRIVATE, ids=str)
def test_the_owner_gets_what_the_route_promises(operation):
    world = build_world()
    expectation = EXPECTATIONS.get(str(operation))
    if expectation is None:
        pytest.fail(f"No expectation for {operation}")

    response = _request(client_for(world.owner), operation, expectation, world)

    assert response.status_code == expectation.owner_status, content_of(response)[:300]


# Routes open to anonymous clients that still hold personal data, because the URL itself
# carries the credential (a calendar app cannot send a token header).
CAPABILITY_ROUTES = {"GET /api/v1/calendar/{token}.ics": "feed_token"}


def test_every_capability_route_is_in_the_schema():
    known = {str(op) for op in operations()}
    assert set(CAPABILITY_ROUTES) <= known


@pytest.mark.parametrize("route", sorted(CAPABILITY_ROUTES))
def test_a_capability_url_opens_only_with_its_secret(api_client, route):
    world = build_world()
    path = route.split(" ", 1)[1]
    key = CAPABILITY_ROUTES[route]
    counts = table_counts()

    owners = api_client.get(path.replace("{token}", world.ids[key]))
    forged = api_client.get(path.replace("{token}", "A" * len(world.ids[key])))
    other_url = client_for(world.other).post("/api/v1/me/calendar-feed/").json()["url"]
    others = api_client.get(urlsplit(other_url).path)

    assert owners.status_code == 200
    assert world.event.slug in content_of(owners) or world.event.title in content_of(owners)
    _assert_error_format(forged, 404)
    assert others.status_code == 200
    assert not [secret for secret in world.secrets if secret in content_of(others)]
    assert table_counts()["accounts.user"] == counts["accounts.user"]
