"""Issue 11 item 1: a line break in an event title once stopped every reminder (the
subject raised `BadHeaderError`) and made the event's `.ics` answer 500. One-line fields
refuse control characters; mail and calendar text are built so that old rows holding
them still cannot break a header; one failing reminder never stops the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Value

from events import reminders
from events.models import Event, Reminder
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory, ReminderFactory, SeriesFactory
from tests.events.ics import parse
from tests.events.test_admin import form_data
from tests.strategies.factories import GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
BROKEN = "The Talk\r\nBcc: everyone@example.com"


def run(moment: datetime) -> reminders.RunReport:
    with time_machine.travel(moment, tick=False):
        return reminders.run_once()


def _break_title(event: Event) -> None:
    # As rows written before the rule existed hold it: straight into the table.
    Event.objects.filter(pk=event.pk).update(title=Value(BROKEN))


@pytest.mark.parametrize(
    "make",
    [
        lambda title: EventFactory.build(title=title),
        lambda title: SeriesFactory.build(title=title),
        lambda title: GuideFactory.build(title=title),
        lambda title: StrategyFactory.build(title=title),
    ],
    ids=["event", "series", "guide", "strategy"],
)
@pytest.mark.parametrize("title", ["Two\nlines", "Carriage\rreturn", "Tab\tbed", "Bell\x07"])
def test_one_line_titles_refuse_control_characters(make, title):
    with pytest.raises(ValidationError) as raised:
        make(title).full_clean()
    assert "title" in raised.value.message_dict


def test_the_admin_refuses_a_title_with_a_line_break(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/events/event/add/", form_data(title="Two\r\nlines", slug="two-lines")
    )
    assert response.status_code == 200  # the form again, with the error
    assert "title" in response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="two-lines").exists()


def test_a_stored_line_break_cannot_break_the_reminder_subject():
    talk = EventFactory(title="The Talk", starts_at=NOW + timedelta(hours=2))
    ReminderFactory(event=talk, minutes_before=60)
    _break_title(talk)
    report = run(NOW + timedelta(hours=1))
    assert report.sent == 1
    (message,) = mail.outbox
    assert message.subject == "Reminder: The Talk Bcc: everyone@example.com (1 hour before)"
    assert message.bcc == []
    assert "\n" not in message.message()["Subject"]


def test_one_reminder_that_fails_unexpectedly_does_not_stop_the_others(monkeypatch):
    start = NOW + timedelta(hours=2)
    bad = ReminderFactory(event=EventFactory(starts_at=start), minutes_before=60)
    good = [
        ReminderFactory(event=EventFactory(starts_at=start), minutes_before=60) for _ in range(2)
    ]
    build = reminders.reminder_message

    def failing(reminder):
        if reminder.pk == bad.pk:
            raise RuntimeError("a bug nobody expected")
        return build(reminder)

    monkeypatch.setattr(reminders, "reminder_message", failing)
    report = run(NOW + timedelta(hours=1))
    assert report.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.owner.email for r in good)
    bad.refresh_from_db()
    assert bad.state == Reminder.State.PENDING
    assert bad.attempts == 1
    assert "RuntimeError" in bad.last_error
    assert bad.next_attempt_at > NOW + timedelta(hours=1)


def test_the_event_file_of_a_stored_line_break_is_still_one_summary(api_client):
    talk = EventFactory(slug="the-talk")
    _break_title(talk)
    response = api_client.get("/api/v1/events/the-talk/calendar.ics")
    assert response.status_code == 200
    (vevent,) = parse(response).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "The Talk Bcc: everyone@example.com"
    assert b"\r\nBcc:" not in response.content


@pytest.mark.parametrize(
    ("path", "body", "attr"),
    [
        ("/api/v1/journal/entries/", {"title": "Two\nlines", "body": "Text"}, "title"),
        ("/api/v1/journal/commitments/", {"text": "Walk\r\ndaily", "strategy": True}, "text"),
        ("/api/v1/me/", {"display_name": "Sam\nX-Header: y"}, "display_name"),
    ],
)
def test_members_one_line_fields_refuse_line_breaks(member_client, path, body, attr):
    if body.get("strategy"):
        body = {**body, "strategy": StrategyFactory().slug}
    method = member_client.patch if path == "/api/v1/me/" else member_client.post
    response = method(path, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr


def test_an_edition_subject_is_one_line():
    from newsletter.models import Edition

    with pytest.raises(ValidationError) as raised:
        Edition(subject="Soul Gym\r\nBcc: all@example.com").full_clean()
    assert "subject" in raised.value.message_dict
