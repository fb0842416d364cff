"""Listing entries: newest first, stable cursor pages, filters, search, query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.journaling.factories import (
    CommitmentFactory,
    JournalEntryFactory,
    MemberTagFactory,
)
from tests.strategies.factories import StrategyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/journal/entries/"


def all_pages(client, url: str) -> list[dict]:
    results = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        results += response.json()["results"]
        url = response.json()["next"]
    return results


def test_newest_entry_date_first_then_newest_written(member_client, member):
    old = JournalEntryFactory(owner=member, entry_date=date(2025, 1, 1))
    first_today = JournalEntryFactory(owner=member, entry_date=date(2025, 1, 5))
    second_today = JournalEntryFactory(owner=member, entry_date=date(2025, 1, 5))
    middle = JournalEntryFactory(owner=member, entry_date=date(2025, 1, 3))
    ids = [row["id"] for row in member_client.get(URL).json()["results"]]
    assert ids == [str(e.pk) for e in (second_today, first_today, middle, old)]


def test_pages_are_stable_while_entries_are_added_and_removed(member_client, member):
    day = date(2025, 1, 1)
    # Many entries on few dates: the cursor must not depend on dates being unique.
    entries = [
        JournalEntryFactory(owner=member, entry_date=day + timedelta(days=n // 4))
        for n in range(25)
    ]
    expected = [
        str(e.pk)
        for e in sorted(entries, key=lambda e: (e.entry_date, e.created_at, e.pk), reverse=True)
    ]

    first = member_client.get(f"{URL}?page_size=10").json()
    assert [r["id"] for r in first["results"]] == expected[:10]
    # A new entry (newest of all) and a deletion on the next page happen in between.
    JournalEntryFactory(owner=member, entry_date=day + timedelta(days=30))
    member_client.delete(f"{URL}{expected[12]}/")

    rest = all_pages(member_client, first["next"])
    assert [r["id"] for r in rest] == [i for i in expected[10:] if i != expected[12]]


def test_previous_link_walks_back(member_client, member):
    JournalEntryFactory.create_batch(7, owner=member)
    first = member_client.get(f"{URL}?page_size=3").json()
    second = member_client.get(first["next"]).json()
    back = member_client.get(second["previous"]).json()
    assert back["results"] == first["results"]
    assert first["previous"] is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJrIjogWzFdLCAiciI6IDB9", "e30="])
def test_a_bad_cursor_is_a_400(member_client, cursor):
    response = member_client.get(f"{URL}?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "cursor"


@pytest.mark.parametrize("size", ["0", "101", "ten"])
def test_page_size_outside_1_to_100_is_a_400(member_client, size):
    assert member_client.get(f"{URL}?page_size={size}").status_code == 400


def ids_of(client, query: str) -> set[str]:
    return {row["id"] for row in all_pages(client, f"{URL}?{query}")}


def test_filters(member_client, member):
    strategy = StrategyFactory()
    tag = MemberTagFactory(owner=member, name="Sleep")
    commitment = CommitmentFactory(owner=member)
    a = JournalEntryFactory(owner=member, entry_date=date(2025, 2, 1), mood_before=2, mood_after=8)
    b = JournalEntryFactory(
        owner=member, entry_date=date(2025, 2, 10), strategy=strategy, tags=[tag]
    )
    c = JournalEntryFactory(
        owner=member, entry_date=date(2025, 2, 20), mood_before=6, commitment=commitment
    )

    assert ids_of(member_client, "date_from=2025-02-05") == {str(b.pk), str(c.pk)}
    assert ids_of(member_client, "date_to=2025-02-10") == {str(a.pk), str(b.pk)}
    assert ids_of(member_client, "date_from=2025-02-02&date_to=2025-02-19") == {str(b.pk)}
    assert ids_of(member_client, f"strategy={strategy.slug}") == {str(b.pk)}
    assert ids_of(member_client, "tag=sleep") == {str(b.pk)}
    assert ids_of(member_client, "mood_after_min=5") == {str(a.pk)}
    assert ids_of(member_client, "mood_before_min=3&mood_before_max=6") == {str(c.pk)}
    assert ids_of(member_client, "mood_before_max=2") == {str(a.pk)}
    assert ids_of(member_client, "has_commitment=true") == {str(c.pk)}
    assert ids_of(member_client, "has_commitment=false") == {str(a.pk), str(b.pk)}
    assert ids_of(member_client, "strategy=unknown") == set()


def test_a_repeated_filter_means_any_of_them(member_client, member, other_member):
    sleep, work = MemberTagFactory(owner=member, name="Sleep"), MemberTagFactory(owner=member)
    MemberTagFactory(owner=other_member, name="Sleep")  # someone else's: never matched
    both = JournalEntryFactory(owner=member, tags=[sleep, work])  # listed once
    only_work = JournalEntryFactory(owner=member, tags=[work])
    JournalEntryFactory(owner=member)
    first, second = StrategyFactory(), StrategyFactory()
    one = JournalEntryFactory(owner=member, strategy=first)
    two = JournalEntryFactory(owner=member, strategy=second)

    tags = f"tag=SLEEP&tag={work.name}"
    assert [row["id"] for row in all_pages(member_client, f"{URL}?{tags}")].count(str(both.pk)) == 1
    assert ids_of(member_client, tags) == {str(both.pk), str(only_work.pk)}
    strategies = f"strategy={first.slug}&strategy={second.slug}&strategy=unknown"
    assert ids_of(member_client, strategies) == {str(one.pk), str(two.pk)}
    assert ids_of(member_client, "tag=nothing&tag=none") == set()


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        ("date_from=2025-02-02&date_to=2025-02-01", "date_from"),
        ("mood_before_min=6&mood_before_max=3", "mood_before_min"),
        ("mood_after_min=9&mood_after_max=8", "mood_after_min"),
    ],
)
def test_a_lower_bound_past_its_upper_bound_is_a_400(member_client, query, attr):
    response = member_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["code"], error["attr"]) == ("reversed_range", attr)
    assert "after" in error["detail"]


def test_equal_bounds_are_fine(member_client, member):
    entry = JournalEntryFactory(owner=member, entry_date=date(2025, 2, 2), mood_before=4)
    assert ids_of(member_client, "date_from=2025-02-02&date_to=2025-02-02") == {str(entry.pk)}
    assert ids_of(member_client, "mood_before_min=4&mood_before_max=4") == {str(entry.pk)}


@pytest.mark.parametrize(
    "query",
    [
        "date_from=someday",
        "mood_after_min=11",
        "mood_before_max=-1",
        "has_commitment=maybe",
        "date_from=",
        "mood_after_min=",
        "has_commitment=",
        "mood_before_min=2.5",
        "mood_before_max=0.0",
        "mood_after_max=1e1",
    ],
)
def test_bad_filter_values_are_a_400(member_client, query):
    assert member_client.get(f"{URL}?{query}").status_code == 400


def test_full_text_search_over_own_entries(member_client, other_client, member, other_member):
    hit = JournalEntryFactory(owner=member, title="Running", body="I ran along the river.")
    JournalEntryFactory(owner=member, title="Reading", body="A quiet book at home.")
    JournalEntryFactory(owner=other_member, title="Running too", body="Rivers everywhere.")

    assert ids_of(member_client, "q=runs") == {str(hit.pk)}  # stemmed
    assert ids_of(member_client, "q=river -book") == {str(hit.pk)}
    assert ids_of(member_client, 'q="quiet book"') != {str(hit.pk)}
    assert ids_of(other_client, "q=running") == {
        str(e.pk) for e in other_member.journal_entries.all()
    }
    assert ids_of(member_client, "q=") == {str(e.pk) for e in member.journal_entries.all()}


@pytest.mark.parametrize("page_size", [10, 100])
def test_query_count_does_not_grow_with_page_size(
    member_client, member, django_assert_max_num_queries, page_size
):
    strategy = StrategyFactory()
    tags = [MemberTagFactory(owner=member) for _ in range(3)]
    JournalEntryFactory.create_batch(
        120, owner=member, strategy=strategy, tags=tags, commitment=CommitmentFactory(owner=member)
    )
    # Authentication: the token with its user, the member's tokens (knox); then the
    # entries with strategy and exercise joined, and their tags in one prefetch.
    with django_assert_max_num_queries(4):
        response = member_client.get(f"{URL}?page_size={page_size}")
    assert len(response.json()["results"]) == page_size
    next_page = response.json()["next"]
    with django_assert_max_num_queries(4):
        assert member_client.get(next_page).status_code == 200
    with django_assert_max_num_queries(4):
        member_client.get(f"{URL}?page_size={page_size}&tag={tags[0].name}&q=thoughts")
    repeated = f"tag={tags[0].name}&tag={tags[1].name}&strategy={strategy.slug}&strategy=x"
    with django_assert_max_num_queries(4):
        response = member_client.get(f"{URL}?page_size={page_size}&{repeated}")
    assert len(response.json()["results"]) == page_size
