"""Entity tags are compared by value, whatever quoting or weakness a client sends."""

from __future__ import annotations

import pytest

from core.etags import content_etag, matches, none_match, parse_entity_tags, quote_etag


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        (None, None),
        ("", None),
        (" , ", None),
        ('"3"', ["3"]),
        ('W/"3", "4"', ["3", "4"]),
        ("3", ["3"]),
        ("*", ["*"]),
    ],
)
def test_parse_entity_tags(header, tags):
    assert parse_entity_tags(header) == tags


def test_quote_etag():
    assert quote_etag(3) == '"3"'


def test_content_etag_depends_on_the_bytes_only():
    assert content_etag(b"a") == content_etag(b"a") != content_etag(b"b")
    assert content_etag(b"a").startswith('"')


@pytest.mark.parametrize(
    ("if_none_match", "expected"),
    [
        (None, False),
        ("", False),
        ('"3"', True),
        ('W/"3"', True),
        ('"2", "3"', True),
        ('"4"', False),
        ("*", True),
    ],
)
def test_none_match(if_none_match, expected):
    assert none_match('"3"', if_none_match) is expected


def test_no_header_matches_nothing():
    assert not matches('"3"', None)
