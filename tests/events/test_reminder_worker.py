"""The reminder worker: once per reminder, following reschedules, never for cancelled
events, retried on SMTP failure, and safe with several workers at once."""

from __future__ import annotations

import smtplib
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from events import reminders
from events.models import CancellationNotice, EventStatus, Reminder
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, ReminderFactory
from tests.workers import run_workers

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def run(moment: datetime) -> reminders.RunReport:
    with time_machine.travel(moment, tick=False):
        return reminders.run_once()


@pytest.fixture
def talk(db):
    return EventFactory(title="The Talk", starts_at=at(120), ends_at=at(180))


@pytest.mark.django_db
def test_a_reminder_is_sent_when_due_and_only_once(talk):
    member = UserFactory(email="reader@example.com", timezone="Europe/Paris")
    reminder = ReminderFactory(owner=member, event=talk, minutes_before=60)
    assert run(at(59)).total == 0  # due at 60
    assert mail.outbox == []

    report = run(at(60))
    assert (report.sent, report.total) == (1, 1)
    (message,) = mail.outbox
    assert message.to == ["reader@example.com"]
    assert message.subject == "Reminder: The Talk (1 hour before)"
    assert "The Talk starts Sunday 01 June 2025, 16:00 (Europe/Paris)." in message.body
    assert "Sunday 01 June 2025, 10:00 (America/New_York)" in message.body
    assert "Watch live: https://live.example.org/stream" in message.body
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert reminder.sent_at == at(60)
    assert reminder.handled_for == talk.starts_at

    assert run(at(61)).total == 0
    assert run(at(119)).total == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_rescheduled_event_moves_its_reminders(talk):
    reminder = ReminderFactory(event=talk, minutes_before=60)
    talk.starts_at, talk.ends_at = at(240), at(300)
    talk.status = EventStatus.RESCHEDULED
    talk.save()
    assert run(at(60)).total == 0  # the old due time passes quietly
    assert run(at(180)).sent == 1
    reminder.refresh_from_db()
    assert reminder.handled_for == at(240)


@pytest.mark.django_db
def test_an_event_moved_after_its_reminder_went_out_is_reminded_again(talk):
    ReminderFactory(event=talk, minutes_before=60)
    assert run(at(60)).sent == 1
    talk.starts_at, talk.ends_at = at(24 * 60), at(25 * 60)
    talk.save()
    assert run(at(61)).total == 0
    assert run(at(23 * 60)).sent == 1
    # Written with the new time, in the member's zone and the event's.
    assert "starts Monday 02 June 2025, 12:00 (UTC)" in mail.outbox[1].body
    assert "Monday 02 June 2025, 08:00 (America/New_York)" in mail.outbox[1].body


@pytest.mark.django_db
def test_cancelled_events_get_one_notice_per_member_and_no_reminder(talk):
    member, other = UserFactory(), UserFactory()
    ReminderFactory(owner=member, event=talk, minutes_before=15)
    ReminderFactory(owner=member, event=talk, minutes_before=1440)
    ReminderFactory(owner=other, event=talk, minutes_before=60)
    talk.status = EventStatus.CANCELLED
    talk.save()

    report = run(NOW)
    assert (report.notices, report.skipped, report.sent) == (2, 1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, other.email])
    assert all(m.subject == "Cancelled: The Talk" for m in mail.outbox)
    assert set(Reminder.objects.values_list("state", flat=True)) == {"cancelled"}
    assert CancellationNotice.objects.count() == 2
    # Nothing more later, not even at the old reminder times.
    assert run(at(60)).total + run(at(110)).total == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_postponed_events_wait_without_reminders(talk):
    ReminderFactory(event=talk, minutes_before=60)
    talk.status = EventStatus.POSTPONED
    talk.save()
    assert run(at(90)).total == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_worker_that_was_down_does_not_send_late_reminders(talk):
    reminder = ReminderFactory(event=talk, minutes_before=60)
    report = run(at(125))  # the event started five minutes ago
    assert (report.missed, report.sent) == (1, 0)
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.MISSED


