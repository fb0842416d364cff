"""Drafts and guides scheduled for later are invisible to the public everywhere:
lists, details, search, related guides and counts. They appear when their time comes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

HIDDEN = ("draft-guide", "scheduled-guide")


def slugs(response, key="slug") -> list[str]:
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


def test_guide_list_shows_only_published_and_due(api_client, tree):
    assert sorted(slugs(api_client.get("/api/v1/guides/"))) == [
        "other-public-guide",
        "public-guide",
    ]
    assert api_client.get("/api/v1/guides/").json()["count"] == 2


@pytest.mark.parametrize("slug", HIDDEN)
def test_hidden_guide_detail_is_404(api_client, member_client, tree, slug):
    assert api_client.get(f"/api/v1/guides/{slug}/").status_code == 404
    assert member_client.get(f"/api/v1/guides/{slug}/").status_code == 404


@pytest.mark.parametrize("slug", HIDDEN)
def test_strategies_of_hidden_guides_are_hidden(api_client, tree, slug):
    listed = slugs(api_client.get("/api/v1/strategies/"))
    assert f"strategy-of-{slug}" not in listed
    assert api_client.get(f"/api/v1/strategies/strategy-of-{slug}/").status_code == 404


@pytest.mark.parametrize("slug", HIDDEN)
def test_exercises_and_prompts_of_hidden_guides_are_hidden(api_client, tree, slug):
    assert f"exercise-of-{slug}" not in slugs(api_client.get("/api/v1/exercises/"))
    assert api_client.get(f"/api/v1/exercises/exercise-of-{slug}/").status_code == 404
    prompts = api_client.get("/api/v1/prompts/").json()["results"]
    assert all(slug not in prompt["text"] for prompt in prompts)
    assert api_client.get("/api/v1/prompts/", {"guide": slug}).json()["count"] == 0


def test_related_guides_leave_out_hidden_ones(api_client, tree):
    detail = api_client.get("/api/v1/guides/public-guide/").json()
    assert [guide["slug"] for guide in detail["related_guides"]] == ["other-public-guide"]


def test_tag_counts_count_only_public_content(api_client, tree):
    tags = {tag["slug"]: tag for tag in api_client.get("/api/v1/tags/").json()["results"]}
    # The hidden guides also carry "therapy", and only they carry "unreleased".
    assert tags["therapy"]["guide_count"] == 1
    assert tags["therapy"]["strategy_count"] == 2
    assert "unreleased" not in tags
    assert api_client.get("/api/v1/tags/unreleased/").status_code == 404


def test_author_page_lists_only_public_guides(api_client, tree):
    author = tree["draft"].author
    page = api_client.get(f"/api/v1/people/{author.slug}/")
    assert page.status_code == 200
    assert page.json()["guides"] == []


def test_search_never_finds_hidden_content(api_client, tree):
    for path in ("/api/v1/guides/", "/api/v1/strategies/", "/api/v1/exercises/"):
        found = slugs(api_client.get(path, {"q": "guide strategy exercise or draft or scheduled"}))
        assert not any("draft" in slug or "scheduled" in slug for slug in found), path
    hits = api_client.get("/api/v1/search/", {"q": "draft or scheduled or guide"}).json()
    assert not any("draft" in hit["slug"] or "scheduled" in hit["slug"] for hit in hits["results"])
    assert hits["count"] >= 1  # the public guides do match "guide"


def test_filters_do_not_reveal_hidden_content(api_client, tree):
    assert api_client.get("/api/v1/strategies/", {"guide": "draft-guide"}).json()["count"] == 0
    assert api_client.get("/api/v1/guides/", {"tag": "unreleased"}).json()["count"] == 0


def test_scheduled_guide_appears_when_due_without_a_write(api_client, tree):
    scheduled = tree["scheduled"]
    # Warm the shared cache so the test proves the cached answer is renewed on time.
    assert "scheduled-guide" not in slugs(api_client.get("/api/v1/guides/"))
    with time_machine.travel(scheduled.published_at + timedelta(seconds=2), tick=False):
        assert "scheduled-guide" in slugs(api_client.get("/api/v1/guides/"))
        assert api_client.get("/api/v1/guides/scheduled-guide/").status_code == 200
        related = api_client.get("/api/v1/guides/public-guide/").json()["related_guides"]
        assert [guide["slug"] for guide in related] == ["other-public-guide", "scheduled-guide"]


def test_unpublishing_hides_a_guide_at_once(api_client, tree):
    assert api_client.get("/api/v1/guides/public-guide/").status_code == 200
    guide = tree["guide"]
    guide.status = guide.Status.DRAFT
    guide.save()
    assert api_client.get("/api/v1/guides/public-guide/").status_code == 404
    assert api_client.get("/api/v1/strategies/public-strategy-1/").status_code == 404


def test_published_in_the_future_by_one_second_is_still_hidden(api_client, tree):
    guide = tree["other"]
    guide.published_at = timezone.now() + timedelta(seconds=30)
    guide.save()
    assert api_client.get("/api/v1/guides/other-public-guide/").status_code == 404
