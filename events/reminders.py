"""The reminder worker: sends each due reminder once, however many workers run.

How "exactly once" holds with several workers:
- A worker claims one reminder at a time with `SELECT ... FOR UPDATE OF reminder SKIP
  LOCKED`: a row another worker holds is skipped, not waited for, and the claim lasts
  until the worker commits what it did (sent, retry later, missed, given up).
- A row is due when the event's *current* start minus its offset has passed and it has
  not been handled for that start (`handled_for`). Nothing stores a due time, so a
  rescheduled event moves its reminders, and one moved later is reminded again.
- Cancelled events get no reminder. The member gets one cancellation notice instead,
  even with several reminders for the event: the notice row's unique key decides which
  worker sends it (the loser's insert waits for the winner's commit, then conflicts).
- A cancelled event that is reinstated revives its reminders, and each member who was
  told of the cancellation is told it is back on: deleting the notice row is the claim,
  so one worker sends that, and a later cancellation is announced again.
- Failures to send are retried with exponential backoff, up to `MAX_ATTEMPTS`; so is
  any other error while handling one reminder, which never stops the others.
- Subjects and calendar lines are built with `core.validators.one_line`, so a title
  stored with a line break (from before titles refused them) cannot break a header.

One caveat no database can remove: if a worker dies after the mail server accepted a
message but before its commit, the claim is released and the reminder is sent again.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, Value
from django.utils import timezone

from core.references import page_url
from core.validators import one_line
from events.models import (
    HAPPENING_STATUSES,
    CancellationNotice,
    Event,
    EventStatus,
    Reminder,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(minutes=30)
LONGEST_OFFSET = timedelta(minutes=max(Reminder.Offset.values))
# What a failed send raises: the SMTP protocol's errors and network errors.
SEND_ERRORS = (smtplib.SMTPException, OSError)


@dataclass
class RunReport:
    sent: int = 0
    notices: int = 0
    reinstated: int = 0
    missed: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    handled_ids: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            self.sent
            + self.notices
            + self.reinstated
            + self.missed
            + self.retried
            + self.failed
            + self.skipped
        )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failure, never more than 30."""
    return min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)


def _not_handled_for_current_start() -> Q:
    return (
        Q(handled_for__isnull=True)
        | Q(handled_for__lt=F("event__starts_at"))
        | Q(handled_for__gt=F("event__starts_at"))
    )


def _ready_to_try(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def due_reminders(now: datetime):
    """Reminders to send now: due by the event's current start, not yet handled for it."""
    remind_at = ExpressionWrapper(
        F("event__starts_at")
        - ExpressionWrapper(
            F("minutes_before") * Value(timedelta(minutes=1)), output_field=DurationField()
        ),
        output_field=DateTimeField(),
    )
    return (
        Reminder.objects.annotate(due_at=remind_at)
        .filter(
            event__status__in=HAPPENING_STATUSES,
            # A bound the index on starts_at can use; the exact test is remind_at.
            event__starts_at__lte=now + LONGEST_OFFSET,
            due_at__lte=now,
        )
        .filter(_not_handled_for_current_start(), _ready_to_try(now))
    )


def pending_cancellations(now: datetime):
    """Reminders of cancelled events still to come whose member has not been told."""
    return (
        Reminder.objects.filter(event__status=EventStatus.CANCELLED, event__starts_at__gt=now)
        .exclude(state=Reminder.State.CANCELLED)
        .filter(_ready_to_try(now))
    )


def pending_reinstatements(now: datetime):
    """Reminders left cancelled although their event is back on and still to come."""
    return Reminder.objects.filter(
        state=Reminder.State.CANCELLED,
        event__status__in=HAPPENING_STATUSES,
        event__starts_at__gt=now,
    ).filter(_ready_to_try(now))


def _claim(queryset) -> Reminder | None:
    return (
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("event", "owner")
        .order_by("event__starts_at", "id")
        .first()
    )


def _event_url(event: Event) -> str:
    """The front end's page of the event, else its API detail on SITE_URL."""
    return page_url({}, event)


def _when(event: Event, zone_name: str) -> str:
    local = event.starts_at.astimezone(ZoneInfo(zone_name))
    return f"{local:%A %d %B %Y, %H:%M} ({zone_name})"


def _member_zone(owner) -> str:
    return getattr(owner, "timezone", "") or "UTC"


def _mail(reminder: Reminder, subject: str, lines: list[str]) -> EmailMessage:
    """A message to the reminder's member; the subject is kept to one line whatever the
    event's title holds."""
    return EmailMessage(
        subject=one_line(subject),
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.owner.email],
    )


def reminder_message(reminder: Reminder) -> EmailMessage:
    event = reminder.event
    zone = _member_zone(reminder.owner)
    lines = [f"{event.title} starts {_when(event, zone)}."]
    if zone != event.timezone:
        lines.append(f"That is {_when(event, event.timezone)} where it is hosted.")
    lines.append("")
    if event.stream_url:
        lines.append(f"Watch live: {event.stream_url}")
    if event.podcast_url:
        lines.append(f"Listen: {event.podcast_url}")
    lines += [
        f"Details and calendar file: {_event_url(event)}",
        "",
        "You asked for this reminder. Manage your reminders in your account.",
    ]
    subject = f"Reminder: {event.title} ({reminder.get_minutes_before_display()})"
    return _mail(reminder, subject, lines)


