"""Account mail, sent by the workers (procrastinate; see core/tasks.py), never inside a
request: a slow or failing mail server then costs the member nothing, and a failed
send is retried with backoff.

Jobs carry ids and addresses, never a token: each token is made by the worker when it
writes the message, so no usable link sits in the jobs table.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from knox.models import AuthToken
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from accounts import tokens
from accounts.models import User

MAIL_RETRY = RetryStrategy(max_attempts=8, exponential_wait=5)
SIGNATURE = "\n\n-- \nBreakthrough"


def _send(*, to: str, subject: str, body: str) -> None:
    send_mail(subject=subject, message=body + SIGNATURE, from_email=None, recipient_list=[to])


def _active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


@app.task(queue="mail", retry=MAIL_RETRY)
def send_verification_email(*, user_id: int, email: str | None = None) -> None:
    """A link that proves the member receives mail at `email` (by default the account's
    address; for an email change, the new one). Nothing if the account is gone."""
    user = _active_user(user_id)
    if user is None:
        return
    address = email or user.email
    if email is None and user.email_verified:
        return
    token = tokens.verification_token(user=user, email=address)
    link = settings.EMAIL_VERIFICATION_URL.format(token=token)
    if address == user.email:
        subject = "Confirm your email for Breakthrough"
        intro = "Welcome to Breakthrough. Please confirm that this is your email address."
    else:
        subject = "Confirm your new email for Breakthrough"
        intro = (
            f"You asked to use this address instead of {user.email} for your Breakthrough "
            "account. It changes once you confirm it."
        )
    _send(
        to=address,
        subject=subject,
        body=(
            f"{intro}\n\nOpen {link}\nor send this token to the app: {token}\n\n"
            "The link works for "
            f"{settings.EMAIL_VERIFICATION_MAX_AGE // 3600} hours. "
            "If you did not ask for this, ignore this message."
        ),
    )


@app.task(queue="mail", retry=MAIL_RETRY)
def send_password_reset(*, user_id: int) -> None:
    """A one-use link to choose a new password."""
    user = _active_user(user_id)
    if user is None or not user.has_usable_password():
        return
    token = tokens.password_reset_token(user)
    link = settings.PASSWORD_RESET_URL.format(token=token)
    _send(
        to=user.email,
        subject="Reset your Breakthrough password",
        body=(
            "Someone asked to reset the password of this Breakthrough account.\n\n"
            f"To choose a new one, open {link}\n"
            f"or send this token with your new password: {token}\n\n"
            "If it was not you, ignore this message: your password stays as it is."
        ),
    )


@app.task(queue="mail", retry=MAIL_RETRY)
def send_already_registered(*, user_id: int) -> None:
    """Someone tried to sign up with the address of an existing account: its owner hears
    of it (the API answered them exactly as for a new address)."""
    user = _active_user(user_id)
    if user is None:
        return
    _send(
        to=user.email,
        subject="You already have a Breakthrough account",
        body=(
            "Someone tried to create a Breakthrough account with this email address, "
            "which already has one.\n\n"
            "If it was you, sign in instead; if you forgot your password, reset it from "
            "the app. If it was not you, you need do nothing: your account is unchanged."
        ),
    )


@app.task(queue="mail", retry=MAIL_RETRY)
def send_address_in_use(*, email: str) -> None:
    """A member asked to move their account to an address another account already has;
    only the owner of that address is told."""
    _send(
        to=email,
        subject="Your email address was offered for another Breakthrough account",
        body=(
            "A Breakthrough member asked to use this email address for their account, but "
            "it already belongs to an account, so nothing changed.\n\n"
            "If it was you, you need do nothing: your account is unchanged."
        ),
    )


@app.task(queue="mail", retry=MAIL_RETRY)
def send_email_changed(*, old_email: str, new_email: str) -> None:
    """The address an account used to have is told that the account moved away from it."""
    _send(
        to=old_email,
        subject="The email of your Breakthrough account was changed",
        body=(
            f"The email of the Breakthrough account that used this address is now "
            f"{new_email}.\n\nIf you did not make this change, reset your password and "
            "write to us at once."
        ),
    )


@app.periodic(cron="*/10 * * * *", periodic_id="remove_expired_tokens")
@app.task(queue="maintenance", queueing_lock="remove_expired_tokens")
def remove_expired_tokens(timestamp: int) -> int:
    """Every ten minutes: delete expired tokens (knox did this on every request). An
    expired token is refused whether or not its row is gone yet."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
