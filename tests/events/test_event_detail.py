"""`GET /api/v1/events/{slug}/`: times in UTC and locally, links, calendar links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from strategies.models import Guide
from tests.events.factories import EventFactory, SeriesFactory
from tests.strategies.factories import GuideFactory, PersonFactory, StrategyFactory

pytestmark = pytest.mark.django_db
SAMPLE_START = datetime(2020, 2, 19, 20, 30, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def talk():
    guide = GuideFactory(slug="stuck", title="Stuck")
    draft = GuideFactory(slug="draft", status=Guide.Status.DRAFT, published_at=None)
    return EventFactory(
        slug="kabbalah",
        title="The Kabbalah of Psychology",
        series=SeriesFactory(slug="weekly", title="Weekly"),
        starts_at=SAMPLE_START,
        ends_at=SAMPLE_START + timedelta(minutes=90),
        hosts=[PersonFactory(slug="host", name="The Host")],
        guides=[guide, draft],
        strategies=[StrategyFactory(slug="act", title="Take Action", guide=guide)],
        reflection_prompt="What did you notice?",
        description_markdown="Read <script>x</script> **this**.",
    )


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_detail_has_utc_and_local_times(api_client, talk):
    body = api_client.get("/api/v1/events/kabbalah/").json()
    assert body["starts_at"] == "2020-02-20T01:30:00Z"
    assert body["ends_at"] == "2020-02-20T03:00:00Z"
    assert body["starts_at_local"] == "2020-02-19T20:30:00-05:00"
    assert body["ends_at_local"] == "2020-02-19T22:00:00-05:00"
    assert body["timezone"] == "America/New_York"
    assert body["duration_minutes"] == 90
    assert body["is_live"] is False
    assert body["phase"] == "past"
    assert body["series"] == {
        "slug": "weekly",
        "title": "Weekly",
        "url": "http://testserver/api/v1/series/weekly/",
        "web_url": None,
    }
    # A person has one shape everywhere, as a host and as an author.
    assert body["hosts"] == [
        {
            "slug": "host",
            "name": "The Host",
            "url": "http://testserver/api/v1/people/host/",
            "web_url": None,
            "photo": None,
        }
    ]
    api = "http://testserver/api/v1"
    # drafts stay hidden
    assert body["guides"] == [
        {"slug": "stuck", "title": "Stuck", "url": f"{api}/guides/stuck/", "web_url": None}
    ]
    assert body["strategies"] == [
        {"slug": "act", "title": "Take Action", "url": f"{api}/strategies/act/", "web_url": None}
    ]
    assert body["reflection_prompt"] == "What did you notice?"
    assert "<script>" not in body["description_html"]
    assert "<strong>this</strong>" in body["description_html"]
    assert body["sequence"] == 0


def test_calendar_links_have_the_right_dates_and_zone(api_client, talk):
    links = api_client.get("/api/v1/events/kabbalah/").json()["calendar"]
    assert links["ics"] == "http://testserver/api/v1/events/kabbalah/calendar.ics"

    assert links["google"].startswith("https://calendar.google.com/calendar/render?")
    google = query(links["google"])
    assert google["action"] == "TEMPLATE"
    assert google["text"] == "The Kabbalah of Psychology"
    assert google["dates"] == "20200220T013000Z/20200220T030000Z"
    assert google["ctz"] == "America/New_York"
    assert "http://testserver/api/v1/events/kabbalah/" in google["details"]
    assert google["location"] == "Online"

    assert links["outlook"].startswith("https://outlook.live.com/calendar/0/action/compose?")
    outlook = query(links["outlook"])
    assert outlook["rru"] == "addevent"
    assert outlook["subject"] == "The Kabbalah of Psychology"
    assert outlook["startdt"] == "2020-02-20T01:30:00Z"
    assert outlook["enddt"] == "2020-02-20T03:00:00Z"
    assert links["office365"].startswith("https://outlook.office.com/calendar/0/action/compose?")
    assert query(links["office365"])["startdt"] == "2020-02-20T01:30:00Z"


def test_summer_links_use_daylight_time(api_client):
    start = datetime(2025, 7, 2, 20, 30, tzinfo=ZoneInfo("America/New_York"))
    EventFactory(slug="summer", starts_at=start, ends_at=start + timedelta(hours=1))
    body = api_client.get("/api/v1/events/summer/").json()
    assert body["starts_at"] == "2025-07-03T00:30:00Z"
    assert body["starts_at_local"] == "2025-07-02T20:30:00-04:00"
    assert query(body["calendar"]["google"])["dates"] == "20250703T003000Z/20250703T013000Z"
    assert query(body["calendar"]["outlook"])["startdt"] == "2025-07-03T00:30:00Z"


def test_unknown_event_is_a_404(api_client):
    response = api_client.get("/api/v1/events/nope/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_detail_query_count(api_client, talk, django_assert_max_num_queries):
    api_client.get("/api/v1/events/")  # warm the version and its next-change lookup
    # event with series, hosts, guides, strategies
    with django_assert_max_num_queries(4):
        assert api_client.get("/api/v1/events/kabbalah/").status_code == 200


def test_writes_are_not_allowed(api_client, editor_client, talk):
    assert api_client.delete("/api/v1/events/kabbalah/").status_code == 401
    assert editor_client.delete("/api/v1/events/kabbalah/").status_code == 405
    assert editor_client.post("/api/v1/events/", {}).status_code == 405


def test_series_list_and_detail(api_client, django_assert_max_num_queries):
    now = datetime.now(UTC)
    series = SeriesFactory(slug="weekly", title="Weekly", weekly=True)
    SeriesFactory(slug="another", title="Another")
    EventFactory(series=series, slug="soon", starts_at=now + timedelta(days=1))
    EventFactory(series=series, slug="gone", starts_at=now - timedelta(days=3))
    body = api_client.get("/api/v1/series/").json()
    assert [row["slug"] for row in body["results"]] == ["another", "weekly"]
    detail = api_client.get("/api/v1/series/weekly/").json()
    assert detail["schedule"] == {
        "weekday": 2,
        "weekday_name": "Wednesday",
        "time": "20:30",
        "timezone": "America/New_York",
    }
    assert detail["default_duration_minutes"] == 60
    assert detail["calendar_url"] == "http://testserver/api/v1/series/weekly/calendar.ics"
    assert [e["slug"] for e in detail["upcoming_events"]] == ["soon"]
    assert api_client.get("/api/v1/series/nope/").status_code == 404


@pytest.mark.parametrize("page_size", [10, 100])
def test_series_list_query_count(api_client, django_assert_max_num_queries, page_size):
    for _ in range(page_size):
        SeriesFactory(host=PersonFactory())
    api_client.get("/api/v1/events/next/")  # warm the version
    with django_assert_max_num_queries(2):  # count, rows with hosts
        response = api_client.get("/api/v1/series/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
