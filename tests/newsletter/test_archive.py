"""The public archive: sent editions only, the one reference shape, cached like every
public content, and a query count that does not grow with the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter.models import EditionStatus
from tests.events.factories import EventFactory
from tests.newsletter.factories import EditionFactory, due_edition, sent_edition
from tests.strategies.factories import ExerciseFactory, GuideFactory

URL = "/api/v1/newsletter/editions/"

pytestmark = pytest.mark.django_db


def test_only_sent_editions_are_listed_newest_first(api_client):
    now = timezone.now()
    older = sent_edition(sent_at=now - timedelta(days=14))
    newer = sent_edition(sent_at=now - timedelta(days=7))
    EditionFactory(status=EditionStatus.DRAFT)
    due_edition()

    response = api_client.get(URL)

    assert response.status_code == 200
    assert [e["slug"] for e in response.json()["results"]] == [newer.slug, older.slug]
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response["ETag"]


def test_the_detail_links_its_content_by_slug_title_and_url(api_client):
    exercises = [ExerciseFactory(title="Second"), ExerciseFactory(title="First")]
    guide = GuideFactory(title="The guide")
    event = EventFactory(title="Live")
    edition = sent_edition(exercises=exercises, guide=guide, event=event)

    body = api_client.get(f"{URL}{edition.slug}/").json()

    assert [e["title"] for e in body["exercises"]] == ["Second", "First"]
    assert set(body["exercises"][0]) == {"slug", "title", "url", "web_url"}
    assert body["exercises"][0]["url"].endswith(f"/api/v1/exercises/{exercises[0].slug}/")
    assert body["guide"]["url"].endswith(f"/api/v1/guides/{guide.slug}/")
    assert body["event"]["slug"] == event.slug
    assert "<em>one</em>" in body["intro_html"]


def test_an_edition_not_sent_yet_is_404(api_client):
    draft = EditionFactory(status=EditionStatus.DRAFT)
    due = due_edition()

    assert api_client.get(f"{URL}{draft.slug}/").status_code == 404
    assert api_client.get(f"{URL}{due.slug}/").status_code == 404
    assert api_client.get(f"{URL}no%20such/").status_code == 404


def test_a_304_for_an_unchanged_archive(api_client):
    sent_edition()
    first = api_client.get(URL)

    again = api_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_sending_an_edition_renews_the_archive(api_client):
    from newsletter import sending

    edition = due_edition()
    assert api_client.get(URL).json()["count"] == 0
    sending.edition_start(edition.pk)
    sending.edition_finish_if_done(edition.pk)

    assert api_client.get(URL).json()["count"] == 1


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_query_count_does_not_grow_with_the_page(
    api_client, django_assert_max_num_queries, page_size
):
    for _ in range(page_size):
        sent_edition()
    # The next-change lookups of the cache version, count, rows.
    with django_assert_max_num_queries(6):
        response = api_client.get(URL, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    with django_assert_max_num_queries(0):
        assert api_client.get(URL, {"page_size": page_size}).status_code == 200


@pytest.mark.parametrize("exercise_count", [1, 10])
def test_detail_query_count_does_not_grow_with_its_exercises(
    api_client, django_assert_max_num_queries, exercise_count
):
    edition = sent_edition(
        exercises=ExerciseFactory.create_batch(exercise_count),
        guide=GuideFactory(),
        event=EventFactory(),
    )
    # The cache version's lookups, the edition with guide and event, its exercises.
    with django_assert_max_num_queries(6):
        response = api_client.get(f"{URL}{edition.slug}/")
    assert len(response.json()["exercises"]) == exercise_count
