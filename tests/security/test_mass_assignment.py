"""Read-only and owner fields sent in a write body change nothing.

For every write operation the owner may perform (POST, PUT, PATCH in
`resources.EXPECTATIONS` with a body), the body is sent twice from the same starting
state: once as it is, once with every read-only field of the response schema set to a
value of our choosing, plus `owner`/`user` naming another member. Both must give the
owner the same answer, and none of our values may show up, in the answer or in the
database.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.db import transaction

from tests.helpers import client_for
from tests.security.resources import EXPECTATIONS, build_world, personal_rows
from tests.security.routes import Operation, private_operations, read_only_fields

pytestmark = pytest.mark.django_db

WRITES = [
    op
    for op in private_operations()
    if op.method in {"POST", "PUT", "PATCH"}
    and (expectation := EXPECTATIONS.get(str(op))) is not None
    and expectation.body is not None
    and read_only_fields(op)
]
OWNER_FIELDS = ("owner", "owner_id", "user", "user_id")


FORGED_BY_FORMAT = {
    "date-time": "2001-02-03T04:05:06Z",
    "date": "2001-02-03",
    "uuid": "00000000-0000-4000-8000-00000000abcd",
    "uri": "https://forged.example.com/",
}
FORGED_BY_TYPE = {"boolean": True, "integer": 987_654_321, "number": 9876.5}


def _forged(name: str, schema: dict[str, Any]) -> Any:
    """A value of the field's type that no real record has; None for objects and
    arrays, where there is nothing sensible to forge."""
    kind, fmt = schema.get("type"), schema.get("format")
    if kind in FORGED_BY_TYPE:
        return FORGED_BY_TYPE[kind]
    if kind == "string":
        return FORGED_BY_FORMAT.get(fmt, f"forged-{name}")
    return None


def _send(client, operation: Operation, params: dict[str, str], body: dict[str, Any]):
    return client.generic(
        operation.method,
        operation.url(**params),
        data=json.dumps(body),
        content_type="application/json",
    )


def _refused_unknown_fields(response) -> set[str]:
    """The fields a 400 refused as unknown, or nothing if it is not such a 400."""
    if response.status_code != 400:
        return set()
    errors = response.json()["errors"]
    if not all(error["code"] == "unknown_field" for error in errors):
        return set()
    return {error["detail"].split("`")[1] for error in errors}


def test_the_write_list_is_not_empty():
    assert WRITES, "no write operation with read-only fields was found in the schema"


@pytest.mark.parametrize("operation", WRITES, ids=str)
@time_machine.travel("2026-03-04 05:06:07Z", tick=False)
def test_read_only_and_owner_fields_are_ignored(operation):
    world = build_world()
    expectation = EXPECTATIONS[str(operation)]
    params = expectation.params(world) if expectation.params else {}
    body = expectation.body(world)
    forged = {
        name: value
        for name, schema in read_only_fields(operation).items()
        if (value := _forged(name, schema)) is not None
    }
    forged.update(dict.fromkeys(OWNER_FIELDS, world.other.pk))
    others_rows = personal_rows(world.other)
    client = client_for(world.owner)

    with transaction.atomic():
        baseline = _send(client, operation, params, body)
        transaction.set_rollback(True)
    response = _send(client, operation, params, {**body, **forged})
    if refused := _refused_unknown_fields(response):
        # Refusing a field it does not know (core.serializers) is as safe as ignoring
        # it; the read-only fields, which it knows, must still be ignored.
        assert refused <= set(OWNER_FIELDS), refused
        assert personal_rows(world.other) == others_rows, "a row changed hands"
        forged = {name: value for name, value in forged.items() if name not in refused}
        response = _send(client, operation, params, {**body, **forged})

    assert baseline.status_code == expectation.owner_status, baseline.content[:300]
    assert response.status_code == baseline.status_code, response.content[:300]
    answer, expected = response.json(), baseline.json()
    for name, value in forged.items():
        if name not in answer:
            continue
        if isinstance(value, bool):
            assert answer[name] == expected[name], name
        else:
            assert answer[name] != value, f"{name} took the forged value"
    assert personal_rows(world.other) == others_rows, "a row changed hands"
