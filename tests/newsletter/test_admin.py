"""Editors in the admin: preview (HTML and text), a test to themselves, scheduling, and
the delivery counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.models import Delivery, DeliveryStatus, EditionStatus
from tests.accounts.factories import UserFactory
from tests.newsletter.factories import EditionFactory, SubscriberFactory, sent_edition
from tests.strategies.factories import ExerciseFactory
from tests.workers import run_workers

CHANGELIST = "/admin/newsletter/edition/"


@pytest.fixture
def editor_session(client):
    editor = UserFactory(email="editor@example.com", is_staff=True, is_superuser=True)
    client.force_login(editor)
    return client


@pytest.mark.django_db
def test_the_previews_render_html_and_plain_text(editor_session):
    edition = EditionFactory(exercises=[ExerciseFactory(title="Stretch")])

    html = editor_session.get(f"{CHANGELIST}{edition.pk}/preview.html")
    text = editor_session.get(f"{CHANGELIST}{edition.pk}/preview.txt")

    assert html.status_code == text.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert b"Stretch" in html.content
    assert b"<em>one</em>" in html.content
    assert text["Content-Type"].startswith("text/plain")
    assert b"Stretch" in text.content
    assert b"<em>" not in text.content


@pytest.mark.django_db
def test_the_previews_are_for_editors_only(client):
    edition = EditionFactory()
    client.force_login(UserFactory(is_staff=False))

    response = client.get(f"{CHANGELIST}{edition.pk}/preview.html")

    assert response.status_code == 302  # to the admin's sign-in


def test_a_test_send_goes_to_the_editor_only(queue, editor_session):
    SubscriberFactory()
    edition = EditionFactory(subject="Draft issue")

    response = editor_session.post(
        CHANGELIST, {"action": "send_test_to_me", "_selected_action": [edition.pk]}
    )
    assert response.status_code == 302
    run_workers()

    (message,) = mail.outbox
    assert message.to == ["editor@example.com"]
    assert message.subject == "[Test] Draft issue"
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_scheduling_needs_a_send_time(editor_session):
    timed = EditionFactory(send_at=timezone.now())
    untimed = EditionFactory(send_at=None)

    editor_session.post(
        CHANGELIST, {"action": "schedule", "_selected_action": [timed.pk, untimed.pk]}
    )

    timed.refresh_from_db()
    untimed.refresh_from_db()
    assert (timed.status, untimed.status) == (EditionStatus.SCHEDULED, EditionStatus.DRAFT)


@pytest.mark.django_db
def test_the_counts_show_on_the_edition(editor_session):
    edition = sent_edition()
    for state in [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.FAILED]:
        Delivery.objects.create(edition=edition, subscriber=SubscriberFactory(), status=state)

    page = editor_session.get(f"{CHANGELIST}{edition.pk}/change/").content.decode()
    listing = editor_session.get(CHANGELIST).content.decode()

    assert "sent: 2" in page
    assert "failed: 1" in page
    assert editor_session.get("/admin/newsletter/delivery/").status_code == 200
    assert editor_session.get("/admin/newsletter/subscriber/").status_code == 200
    assert "field-sent_count" in listing
