"""Every date-time query parameter copes with instants PostgreSQL cannot take as sent.

Python accepts UTC offsets up to ±23:59, PostgreSQL up to ±15:59: an offset beyond that
must be converted (a 200), and an instant that leaves the calendar once in UTC refused
(a 400), never passed on to fail in the database (a 500). The parameters come from the
schema, so a new filter is covered when it lands.
"""

from __future__ import annotations

import pytest

from tests.security.routes import operations

pytestmark = pytest.mark.django_db

DATETIME_PARAMETERS = [
    (op, parameter["name"])
    for op in operations()
    if op.method == "GET" and not op.path_parameters
    for parameter in op.spec.get("parameters", [])
    if parameter["in"] == "query" and parameter.get("schema", {}).get("format") == "date-time"
]


def test_some_date_time_parameter_exists():
    assert DATETIME_PARAMETERS


@pytest.mark.parametrize(("operation", "name"), DATETIME_PARAMETERS, ids=str)
def test_a_far_offset_is_converted_not_a_500(member_client, operation, name):
    response = member_client.get(operation.url(), {name: "2025-03-04T05:06:07+18:06"})

    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize(("operation", "name"), DATETIME_PARAMETERS, ids=str)
def test_an_instant_outside_the_calendar_is_a_400(member_client, operation, name):
    response = member_client.get(operation.url(), {name: "0001-01-01T00:00:00+18:00"})

    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][0]["attr"] == name
