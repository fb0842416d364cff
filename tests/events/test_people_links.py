"""Links meant for people in calendar files and add-to-calendar links: the front end's
event page when `FRONTEND_URL_EVENT` is set, else the API's detail; descriptions in
plain text, never raw Markdown."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from core.fast_cache import LOCAL as LOCAL_PUBLIC_CACHE
from tests.events.factories import EventFactory, SeriesFactory
from tests.events.ics import events_by_summary, parse

pytestmark = pytest.mark.django_db
FRONT = {"event": "https://app.example/events/{slug}"}
MARKDOWN = (
    "## What we cover\n\nWe talk about **getting unstuck** with _small steps_; "
    "read [the guide](https://read.example/guide) first.\n\n- one\n- two"
)


@pytest.fixture
def talk():
    return EventFactory(
        slug="small-steps-live", title="Small steps live", description_markdown=MARKDOWN
    )


def _plain(text: str) -> None:
    for markup in ("**", "_small", "](", "[the", "#"):
        assert markup not in text, (markup, text)


@pytest.mark.parametrize(
    "path", ["/api/v1/events/small-steps-live/calendar.ics", "/api/v1/events/calendar.ics"]
)
def test_calendar_entries_link_the_front_end_page_in_plain_text(api_client, settings, talk, path):
    settings.WEB_URL_TEMPLATES = FRONT

    entry = events_by_summary(parse(api_client.get(path)))["Small steps live"]

    assert str(entry["URL"]) == "https://app.example/events/small-steps-live"
    description = str(entry["DESCRIPTION"])
    _plain(description)
    assert description.startswith(
        "What we cover\n\nWe talk about getting unstuck with small steps;"
    )
    assert "the guide (https://read.example/guide)" in description
    assert "- one\n- two" in description
    assert description.endswith("\n\nhttps://app.example/events/small-steps-live")


def test_without_a_template_calendar_entries_link_the_api(api_client, talk):
    entry = events_by_summary(
        parse(api_client.get("/api/v1/events/small-steps-live/calendar.ics"))
    )["Small steps live"]

    api_page = "http://testserver/api/v1/events/small-steps-live/"
    assert str(entry["URL"]) == api_page
    _plain(str(entry["DESCRIPTION"]))
    assert str(entry["DESCRIPTION"]).endswith(api_page)


def test_a_series_feed_describes_itself_in_plain_text(api_client):
    SeriesFactory(slug="weekly", description_markdown="A **weekly** [show](https://show.example).")

    calendar = parse(api_client.get("/api/v1/series/weekly/calendar.ics"))

    assert str(calendar["DESCRIPTION"]) == "A weekly show (https://show.example)."


def test_add_to_calendar_links_carry_plain_details_and_the_front_end_page(
    api_client, settings, talk
):
    settings.WEB_URL_TEMPLATES = FRONT

    links = api_client.get("/api/v1/events/small-steps-live/").json()["calendar"]

    google = parse_qs(urlsplit(links["google"]).query)["details"][0]
    outlook = parse_qs(urlsplit(links["outlook"]).query)["body"][0]
    for details in (google, outlook):
        _plain(details)
        assert details.endswith("\n\nhttps://app.example/events/small-steps-live")


def test_a_new_template_is_never_answered_from_the_old_cached_file(api_client, settings, talk):
    path = "/api/v1/events/small-steps-live/calendar.ics"
    before = api_client.get(path)
    assert b"URL:http://testserver/" in before.content

    # Another process started with the template: its own memory is empty, the shared
    # cache still holds what the first one stored.
    settings.WEB_URL_TEMPLATES = FRONT
    LOCAL_PUBLIC_CACHE.clear()
    after = api_client.get(path, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert b"URL:https://app.example/events/small-steps-live" in after.content
