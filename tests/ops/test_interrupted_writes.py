"""A write that dies halfway leaves nothing behind.

Every write operation of the access matrix (and the public ones that create an account
or a token) runs once to count the INSERT/UPDATE/DELETE statements it issues, then once
more per statement with the database failing exactly there, as a connection lost
mid-request would. Each interrupted run must answer 503 in the JSON error format and
leave every table as it found it: multi-row writes are atomic or they are bugs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD
from tests.helpers import client_for
from tests.security.resources import EXPECTATIONS, World, build_world, personal_rows, table_counts

# Real autocommit, as in production: inside a test-wide transaction, one failed statement
# would spoil the whole test's transaction, and partial rows would hide in it.
pytestmark = pytest.mark.django_db(transaction=True)

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Write:
    label: str
    client: Callable[[World], APIClient]
    method: str
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any]] | None


def _from_expectations() -> list[Write]:
    from tests.security.routes import private_operations

    writes = []
    for operation in private_operations():
        expectation = EXPECTATIONS.get(str(operation))
        if operation.method == "GET" or expectation is None:
            continue
        writes.append(
            Write(
                label=str(operation),
                client=lambda world: client_for(world.owner),
                method=operation.method,
                path=lambda world, op=operation, e=expectation: op.url(
                    **(e.params(world) if e.params else {})
                ),
                body=expectation.body,
            )
        )
    return writes


PUBLIC_WRITES = [
    Write(
        "POST /api/v1/auth/register/",
        lambda world: APIClient(),
        "POST",
        lambda world: "/api/v1/auth/register/",
        lambda world: {"email": "newcomer@example.com", "password": PASSWORD},
    ),
    Write(
        "POST /api/v1/auth/login/",
        lambda world: APIClient(),
        "POST",
        lambda world: "/api/v1/auth/login/",
        lambda world: {"email": world.owner.email, "password": PASSWORD},
    ),
]
WRITES = PUBLIC_WRITES + _from_expectations()


class FailNthWrite:
    """An execute wrapper that counts write statements and raises at the n-th."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITE_VERBS):
            self.writes += 1
            if self.writes == self.fail_at:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def _send(client: APIClient, write: Write, world: World):
    body = write.body(world) if write.body else None
    return client.generic(
        write.method,
        write.path(world),
        data="" if body is None else json.dumps(body),
        content_type="application/json",
    )


def _state(world: World) -> tuple:
    rows = {k: v for k, v in personal_rows(world.owner).items() if not k.startswith("knox.")}
    return rows, table_counts()


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.label)
def test_an_interrupted_write_leaves_no_partial_rows(write):
    world = build_world()
    client = write.client(world)
    # Errors that reach Django's handler500 must come back as responses, as in production.
    client.raise_request_exception = False

    counter = FailNthWrite()
    with transaction.atomic(), connection.execute_wrapper(counter):
        completed = _send(client, write, world)
        transaction.set_rollback(True)
    assert completed.status_code < 400, completed.content[:300]
    if counter.writes == 0:
        pytest.skip("writes nothing")

    before = _state(world)
    for fail_at in range(1, counter.writes + 1):
        with connection.execute_wrapper(FailNthWrite(fail_at)):
            response = _send(client, write, world)

        assert response.status_code == 503, (fail_at, response.content[:300])
        assert response.json()["errors"][0]["code"] == "service_unavailable"
        assert _state(world) == before, f"rows changed when write {fail_at} failed"
