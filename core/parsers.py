"""The JSON parser every API view uses.

orjson reads `"\\u0000"` as a NUL character, which PostgreSQL refuses in any text: a NUL
that reached a lookup or a filter ended as a 500. Refusing it while parsing covers
every field of every body at once, keys included, with the same 400 as malformed JSON
(paths and query strings are checked in `core.middleware`).
"""

from __future__ import annotations

from typing import Any

from drf_orjson_renderer.parsers import ORJSONParser
from rest_framework.exceptions import ParseError

NULL_CHARACTER_DETAIL = "A request may not contain a NUL character (%00)."


def contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


class JSONParser(ORJSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if contains_nul(data):
            raise ParseError(NULL_CHARACTER_DETAIL)
        return data
