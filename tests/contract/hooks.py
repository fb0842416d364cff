"""Schemathesis hooks for the contract run (loaded through SCHEMATHESIS_HOOKS).

List filters read an empty query parameter (`?updated_since=`) as absent, as
django-filter does and as the API description says; the schema cannot express "a
date-time, or empty", so requests with an empty query value are not generated.
"""

from __future__ import annotations

import schemathesis


def _has_empty_value(query: dict | None) -> bool:
    if not query:
        return False
    for value in query.values():
        values = value if isinstance(value, list) else [value]
        # An empty object or list goes out as `?name=` too.
        if any(item in ("", None, {}, []) for item in values):
            return True
    return False


@schemathesis.hook
def filter_case(context, case) -> bool:
    return not _has_empty_value(case.query)
