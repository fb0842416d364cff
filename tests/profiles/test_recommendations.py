"""`GET /api/v1/me/recommendations/`: members whose histories differ get different
lists, each item with its reason, in one query whatever the history.

The library: guide "Sleep well" (tag sleep) with strategies wind-down, no-screens and
same-hour, exercises under the first two, and a related guide "Rest"; guide "Work
calm" (tag work) with strategy one-task and its exercise; an upcoming event about
no-screens and one about one-task. The clock stands on Wednesday 4 March 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from journaling.models import Commitment
from profiles.models import Interest, SavedItem
from strategies.models import GuideRelation
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, ReminderFactory
from tests.journaling.factories import CommitmentFactory, JournalEntryFactory, MemberTagFactory
from tests.strategies.factories import (
    ExerciseFactory,
    GuideFactory,
    StrategyFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/recommendations/"
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()
MONDAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def library(db):
    sleep, work = TagFactory(name="Sleep", slug="sleep"), TagFactory(name="Work", slug="work")
    sleep_guide = GuideFactory(title="Sleep well", slug="sleep-well")
    sleep_guide.tags.add(sleep)
    rest = GuideFactory(title="Rest", slug="rest")
    GuideRelation.objects.create(from_guide=sleep_guide, to_guide=rest)
    wind_down, no_screens, same_hour = (
        StrategyFactory(guide=sleep_guide, slug=slug, title=slug.replace("-", " "), position=n)
        for n, slug in enumerate(["wind-down", "no-screens", "same-hour"])
    )
    ExerciseFactory(strategy=wind_down, slug="breathe")
    ExerciseFactory(strategy=no_screens, slug="phone-away")
    work_guide = GuideFactory(title="Work calm", slug="work-calm")
    work_guide.tags.add(work)
    one_task = StrategyFactory(guide=work_guide, slug="one-task")
    ExerciseFactory(strategy=one_task, slug="single-list")
    draft = GuideFactory(slug="draft", status="draft", published_at=None)
    draft.tags.add(sleep, work)
    StrategyFactory(guide=draft, slug="draft-strategy")
    EventFactory(slug="screens-talk", strategies=[no_screens])
    EventFactory(slug="focus-talk", strategies=[one_task])
    EventFactory(slug="long-ago", starts_at=NOW - timedelta(days=3))
    return {
        "wind_down": wind_down,
        "no_screens": no_screens,
        "same_hour": same_hour,
        "one_task": one_task,
        "sleep_guide": sleep_guide,
    }


def recommend(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return response.json()["results"]


def keyed(results):
    return {(item["type"], item["slug"]): item for item in results}


def slugs(results):
    return [item["slug"] for item in results]


def lift_entries(owner, strategy, *, before, after, count=3, start=TODAY - timedelta(days=20)):
    for n in range(count):
        JournalEntryFactory(
            owner=owner,
            strategy=strategy,
            mood_before=before,
            mood_after=after,
            entry_date=start + timedelta(days=n),
        )


def test_a_new_member_gets_popular_items(member_client, library):
    for _ in range(3):
        SavedItem.objects.create(owner=UserFactory(), strategy=library["one_task"])
    SavedItem.objects.create(owner=UserFactory(), guide=library["sleep_guide"])

    results = recommend(member_client, limit=50)

    assert {item["reason"]["reason"] for item in results} == {"popular"}
    assert results[0]["reason"] == {"reason": "popular"}
    assert slugs(results)[:2] == ["one-task", "sleep-well"]
    assert "draft-strategy" not in slugs(results)
    assert "draft" not in slugs(results)
    assert "long-ago" not in slugs(results)
    assert {"screens-talk", "focus-talk"} <= set(slugs(results))
    assert results[0]["url"].endswith("/api/v1/strategies/one-task/")


def test_interests_bring_their_topic_forward_and_change_with_it(member, member_client, library):
    Interest.objects.create(owner=member, tag=library["one_task"].guide.tags.get())
    work_first = recommend(member_client, limit=5)
    assert work_first[0]["reason"] == {
        "reason": "interest",
        "tag": {"name": "Work", "slug": "work"},
    }
    assert set(slugs(work_first)[:4]) == {"work-calm", "one-task", "single-list", "focus-talk"}

    member_client.put("/api/v1/me/interests/", {"tags": ["sleep"]}, format="json")
    sleep_first = recommend(member_client, limit=5)
    assert {item["reason"]["tag"]["slug"] for item in sleep_first} == {"sleep"}
    assert "one-task" not in slugs(sleep_first)


def test_mood_lift_brings_the_guides_neighbours_and_exercises(member, member_client, library):
    lift_entries(member, library["wind_down"], before=3, after=6)

    results = keyed(recommend(member_client, limit=50))

    breathe = results[("exercise", "breathe")]
    assert breathe["reason"]["reason"] == "mood_lift"
    assert breathe["reason"]["lift"] == 3.0
    assert breathe["reason"]["strategy"]["slug"] == "wind-down"
    assert breathe["reason"]["strategy"]["url"].endswith("/api/v1/strategies/wind-down/")
    for neighbour in [("strategy", "no-screens"), ("strategy", "same-hour"), ("guide", "rest")]:
        assert results[neighbour]["reason"]["reason"] == "mood_lift", neighbour
    # An event about a strategy of the same guide is a neighbour too.
    assert results[("event", "screens-talk")]["reason"]["reason"] == "mood_lift"
    assert results[("event", "focus-talk")]["reason"]["reason"] == "popular"
    top = recommend(member_client, limit=4)
    assert {item["reason"]["reason"] for item in top} == {"mood_lift"}


def test_a_strategy_that_did_not_help_brings_nothing(member, member_client, library):
    lift_entries(member, library["wind_down"], before=6, after=5)
    results = recommend(member_client, limit=50)
    assert "mood_lift" not in {item["reason"]["reason"] for item in results}


def test_the_lift_counts_entries_by_exercise_too(member, member_client, library):
    breathe = library["wind_down"].exercises.get()
    for n in range(2):
        JournalEntryFactory(
            owner=member,
            exercise=breathe,
            mood_before=2,
            mood_after=4,
            entry_date=TODAY - timedelta(days=10 + n),
        )
    results = keyed(recommend(member_client, limit=50))
    assert results[("strategy", "no-screens")]["reason"]["lift"] == 2.0


def scores(results):
    return {item["slug"]: item["score"] for item in results}


def test_one_done_this_week_goes_back(member, member_client, library):
    lift_entries(member, library["wind_down"], before=3, after=6)
    before = scores(recommend(member_client, limit=50))
    assert before["no-screens"] == before["same-hour"]

    JournalEntryFactory(owner=member, strategy=library["no_screens"], entry_date=MONDAY)
    after = recommend(member_client, limit=50)
    assert scores(after)["no-screens"] == pytest.approx(before["no-screens"] / 4, abs=0.01)
    assert slugs(after).index("no-screens") > slugs(after).index("same-hour")


def test_last_weeks_entry_does_not_push_it_back(member, member_client, library):
    lift_entries(member, library["wind_down"], before=3, after=6)
    JournalEntryFactory(
        owner=member, strategy=library["no_screens"], entry_date=MONDAY - timedelta(days=1)
    )
    after = scores(recommend(member_client, limit=50))
    assert after["no-screens"] == after["same-hour"]


def test_never_what_was_saved_finished_or_reminded(member, member_client, library):
    lift_entries(member, library["wind_down"], before=3, after=6)
    SavedItem.objects.create(owner=member, strategy=library["same_hour"])
    CommitmentFactory(
        owner=member,
        strategy=library["no_screens"],
        status=Commitment.Status.DONE,
        checked_in_at=NOW - timedelta(days=2),
        due_date=TODAY - timedelta(days=2),
    )
    CommitmentFactory(
        owner=member,
        exercise=library["one_task"].exercises.get(),
        status=Commitment.Status.DONE,
        checked_in_at=NOW - timedelta(days=30),
        due_date=TODAY - timedelta(days=30),
    )
    ReminderFactory(owner=member, event=EventFactory._meta.model.objects.get(slug="focus-talk"))

    listed = slugs(recommend(member_client, limit=50))

    assert "same-hour" not in listed  # saved
    assert "no-screens" not in listed  # kept a commitment two days ago
    assert "single-list" in listed  # kept a month ago: back in the list
    assert "focus-talk" not in listed  # reminder set
    assert "screens-talk" in listed


def test_saves_bring_their_neighbours(member, member_client, library):
    SavedItem.objects.create(owner=member, guide=library["sleep_guide"])
    results = keyed(recommend(member_client, limit=50))
    assert ("guide", "sleep-well") not in results
    reason = results[("strategy", "wind-down")]["reason"]
    assert reason["reason"] == "saved"
    assert reason["saved"]["type"] == "guide"
    assert reason["saved"]["slug"] == "sleep-well"
    assert reason["saved"]["url"].endswith("/api/v1/guides/sleep-well/")
    assert results[("guide", "rest")]["reason"]["reason"] == "saved"


def test_what_the_member_journals_about_counts(member, member_client, library):
    sleep_tag = MemberTagFactory(owner=member, name="SLEEP")
    for n in range(3):
        JournalEntryFactory(
            owner=member, entry_date=TODAY - timedelta(days=n + 8), tags=[sleep_tag]
        )
    results = recommend(member_client, limit=3)
    assert results[0]["reason"] == {
        "reason": "journaled",
        "tag": {"name": "Sleep", "slug": "sleep"},
    }


def test_one_members_history_does_not_steer_anothers(member, other_client, library):
    lift_entries(member, library["wind_down"], before=3, after=6)
    Interest.objects.create(owner=member, tag=library["sleep_guide"].tags.get())
    assert {item["reason"]["reason"] for item in recommend(other_client, limit=50)} == {"popular"}


@pytest.mark.parametrize("limit", ["0", "51", "x", "1.5"])
def test_bad_limits_are_400(member_client, limit):
    response = member_client.get(URL, {"limit": limit})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "limit"


def test_anonymous_gets_401(api_client):
    assert api_client.get(URL).status_code == 401


def test_the_cost_is_one_query_whatever_the_history(
    member, member_client, library, django_assert_num_queries
):
    # Authentication: the token with its user (knox; on its first two uses, before
    # accounts.token_cache keeps it); then the whole ranking in one statement
    # (profiles.recommendations).
    with django_assert_num_queries(2):
        assert len(recommend(member_client, limit=3)) == 3
    lift_entries(member, library["wind_down"], before=3, after=6, count=40)
    Interest.objects.create(owner=member, tag=library["sleep_guide"].tags.get())
    SavedItem.objects.create(owner=member, guide=library["sleep_guide"])
    with django_assert_num_queries(2):
        assert len(recommend(member_client, limit=50)) > 3


def test_recommendations_name_the_front_end_pages(member, member_client, library, settings):
    settings.WEB_URL_TEMPLATES = {
        "guide": "https://app.example/guides/{slug}",
        "strategy": "https://app.example/strategies/{slug}",
    }
    SavedItem.objects.create(owner=member, guide=library["sleep_guide"])

    item = keyed(recommend(member_client, limit=50))[("strategy", "wind-down")]

    assert item["web_url"] == "https://app.example/strategies/wind-down"
    assert item["reason"]["saved"]["web_url"] == "https://app.example/guides/sleep-well"
    settings.WEB_URL_TEMPLATES = {}
    assert keyed(recommend(member_client, limit=50))[("strategy", "wind-down")]["web_url"] is None
