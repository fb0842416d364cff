"""Members' reminders through the API: create, list, delete, and who may see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import EventStatus, Reminder
from tests.events.factories import EventFactory, ReminderFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk():
    return EventFactory(slug="talk")


def create(client, slug="talk", minutes=60):
    return client.post(f"/api/v1/events/{slug}/reminders/", {"minutes_before": minutes})


@pytest.mark.parametrize("minutes", [15, 60, 1440])
def test_a_member_asks_for_a_reminder(member_client, member, talk, minutes):
    response = create(member_client, minutes=minutes)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["minutes_before"] == minutes
    assert body["state"] == "pending"
    assert body["sent_at"] is None
    assert body["event"]["slug"] == "talk"
    reminder = Reminder.objects.get(pk=body["id"])
    assert reminder.owner == member
    expected = (talk.starts_at - timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
    assert body["remind_at"] == expected
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_visitors_get_401(api_client, talk):
    assert create(api_client).status_code == 401
    assert api_client.get("/api/v1/me/reminders/").status_code == 401


@pytest.mark.parametrize("minutes", [0, 30, "soon", None])
def test_only_known_offsets_are_accepted(member_client, talk, minutes):
    response = create(member_client, minutes=minutes)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "minutes_before"


def test_the_same_reminder_twice_answers_the_one_there_is(member_client, talk):
    first = create(member_client)
    assert first.status_code == 201
    response = create(member_client)
    assert response.status_code == 200
    assert response.json() == first.json()
    assert len(member_client.get("/api/v1/me/reminders/").json()["results"]) == 1
    assert create(member_client, minutes=15).status_code == 201  # another offset is fine


def test_the_database_refuses_a_duplicate_too(member, talk):
    from django.db import IntegrityError

    ReminderFactory(owner=member, event=talk, minutes_before=60)
    with pytest.raises(IntegrityError):
        ReminderFactory(owner=member, event=talk, minutes_before=60)


def test_no_reminders_for_cancelled_or_started_events(member_client):
    EventFactory(slug="off", status=EventStatus.CANCELLED)
    now = timezone.now()
    EventFactory(slug="started", starts_at=now - timedelta(minutes=1))
    for slug, code in (("off", "cancelled"), ("started", "already_started")):
        response = create(member_client, slug=slug)
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == code
    assert create(member_client, slug="missing").status_code == 404


def test_members_see_and_delete_only_their_own(member_client, other_client, member, talk):
    mine = create(member_client).json()["id"]
    theirs = create(other_client, minutes=15).json()["id"]

    listed = member_client.get("/api/v1/me/reminders/").json()["results"]
    assert [row["id"] for row in listed] == [mine]
    assert member_client.get(f"/api/v1/me/reminders/{mine}/").status_code == 200
    # Someone else's reminder does not exist for this member.
    assert member_client.get(f"/api/v1/me/reminders/{theirs}/").status_code == 404
    assert member_client.delete(f"/api/v1/me/reminders/{theirs}/").status_code == 404
    assert Reminder.objects.filter(pk=theirs).exists()

    assert member_client.delete(f"/api/v1/me/reminders/{mine}/").status_code == 204
    assert not Reminder.objects.filter(pk=mine).exists()
    assert member_client.get("/api/v1/me/reminders/").json()["results"] == []


def test_staff_see_only_their_own_reminders_too(editor_client, member_client, talk):
    theirs = create(member_client).json()["id"]
    assert editor_client.get("/api/v1/me/reminders/").json()["results"] == []
    assert editor_client.get(f"/api/v1/me/reminders/{theirs}/").status_code == 404


def test_a_malformed_id_is_a_404(member_client):
    assert member_client.get("/api/v1/me/reminders/not-a-uuid/").status_code == 404


@pytest.mark.parametrize("page_size", [10, 100])
def test_reminder_list_query_count(member, django_assert_max_num_queries, page_size):
    for event in EventFactory.create_batch(page_size):
        ReminderFactory(owner=member, event=event)
    client = client_for(member)
    # token and user, token refresh, rows with their events
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/me/reminders/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
