"""Sending an edition to every confirmed subscriber exactly once, by any number of
workers, resumable after a crash.

1. `edition_start` (from the every-minute `send_due_editions` job) marks a due edition
   `sending` and, in the same transaction, writes one `queued` delivery per confirmed
   subscriber (`INSERT ... SELECT ... ON CONFLICT DO NOTHING`: the unique pair
   edition/subscriber makes a second run add nothing) and defers one `send_batch` job
   per lane.
2. A `send_batch` job claims up to `NEWSLETTER_BATCH_SIZE` queued rows with
   `FOR UPDATE SKIP LOCKED`, tags them with its own job id and commits: two workers
   never hold the same row. It sends them one by one and marks each `sent` as soon as
   the mail server took it, then defers the next batch of its lane.
3. A job that dies (an exception, a killed worker) is retried under the same job id
   (procrastinate's retry, or `core.tasks.retry_stalled_jobs` for a dead worker), and
   first takes back the rows it had claimed: those already marked sent are not sent
   again. Rows whose job is gone for good are queued again by `edition_sweep`.

What "exactly once" means here: each row is sent by one job and recorded right after
the mail server accepted it. A crash in the instant between the two (the server took
the message, the row is not yet marked) leaves at most one message per crashed job to
be sent again; it carries the same `Message-ID`.

An unsubscribe is honoured mid-send: it skips the subscriber's queued rows at once,
and a job re-reads its subscribers' status before each group of `RECHECK_EVERY`.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone

from core.http_cache import bump_content_version
from newsletter import mail
from newsletter.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    EditionStatus,
    Subscriber,
    SubscriberStatus,
)

logger = logging.getLogger(__name__)

RECHECK_EVERY = 25
# What a mail server says about one recipient; anything else stops the job (retried).
RECIPIENT_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPRecipientsRefused, ValueError)
LIVE_JOB_STATES = ("todo", "doing")
SEND_BATCH_TASK = "newsletter.tasks.send_batch"


@dataclass
class BatchReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: bool = False
    claimed: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.claimed)


def _chunks(items: Sequence, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def due_edition_ids(now=None) -> list[int]:
    return list(
        Edition.objects.filter(status=EditionStatus.SCHEDULED, send_at__lte=now or timezone.now())
        .order_by("send_at", "id")
        .values_list("id", flat=True)
    )


def queue_deliveries(edition: Edition) -> int:
    """One queued row per confirmed subscriber; rows already there stay as they are."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Delivery._meta.db_table}
                (edition_id, subscriber_id, status, attempts, error, created_at)
            SELECT %s, id, %s, 0, '', now() FROM {Subscriber._meta.db_table}
            WHERE status = %s
            ON CONFLICT ON CONSTRAINT newsletter_delivery_once DO NOTHING
            """,  # noqa: S608 (table names from the models, values as parameters)
            [edition.pk, DeliveryStatus.QUEUED, SubscriberStatus.CONFIRMED],
        )
        return cursor.rowcount


@transaction.atomic
def edition_start(edition_id: int) -> int:
    """Start sending a due, scheduled edition; the number of deliveries queued (0 if it
    was not due, or another worker started it)."""
    from newsletter import tasks

    now = timezone.now()
    edition = (
        Edition.objects.select_for_update(skip_locked=True)
        .filter(pk=edition_id, status=EditionStatus.SCHEDULED, send_at__lte=now)
        .first()
    )
    if edition is None:
        return 0
    edition.status, edition.sending_started_at = EditionStatus.SENDING, now
    edition.save(update_fields=["status", "sending_started_at", "updated_at"])
    queued = queue_deliveries(edition)
    for lane in range(settings.NEWSLETTER_SEND_LANES):
        tasks.defer_batch(edition_id=edition.pk, lane=lane)
    logger.info("newsletter: edition %s started, %s deliveries queued", edition.pk, queued)
    return queued


def _claim(edition_id: int, job_id: int, size: int) -> list[int]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Delivery._meta.db_table}
            SET status = %s, job_id = %s, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM {Delivery._meta.db_table}
                WHERE edition_id = %s AND status = %s
                ORDER BY id LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,  # noqa: S608 (table names from the models, values as parameters)
            [DeliveryStatus.SENDING, job_id, edition_id, DeliveryStatus.QUEUED, size],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _mark(delivery_id: int, job_id: int, status: str, *, error: str = "") -> None:
    """Tick one row off (if this job still holds it). Plain SQL: it runs once per
    message, and the ORM's compiling would cost a third of the time of the send."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Delivery._meta.db_table}
            SET status = %s, job_id = NULL, error = %s,
                sent_at = CASE WHEN %s THEN now() ELSE sent_at END
            WHERE id = %s AND status = %s AND job_id = %s
            """,  # noqa: S608 (table name from the model, values as parameters)
            [
                status,
                error,
                status == DeliveryStatus.SENT,
                delivery_id,
                DeliveryStatus.SENDING,
                job_id,
            ],
        )


def send_batch(*, edition_id: int, job_id: int, size: int | None = None) -> BatchReport:
    """Send one batch of an edition under `job_id`: first what this job had claimed
    before it was interrupted, else the next queued rows."""
    report = BatchReport()
    edition = Edition.objects.select_related("guide", "event").filter(pk=edition_id).first()
    if edition is None or edition.status != EditionStatus.SENDING:
        return report
    mine = Delivery.objects.filter(
        edition_id=edition_id, status=DeliveryStatus.SENDING, job_id=job_id
    )
    report.claimed = sorted(mine.values_list("id", flat=True))
    report.resumed = bool(report.claimed)
    if not report.claimed:
        report.claimed = _claim(edition_id, job_id, size or settings.NEWSLETTER_BATCH_SIZE)
    if not report.claimed:
        return report

    rendered = mail.render_edition(edition)
    deliveries = list(
        Delivery.objects.filter(pk__in=report.claimed)
        .select_related("subscriber")
        .order_by("id")
        .only("id", "subscriber__email", "subscriber__unsubscribe_token", "subscriber__status")
    )
    mail_connection = get_connection()
    mail_connection.open()
    _fast_commits(on=True)
    try:
        for chunk in _chunks(deliveries, RECHECK_EVERY):
            still_subscribed = set(
                Subscriber.objects.filter(
                    pk__in=[d.subscriber_id for d in chunk if d.subscriber_id],
                    status=SubscriberStatus.CONFIRMED,
                ).values_list("pk", flat=True)
            )
            for delivery in chunk:
                _send_one(delivery, rendered, job_id, still_subscribed, mail_connection, report)
    finally:
        _fast_commits(on=False)
        mail_connection.close()
    return report


def _fast_commits(*, on: bool) -> None:
    """Each sent row is committed on its own, right after its message: with
    `synchronous_commit = off` that commit does not wait for the disk. A worker that
    dies loses nothing by it (PostgreSQL has the row); only a crash of the database
    server itself can lose the last fraction of a second of marks, and those messages
    would then be sent again."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF" if on else "RESET synchronous_commit")


