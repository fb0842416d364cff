"""Conditional requests on public content: ETag and Last-Modified on every list and
detail, an empty 304 (no query, no rendering) when the client's copy is current."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import http_date

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/api/v1/guides/",
    "/api/v1/guides/public-guide/",
    "/api/v1/guides/public-guide/?include=strategies.body",
    "/api/v1/strategies/",
    "/api/v1/strategies/public-strategy-1/",
    "/api/v1/exercises/",
    "/api/v1/exercises/exercise-of-public-strategy-1/",
    "/api/v1/prompts/",
    "/api/v1/tags/",
    "/api/v1/tags/therapy/",
    "/api/v1/search/?q=guide",
    "/api/v1/help/",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_anonymous_reads_are_publicly_cacheable(api_client, tree, path):
    response = api_client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "Authorization" in response["Vary"]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_if_none_match_gives_an_empty_304_without_queries(
    api_client, tree, path, django_assert_num_queries
):
    etag = api_client.get(path)["ETag"]
    with django_assert_num_queries(0):
        response = api_client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_modified_since_gives_304_until_content_changes(api_client, tree):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        first = api_client.get("/api/v1/guides/")
        since = first["Last-Modified"]
        assert since == http_date(start.timestamp())
        assert api_client.get("/api/v1/guides/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304

    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        guide = tree["guide"]
        guide.summary = "A better summary."
        guide.save()
        changed = api_client.get("/api/v1/guides/", HTTP_IF_MODIFIED_SINCE=since)
        assert changed.status_code == 200
        assert changed["Last-Modified"] != since
        current = changed["Last-Modified"]
        assert api_client.get("/api/v1/guides/", HTTP_IF_MODIFIED_SINCE=current).status_code == 304


def test_a_content_change_invalidates_the_etag(api_client, tree):
    etag = api_client.get("/api/v1/guides/public-guide/")["ETag"]
    strategy = tree["strategies"][0]
    strategy.title = "Renamed"
    strategy.save()
    response = api_client.get("/api/v1/guides/public-guide/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["strategies"][0]["title"] == "Renamed"
    assert response["ETag"] != etag


def test_stale_etag_gets_the_full_answer(api_client, tree):
    response = api_client.get("/api/v1/guides/", HTTP_IF_NONE_MATCH='"stale"')
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_signed_in_reads_get_private_caching_and_304(member_client, tree):
    first = member_client.get("/api/v1/strategies/")
    assert first["Cache-Control"].startswith("private")
    again = member_client.get("/api/v1/strategies/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_second_anonymous_read_is_served_from_the_shared_cache(
    api_client, tree, django_assert_num_queries
):
    first = api_client.get("/api/v1/guides/public-guide/")
    with django_assert_num_queries(0):
        second = api_client.get("/api/v1/guides/public-guide/")
    assert second.content == first.content
