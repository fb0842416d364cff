"""Reminder, cancellation and back-on mails link the front end's event page when
`FRONTEND_URL_EVENT` is set, else the event's API detail on `SITE_URL`."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events import reminders
from events.models import EventStatus
from tests.events.factories import EventFactory, ReminderFactory

pytestmark = pytest.mark.django_db


def mails_after(event, change=None) -> list[str]:
    ReminderFactory(event=event, minutes_before=60)
    if change:
        change(event)
    with time_machine.travel(event.starts_at - timedelta(minutes=59), tick=False):
        reminders.run_once()
    return [message.body for message in mail.outbox]


def cancel(event) -> None:
    event.status = EventStatus.CANCELLED
    event.save()


@pytest.mark.parametrize("change", [None, cancel])
def test_reminder_mails_link_the_front_end_page(settings, change):
    settings.WEB_URL_TEMPLATES = {"event": "https://app.example/events/{slug}"}
    event = EventFactory(slug="live-talk", starts_at=timezone.now() + timedelta(days=2))

    [body] = mails_after(event, change)

    page = "https://app.example/events/live-talk"
    assert any(line.endswith(f": {page}") for line in body.splitlines()), body


def test_without_a_template_reminders_link_the_api_on_site_url(settings):
    settings.SITE_URL = "https://api.example"
    event = EventFactory(slug="live-talk", starts_at=timezone.now() + timedelta(days=2))

    [body] = mails_after(event)

    assert "Details and calendar file: https://api.example/api/v1/events/live-talk/\n" in body
