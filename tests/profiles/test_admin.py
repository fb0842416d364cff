"""Editors see, per guide and strategy, how many members saved it and the mood lift
members recorded, as aggregates only; never a member, their words or their rows."""

from __future__ import annotations

import pytest

from profiles.admin import MIN_MEMBERS_FOR_AVERAGE
from profiles.models import Interest, SavedItem
from tests.accounts.factories import UserFactory
from tests.journaling.factories import JournalEntryFactory
from tests.strategies.factories import ExerciseFactory, GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db

GUIDES = "/admin/profiles/guideengagement/"
STRATEGIES = "/admin/profiles/strategyengagement/"


@pytest.fixture
def helped(db):
    guide = GuideFactory(title="Sleep well")
    strategy = StrategyFactory(guide=guide, title="Wind down")
    exercise = ExerciseFactory(strategy=strategy)
    members = [UserFactory(display_name=f"Secret name {n}") for n in range(MIN_MEMBERS_FOR_AVERAGE)]
    for n, member in enumerate(members):
        # Lifts of 1, 2 and 3: the average is +2.0.
        JournalEntryFactory(
            owner=member,
            strategy=strategy if n else None,
            exercise=None if n else exercise,
            mood_before=3,
            mood_after=4 + n,
            body=f"Private words {n}",
        )
        SavedItem.objects.create(owner=member, strategy=strategy)
    SavedItem.objects.create(owner=members[0], guide=guide)
    return {"guide": guide, "strategy": strategy, "members": members}


def row_of(page: str, title: str) -> str:
    start = page.index(title)
    return page[start : page.index("</tr>", start)]


def test_editors_see_saves_and_average_lift(admin_client, helped):
    page = admin_client.get(STRATEGIES).content.decode()
    row = row_of(page, "Wind down")
    assert ">3<" in row  # three members saved it
    assert "+2.0" in row
    guide_row = row_of(admin_client.get(GUIDES).content.decode(), "Sleep well")
    assert ">3<" in guide_row  # three members: one saved the guide and its strategy
    assert "+2.0" in guide_row


def test_no_average_from_too_few_members(admin_client, helped):
    helped["members"][0].delete()
    row = row_of(admin_client.get(STRATEGIES).content.decode(), "Wind down")
    assert f"fewer than {MIN_MEMBERS_FOR_AVERAGE} members" in row
    assert "+2.5" not in row


def test_no_member_is_named_or_reachable(admin_client, helped):
    for url in (GUIDES, STRATEGIES):
        page = admin_client.get(url).content.decode()
        assert "Secret name" not in page
        assert "Private words" not in page
        assert not any(member.email in page for member in helped["members"])
    pk = helped["strategy"].pk
    assert admin_client.get(f"{STRATEGIES}{pk}/change/").status_code == 404
    assert admin_client.get("/admin/profiles/saveditem/").status_code == 404
    assert admin_client.get("/admin/profiles/interest/").status_code == 404


def test_the_list_costs_the_same_for_many_rows(admin_client, helped, django_assert_max_num_queries):
    for _ in range(30):
        StrategyFactory(guide=helped["guide"])
    Interest.objects.all().delete()
    with django_assert_max_num_queries(12) as few:
        admin_client.get(STRATEGIES)
    for _ in range(60):
        StrategyFactory(guide=helped["guide"])
    with django_assert_max_num_queries(12) as many:
        admin_client.get(STRATEGIES)
    assert len(few.captured_queries) == len(many.captured_queries)
