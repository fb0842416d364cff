"""Schemathesis hooks for the contract run (loaded through SCHEMATHESIS_HOOKS).

Two rules of the API that a JSON schema cannot express, so the run does not generate
requests that only they would judge:
- List filters read an empty or blank query parameter (`?updated_since=`, `?preview=+`)
  as absent, as django-filter does and as the API description says.
- Text fields are trimmed before their length is checked (DRF's `trim_whitespace`), so
  a string over `maxLength` only by its surrounding spaces is accepted.
And one limit outside the application: gunicorn refuses a request line over 8,190 bytes
with its own HTML 414 before Django sees it (up to that, the API's JSON 414 answers any
query string over MAX_QUERY_STRING_LENGTH), so no such request is generated.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import schemathesis

EMPTY = ("", None, {}, [])
# gunicorn's largest request line, less room for the method, path and protocol.
MAX_QUERY_BYTES = 8190 - 300


def _is_empty(value: Any) -> bool:
    # An object in a query string goes out as `?name=` (whatever it holds), an empty
    # list too; and spaces alone are trimmed away.
    return (
        value in EMPTY or isinstance(value, dict) or (isinstance(value, str) and not value.strip())
    )


def _has_empty_value(query: dict | None) -> bool:
    for value in (query or {}).values():
        if _is_empty(value) or (isinstance(value, list) and any(map(_is_empty, value))):
            return True
    return False


def _has_padded_text(body: Any) -> bool:
    if isinstance(body, str):
        return body != body.strip()
    if isinstance(body, dict):
        return any(_has_padded_text(value) for value in body.values())
    if isinstance(body, list):
        return any(_has_padded_text(value) for value in body)
    return False


def _too_long_for_gunicorn(query: dict | None) -> bool:
    return len(urlencode(query or {}, doseq=True)) > MAX_QUERY_BYTES


@schemathesis.hook
def filter_case(context, case) -> bool:
    return not (
        _has_empty_value(case.query)
        or _has_padded_text(case.body)
        or _too_long_for_gunicorn(case.query)
    )
