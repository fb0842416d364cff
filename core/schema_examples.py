"""Examples and response descriptions for the OpenAPI schema, derived from the schema
itself so no operation is left without them.

A spectacular postprocessing hook (`describe_and_exemplify`, after the error responses
are shared) gives:
- every component used as a success body or a request body an `example`, built from its
  properties: the field's own `example` or first `enum` value when it has one, else a
  plausible value for its name and format (`slug` -> `small-steps`, a `date-time` ->
  `2026-03-14T09:30:00Z`), within its length and range limits;
- every text body (`text/calendar`, `text/csv`, `text/markdown`) an example document;
- every response without a description one that says what comes back.
An example on the component serves every operation that returns or accepts it, and the
schema grows once per component, not once per operation.
"""

from __future__ import annotations

import re
from typing import Any

SCHEMA_PREFIX = "#/components/schemas/"
EXAMPLE_HOST = "https://breakthrough.example"
SLUG = "small-steps"
UUID = "3f2c9a1e-7b4d-4e8a-9c1f-5d6e7a8b9c0d"
DATE = "2026-03-14"
DATE_TIME = "2026-03-14T09:30:00Z"
# Values for string fields, by field name (or the end of it: `display_name` -> `name`).
NAMED_STRINGS = {
    "slug": SLUG,
    "title": "Small steps",
    "name": "Alex Morgan",
    "display_name": "Alex Morgan",
    "email": "alex@example.com",
    "new_email": "alex.new@example.com",
    "password": "a-long-passphrase-42",
    "new_password": "another-long-passphrase-43",
    "current_password": "a-long-passphrase-42",
    "token": "Zm9vYmFyLXRva2VuLTEyMzQ1Njc4",
    "next_token": "MjAyNi0wMy0xNFQwOTozMDowMFo",
    "since": "MjAyNi0wMy0xNFQwOTozMDowMFo",
    "time_zone": "Europe/Paris",
    "timezone": "Europe/Paris",
    "device": "Alex's phone",
    "summary": "Start with the smallest step you can take today.",
    "description": "A short walk through one strategy.",
    "body": "Write down the one thing you are putting off.",
    "body_html": "<p>Write down the one thing you are putting off.</p>",
    "text": "What is the smallest next step?",
    "note": "Done before lunch.",
    "detail": "Done.",
    "question": "What is the smallest next step?",
    "alt": "A path through a forest at dawn",
    "q": "habits",
    "subject": "This week: small steps",
    "location": "Online",
    "weekday_name": "Thursday",
}
# Tried in turn when a string field has a `pattern` its usual value does not match.
PATTERN_CANDIDATES = (SLUG, "09:30", "42", "abc", "A")
NAMED_URLS = {
    "url": f"{EXAMPLE_HOST}/api/v1/guides/{SLUG}/",
    "next": f"{EXAMPLE_HOST}/api/v1/guides/?page=3",
    "previous": f"{EXAMPLE_HOST}/api/v1/guides/?page=1",
}
FORMATS = {
    "date-time": DATE_TIME,
    "date": DATE,
    "time": "09:30:00",
    "uuid": UUID,
    "email": "alex@example.com",
    "uri": f"{EXAMPLE_HOST}/api/v1/guides/{SLUG}/",
    "duration": "P1D",
    "ipv4": "192.0.2.1",
    "decimal": "4.5",
}
TEXT_EXAMPLES = {
    "text/calendar": (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Breakthrough//Events//EN\r\n"
        "BEGIN:VEVENT\r\nUID:small-steps@breakthrough.example\r\nDTSTAMP:20260301T120000Z\r\n"
        "DTSTART:20260314T093000Z\r\nDTEND:20260314T103000Z\r\nSUMMARY:Small steps\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    # The journal export's columns (journaling.export.CSV_COLUMNS; a test keeps them equal).
    "text/csv": (
        "id,entry_date,title,body,strategy,exercise,prompt,event,commitment,tags,"
        "mood_before,mood_after,version,created_at,updated_at\r\n"
        "3f2b8c1e-4a6d-4e21-9b0f-6c7d8e9fa012,2026-03-14,Small steps,Done before lunch.,"
        "small-steps,,,,,,4,7,1,2026-03-14T12:00:00Z,2026-03-14T12:00:00Z\r\n"
    ),
    "text/markdown": "# Journal\n\n## 2026-03-14: Small steps\n\nDone before lunch.\n",
}
STATUS_DESCRIPTIONS = {
    "200": "OK.",
    "201": "Created; `Location` names the new record.",
    "202": "Accepted: the answer is the same whatever happens next, which goes on by email.",
    "204": "Done; no body.",
    "410": "Gone.",
}
MAX_DEPTH = 12


def describe_and_exemplify(result: dict, generator, request, public) -> dict:
    components = result.get("components", {}).get("schemas", {})
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            for media_type, content in body.items():
                _exemplify(content, media_type, components)
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    continue
                if not response.get("description"):
                    response["description"] = _describe(status, response, components)
                if status.startswith("2"):
                    for media_type, content in response.get("content", {}).items():
                        _exemplify(content, media_type, components)
    return result


def _exemplify(content: dict, media_type: str, components: dict) -> None:
    if "example" in content or "examples" in content:
        return
    schema = content.get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith(SCHEMA_PREFIX):
        component = components[ref.removeprefix(SCHEMA_PREFIX)]
        if "example" not in component:
            component["example"] = example_for(component, components)
    elif media_type in TEXT_EXAMPLES:
        content["example"] = TEXT_EXAMPLES[media_type]
    else:
        content["example"] = example_for(schema, components)


def _describe(status: str, response: dict, components: dict) -> str:
    content = response.get("content", {})
    text = [media for media in content if media.startswith("text/")]
    if status == "200" and text:
        return f"The document, as {' or '.join(f'`{media}`' for media in text)}."
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    name = ref.removeprefix(SCHEMA_PREFIX)
    if status == "200" and name.startswith("Paginated") and name.endswith("List"):
        noun = _words(name.removeprefix("Paginated").removesuffix("List"))
        return f"One page of {noun} items."
    if status == "200" and name:
        return f"The {_words(name)}."
    return STATUS_DESCRIPTIONS.get(status, "See the error format.")


def _words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def example_for(schema: dict, components: dict, name: str = "", depth: int = 0) -> Any:
    """A value that the schema accepts, plausible for a field called `name`."""
    schema = _resolve(schema, components)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        values = [value for value in schema["enum"] if value is not None]
        return values[0] if values else None
    for union in ("oneOf", "anyOf"):
        if schema.get(union):
            return example_for(schema[union][0], components, name, depth)
    if schema.get("allOf"):
        return _all_of_example(schema["allOf"], components, name, depth)
    kind = "object" if "properties" in schema else schema.get("type", "string")
    return TYPED_EXAMPLES.get(kind, _string_example)(schema, components, name, depth)


def _all_of_example(parts: list, components: dict, name: str, depth: int) -> Any:
    merged: dict = {}
    for part in parts:
        value = example_for(part, components, name, depth)
        if not isinstance(value, dict):
            return value
        merged.update(value)
    return merged


def _array_example(schema: dict, components: dict, name: str, depth: int) -> list:
    if depth >= MAX_DEPTH:
        return []
    item = example_for(schema.get("items", {}), components, _singular(name), depth + 1)
    return [item] * max(1, schema.get("minItems", 1))


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].removeprefix(SCHEMA_PREFIX)]
    return schema


