"""Anonymous public reads answered from the process's own memory in the first middleware
(core/fast_cache.py): at most a second behind the shared content version, never to a
caller with credentials or a preview, never past a scheduled instant, with the headers
the whole stack gave the first answer (CORS included).

In tests the shared cache is the database cache table, so an answer given without a
single query came from the process's memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from core.fast_cache import LOCAL
from core.http_cache import VERSION_KEY
from strategies.models import Guide
from tests.strategies.factories import GuideFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/guides/"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
ALLOWED = "http://localhost:5173"
OTHER = "https://evil.example"
KEPT_HEADERS = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Vary",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
)


def at(seconds: float):
    return time_machine.travel(T0 + timedelta(seconds=seconds), tick=False)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [guide["title"] for guide in response.json()["results"]]


def slugs(response) -> list[str]:
    return [guide["slug"] for guide in response.json()["results"]]


def written_elsewhere(guide: Guide, **changes: object) -> None:
    """What a write through another process looks like from here: the row changes and
    the shared content version is gone, and no signal runs in this process."""
    Guide.objects.filter(pk=guide.pk).update(**changes)
    cache.delete(VERSION_KEY)


@pytest.fixture
def guide(db):
    return GuideFactory(title="Before", slug="the-guide", published_at=T0 - timedelta(days=1))


def test_a_repeated_anonymous_read_is_answered_without_a_query(
    api_client, guide, django_assert_num_queries
):
    with at(0):
        first = api_client.get(URL)
        with django_assert_num_queries(0):
            again = api_client.get(URL)

    assert again.status_code == 200
    assert again.content == first.content
    for header in (*KEPT_HEADERS, "Cache-Control"):
        assert again[header] == first[header], header
    assert again["Cache-Control"].startswith("public, max-age=")


def test_a_write_elsewhere_is_served_within_a_second(api_client, guide):
    with at(0):
        first = api_client.get(URL)
        assert titles(first) == ["Before"]
    written_elsewhere(guide, title="After")

    with at(0.9):
        assert titles(api_client.get(URL)) == ["Before"], "within the bound: not asked yet"
    with at(1):
        response = api_client.get(URL)
        assert titles(response) == ["After"], "past the bound: never the old answer"
        assert response["ETag"] != first["ETag"]
        revalidated = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
        assert titles(revalidated) == ["After"]


def test_a_304_from_memory_is_never_given_past_the_bound(api_client, guide):
    with at(0):
        etag = api_client.get(URL)["ETag"]
        assert api_client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    written_elsewhere(guide, title="After")

    with at(1.5):
        response = api_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert titles(response) == ["After"]


def test_a_write_in_this_process_is_served_at_once(api_client, guide):
    with at(0):
        api_client.get(URL)
        api_client.get(URL)
        guide.title = "After"
        guide.save()
        assert titles(api_client.get(URL)) == ["After"]


def test_a_304_from_memory_keeps_the_headers_of_the_answer(
    api_client, guide, settings, django_assert_num_queries
):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]
    with at(0):
        first = api_client.get(URL, HTTP_ORIGIN=ALLOWED)
        with django_assert_num_queries(0):
            response = api_client.get(URL, HTTP_ORIGIN=ALLOWED, HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == 304
    assert response.content == b""
    for header in ("ETag", "Last-Modified", "Vary", "Cache-Control", "X-Frame-Options"):
        assert response[header] == first[header], header
    assert response["Access-Control-Allow-Origin"] == ALLOWED


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control")}


@pytest.mark.parametrize("origin", [ALLOWED, OTHER, None])
def test_cors_headers_from_memory_are_those_of_the_origin(
    api_client, guide, settings, origin, django_assert_num_queries
):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    with at(0):
        # Every origin asked first, each answered by the stack once, then from memory.
        for each in (ALLOWED, OTHER):
            api_client.get(URL, HTTP_ORIGIN=each)
        api_client.get(URL)
        with django_assert_num_queries(0):
            response = api_client.get(URL, **headers)

    assert response.status_code == 200
    if origin == ALLOWED:
        assert response["Access-Control-Allow-Origin"] == ALLOWED
        assert "ETag" in response["Access-Control-Expose-Headers"]
    else:
        assert cors_headers(response) == {}


def test_a_token_is_checked_even_when_the_answer_is_in_memory(api_client, guide):
    api_client.get(URL)
    api_client.get(URL)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get(URL).status_code == 401


def test_a_members_answer_is_never_kept_for_anyone(api_client, member_client, member, guide):
    assert member_client.get(URL)["Cache-Control"].startswith("private")
    assert member_client.get(URL)["Cache-Control"].startswith("private")
    signed_in = APIClient()
    signed_in.force_login(member)  # a session cookie, as in the admin
    assert signed_in.get(URL)["Cache-Control"].startswith("private")
    assert signed_in.get(URL)["Cache-Control"].startswith("private")

    anonymous = api_client.get(URL)
    assert anonymous["Cache-Control"].startswith("public")
    assert member_client.get(URL)["Cache-Control"].startswith("private")
    assert signed_in.get(URL)["Cache-Control"].startswith("private")


def test_a_preview_is_never_answered_from_memory(api_client, editor_client, guide):
    GuideFactory(slug="a-draft", status=Guide.Status.DRAFT)
    preview = f"{URL}?preview=true"
    for _ in range(2):
        assert "a-draft" in slugs(editor_client.get(preview))
        assert api_client.get(preview).status_code == 401
        assert "a-draft" not in slugs(api_client.get(URL))


def test_a_guide_scheduled_for_a_second_appears_on_that_second(
    api_client, guide, django_assert_num_queries
):
    GuideFactory(slug="later", published_at=T0 + timedelta(seconds=10))
    with at(9.5):
        assert slugs(api_client.get(URL)) == ["the-guide"]
        with django_assert_num_queries(0):
            assert slugs(api_client.get(URL)) == ["the-guide"]
    # Half a second after the last look at the version, but past the instant it ends.
    with at(10):
        assert "later" in slugs(api_client.get(URL))


def test_max_age_from_memory_counts_down_to_the_next_scheduled_change(
    api_client, guide, django_assert_num_queries
):
    GuideFactory(slug="later", published_at=T0 + timedelta(seconds=30))
    with at(0):
        assert api_client.get(URL)["Cache-Control"] == "public, max-age=30"
    with at(0.5), django_assert_num_queries(0):
        assert api_client.get(URL)["Cache-Control"] == "public, max-age=29"


def test_a_client_that_only_revalidates_gets_its_304s_from_memory(
    api_client, guide, django_assert_num_queries
):
    with at(0):
        etag = api_client.get(URL)["ETag"]
    LOCAL.clear()  # another process: it has only seen revalidations
    with at(0.2):
        assert api_client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
        with django_assert_num_queries(0):
            assert api_client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
        # Its body was never seen here: a plain GET is answered by the stack, in full.
        plain = api_client.get(URL)
    assert titles(plain) == ["Before"]
    assert plain["ETag"] == etag
