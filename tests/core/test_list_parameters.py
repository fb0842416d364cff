"""List parameters say their bounds and choices in the schema, and the API holds to them:
`page` from 1, `page_size` 1 to 100, `ordering` only by the view's fields (a 400 for any
other term, never silently dropped), search `type` among the registered kinds, and
time zones among those a member may choose."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.validators import known_timezones
from tests.helpers import client_for, operation_parameters
from tests.strategies.factories import GuideFactory


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _parameter(openapi, path: str, name: str) -> dict:
    parameters = operation_parameters(openapi, openapi["paths"][path]["get"])
    return next((p for p in parameters if p["name"] == name), {})


def test_page_bounds_are_in_the_schema(openapi):
    for path, operation in openapi["paths"].items():
        parameters = {
            p["name"]: p["schema"] for p in operation_parameters(openapi, operation.get("get", {}))
        }
        if "page_size" in parameters:
            assert (
                parameters["page_size"] | {"minimum": 1, "maximum": 100} == parameters["page_size"]
            ), path
        if "page" in parameters:
            assert parameters["page"]["minimum"] == 1, path


def test_orderings_are_listed_in_the_schema(openapi):
    schema = _parameter(openapi, "/api/v1/guides/", "ordering")["schema"]
    assert schema["pattern"] == (
        "^-?(published_at|updated_at|title)(,-?(published_at|updated_at|title))*$"
    )
    # A list without ordering fields takes no `ordering` at all.
    assert _parameter(openapi, "/api/v1/me/devices/", "ordering") == {}


def test_search_types_and_time_zones_are_enumerated(openapi):
    items = _parameter(openapi, "/api/v1/search/", "type")["schema"]["items"]
    assert items["enum"] == ["event", "exercise", "guide", "person", "series", "strategy"]
    register = openapi["paths"]["/api/v1/auth/register/"]["post"]["requestBody"]["content"]
    ref = register["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    field = openapi["components"]["schemas"][ref]["properties"]["timezone"]
    # A named enum (`TimezoneEnum`), shared by every field that takes a time zone.
    if "enum" not in field:
        field = (field.get("allOf") or [field])[0]
        field = openapi["components"]["schemas"][field["$ref"].rsplit("/", 1)[1]]
    zones = field["enum"]
    assert zones == sorted(known_timezones())
    assert "Europe/Paris" in zones
    assert "US/Eastern" not in zones


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "status"),
    [
        ("title", 200),
        ("-published_at,title", 200),
        ("", 200),  # empty: the default order
        ("body_markdown", 400),  # a field, but not one to order by
        ("title,nope", 400),  # one bad term spoils the lot
        (" title", 400),  # no silent trimming either
        ("-", 400),
    ],
)
def test_ordering_takes_the_listed_terms_only(api_client, ordering, status):
    GuideFactory.create_batch(2)
    response = api_client.get("/api/v1/guides/", {"ordering": ordering})
    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["errors"][0]["attr"] == "ordering"


@pytest.mark.django_db
def test_an_ordering_where_none_is_offered_is_a_400(member):
    response = client_for(member).get("/api/v1/me/devices/", {"ordering": "created_at"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "ordering"


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "status"), [("1", 200), ("0", 404), ("last", 404)])
def test_page_numbers_start_at_one(api_client, page, status):
    GuideFactory.create_batch(2)
    assert api_client.get("/api/v1/guides/", {"page": page}).status_code == status


PERSONAL_LISTS = [
    "/api/v1/me/devices/",
    "/api/v1/me/saved/",
    "/api/v1/me/reminders/",
    "/api/v1/journal/entries/",
    "/api/v1/journal/commitments/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PERSONAL_LISTS)
def test_personal_lists_page_by_cursor_and_refuse_a_foreign_one(member, path):
    client = client_for(member)
    body = client.get(path).json()
    assert set(body) == {"next", "previous", "results"}, path
    response = client.get(path, {"cursor": "!!not-base64"})
    assert response.status_code == 400, path
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [("invalid", "cursor")]


def test_personal_lists_document_the_cursor_and_its_400(openapi):
    for path in PERSONAL_LISTS:
        assert _parameter(openapi, path, "cursor"), path
        assert _parameter(openapi, path, "page") == {}, path
        description = openapi["paths"][path]["get"]["responses"]["400"]["description"]
        assert "`cursor`: `invalid`" in description, path
