"""Writes on accounts that touch more than one row."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone as dj_timezone
from knox.models import AuthToken

from accounts import tasks, tokens
from accounts.models import DEVICE_LABEL_MAX_LENGTH, Device, User, UserManager
from core.errors import DomainError


def device_label(*, requested: str | None, user_agent: str) -> str:
    """The name a member gave the device at sign-in, else its User-Agent."""
    label = " ".join((requested or user_agent or "").split())
    return label[:DEVICE_LABEL_MAX_LENGTH] or "Unnamed device"


@transaction.atomic
def issue_token(*, user: User, device: str = "") -> tuple[AuthToken, str]:
    """A new device token; only its hash is stored, the plain token is returned once.
    `device` names it in the member's device list.

    At most `TOKEN_LIMIT_PER_USER` live tokens: signing in on one device too many logs
    the least recently created one out, rather than refusing the new sign-in."""
    limit = settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]
    # Expired tokens first, so they never count against the limit (nor push out a live one).
    AuthToken.objects.filter(user=user, expiry__lt=dj_timezone.now()).delete()
    stale = AuthToken.objects.filter(user=user).order_by("-created").values("pk")[limit - 1 :]
    AuthToken.objects.filter(pk__in=stale).delete()
    instance, token = AuthToken.objects.create(user=user)
    Device.objects.create(token=instance, label=device[:DEVICE_LABEL_MAX_LENGTH])
    return instance, token


def tokens_revoke_all(*, user: User) -> None:
    """Sign the member out everywhere: no token of theirs works any more."""
    AuthToken.objects.filter(user=user).delete()


def user_register(
    *, email: str, password: str, display_name: str = "", timezone: str = "UTC"
) -> None:
    """Create an unverified account and mail it a verification link; for an address
    that already has an account, mail its owner instead. The caller learns nothing
    either way: both paths hash the password (so they take as long) and return None."""
    email = UserManager.normalize_email_address(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, display_name=display_name, timezone=timezone
                )
                tasks.send_verification_email.defer(user_id=user.pk)
        except IntegrityError:  # the same address registered a moment ago
            existing = User.objects.filter(email__iexact=email).first()
        else:
            return
    else:
        make_password(password)
    if existing is not None and existing.is_active:
        tasks.send_already_registered.defer(user_id=existing.pk)


@transaction.atomic
def password_change(*, user: User, new_password: str, keep_token: AuthToken | None) -> None:
    """Set the password and revoke every other token (and session)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    tokens = AuthToken.objects.filter(user=user)
    if keep_token is not None:
        tokens = tokens.exclude(pk=keep_token.pk)
    tokens.delete()


@transaction.atomic
def password_set_by_staff(*, user: User, new_password: str | None) -> None:
    """A password set for the member by a superuser in the admin (None: password
    sign-in turned off): every token and session of the member stops working (whoever
    set it must not be signed in as them anywhere), and the member is told, so the
    change is never silent."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    AuthToken.objects.filter(user=user).delete()
    email = user.email
    transaction.on_commit(
        lambda: send_mail(
            subject="Your Breakthrough password was changed by an administrator",
            message=(
                "An administrator has set a new password for this Breakthrough account, "
                "and every device signed in to it has been signed out.\n\n"
                "If you did not ask for this, reset your password from the app and write "
                "to us."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )


def password_reset_request(*, email: str) -> None:
    """Queue a reset link if an active account has this email; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    tasks.send_password_reset.defer(user_id=user.pk)


@transaction.atomic
def password_reset_confirm(*, user: User, new_password: str) -> None:
    password_change(user=user, new_password=new_password, keep_token=None)


class EmailTokenError(DomainError):
    """A verification token the service refuses: a 400 on `token`."""

    default_code = "invalid"
    default_detail = "This link is invalid or has expired."

    def __init__(self) -> None:
        super().__init__(field="token")


class EmailTokenInvalidError(EmailTokenError):
    """Forged, expired, or for an address the account no longer has."""


class EmailTakenError(EmailTokenError):
    """The new address of an email change went to another account in the meantime."""

    default_code = "email_taken"
    default_detail = "Another account uses this address now."


def email_verification_resend(*, user: User) -> None:
    if not user.email_verified:
        tasks.send_verification_email.defer(user_id=user.pk)


def email_change_request(*, user: User, email: str) -> None:
    """Mail a link to the new address; the account keeps its address until it is opened.
    If another account has that address, its owner is told instead (and the member
    gets the same answer, so it tells them nothing)."""
    email = UserManager.normalize_email_address(email)
    if email == user.email:
        return
    if User.objects.filter(email__iexact=email).exists():
        tasks.send_address_in_use.defer(email=email)
        return
    tasks.send_verification_email.defer(user_id=user.pk, email=email)


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address a token proves as verified; for an email change, make it the
    account's address and tell the old one. Opening a link twice is harmless."""
    claim = tokens.read_verification_token(token)
    if claim is None:
        raise EmailTokenInvalidError()
    user = User.objects.select_for_update().filter(pk=claim.user_id, is_active=True).first()
    if user is None:
        raise EmailTokenInvalidError()
    now = dj_timezone.now()
    if claim.replaces is None:
        if user.email != claim.email:
            raise EmailTokenInvalidError()
        if not user.email_verified:
            user.email_verified_at = now
            user.save(update_fields=["email_verified_at"])
        return user
    if user.email == claim.email:  # this change is already done
        return user
    if user.email != claim.replaces:
        raise EmailTokenInvalidError()
    if User.objects.filter(email__iexact=claim.email).exclude(pk=user.pk).exists():
        raise EmailTakenError()
    old_email = user.email
    user.email, user.email_verified_at = claim.email, now
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:
        raise EmailTakenError() from None
    tasks.send_email_changed.defer(old_email=old_email, new_email=user.email)
    return user
