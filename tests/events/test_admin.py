"""The editors' admin: local times in the event's zone, validation, filters, actions."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.test import Client

from events.models import Event, EventStatus
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, SeriesFactory
from tests.strategies.factories import GuideFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides) -> dict:
    data = {
        "title": "The Kabbalah of Psychology",
        "slug": "kabbalah",
        "status": "scheduled",
        "timezone": "America/New_York",
        "start_local_0": "2020-02-19",
        "start_local_1": "20:30",
        "end_local_0": "",
        "end_local_1": "",
        "location": "Online",
        "stream_url": "https://live.example.org/x",
        "podcast_url": "",
        "recording_url": "",
        "description_markdown": "",
        "reflection_prompt": "",
    }
    data.update(overrides)
    return data


def test_an_editor_types_local_time_and_gets_the_right_instant(admin_client):
    guide = GuideFactory()
    response = admin_client.post(
        "/admin/events/event/add/", form_data(guides=[guide.pk]), follow=True
    )
    assert response.status_code == 200
    event = Event.objects.get(slug="kabbalah")
    assert event.starts_at == datetime(2020, 2, 20, 1, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2020, 2, 20, 2, 30, tzinfo=UTC)  # one hour by default
    assert list(event.guides.all()) == [guide]
    change = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'value="20:30:00"' in change  # shown back in the event's zone
    assert "2020-02-20 01:30 UTC" in change


def test_the_series_length_is_the_default_end(admin_client):
    series = SeriesFactory(default_duration="01:30:00")
    admin_client.post("/admin/events/event/add/", form_data(series=series.pk))
    event = Event.objects.get(slug="kabbalah")
    assert (event.ends_at - event.starts_at).total_seconds() == 90 * 60


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_local_0": "2020-02-19", "end_local_1": "20:00"}, "The end must come after"),
        ({"stream_url": "http://live.example.org/x"}, "https://"),
        ({"timezone": "Mars/Olympus_Mons"}, "Select a valid choice"),
        ({"start_local_0": "2025-03-09", "start_local_1": "02:30"}, "does not exist"),
        ({"slug": "upcoming"}, "reserved"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(admin_client, overrides, message):
    response = admin_client.post("/admin/events/event/add/", form_data(**overrides))
    assert response.status_code == 200  # the form again, with errors
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_the_list_shows_zones_and_filters_by_phase(admin_client):
    EventFactory(title="Ahead")
    EventFactory(title="Before", starts_at=datetime(2020, 2, 20, 1, 30, tzinfo=UTC))
    page = admin_client.get("/admin/events/event/").content.decode()
    assert "Wed 19 Feb 2020, 20:30 EST (America/New_York)" in page
    upcoming = admin_client.get("/admin/events/event/", {"when": "upcoming"}).content.decode()
    assert "Ahead" in upcoming
    assert "Before" not in upcoming
    assert admin_client.get("/admin/events/event/", {"q": "Ahead"}).status_code == 200
    assert (
        admin_client.get("/admin/events/event/", {"status__exact": "cancelled"}).status_code == 200
    )


def test_cancel_and_postpone_actions_raise_the_sequence(admin_client):
    one, two = EventFactory(), EventFactory()
    admin_client.post(
        "/admin/events/event/",
        {"action": "cancel_events", "_selected_action": [one.pk, two.pk]},
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, one.sequence) == (EventStatus.CANCELLED, 1)
    assert (two.status, two.sequence) == (EventStatus.CANCELLED, 1)
    admin_client.post(
        "/admin/events/event/", {"action": "postpone_events", "_selected_action": [one.pk]}
    )
    one.refresh_from_db()
    assert (one.status, one.sequence) == (EventStatus.POSTPONED, 2)


def test_generate_next_occurrences_action(admin_client):
    series = SeriesFactory(schedule_weekday=2, schedule_time=time(20, 30))
    without_slot = SeriesFactory()
    response = admin_client.post(
        "/admin/events/series/",
        {"action": "generate_next", "_selected_action": [series.pk, without_slot.pk]},
        follow=True,
    )
    assert "4 new events created." in response.content.decode()
    assert "has no weekly slot" in response.content.decode()
    assert Event.objects.filter(series=series).count() == 4


def test_autocomplete_answers_for_linked_guides(admin_client):
    GuideFactory(title="Four Things")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "events", "model_name": "event", "field_name": "guides", "term": "Four"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Four Things"]


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_event_times_stay_in_the_events_zone_whatever_the_editors(zone):
    """A New York or Tokyo editor types 20:30 for a London event on the night New York
    changes its clocks (02:30 does not exist there, but does in London): the instant is
    London's, and the form names the event's zone, not the editor's."""
    user = UserFactory(is_staff=True, is_superuser=True, timezone=zone)
    client = Client()
    client.force_login(user)
    data = form_data(timezone="Europe/London", start_local_0="2026-03-08", start_local_1="02:30")
    response = client.post("/admin/events/event/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(slug="kabbalah")
    assert event.starts_at == datetime(2026, 3, 8, 2, 30, tzinfo=UTC)  # GMT in March
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'value="02:30:00"' in page
    assert "Times in the event\u2019s zone" in page
    assert 'data-zone-field="timezone"' in page
    assert "core/zoned-now.js" in page
    assert f"({zone})" in page  # "Starts (your zone)"
