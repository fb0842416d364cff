"""Entity tags, built and read in one place (RFC 9110 section 8.8.3, 13.1.1-2).

Views build an `ETag` with `quote_etag` (a version number) or `content_etag` (a body),
answer `If-None-Match` with `none_match`, and hand the tags of `If-Match` to a service
as plain values (`parse_entity_tags`): the domain layer compares versions, never reads
headers. Comparison is by value: `W/` and the quotes are dropped, so `3`, `"3"` and
`W/"3"` all name version 3.
"""

from __future__ import annotations

import hashlib

ANY = "*"


def parse_entity_tags(header: str | None) -> list[str] | None:
    """The tags of an `If-Match` or `If-None-Match` header, unquoted (`*` kept as is);
    None when there is no header or it names nothing, which means "no condition"."""
    if header is None:
        return None
    tags = [tag for raw in header.split(",") if (tag := raw.strip().removeprefix("W/").strip('"'))]
    return tags or None


def quote_etag(value: object) -> str:
    """The `ETag` header value for `value` (`3` -> `"3"`)."""
    return f'"{value}"'


def content_etag(body: bytes) -> str:
    """A strong `ETag` for a response body: a digest of its bytes."""
    return quote_etag(hashlib.blake2b(body, digest_size=16).hexdigest())


def matches(etag: str, tags: list[str] | None) -> bool:
    """Whether `etag` (as sent in `ETag`) is one of `tags` (as `parse_entity_tags`
    returns them), or `tags` holds `*`."""
    return tags is not None and (ANY in tags or etag.removeprefix("W/").strip('"') in tags)


def none_match(etag: str, if_none_match: str | None) -> bool:
    """True when a GET holding `If-None-Match: if_none_match` gets a 304 for `etag`."""
    return matches(etag, parse_entity_tags(if_none_match))