def _object_example(schema: dict, components: dict, name: str, depth: int) -> dict:
    if depth >= MAX_DEPTH:
        return {}
    value = {
        field: example_for(spec, components, field, depth + 1)
        for field, spec in schema.get("properties", {}).items()
    }
    extra = schema.get("additionalProperties")
    if not value and isinstance(extra, dict):
        value = {"key": example_for(extra, components, "", depth + 1)}
    return value


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def _number_example(schema: dict, components: dict, name: str, depth: int) -> int | float:
    guess = 42 if name == "id" or name.endswith("_id") else 3
    if name in ("count", "page"):
        guess = 1 if name == "page" else 24
    low = schema.get("minimum")
    high = schema.get("maximum")
    if low is not None and guess < low:
        guess = low
    if high is not None and guess > high:
        guess = high
    return int(guess) if schema.get("type") == "integer" else float(guess)


def _string_example(schema: dict, components: dict, name: str, depth: int) -> str:
    fmt = schema.get("format")
    if fmt == "uri" and name in NAMED_URLS:
        value = NAMED_URLS[name]
    elif name in NAMED_STRINGS and fmt not in FORMATS:
        value = NAMED_STRINGS[name]
    elif fmt in FORMATS:
        value = FORMATS[fmt]
    elif name.endswith("_url") or name == "url":
        value = f"{EXAMPLE_HOST}/{SLUG}"
    elif (suffix := name.rsplit("_", 1)[-1]) in NAMED_STRINGS:
        value = NAMED_STRINGS[suffix]
    elif schema.get("pattern") == "^[-a-zA-Z0-9_]+$":
        value = SLUG
    else:
        value = "Small steps"
    if (pattern := schema.get("pattern")) and not re.search(pattern, value):
        value = next((c for c in PATTERN_CANDIDATES if re.search(pattern, c)), value)
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if len(value) < low:
        value = value + "x" * (low - len(value))
    if high is not None and len(value) > high:
        value = value[:high]
    return value


TYPED_EXAMPLES = {
    "object": _object_example,
    "array": _array_example,
    "boolean": lambda schema, components, name, depth: True,
    "integer": _number_example,
    "number": _number_example,
    "string": _string_example,
}
