"""`GET /api/v1/events/`: when=, filters, ordering, pagination, query counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from events.models import EventStatus
from tests.events.factories import EventFactory, SeriesFactory
from tests.strategies.factories import GuideFactory, PersonFactory, StrategyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"
START = datetime(2025, 6, 4, 0, 30, tzinfo=UTC)
END = START + timedelta(hours=1)


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def talk():
    return EventFactory(slug="talk", starts_at=START, ends_at=END)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (START - timedelta(microseconds=1), (["talk"], [], [])),
        (START, ([], ["talk"], [])),
        (END - timedelta(microseconds=1), ([], ["talk"], [])),
        (END, ([], [], ["talk"])),
    ],
    ids=["just-before-start", "at-start", "just-before-end", "at-end"],
)
def test_when_filters_switch_at_the_exact_start_and_end(api_client, talk, moment, expected):
    upcoming, live, past = expected
    with time_machine.travel(moment, tick=False):
        assert slugs(api_client.get(URL, {"when": "upcoming"})) == upcoming
        assert slugs(api_client.get(URL, {"when": "live"})) == live
        assert slugs(api_client.get(URL, {"when": "past"})) == past
        detail = api_client.get(f"{URL}talk/").json()
        assert detail["is_live"] is bool(live)
        assert detail["phase"] == ("upcoming" if upcoming else "live" if live else "past")


def test_a_cancelled_event_during_its_slot_is_past_not_live(api_client):
    EventFactory(slug="off", starts_at=START, ends_at=END, status=EventStatus.CANCELLED)
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        assert slugs(api_client.get(URL, {"when": "live"})) == []
        assert slugs(api_client.get(URL, {"when": "past"})) == ["off"]
        assert api_client.get(f"{URL}off/").json()["is_live"] is False


def test_upcoming_is_soonest_first_and_past_latest_first(api_client):
    now = datetime(2025, 6, 1, tzinfo=UTC)
    for days in (3, 1, 2, -1, -3, -2):
        start = now + timedelta(days=days)
        EventFactory(slug=f"d{days}", starts_at=start, ends_at=start + timedelta(hours=1))
    with time_machine.travel(now, tick=False):
        assert slugs(api_client.get(URL, {"when": "upcoming"})) == ["d1", "d2", "d3"]
        assert slugs(api_client.get(URL, {"when": "past"})) == ["d-1", "d-2", "d-3"]
        assert slugs(api_client.get(URL))[:2] == ["d-3", "d-2"]
        assert slugs(api_client.get(URL, {"when": "upcoming", "ordering": "-starts_at"})) == [
            "d3",
            "d2",
            "d1",
        ]


def test_ties_on_start_are_broken_by_id_so_pages_never_overlap(api_client):
    for n in range(5):
        EventFactory(slug=f"same-{n}", starts_at=START, ends_at=END)
    first = slugs(api_client.get(URL, {"page_size": 2, "ordering": "starts_at"}))
    second = slugs(api_client.get(URL, {"page_size": 2, "page": 2, "ordering": "starts_at"}))
    third = slugs(api_client.get(URL, {"page_size": 2, "page": 3, "ordering": "starts_at"}))
    assert first + second + third == [f"same-{n}" for n in range(5)]


def test_filters_by_series_guide_strategy_host_status_and_dates(api_client):
    series = SeriesFactory(slug="weekly")
    guide = GuideFactory(slug="stuck")
    strategy = StrategyFactory(slug="act", guide=guide)
    host = PersonFactory(slug="host")
    EventFactory(
        slug="linked",
        series=series,
        guides=[guide],
        strategies=[strategy],
        hosts=[host],
        starts_at=START,
        ends_at=END,
    )
    EventFactory(slug="other", status=EventStatus.POSTPONED, starts_at=START + timedelta(days=10))
    assert slugs(api_client.get(URL, {"series": "weekly"})) == ["linked"]
    assert slugs(api_client.get(URL, {"guide": "stuck"})) == ["linked"]
    assert slugs(api_client.get(URL, {"strategy": "act"})) == ["linked"]
    assert slugs(api_client.get(URL, {"host": "host"})) == ["linked"]
    assert slugs(api_client.get(URL, {"status": "postponed"})) == ["other"]
    window = {"starts_after": "2025-06-04T00:30:00Z", "starts_before": "2025-06-05T00:00:00Z"}
    assert slugs(api_client.get(URL, window)) == ["linked"]
    assert slugs(api_client.get(URL, {"starts_after": "2025-06-05T00:00:00+02:00"})) == ["other"]
    assert slugs(api_client.get(URL, {"series": "nope"})) == []


def test_a_repeated_filter_means_any_of_them(api_client):
    weekly, monthly = SeriesFactory(slug="weekly"), SeriesFactory(slug="monthly")
    ada, bo = PersonFactory(slug="ada"), PersonFactory(slug="bo")
    # Hosted by both: it must still come once when both hosts are asked for.
    EventFactory(slug="both", series=weekly, hosts=[ada, bo], starts_at=START, ends_at=END)
    later = START + timedelta(days=1)
    EventFactory(
        slug="monthly", series=monthly, starts_at=later, ends_at=later + timedelta(hours=1)
    )
    EventFactory(
        slug="off",
        status=EventStatus.CANCELLED,
        starts_at=START + timedelta(days=2),
        ends_at=START + timedelta(days=2, hours=1),
    )
    assert slugs(api_client.get(URL, {"series": ["weekly", "monthly"]})) == ["both", "monthly"]
    response = api_client.get(URL, {"host": ["ada", "bo"]})
    assert slugs(response) == ["both"]
    assert response.json()["count"] == 1
    statuses = {"status": ["scheduled", "cancelled"]}
    assert slugs(api_client.get(URL, statuses)) == ["both", "monthly", "off"]
    assert slugs(api_client.get(URL, {"series": ["nope", "monthly"]})) == ["monthly"]
    # An unknown status is a 400, as it is alone; an unknown slug matches nothing.
    response = api_client.get(URL, {"status": ["scheduled", "maybe"]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "status"


@pytest.mark.parametrize(
    ("after", "before", "status"),
    [
        ("2025-06-05T00:00:00Z", "2025-06-04T00:00:00Z", 400),
        ("2025-06-04T00:00:00Z", "2025-06-04T00:00:00Z", 200),  # equal: fine
        ("2025-06-04T00:00:00+02:00", "2025-06-04T00:00:00Z", 200),  # earlier, in UTC
    ],
)
def test_starts_after_past_starts_before_is_a_400(api_client, after, before, status):
    response = api_client.get(URL, {"starts_after": after, "starts_before": before})
    assert response.status_code == status, response.content
    if status == 400:
        (error,) = response.json()["errors"]
        assert (error["code"], error["attr"]) == ("reversed_range", "starts_after")


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"when": "soon"}, "when"),
        ({"status": "maybe"}, "status"),
        ({"starts_after": "tuesday"}, "starts_after"),
        ({"page_size": "0"}, "page_size"),
        ({"ordering": "password"}, "ordering"),  # only the listed fields (core.filters)
    ],
)
def test_bad_parameters_are_a_clear_400(api_client, params, attr):
    EventFactory()
    response = api_client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == attr


def test_list_rows_carry_utc_and_local_times_and_hosts(api_client):
    host = PersonFactory(slug="rabbi", name="A Host")
    EventFactory(slug="talk", starts_at=START, ends_at=END, hosts=[host])
    (row,) = api_client.get(URL).json()["results"]
    assert row["starts_at"] == "2025-06-04T00:30:00Z"
    assert row["starts_at_local"] == "2025-06-03T20:30:00-04:00"
    assert row["ends_at_local"] == "2025-06-03T21:30:00-04:00"
    assert row["duration_minutes"] == 60
    assert row["timezone"] == "America/New_York"
    assert row["status_schema_org"] == "https://schema.org/EventScheduled"
    assert row["hosts"] == [
        {
            "slug": "rabbi",
            "name": "A Host",
            "url": "http://testserver/api/v1/people/rabbi/",
            "web_url": None,
            "photo": None,
        }
    ]
    assert row["image"] is None
    assert row["url"] == "http://testserver/api/v1/events/talk/"


def test_the_recording_replaces_the_stream_once_set(api_client):
    EventFactory(slug="talk", recording_url="https://live.example.org/rec")
    row = api_client.get(f"{URL}talk/").json()
    assert row["watch_url"] == "https://live.example.org/rec"
    assert row["stream_url"] == "https://live.example.org/stream"


@pytest.mark.parametrize("page_size", [10, 100])
def test_list_query_count_does_not_grow_with_the_page(
    api_client, django_assert_max_num_queries, page_size
):
    series = SeriesFactory()
    hosts = PersonFactory.create_batch(2)
    for n in range(page_size):
        start = START + timedelta(days=n)
        end = start + timedelta(hours=1)
        EventFactory(series=series, hosts=hosts, starts_at=start, ends_at=end)
    # The next-change lookup of the cache (3), count, rows with series, hosts.
    with django_assert_max_num_queries(6):
        response = api_client.get(URL, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    # Served from the shared cache the second time: no query at all.
    with django_assert_max_num_queries(0):
        assert api_client.get(URL, {"page_size": page_size}).status_code == 200
    with django_assert_max_num_queries(3):
        response = api_client.get(f"{URL}upcoming/", {"page_size": page_size})
    assert response.status_code == 200
    # Repeated filters, through to-many links too (`EXISTS`), cost nothing more.
    filters = {"host": [hosts[0].slug, hosts[1].slug], "series": [series.slug, "other"]}
    with django_assert_max_num_queries(6):
        response = api_client.get(URL, {"page_size": page_size, **filters})
    assert len(response.json()["results"]) == page_size
