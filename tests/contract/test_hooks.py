"""Why each exception of the contract run (tests/contract/hooks.py) is there: for every
refusal it excuses, a request the schema calls valid that the API still refuses, with
exactly that error; for every case it does not generate, what the API does with it.
A refusal the API stops giving, or one the table grew without a test, fails here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from jsonschema import Draft7Validator

from tests.accounts.factories import UserFactory
from tests.contract import hooks
from tests.events.factories import EventFactory
from tests.helpers import client_for, operation_parameters


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operation(openapi, label: str) -> dict:
    method, path = label.split(" ", 1)
    return openapi["paths"][path][method.lower()]


def assert_schema_valid(openapi, label: str, body: dict | None = None, query=None) -> None:
    """The request is one the schema admits: body and query parameters alike."""
    operation = _operation(openapi, label)
    if body is not None:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        validator = Draft7Validator({**schema, "components": openapi["components"]})
        assert not list(validator.iter_errors(body)), list(validator.iter_errors(body))
    parameters = {
        p["name"]: p for p in operation_parameters(openapi, operation) if p["in"] == "query"
    }
    for name, value in (query or {}).items():
        schema = parameters[name]["schema"]
        typed = int(value) if schema.get("type") == "integer" else value
        assert not list(Draft7Validator(schema).iter_errors(typed)), (name, value, schema)


def assert_schema_invalid(openapi, label: str, body: dict) -> None:
    """The body is one the schema refuses: a negative case, which the API must refuse."""
    operation = _operation(openapi, label)
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    validator = Draft7Validator({**schema, "components": openapi["components"]})
    assert list(validator.iter_errors(body)), body


def _errors(response) -> list[tuple[str, str | None]]:
    return [(error["code"], error["attr"]) for error in response.json()["errors"]]


def _member(**fields):
    return UserFactory(email="member@example.com", **fields)


STRONG = "a long and unusual passphrase 7"


# (label, how to send it) -> the refusal the API gives, which the table must excuse.
def _login(openapi, api_client):
    body = {"email": "nobody@example.com", "password": "not the password"}
    return body, api_client.post("/api/v1/auth/login/", body, format="json")


def _register(openapi, api_client):
    body = {"email": "new@example.com", "password": "12345678"}
    return body, api_client.post("/api/v1/auth/register/", body, format="json")


def _reset_confirm(openapi, api_client):
    body = {"token": "not-a-signed-token", "new_password": STRONG}
    return body, api_client.post("/api/v1/auth/password-reset/confirm/", body, format="json")


def _verify_email(openapi, api_client):
    body = {"token": "not-a-signed-token"}
    return body, api_client.post("/api/v1/auth/verify-email/", body, format="json")


def _password_change(openapi, api_client):
    body = {"password": "not the password", "new_password": STRONG}
    return body, client_for(_member()).post("/api/v1/me/password/", body, format="json")


def _email_change(openapi, api_client):
    body = {"password": "not the password", "email": "elsewhere@example.com"}
    return body, client_for(_member()).post("/api/v1/me/email/", body, format="json")


def _account_delete(openapi, api_client):
    body = {"password": "not the password"}
    return body, client_for(_member()).post("/api/v1/me/delete/", body, format="json")


def _newsletter_confirm(openapi, api_client):
    body = {"token": "not-a-signed-token"}
    return body, api_client.post("/api/v1/newsletter/confirm/", body, format="json")


def _newsletter_erase(openapi, api_client):
    body = {"token": "not-a-signed-token"}
    return body, api_client.post("/api/v1/newsletter/erase/", body, format="json")


def _newsletter_unsubscribe(openapi, api_client):
    # Neither in the body nor in the query string: the schema can require neither.
    body = {}
    return body, api_client.post("/api/v1/newsletter/unsubscribe/", body, format="json")


def _unsubscribe_token(openapi, api_client):
    body = {"token": "not-a-signed-token"}
    return body, api_client.post("/api/v1/newsletter/unsubscribe/", body, format="json")


def _comments_unsubscribe(openapi, api_client):
    body = {"token": "not-a-signed-token"}
    return body, api_client.post("/api/v1/comments/unsubscribe/", body, format="json")


def _comments_unsubscribe_without_token(openapi, api_client):
    return {}, api_client.post("/api/v1/comments/unsubscribe/", {}, format="json")


def _blank_search(openapi, api_client):
    return None, api_client.get("/api/v1/search/", {"q": "   "})


def _unknown_thread(openapi, api_client):
    body = {"reply_notices": True, "threads": ["3f2c9a1e-7b4d-4e8a-9c1f-5d6e7a8b9c0d"]}
    return body, client_for(_member()).put("/api/v1/me/notifications/", body, format="json")


def _member_newsletter(openapi, api_client):
    body = {"subscribed": True}
    member = _member(email_verified_at=None)
    return body, client_for(member).put("/api/v1/me/newsletter/", body, format="json")


def _reminder(openapi, api_client):
    event = EventFactory(slug="begun", starts_at=timezone.now() - timedelta(minutes=5))
    body = {"minutes_before": 15}
    return body, client_for(_member()).post(
        f"/api/v1/events/{event.slug}/reminders/", body, format="json"
    )


def _change_token(openapi, api_client):
    assert_schema_valid(openapi, "GET /api/v1/journal/changes/", query={"since": "999"})
    return None, client_for(_member()).get("/api/v1/journal/changes/?since=999")


def _empty_entry(openapi, api_client):
    body = {"title": "  "}
    return body, client_for(_member()).post("/api/v1/journal/entries/", body, format="json")


def _commitment_target(openapi, api_client):
    body = {"text": "Walk round the block."}
    return body, client_for(_member()).post("/api/v1/journal/commitments/", body, format="json")


def _entry_after_tomorrow(openapi, api_client):
    body = {"body": "Written ahead.", "entry_date": str(timezone.localdate() + timedelta(days=3))}
    return body, client_for(_member()).post("/api/v1/journal/entries/", body, format="json")


def _due_date_too_far(openapi, api_client):
    from tests.strategies.factories import ExerciseFactory

    body = {"exercise": ExerciseFactory().slug, "due_date": "2999-01-01"}
    return body, client_for(_member()).post("/api/v1/journal/commitments/", body, format="json")


def _check_in_entry_after_tomorrow(openapi, api_client):
    from tests.strategies.factories import ExerciseFactory

    client = client_for(_member())
    commitment = client.post(
        "/api/v1/journal/commitments/", {"exercise": ExerciseFactory().slug}, format="json"
    ).json()
    body = {"status": "done", "entry": {"body": "Kept.", "entry_date": "2999-01-01"}}
    return body, client.post(
        f"/api/v1/journal/commitments/{commitment['id']}/check-in/", body, format="json"
    )


def _saved_target(openapi, api_client):
    from tests.strategies.factories import GuideFactory, StrategyFactory

    body = {"guide": GuideFactory().slug, "strategy": StrategyFactory().slug}
    return body, client_for(_member()).post("/api/v1/me/saved/", body, format="json")


REFUSALS = [
    ("POST /api/v1/auth/login/", _login, 400, ("invalid_credentials", "non_field_errors")),
    ("POST /api/v1/auth/register/", _register, 400, hooks.WEAK_PASSWORD),
    ("POST /api/v1/auth/password-reset/confirm/", _reset_confirm, 400, hooks.BAD_TOKEN),
    ("POST /api/v1/auth/verify-email/", _verify_email, 400, hooks.BAD_TOKEN),
    ("POST /api/v1/me/password/", _password_change, 400, hooks.WRONG_PASSWORD),
    ("POST /api/v1/me/email/", _email_change, 400, hooks.WRONG_PASSWORD),
    ("POST /api/v1/me/delete/", _account_delete, 400, hooks.WRONG_PASSWORD),
    ("POST /api/v1/newsletter/confirm/", _newsletter_confirm, 400, hooks.BAD_TOKEN),
    ("POST /api/v1/newsletter/erase/", _newsletter_erase, 400, hooks.BAD_TOKEN),
    ("POST /api/v1/newsletter/unsubscribe/", _newsletter_unsubscribe, 400, ("required", "token")),
    ("POST /api/v1/newsletter/unsubscribe/", _unsubscribe_token, 400, hooks.BAD_TOKEN),
    ("POST /api/v1/comments/unsubscribe/", _comments_unsubscribe, 400, hooks.BAD_TOKEN),
    (
        "POST /api/v1/comments/unsubscribe/",
        _comments_unsubscribe_without_token,
        400,
        ("required", "token"),
    ),
    ("GET /api/v1/search/", _blank_search, 400, ("blank", "q")),
    ("PUT /api/v1/me/notifications/", _unknown_thread, 400, ("invalid", "threads")),
    ("PUT /api/v1/me/newsletter/", _member_newsletter, 400, ("email_unverified", "subscribed")),
    ("POST /api/v1/events/{slug}/reminders/", _reminder, 400, ("already_started", "event")),
    ("GET /api/v1/journal/changes/", _change_token, 410, ("change_token_unknown", None)),
    ("POST /api/v1/journal/entries/", _empty_entry, 400, hooks.EMPTY_ENTRY),
    ("POST /api/v1/journal/entries/", _entry_after_tomorrow, 400, hooks.ENTRY_DATE_RANGE),
    ("POST /api/v1/journal/commitments/", _due_date_too_far, 400, hooks.DUE_DATE_RANGE),
    (
        "POST /api/v1/journal/commitments/{id}/check-in/",
        _check_in_entry_after_tomorrow,
        400,
        ("out_of_range", "entry.entry_date"),
    ),
    (
        "POST /api/v1/journal/commitments/",
        _commitment_target,
        400,
        ("required", "non_field_errors"),
    ),
    ("POST /api/v1/me/saved/", _saved_target, 400, ("one_target", "non_field_errors")),
]
# Operations that refuse for the same reason as one above, through another method.
SAME_REASON = {
    ("POST /api/v1/auth/password-reset/confirm/", hooks.WEAK_NEW_PASSWORD),
    ("POST /api/v1/me/password/", hooks.WEAK_NEW_PASSWORD),
    ("PUT /api/v1/journal/entries/{id}/", hooks.EMPTY_ENTRY),
    ("PATCH /api/v1/journal/entries/{id}/", hooks.EMPTY_ENTRY),
    ("PUT /api/v1/journal/entries/{id}/", hooks.ENTRY_DATE_RANGE),
    ("PATCH /api/v1/journal/entries/{id}/", hooks.ENTRY_DATE_RANGE),
    ("PUT /api/v1/journal/commitments/{id}/", hooks.DUE_DATE_RANGE),
    ("PATCH /api/v1/journal/commitments/{id}/", hooks.DUE_DATE_RANGE),
    ("PUT /api/v1/journal/commitments/{id}/", ("required", "non_field_errors")),
    ("PATCH /api/v1/journal/commitments/{id}/", ("required", "non_field_errors")),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "send", "status", "error"),
    REFUSALS,
    ids=[f"{case[0]} {case[3][0]}" for case in REFUSALS],
)
def test_a_schema_valid_request_refused_for_a_reason_no_schema_states(  # noqa: PLR0917
    openapi, api_client, label, send, status, error
):
    body, response = send(openapi, api_client)
    if body is not None:
        assert_schema_valid(openapi, label, body)
    assert response.status_code == status, response.content
    assert error in _errors(response)
    assert hooks.refused_for_a_reason_outside_the_schema(label, status, _errors(response))


def test_every_excused_refusal_has_its_case():
    shown = {(label, error) for label, _, _, error in REFUSALS}
    excused = {(label, error) for label, errors in hooks.REFUSALS.items() for error in errors}
    assert excused - SAME_REASON == shown


@pytest.mark.django_db
def test_a_reference_to_a_row_that_does_not_exist_is_refused_anywhere(openapi):
    body = {"body": "Tried the breathing.", "strategy": "no-such-strategy"}
    assert_schema_valid(openapi, "POST /api/v1/journal/entries/", body)
    response = client_for(_member()).post("/api/v1/journal/entries/", body, format="json")
    assert response.status_code == 400
    assert _errors(response) == [("does_not_exist", "strategy")]
    assert hooks.refused_for_a_reason_outside_the_schema(
        "POST /api/v1/journal/entries/", 400, _errors(response)
    )


@pytest.mark.django_db
def test_a_nul_character_is_refused_anywhere(openapi, api_client):
    query = {"tag": ["calm\x00"]}
    assert_schema_valid(openapi, "GET /api/v1/guides/", query=query)
    response = api_client.get("/api/v1/guides/", query)
    assert response.status_code == 400
    assert _errors(response) == [("parse_error", None)]
    assert hooks.refused_for_a_reason_outside_the_schema(
        "GET /api/v1/guides/", 400, _errors(response)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "path", "query", "attr"),
    [
        (
            "GET /api/v1/journal/entries/",
            "/api/v1/journal/entries/",
            {"date_from": "2025-02-02", "date_to": "2025-02-01"},
            "date_from",
        ),
        (
            "GET /api/v1/journal/commitments/",
            "/api/v1/journal/commitments/",
            {"due_from": "2025-02-02", "due_to": "2025-02-01"},
            "due_from",
        ),
        (
            "GET /api/v1/events/",
            "/api/v1/events/",
            {"starts_after": "2025-02-02T00:00:00Z", "starts_before": "2025-02-01T00:00:00Z"},
            "starts_after",
        ),
    ],
)
def test_bounds_in_the_wrong_order_are_refused_anywhere(openapi, label, path, query, attr):
    assert_schema_valid(openapi, label, query=query)
    response = client_for(_member()).get(path, query)
    assert response.status_code == 400
    assert _errors(response) == [("reversed_range", attr)]
    assert hooks.refused_for_a_reason_outside_the_schema(label, 400, _errors(response))


@pytest.mark.django_db
def test_a_cursor_not_made_by_the_server_is_refused_anywhere(openapi):
    client = client_for(_member())
    query = {"cursor": "bm90IGEgY3Vyc29y"}
    assert_schema_valid(openapi, "GET /api/v1/journal/entries/", query=query)
    response = client.get("/api/v1/journal/entries/", query)
    assert response.status_code == 400
    assert _errors(response) == [("invalid", "cursor")]
    assert hooks.refused_for_a_reason_outside_the_schema(
        "GET /api/v1/journal/entries/", 400, _errors(response)
    )
    # An empty cursor is no cursor: the first page.
    assert client.get("/api/v1/journal/entries/", {"cursor": ""}).status_code == 200


@pytest.mark.django_db
def test_a_number_where_text_belongs_is_a_400():
    client = client_for(_member())
    response = client.patch("/api/v1/me/", {"display_name": 0}, format="json")
    assert response.status_code == 400
    assert _errors(response) == [("invalid", "display_name")]
    assert client.patch("/api/v1/me/", {"display_name": "0"}, format="json").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "path", "method", "field"),
    [
        ("PATCH /api/v1/me/", "/api/v1/me/", "patch", "display_name"),
        ("POST /api/v1/journal/entries/", "/api/v1/journal/entries/", "post", "title"),
    ],
)
@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x7f", "\x85", "\u009f"])
def test_a_control_character_in_one_line_text_is_outside_the_schema(  # noqa: PLR0917
    openapi, label, path, method, field, character
):
    """So the API's `control_characters` refusal needs no excuse: the schema's pattern
    rules such text out, and the API refuses what the schema rules out."""
    client = client_for(_member())
    text = f"Small{character}steps"
    assert_schema_invalid(openapi, label, {field: text})
    response = getattr(client, method)(path, {field: text}, format="json")
    assert response.status_code == 400, response.content
    assert _errors(response) == [("control_characters", field)]
    assert_schema_valid(openapi, label, {field: "Small steps, ünïcode — fine"})
    response = getattr(client, method)(path, {field: "Small steps, ünïcode — fine"}, format="json")
    assert response.status_code in {200, 201}, response.content


@pytest.mark.django_db
def test_a_field_the_body_does_not_take_is_outside_the_schema(openapi):
    """`PUT /me/interests/` refuses a field it does not know (`unknown_field`): its
    request schema allows no other property, so no valid case names one."""
    body = {"tags": [], "colour": "blue"}
    assert_schema_invalid(openapi, "PUT /api/v1/me/interests/", body)
    client = client_for(_member())
    response = client.put("/api/v1/me/interests/", body, format="json")
    assert response.status_code == 400
    assert _errors(response) == [("unknown_field", "non_field_errors")]
    assert_schema_valid(openapi, "PUT /api/v1/me/interests/", {"tags": []})
    assert client.put("/api/v1/me/interests/", {"tags": []}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("label", "status", "errors"),
    [
        # Any other refusal of a valid request stays a failure...
        ("POST /api/v1/auth/login/", 400, [("invalid", "email")]),
        # ...as does an excused error next to one that is not...
        ("POST /api/v1/me/password/", 400, [hooks.WRONG_PASSWORD, ("invalid", "password")]),
        # ...an excused error on another operation...
        ("POST /api/v1/journal/entries/", 400, [hooks.WRONG_PASSWORD]),
        # ...and an excused error under a status other than a refusal.
        ("POST /api/v1/auth/login/", 500, [("invalid_credentials", "non_field_errors")]),
        ("GET /api/v1/guides/", 400, []),
    ],
)
def test_only_the_listed_refusals_are_excused(label, status, errors):
    assert not hooks.refused_for_a_reason_outside_the_schema(label, status, errors)


# --- cases not generated ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_or_blank_filter_is_read_as_absent(api_client):
    """So a negative case made of `?updated_since=` is rightly answered 200."""
    for query in ("updated_since=", "page_size=", "ordering=", "preview=+", "tag=%20"):
        assert api_client.get(f"/api/v1/guides/?{query}").status_code == 200, query
    assert hooks.has_empty_value({"updated_since": ""})
    assert hooks.has_empty_value({"preview": " "})
    assert not hooks.has_empty_value({"page_size": 5, "q": "calm"})


@pytest.mark.django_db
def test_text_is_trimmed_before_its_length_is_checked(openapi):
    from tests.strategies.factories import ExerciseFactory

    client = client_for(_member())
    exercise = ExerciseFactory().slug
    limit = _operation(openapi, "POST /api/v1/journal/commitments/")["requestBody"]["content"][
        "application/json"
    ]["schema"]["$ref"].rsplit("/", 1)[1]
    max_length = openapi["components"]["schemas"][limit]["properties"]["text"]["maxLength"]
    padded = f"  {'x' * max_length}  "  # over maxLength by its spaces only: accepted
    response = client.post(
        "/api/v1/journal/commitments/", {"text": padded, "exercise": exercise}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["text"] == "x" * max_length
    # Spaces alone trim to nothing: refused where text is required.
    response = client.post(
        "/api/v1/journal/commitments/", {"text": "   ", "exercise": exercise}, format="json"
    )
    assert response.status_code == 400
    assert hooks.has_padded_text({"text": padded})
    assert hooks.has_blank_text({"nested": ["   "]})
    assert not hooks.has_blank_text({"text": " a "})


@pytest.mark.django_db
def test_a_query_string_over_the_cap_is_414_though_each_value_fits(openapi, settings):
    assert settings.MAX_QUERY_STRING_LENGTH == hooks.MAX_QUERY_STRING_LENGTH
    query = {"guides": "g" * 1500, "strategies": "s" * 1500}
    assert_schema_valid(openapi, "GET /api/v1/me/saved/lookup/", query=query)
    assert hooks.query_length(query) > hooks.MAX_QUERY_STRING_LENGTH
    response = client_for(_member()).get("/api/v1/me/saved/lookup/", query)
    assert response.status_code == 414
