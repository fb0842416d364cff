"""Secrets stay out of the logs (issue 11 item 9).

Through a real gunicorn in the production configuration, in both log formats: the
private calendar feed's key (it is the whole credential of that URL) never appears,
neither in the access log nor in Django's own error lines, and the query string of a
private route (a member's journal search words) is dropped, while a public route keeps
its query string for whoever reads the log.

The database is unreachable on purpose: the lines that matter are written anyway (the
access line of every request, and Django's error line for each 503).
"""

from __future__ import annotations

import secrets

import pytest

from core.logs import loggable_path, loggable_query
from harness.server import UNUSED_DATABASE, Gunicorn, fetch, free_port, production_env
from tests.security.routes import private_operations

FEED_KEY = f"feedkey{secrets.token_hex(8)}"
SEARCH_WORDS = f"lonely{secrets.token_hex(4)}"
PUBLIC_TAG = f"publictag{secrets.token_hex(4)}"


@pytest.fixture(scope="module", params=["text", "json"])
def log_text(request, tmp_path_factory) -> str:
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = production_env(
        database=UNUSED_DATABASE, LOG_FORMAT=request.param, EMAIL_URL="dummymail://"
    )
    with Gunicorn(
        port=free_port(range(8142, 8145)), env=env, log_path=log, access_log=True
    ) as server:
        for path in (
            f"/api/v1/calendar/{FEED_KEY}.ics",
            f"/api/v1/calendar/{FEED_KEY}.ics?download=1",
            f"/api/v1/journal/entries/?search={SEARCH_WORDS}",
            f"/api/v1/me/?q={SEARCH_WORDS}",
            f"/api/v1/guides/?tag={PUBLIC_TAG}",
        ):
            fetch(f"{server.url}{path}")
    return log.read_text()


def test_the_calendar_feed_key_is_never_logged(log_text):
    assert "/api/v1/calendar/" in log_text, "the feed requests were logged"
    assert FEED_KEY not in log_text


def test_query_strings_of_private_routes_are_dropped(log_text):
    assert "/api/v1/journal/entries/" in log_text
    assert SEARCH_WORDS not in log_text


def test_public_query_strings_are_kept_in_json(log_text):
    if '"type": "access"' in log_text:
        assert PUBLIC_TAG in log_text


@pytest.mark.parametrize("operation", private_operations(), ids=str)
def test_every_private_route_loses_its_query_string(operation):
    path = operation.url()

    assert loggable_query(path, "search=secret") == ""


def test_the_feed_path_is_redacted_and_other_paths_are_not():
    assert FEED_KEY not in loggable_path(f"/api/v1/calendar/{FEED_KEY}.ics")
    assert loggable_path("/api/v1/guides/some-guide/") == "/api/v1/guides/some-guide/"