@pytest.mark.django_db
def test_smtp_failures_are_retried_with_backoff_then_given_up(talk, monkeypatch):
    reminder = ReminderFactory(event=talk, minutes_before=1440)
    talk.starts_at, talk.ends_at = at(3 * 24 * 60), at(3 * 24 * 60 + 60)
    talk.save()
    due = talk.starts_at - timedelta(days=1)
    failures = {"left": 2}
    real_send = EmailMessage.send

    def flaky_send(self, fail_silently=False):
        if failures["left"]:
            failures["left"] -= 1
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    assert run(due).retried == 1
    reminder.refresh_from_db()
    assert (reminder.attempts, reminder.next_attempt_at) == (1, due + timedelta(minutes=1))
    assert "SMTPServerDisconnected" in reminder.last_error
    assert run(due + timedelta(seconds=59)).total == 0  # still backing off
    assert run(due + timedelta(minutes=1)).retried == 1
    reminder.refresh_from_db()
    assert reminder.next_attempt_at == due + timedelta(minutes=3)  # 1, then 2 minutes
    assert run(due + timedelta(minutes=3)).sent == 1
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts, reminder.last_error) == ("sent", 0, "")
    assert len(mail.outbox) == 1

    failures["left"] = 100
    other = ReminderFactory(event=talk, minutes_before=60)
    moment = talk.starts_at - timedelta(minutes=60)
    for _ in range(reminders.MAX_ATTEMPTS):
        run(moment)
        other.refresh_from_db()
        moment = other.next_attempt_at or moment
    assert other.state == Reminder.State.FAILED
    assert other.attempts == reminders.MAX_ATTEMPTS
    assert run(moment + timedelta(minutes=30)).total == 0


@pytest.mark.django_db
def test_the_command_sends_what_is_due_then_exits(talk):
    ReminderFactory(event=talk, minutes_before=60)
    out = StringIO()
    with time_machine.travel(at(61), tick=False):
        call_command("send_reminders", stdout=out)
    assert len(mail.outbox) == 1
    assert "sent 1" in out.getvalue()
    # No home-made polling loop: the workers' periodic job is the only schedule.
    with pytest.raises(CommandError):
        call_command("send_reminders", "--loop")


# --- Several workers at once ------------------------------------------------------------


def race(workers: int, monkeypatch) -> tuple[Counter, list[reminders.RunReport]]:
    """Run `workers` threads (each with its own database connection) at the same time,
    with a slow mail server so their claims overlap."""
    real_send = EmailMessage.send
    sent: Counter = Counter()
    lock = threading.Lock()

    def slow_send(self, fail_silently=False):
        time.sleep(0.02)
        with lock:
            sent[(self.to[0], self.subject)] += 1
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", slow_send)
    start = threading.Barrier(workers)
    reports: list[reminders.RunReport] = []
    errors: list[BaseException] = []

    def work():
        try:
            start.wait()
            report = reminders.run_once()
            with lock:
                reports.append(report)
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sent, reports


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_each_reminder_exactly_once(monkeypatch):
    from django.utils import timezone

    soon = timezone.now() + timedelta(minutes=10)
    events = [EventFactory(starts_at=soon, ends_at=soon + timedelta(hours=1)) for _ in range(3)]
    members = UserFactory.create_batch(8)
    for event in events:
        for member in members:
            ReminderFactory(owner=member, event=event, minutes_before=15)
            ReminderFactory(owner=member, event=event, minutes_before=60)

    sent, reports = race(2, monkeypatch)

    assert len(reports) == 2
    assert sum(r.sent for r in reports) == 48
    assert all(r.sent > 0 for r in reports), "both workers should have taken a share"
    handled = [pk for r in reports for pk in r.handled_ids]
    assert len(handled) == len(set(handled)) == 48  # no reminder claimed twice
    assert len(mail.outbox) == 48
    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == 48
    assert len(sent) == 48
    assert set(sent.values()) == {1}  # each (member, event, offset) mailed once


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_one_cancellation_notice_per_member(monkeypatch):
    from django.utils import timezone

    soon = timezone.now() + timedelta(hours=3)
    event = EventFactory(starts_at=soon, ends_at=soon + timedelta(hours=1))
    members = UserFactory.create_batch(6)
    for member in members:
        for minutes in (15, 60, 1440):
            ReminderFactory(owner=member, event=event, minutes_before=minutes)
    event.status = EventStatus.CANCELLED
    event.save()

    sent, reports = race(2, monkeypatch)

    assert sum(r.notices for r in reports) == 6
    assert sum(r.skipped for r in reports) == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert set(sent.values()) == {1}
    assert CancellationNotice.objects.count() == 6


def test_the_queue_sends_due_reminders(queue, mailoutbox):
    from events import tasks

    reminder = ReminderFactory(
        event=EventFactory(starts_at=timezone.now() + timedelta(minutes=10)), minutes_before=15
    )
    tasks.send_due_reminders.defer(timestamp=0)
    run_workers()
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert [message.to for message in mailoutbox] == [[reminder.owner.email]]