def _send_one(  # noqa: PLR0917 (one call site, all needed)
    delivery, rendered, job_id, still_subscribed, mail_connection, report
) -> None:
    if delivery.subscriber_id not in still_subscribed:
        _mark(delivery.pk, job_id, DeliveryStatus.SKIPPED)
        report.skipped += 1
        return
    subscriber = delivery.subscriber
    message = mail.edition_message(
        rendered,
        to=subscriber.email,
        unsubscribe_token=subscriber.unsubscribe_token,
        delivery_id=delivery.pk,
        connection=mail_connection,
    )
    try:
        mail_connection.send_messages([message])
    except RECIPIENT_ERRORS as exc:
        _mark(delivery.pk, job_id, DeliveryStatus.FAILED, error=str(exc)[:500])
        report.failed += 1
        return
    _mark(delivery.pk, job_id, DeliveryStatus.SENT)
    report.sent += 1


def has_queued(edition_id: int) -> bool:
    return Delivery.objects.filter(edition_id=edition_id, status=DeliveryStatus.QUEUED).exists()


def edition_finish_if_done(edition_id: int) -> bool:
    """Mark the edition sent once no row is queued or being sent; only one caller wins."""
    unfinished = Delivery.objects.filter(
        edition_id=edition_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    )
    if unfinished.exists():
        return False
    now = timezone.now()
    finished = Edition.objects.filter(pk=edition_id, status=EditionStatus.SENDING).update(
        status=EditionStatus.SENT, sent_at=now, updated_at=now
    )
    if finished:
        bump_content_version()  # the archive gains an edition
        logger.info("newsletter: edition %s sent", edition_id)
    return bool(finished)


def _live_batch_jobs(edition_id: int) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM procrastinate_jobs WHERE task_name = %s AND status = ANY(%s) "
            "AND (args->>'edition_id')::bigint = %s",
            [SEND_BATCH_TASK, list(LIVE_JOB_STATES), edition_id],
        )
        return {row[0] for row in cursor.fetchall()}


def edition_sweep(edition_id: int) -> None:
    """For an edition being sent: rows held by a job that will never come back (it
    failed for good or was deleted) are queued again, a lane is restarted if no job is
    left to send what is queued, and a finished edition is marked sent."""
    from newsletter import tasks

    live = _live_batch_jobs(edition_id)
    orphaned = Delivery.objects.filter(edition_id=edition_id, status=DeliveryStatus.SENDING)
    if live:
        orphaned = orphaned.exclude(job_id__in=live)
    requeued = orphaned.update(status=DeliveryStatus.QUEUED, job_id=None)
    if requeued:
        logger.warning("newsletter: edition %s: %s orphaned rows requeued", edition_id, requeued)
    if has_queued(edition_id) and not live:
        for lane in range(settings.NEWSLETTER_SEND_LANES):
            tasks.defer_batch(edition_id=edition_id, lane=lane)
    edition_finish_if_done(edition_id)


def sending_edition_ids() -> list[int]:
    sending = Edition.objects.filter(status=EditionStatus.SENDING).order_by("id")
    return list(sending.values_list("id", flat=True))
