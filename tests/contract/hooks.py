"""Schemathesis hooks for the contract run (loaded through SCHEMATHESIS_HOOKS).

The schema documents every bound and enumerated value (page sizes, orderings, search
types, time zones), so schemathesis judges generated requests by it, with exactly these
exceptions, each a rule a JSON schema cannot state and each shown by a test in
tests/contract/test_hooks.py:

Refusals of schema-valid requests (`positive_data_acceptance_with_reasons`): a 400 (410
for change tokens) whose every error is in `REFUSALS` for that operation, or in
`ANYWHERE`, passes; any other refusal of a valid request is a failure, as with
schemathesis' own positive-data check, which this one wraps. What they have in common:
the answer depends on data the schema cannot know (which password is right, which
tokens the server signed, which slugs exist, whether an event has started).

Cases not generated (`filter_case`):
- Negative cases with an empty or blank query value (`?updated_since=`, `?preview=+`):
  list filters and pagination read those as absent, as django-filter does and as the
  API description says, so the "invalid" request is rightly answered 200.
- Negative cases whose body has text with surrounding spaces: text is trimmed before
  its length is checked (DRF's `trim_whitespace`), so a string over `maxLength` only by
  its spaces is accepted; and positive cases with text of spaces alone, which trims to
  blank and is refused where a value is required.
- Query strings the server refuses by their total length: over MAX_QUERY_STRING_LENGTH
  (2,048) the API answers its JSON 414 (documented on every operation, but a schema
  bounds each parameter, not their sum), so no positive case is generated past it; and
  past gunicorn's 8,190-byte request line, gunicorn answers its own HTML 414 before
  Django sees the request, so no case at all.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

EMPTY = ("", None, {}, [])
# gunicorn's largest request line, less room for the method, path and protocol.
MAX_REQUEST_LINE_QUERY = 8190 - 300
# config.settings.MAX_QUERY_STRING_LENGTH, the contract server's default.
MAX_QUERY_STRING_LENGTH = 2048

WRONG_PASSWORD = ("wrong_password", "password")
# Django's password validators: too short, too common, entirely numeric, too similar to
# the email. A list of 20,000 common passwords is no schema's business.
WEAK_PASSWORD = ("invalid", "password")
WEAK_NEW_PASSWORD = ("invalid", "new_password")
# Signed tokens: only the server can make one that works.
BAD_TOKEN = ("invalid", "token")
EMPTY_ENTRY = ("empty_entry", "non_field_errors")
# A member's dates end at their today (in their time zone) plus a margin: the clock's
# call, as an event's start is. JSON Schema has no bound for a `date`.
ENTRY_DATE_RANGE = ("out_of_range", "entry_date")
DUE_DATE_RANGE = ("out_of_range", "due_date")

# Operation label -> the (code, attr) of errors that refuse a schema-valid request.
REFUSALS: dict[str, set[tuple[str, str | None]]] = {
    "POST /api/v1/auth/login/": {("invalid_credentials", "non_field_errors")},
    "POST /api/v1/auth/register/": {WEAK_PASSWORD},
    "POST /api/v1/auth/password-reset/confirm/": {BAD_TOKEN, WEAK_NEW_PASSWORD},
    "POST /api/v1/auth/verify-email/": {BAD_TOKEN},
    "POST /api/v1/me/password/": {WRONG_PASSWORD, WEAK_NEW_PASSWORD},
    "POST /api/v1/me/email/": {WRONG_PASSWORD},
    "POST /api/v1/me/delete/": {WRONG_PASSWORD},
    "POST /api/v1/newsletter/confirm/": {BAD_TOKEN},
    "POST /api/v1/newsletter/erase/": {BAD_TOKEN},
    # The token comes in the body or, for one-click unsubscribes, the query string:
    # one of two places, which OpenAPI cannot require.
    "POST /api/v1/newsletter/unsubscribe/": {BAD_TOKEN, ("required", "token")},
    # As for the newsletter: the token comes in the body or the query string.
    "POST /api/v1/comments/unsubscribe/": {BAD_TOKEN, ("required", "token")},
    # Words of spaces alone are blank once trimmed; JSON Schema cannot trim.
    "GET /api/v1/search/": {("blank", "q")},
    # Threads are named by the id of their first comment: whether one is published is
    # the database's business, like any reference.
    "PUT /api/v1/me/notifications/": {("invalid", "threads")},
    # Only a verified address may subscribe: the member's state, not the request's.
    "PUT /api/v1/me/newsletter/": {("email_unverified", "subscribed")},
    # Reminders are for events that have not started: the clock's call.
    "POST /api/v1/events/{slug}/reminders/": {("already_started", "event")},
    # (Entry and due dates: see ENTRY_DATE_RANGE, below with the journal's.)
    # A change token above the member's last change was never issued (410).
    "GET /api/v1/journal/changes/": {("change_token_unknown", None)},
    # Rules across fields, with blank text counting as absent: an entry needs a title,
    # a body or a mood (in what it ends up with, after a PATCH too); a commitment a
    # strategy or an exercise; a saved item exactly one target. JSON Schema's `anyOf`
    # and `oneOf` over `required` come close, but cannot see that "  " is no title, and
    # drf-spectacular derives neither from a serializer's `validate()`.
    "POST /api/v1/journal/entries/": {EMPTY_ENTRY, ENTRY_DATE_RANGE},
    "PUT /api/v1/journal/entries/{id}/": {EMPTY_ENTRY, ENTRY_DATE_RANGE},
    "PATCH /api/v1/journal/entries/{id}/": {EMPTY_ENTRY, ENTRY_DATE_RANGE},
    "POST /api/v1/journal/commitments/{id}/check-in/": {("out_of_range", "entry.entry_date")},
    "POST /api/v1/journal/commitments/": {("required", "non_field_errors"), DUE_DATE_RANGE},
    "PUT /api/v1/journal/commitments/{id}/": {("required", "non_field_errors"), DUE_DATE_RANGE},
    "PATCH /api/v1/journal/commitments/{id}/": {("required", "non_field_errors"), DUE_DATE_RANGE},
    "POST /api/v1/me/saved/": {("one_target", "non_field_errors")},
}
# Anywhere:
# - a reference (slug, id) to a row that does not exist. Which rows exist is the
#   database's business; the schema says only what a reference looks like.
# - a NUL character (`%00`, `\u0000`), refused wherever it appears (README, "Errors"): in
#   a schema-valid request this is the only `parse_error` there is, and saying it in the
#   schema would take a pattern on every string of every operation.
# - a lower bound past its upper bound (`date_from` after `date_to`, `starts_after` after
#   `starts_before`, a `_min` over its `_max`): JSON Schema bounds each parameter, never
#   one against another (core.filters.FilterSet).
ANYWHERE = {"does_not_exist", "parse_error", "reversed_range"}
# And anywhere, these (code, attr): a journal cursor other than one from a `next` or
# `previous` link (they are opaque, made by the server like tokens).
ANYWHERE_ERRORS = {("invalid", "cursor")}
REFUSAL_STATUSES = {400, 410}


def _errors(response) -> list[tuple[str, str | None]] | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return None
    return [(error.get("code"), error.get("attr")) for error in body["errors"]]


def refused_for_a_reason_outside_the_schema(label: str, status: int, errors) -> bool:
    """Whether a refusal of a schema-valid request is one the schema cannot foresee."""
    if status not in REFUSAL_STATUSES or not errors:
        return False
    allowed = REFUSALS.get(label, set())
    return all(
        error in allowed or error in ANYWHERE_ERRORS or error[0] in ANYWHERE for error in errors
    )


@schemathesis.check
def positive_data_acceptance_with_reasons(ctx, response, case):
    """schemathesis' positive-data check, except for the refusals in `REFUSALS`."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if refused_for_a_reason_outside_the_schema(
            case.operation.label, response.status_code, _errors(response)
        ):
            return None
        raise


