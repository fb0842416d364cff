"""Every operation that holds personal data, tried by its owner, another member, a
superuser and an anonymous client.

The operations come from the live schema (every operation that refuses anonymous
requests); what the owner should get comes from `resources.EXPECTATIONS`. Whoever is not
the owner must get 401 (anonymous) or 404 (a record of someone else), must see none of
the owner's secrets, and must leave every one of the owner's rows as it was.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import client_for
from tests.security.resources import (
    EXPECTATIONS,
    Expectation,
    build_world,
    personal_rows,
    table_counts,
)
from tests.security.routes import private_operations

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

    assert response.status_code < 500, response.content[:300]
    if operation.path_parameters:
        # The owner's record, named by its id, does not exist for anyone else.
        _assert_error_format(response, 404)
        assert table_counts() == counts_before
    body = response.content.decode(errors="replace")
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

    assert response.status_code == expectation.owner_status, response.content[:300]