def cancellation_message(reminder: Reminder) -> EmailMessage:
    event = reminder.event
    when = _when(event, _member_zone(reminder.owner))
    lines = [
        f"{event.title}, planned for {when}, is cancelled.",
        "You will not get a reminder for it.",
        "",
        f"Details: {_event_url(event)}",
    ]
    return _mail(reminder, f"Cancelled: {event.title}", lines)


def reinstatement_message(reminder: Reminder) -> EmailMessage:
    event = reminder.event
    lines = [
        f"{event.title} is going ahead after all.",
        f"It starts {_when(event, _member_zone(reminder.owner))}.",
        "Your reminders for it are back on.",
        "",
        f"Details and calendar file: {_event_url(event)}",
    ]
    return _mail(reminder, f"Back on: {event.title}", lines)


def _record_failure(
    reminder: Reminder,
    error: Exception,
    now: datetime,
    report: RunReport,
    *,
    final_state: str = Reminder.State.FAILED,
) -> None:
    reminder.attempts += 1
    reminder.last_error = f"{type(error).__name__}: {error}"[:500]
    fields = ["attempts", "last_error", "next_attempt_at"]
    if reminder.attempts >= MAX_ATTEMPTS:
        reminder.state = final_state
        reminder.handled_for = reminder.event.starts_at
        reminder.next_attempt_at = None
        fields += ["state", "handled_for"]
        report.failed += 1
        logger.error("reminder %s: giving up after %s attempts", reminder.pk, reminder.attempts)
    else:
        reminder.next_attempt_at = now + backoff(reminder.attempts)
        report.retried += 1
        logger.warning("reminder %s: send failed (%s), retrying", reminder.pk, error)
    reminder.save(update_fields=fields)


def _handled(reminder: Reminder, state: str, **extra: object) -> None:
    reminder.state = state
    reminder.handled_for = reminder.event.starts_at
    reminder.attempts = 0
    reminder.next_attempt_at = None
    reminder.last_error = ""
    for name, value in extra.items():
        setattr(reminder, name, value)
    reminder.save(
        update_fields=[
            "state",
            "handled_for",
            "attempts",
            "next_attempt_at",
            "last_error",
            *extra,
        ]
    )


def send_next_reminder(report: RunReport, now: datetime | None = None) -> bool:
    """Claim and handle one due reminder; False when none is left for this worker."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = _claim(due_reminders(now))
        if reminder is None:
            return False
        report.handled_ids.append(reminder.pk)
        if reminder.event.starts_at <= now:
            # The worker was down past the start: a late "starts soon" helps no one.
            _handled(reminder, Reminder.State.MISSED)
            report.missed += 1
            return True
        try:
            reminder_message(reminder).send(fail_silently=False)
        except Exception as error:  # one bad reminder must never stop the others
            _log_unexpected(reminder, error)
            _record_failure(reminder, error, now, report)
            return True
        _handled(reminder, Reminder.State.SENT, sent_at=now)
        report.sent += 1
    return True


def send_next_cancellation(report: RunReport, now: datetime | None = None) -> bool:
    """Claim one reminder of a cancelled event and make sure its member is told once."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = _claim(pending_cancellations(now))
        if reminder is None:
            return False
        report.handled_ids.append(reminder.pk)
        try:
            with transaction.atomic():
                CancellationNotice.objects.create(
                    owner=reminder.owner, event=reminder.event, sent_at=now
                )
                cancellation_message(reminder).send(fail_silently=False)
        except IntegrityError:
            report.skipped += 1  # another reminder of this member already told them
        except Exception as error:
            _log_unexpected(reminder, error)
            _record_failure(reminder, error, now, report, final_state=Reminder.State.CANCELLED)
            return True
        else:
            report.notices += 1
        _handled(reminder, Reminder.State.CANCELLED)
    return True


def send_next_reinstatement(report: RunReport, now: datetime | None = None) -> bool:
    """Claim one cancelled reminder of an event that is back on: revive it, and tell its
    member once (the worker that deletes their cancellation notice sends the news)."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = _claim(pending_reinstatements(now))
        if reminder is None:
            return False
        report.handled_ids.append(reminder.pk)
        try:
            with transaction.atomic():
                told, _ = CancellationNotice.objects.filter(
                    owner=reminder.owner, event=reminder.event
                ).delete()
                if told:
                    reinstatement_message(reminder).send(fail_silently=False)
        except Exception as error:
            _log_unexpected(reminder, error)
            if reminder.attempts + 1 < MAX_ATTEMPTS:
                _record_failure(reminder, error, now, report)
                return True
            # The news could not be sent; the reminders themselves still come back.
            logger.exception(
                "reminder %s: could not tell the member the event is back", reminder.pk
            )
            report.failed += 1
        else:
            if told:
                report.reinstated += 1
            else:
                report.skipped += 1
        reminder.state = Reminder.State.PENDING
        reminder.handled_for = None
        reminder.attempts = 0
        reminder.next_attempt_at = None
        reminder.last_error = ""
        reminder.save(
            update_fields=["state", "handled_for", "attempts", "next_attempt_at", "last_error"]
        )
    return True


def _log_unexpected(reminder: Reminder, error: Exception) -> None:
    if not isinstance(error, SEND_ERRORS):
        logger.error("reminder %s: unexpected error", reminder.pk, exc_info=error)


def run_once(*, limit: int | None = None) -> RunReport:
    """Handle everything due now (or at most `limit` reminders), then return."""
    report = RunReport()
    while limit is None or report.total < limit:
        if not (
            send_next_cancellation(report)
            or send_next_reinstatement(report)
            or send_next_reminder(report)
        ):
            break
    return report