def _is_empty(value: Any) -> bool:
    # An object in a query string goes out as `?name=` (whatever it holds), an empty
    # list too; and spaces alone are trimmed away.
    return (
        value in EMPTY or isinstance(value, dict) or (isinstance(value, str) and not value.strip())
    )


def has_empty_value(query: dict | None) -> bool:
    for value in (query or {}).values():
        if _is_empty(value) or (isinstance(value, list) and any(map(_is_empty, value))):
            return True
    return False


def _strings(body: Any):
    if isinstance(body, str):
        yield body
    elif isinstance(body, dict):
        for value in body.values():
            yield from _strings(value)
    elif isinstance(body, list):
        for value in body:
            yield from _strings(value)


def has_padded_text(body: Any) -> bool:
    return any(text != text.strip() for text in _strings(body))


def has_blank_text(body: Any) -> bool:
    return any(text and not text.strip() for text in _strings(body))


def query_length(query: dict | None) -> int:
    return len(urlencode(query or {}, doseq=True))


def _is_negative(case) -> bool:
    meta = getattr(case, "meta", None)
    generation = getattr(meta, "generation", None)
    mode = getattr(generation, "mode", None)
    return mode is not None and not mode.is_positive


@schemathesis.hook
def filter_case(context, case) -> bool:
    length = query_length(case.query)
    if length > MAX_REQUEST_LINE_QUERY:
        return False
    if _is_negative(case):
        return not (has_empty_value(case.query) or has_padded_text(case.body))
    return length <= MAX_QUERY_STRING_LENGTH and not has_blank_text(case.body)
