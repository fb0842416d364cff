"""Every list of the profile API costs the same at any page size."""

from __future__ import annotations

import pytest

from profiles.models import SavedItem
from strategies.models import Strategy
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_saved_items_list_is_fixed_cost(
    member, member_client, bulk_content, django_assert_max_num_queries
):
    SavedItem.objects.bulk_create(
        SavedItem(owner=member, strategy=strategy)
        for strategy in Strategy.objects.published()[:110]
    )
    SavedItem.objects.bulk_create(SavedItem(owner=member, event=EventFactory()) for _ in range(5))
    # Authentication (token with user, the member's tokens), then one page of items with
    # every kind of target joined.
    with django_assert_max_num_queries(3) as small:
        response = member_client.get("/api/v1/me/saved/", {"page_size": 10})
    assert len(response.json()["results"]) == 10
    with django_assert_max_num_queries(3) as large:
        response = member_client.get("/api/v1/me/saved/", {"page_size": 100})
    assert len(response.json()["results"]) == 100
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.parametrize("limit", [3, 50])
def test_recommendations_are_fixed_cost(
    member, member_client, bulk_content, limit, django_assert_num_queries
):
    SavedItem.objects.bulk_create(
        SavedItem(owner=member, strategy=strategy) for strategy in Strategy.objects.published()[:20]
    )
    # Authentication (the token with its member: knox), then the ranking in one statement.
    with django_assert_num_queries(2):
        response = member_client.get("/api/v1/me/recommendations/", {"limit": limit})
    assert response.json()["count"] == limit


def test_lookup_is_one_query(member, member_client, bulk_content, django_assert_num_queries):
    strategies = list(Strategy.objects.published()[:30])
    SavedItem.objects.bulk_create(SavedItem(owner=member, strategy=s) for s in strategies)
    # Authentication (the token with its member), then the lookup.
    with django_assert_num_queries(2):
        response = member_client.get(
            "/api/v1/me/saved/lookup/",
            {"strategies": ",".join(s.slug for s in strategies), "guides": "a,b"},
        )
    assert len(response.json()["results"]) == 30
