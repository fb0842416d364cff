"""Background jobs of the newsletter (procrastinate; see core/tasks.py and
newsletter/sending.py for how an edition is sent exactly once)."""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from newsletter import mail, sending, tokens
from newsletter.models import Edition

logger = logging.getLogger(__name__)

TEST_COPY_TOKEN = "test-copy"  # noqa: S105 (a dummy; no subscriber has it)
MAIL_RETRY = RetryStrategy(max_attempts=8, exponential_wait=5)
BATCH_RETRY = RetryStrategy(max_attempts=10, exponential_wait=5)


@app.task(queue="mail", retry=MAIL_RETRY)
def send_confirmation(*, email: str, source: str) -> None:
    """The double opt-in mail; its token is made here, so no link waits in the queue."""
    token = tokens.confirmation_token(email=email, source=source)
    link = settings.NEWSLETTER_CONFIRM_URL.format(token=token)
    mail.confirmation_message(email=email, link=link, token=token).send()


@app.task(queue="mail", retry=MAIL_RETRY)
def send_test(*, edition_id: int, email: str) -> None:
    """An editor's test copy. Its unsubscribe link is a dummy: it is no subscriber's."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return
    rendered = mail.render_edition(edition)
    mail.edition_message(
        rendered, to=email, unsubscribe_token=TEST_COPY_TOKEN, subject_prefix="[Test] "
    ).send()


def defer_batch(*, edition_id: int, lane: int) -> None:
    """The next batch of one lane; a lane never has two batches waiting."""
    with contextlib.suppress(AlreadyEnqueued):
        send_batch.configure(queueing_lock=f"newsletter-edition-{edition_id}-lane-{lane}").defer(
            edition_id=edition_id, lane=lane
        )


@app.task(queue="newsletter", pass_context=True, retry=BATCH_RETRY)
def send_batch(context: JobContext, *, edition_id: int, lane: int) -> None:
    report = sending.send_batch(edition_id=edition_id, job_id=context.job.id)
    if report.total:
        logger.info(
            "newsletter: edition %s lane %s: sent %s, failed %s, skipped %s%s",
            edition_id,
            lane,
            report.sent,
            report.failed,
            report.skipped,
            " (resumed)" if report.resumed else "",
        )
    if sending.has_queued(edition_id):
        defer_batch(edition_id=edition_id, lane=lane)
    else:
        sending.edition_finish_if_done(edition_id)


@app.periodic(cron="* * * * *", periodic_id="send_due_editions")
@app.task(queue="newsletter", queueing_lock="send_due_editions")
def send_due_editions(timestamp: int) -> None:
    """Every minute: start the editions whose time has come, and look after the ones
    being sent (rows of jobs that died for good are queued again)."""
    for edition_id in sending.due_edition_ids():
        sending.edition_start(edition_id)
    for edition_id in sending.sending_edition_ids():
        sending.edition_sweep(edition_id)
