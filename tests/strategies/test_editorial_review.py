"""Editorial review: a guide says who checked it, when, and against which sources (in
editor order); the public detail shows it, a new source reaches the public at once
despite the shared cache, and editors list the guides whose review is due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from strategies.models import GuideSource
from tests.strategies.factories import GuideFactory, PersonFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_guide():
    reviewer = PersonFactory(name="Dr Ada Reviewer", slug="ada")
    guide = GuideFactory(
        slug="reviewed",
        reviewed_by=reviewer,
        last_reviewed=date(2026, 11, 2),
        next_review_due=date(2027, 5, 2),
    )
    StrategyFactory(guide=guide)
    GuideSource.objects.create(guide=guide, position=2, title="Second", url="https://b.example")
    GuideSource.objects.create(guide=guide, position=1, title="First", url="https://a.example")
    return guide


def test_the_detail_shows_reviewer_date_and_sources_in_order(api_client, reviewed_guide):
    body = api_client.get("/api/v1/guides/reviewed/").json()
    assert body["reviewed_by"]["name"] == "Dr Ada Reviewer"
    assert body["reviewed_by"]["url"].endswith("/api/v1/people/ada/")
    assert body["last_reviewed"] == "2026-11-02"
    assert body["sources"] == [
        {"title": "First", "url": "https://a.example"},
        {"title": "Second", "url": "https://b.example"},
    ]
    assert "next_review_due" not in body  # an editorial detail, not the reader's


def test_an_unreviewed_guide_says_so(api_client):
    StrategyFactory(guide=GuideFactory(slug="plain"))
    body = api_client.get("/api/v1/guides/plain/").json()
    assert (body["reviewed_by"], body["last_reviewed"], body["sources"]) == (None, None, [])


def test_a_new_source_is_public_at_once_despite_the_cache(api_client, reviewed_guide):
    first = api_client.get("/api/v1/guides/reviewed/")
    assert first["Cache-Control"].startswith("public")
    GuideSource.objects.create(
        guide=reviewed_guide, position=3, title="Third", url="https://c.example"
    )
    again = api_client.get("/api/v1/guides/reviewed/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert [s["title"] for s in again.json()["sources"]] == ["First", "Second", "Third"]


def test_the_next_review_cannot_come_before_the_last():
    with pytest.raises(IntegrityError):
        GuideFactory(last_reviewed=date(2026, 5, 1), next_review_due=date(2026, 4, 1))


def test_editors_list_the_guides_whose_review_is_due(content_editor):
    today = timezone.localdate()
    reviewed = today - timedelta(days=365)
    for title, due_in in (("Overdue", -1), ("Due soon", 10), ("Fine", 200)):
        GuideFactory(
            title=f"{title} guide",
            last_reviewed=reviewed,
            next_review_due=today + timedelta(days=due_in),
        )
    GuideFactory(title="Never reviewed guide")
    client = Client()
    client.force_login(content_editor)

    def titles(query: str) -> set[str]:
        page = client.get(f"/admin/strategies/guide/?review={query}").content.decode()
        return {
            t for t in ("Overdue", "Due soon", "Fine", "Never reviewed") if f"{t} guide" in page
        }

    assert titles("due") == {"Overdue"}
    assert titles("soon") == {"Overdue", "Due soon"}
    assert titles("never") == {"Never reviewed"}
    page = client.get("/admin/strategies/guide/").content.decode()
    assert "review due" in page.lower()
