"""Sending an edition, for real, on procrastinate workers against PostgreSQL: every
confirmed subscriber exactly once, in batches, by racing workers, through crashes, and
never to someone who unsubscribed in the middle."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection

from newsletter import sending, services, tasks
from newsletter.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    EditionStatus,
    Subscriber,
    SubscriberStatus,
)
from tests.newsletter import backends
from tests.newsletter.factories import SubscriberFactory, due_edition
from tests.strategies.factories import ExerciseFactory
from tests.workers import job_states, run_workers

BATCH_TASK = "newsletter.tasks.send_batch"


@pytest.fixture
def hooked(settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.HookedBackend"
    yield backends
    backends.before_each = None


@pytest.fixture
def small_batches(settings):
    settings.NEWSLETTER_BATCH_SIZE = 7
    settings.NEWSLETTER_SEND_LANES = 3


def recipients() -> Counter:
    return Counter(message.to[0] for message in mail.outbox)


def delivery_states(edition) -> Counter:
    return Counter(Delivery.objects.filter(edition=edition).values_list("status", flat=True))


def start_sending() -> None:
    tasks.send_due_editions.defer(timestamp=0)


def test_a_due_edition_goes_to_every_confirmed_subscriber_once(queue):
    readers = SubscriberFactory.create_batch(5)
    SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, email="left@example.com")
    edition = due_edition(subject="Soul Gym #7", exercises=[ExerciseFactory(title="Breathe")])

    start_sending()
    run_workers()

    assert recipients() == Counter({r.email: 1 for r in readers})
    assert delivery_states(edition) == {DeliveryStatus.SENT: 5}
    edition.refresh_from_db()
    assert edition.status == EditionStatus.SENT
    assert edition.sent_at is not None
    message = next(m for m in mail.outbox if m.to == [readers[0].email])
    assert message.subject == "Soul Gym #7"
    assert "Breathe" in message.body
    assert readers[0].unsubscribe_token in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<em>one</em>" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = message.extra_headers["List-Unsubscribe"]
    assert one_click.startswith("<http")
    assert one_click.endswith(">")
    assert f"/api/v1/newsletter/unsubscribe/?token={readers[0].unsubscribe_token}>" in one_click


def test_the_one_click_header_unsubscribes(api_client, queue):
    reader = SubscriberFactory()
    due_edition()
    start_sending()
    run_workers()
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")

    parts = urlsplit(url)
    response = api_client.post(
        f"{parts.path}?{parts.query}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    assert Subscriber.objects.get(pk=reader.pk).status == SubscriberStatus.UNSUBSCRIBED


def test_nothing_is_sent_before_the_send_time_or_for_a_draft(queue):
    SubscriberFactory()
    from tests.newsletter.factories import EditionFactory

    EditionFactory(status=EditionStatus.DRAFT)
    start_sending()
    run_workers()

    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_two_workers_racing_send_each_address_once(queue, small_batches):
    readers = SubscriberFactory.create_batch(60)
    edition = due_edition()

    start_sending()
    run_workers(count=2)

    assert recipients() == Counter({r.email: 1 for r in readers})
    assert delivery_states(edition) == {DeliveryStatus.SENT: 60}
    batches = job_states()[(BATCH_TASK, "succeeded")]
    assert batches >= 60 // 7, "the edition went out in batches"
    assert Edition.objects.get().status == EditionStatus.SENT


def test_starting_twice_queues_nothing_more(queue):
    SubscriberFactory.create_batch(3)
    edition = due_edition()
    sending.edition_start(edition.pk)

    assert sending.edition_start(edition.pk) == 0
    assert sending.queue_deliveries(edition) == 0
    assert Delivery.objects.count() == 3


def test_an_unsubscribe_mid_send_is_honoured(queue, hooked, small_batches):
    readers = SubscriberFactory.create_batch(30)
    early, late = readers[0], readers[-1]
    edition = due_edition()

    def unsubscribe_the_last_one(message):
        if message.to == [early.email]:
            services.unsubscribe(subscriber=late)

    hooked.before_each = unsubscribe_the_last_one
    start_sending()
    run_workers()

    got = recipients()
    assert late.email not in got
    assert got == Counter({r.email: 1 for r in readers[:-1]})
    assert delivery_states(edition) == {DeliveryStatus.SENT: 29, DeliveryStatus.SKIPPED: 1}


def test_an_unsubscribe_inside_a_claimed_batch_is_honoured(queue, hooked, settings):
    # One batch holds everyone: the unsubscribed reader's row is already claimed, and the
    # worker's re-read before the next group of messages catches it.
    settings.NEWSLETTER_BATCH_SIZE = 100
    settings.NEWSLETTER_SEND_LANES = 1
    readers = SubscriberFactory.create_batch(sending.RECHECK_EVERY + 5)
    late = readers[-1]
    edition = due_edition()

    def unsubscribe_late(message):
        if message.to == [readers[0].email]:
            services.unsubscribe(subscriber=late)

    hooked.before_each = unsubscribe_late
    start_sending()
    run_workers()

    assert late.email not in recipients()
    assert delivery_states(edition)[DeliveryStatus.SKIPPED] == 1


class CrashError(Exception):
    """A worker falling over mid-batch (the mail server vanishes, the process dies)."""


def test_a_crash_mid_batch_resumes_without_sending_anyone_twice(queue, hooked, small_batches):
    readers = SubscriberFactory.create_batch(20)
    edition = due_edition()
    crashes = []

    def crash_once_on_the_fourth(message):
        if len(mail.outbox) == 3 and not crashes:
            crashes.append(message.to[0])
            raise CrashError

    hooked.before_each = crash_once_on_the_fourth
    start_sending()
    run_workers(due_now=True)  # walks the failed job through its retry

    assert crashes, "the crash happened"
    assert recipients() == Counter({r.email: 1 for r in readers})
    assert delivery_states(edition) == {DeliveryStatus.SENT: 20}
    # The crashed job was retried under its own id, and took back its own rows.
    attempts = Counter(Delivery.objects.values_list("attempts", flat=True))
    assert attempts == {1: 20}
    assert Edition.objects.get().status == EditionStatus.SENT


def _kill_a_worker_mid_batch(edition, *, sent: int) -> int:
    """What a `kill -9` leaves behind: a batch job `doing` on a worker with no
    heartbeat, holding rows of which the first `sent` were already sent and marked."""
    tasks.defer_batch(edition_id=edition.pk, lane=99)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - interval '1 hour') RETURNING id"
        )
        (worker_id,) = cursor.fetchone()
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s "
            "WHERE task_name = %s RETURNING id",
            [worker_id, BATCH_TASK],
        )
        (job_id,) = cursor.fetchone()
    claimed = sending._claim(edition.pk, job_id, 10)
    for delivery_id in claimed[:sent]:
        sending._mark(delivery_id, job_id, DeliveryStatus.SENT)
    return job_id


def test_a_killed_worker_is_resumed_by_the_living(queue, settings):
    settings.NEWSLETTER_SEND_LANES = 1
    readers = SubscriberFactory.create_batch(15)
    edition = due_edition()
    sending.edition_start(edition.pk)
    # Drop the lane job edition_start deferred; the "dead" one stands for it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")
    job_id = _kill_a_worker_mid_batch(edition, sent=4)
    already = {d.subscriber.email for d in Delivery.objects.filter(status="sent")}

    from core.tasks import retry_stalled_jobs

    retry_stalled_jobs.defer(timestamp=0)
    run_workers()

    got = recipients()
    assert not (set(got) & already), "what the dead worker sent is not sent again"
    assert got == Counter({r.email: 1 for r in readers if r.email not in already})
    assert delivery_states(edition) == {DeliveryStatus.SENT: 15}
    assert (BATCH_TASK, "succeeded") in job_states()
    assert job_id in {row[0] for row in _jobs()}


def _jobs():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, task_name, status FROM procrastinate_jobs")
        return cursor.fetchall()


def test_rows_of_a_job_gone_for_good_are_queued_again(queue, settings):
    settings.NEWSLETTER_SEND_LANES = 1
    readers = SubscriberFactory.create_batch(6)
    edition = due_edition()
    sending.edition_start(edition.pk)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")
    # A job that claimed everything, then failed for good and was cleaned away.
    sending._claim(edition.pk, 424242, 100)

    start_sending()  # the every-minute sweep
    run_workers()

    assert recipients() == Counter({r.email: 1 for r in readers})
    assert Edition.objects.get().status == EditionStatus.SENT


def test_a_refused_recipient_fails_alone(queue, hooked):
    import smtplib

    readers = SubscriberFactory.create_batch(4)
    bad = readers[1]
    edition = due_edition()

    def refuse(message):
        if message.to == [bad.email]:
            raise smtplib.SMTPRecipientsRefused({bad.email: (550, b"No such user")})

    hooked.before_each = refuse
    start_sending()
    run_workers()

    assert set(recipients()) == {r.email for r in readers} - {bad.email}
    assert delivery_states(edition) == {DeliveryStatus.SENT: 3, DeliveryStatus.FAILED: 1}
    failed = Delivery.objects.get(status=DeliveryStatus.FAILED)
    assert "No such user" in failed.error
    assert Edition.objects.get().status == EditionStatus.SENT
