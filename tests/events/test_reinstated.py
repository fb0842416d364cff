"""Issue 11 item 2: reminders of an event that is cancelled and then reinstated were
never sent and nobody was told it was back; a reminder already sent kept saying
`sent` after the event moved. Reinstating revives them and tells their members; a
reminder handled for an old start reads as pending for the new one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from events import reminders
from events.models import EventStatus, Reminder
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, ReminderFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def run(moment: datetime) -> reminders.RunReport:
    with time_machine.travel(moment, tick=False):
        return reminders.run_once()


@pytest.fixture
def talk():
    return EventFactory(title="The Talk", starts_at=at(24 * 60), ends_at=at(25 * 60))


def states(member, moment: datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        response = client_for(member).get("/api/v1/me/reminders/")
    assert response.status_code == 200
    return [row["state"] for row in response.json()["results"]]


def test_a_reinstated_event_revives_its_reminders_and_says_so(talk):
    member, other = UserFactory(), UserFactory()
    ReminderFactory(owner=member, event=talk, minutes_before=60)
    ReminderFactory(owner=member, event=talk, minutes_before=15)
    ReminderFactory(owner=other, event=talk, minutes_before=60)
    talk.status = EventStatus.CANCELLED
    talk.save()
    assert run(at(1)).notices == 2
    assert states(member, at(2)) == ["cancelled", "cancelled"]

    talk.status = EventStatus.SCHEDULED
    talk.save()
    mail.outbox.clear()
    assert states(member, at(3)) == ["pending", "pending"]  # before any worker ran
    report = run(at(3))
    assert report.reinstated == 2  # one notice per member, not per reminder
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, other.email])
    assert all(m.subject == "Back on: The Talk" for m in mail.outbox)
    assert "is going ahead after all" in mail.outbox[0].body
    assert set(Reminder.objects.values_list("state", flat=True)) == {"pending"}
    assert run(at(4)).total == 0  # told once

    mail.outbox.clear()
    assert run(at(23 * 60)).sent == 2  # the two 60-minute reminders
    assert run(at(24 * 60 - 15)).sent == 1
    assert {m.subject for m in mail.outbox} == {
        "Reminder: The Talk (1 hour before)",
        "Reminder: The Talk (15 minutes before)",
    }


def test_cancelled_again_after_reinstating_tells_the_member_again(talk):
    member = UserFactory()
    ReminderFactory(owner=member, event=talk, minutes_before=60)
    for status in (EventStatus.CANCELLED, EventStatus.SCHEDULED, EventStatus.CANCELLED):
        talk.status = status
        talk.save()
        run(at(1))
    assert [m.subject for m in mail.outbox] == [
        "Cancelled: The Talk",
        "Back on: The Talk",
        "Cancelled: The Talk",
    ]


def test_a_sent_reminder_reads_pending_for_the_new_time(talk):
    member = UserFactory()
    ReminderFactory(owner=member, event=talk, minutes_before=60)
    assert run(at(23 * 60)).sent == 1
    assert states(member, at(23 * 60 + 1)) == ["sent"]

    talk.starts_at, talk.ends_at = at(48 * 60), at(49 * 60)
    talk.status = EventStatus.RESCHEDULED
    talk.save()
    assert states(member, at(23 * 60 + 2)) == ["pending"]
    assert run(at(47 * 60)).sent == 1
    assert states(member, at(47 * 60 + 1)) == ["sent"]
