"""Writes on accounts that touch more than one row."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken

from accounts.models import DEVICE_LABEL_MAX_LENGTH, Device, User


def device_label(requested: str | None, user_agent: str) -> str:
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
    stale = AuthToken.objects.filter(user=user).order_by("-created").values("pk")[limit - 1 :]
    AuthToken.objects.filter(pk__in=stale).delete()
    instance, token = AuthToken.objects.create(user=user)
    Device.objects.create(token=instance, label=device[:DEVICE_LABEL_MAX_LENGTH])
    return instance, token


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    display_name: str = "",
    timezone: str = "UTC",
    device: str = "",
):
    user = User.objects.create_user(
        email=email, password=password, display_name=display_name, timezone=timezone
    )
    instance, token = issue_token(user=user, device=device)
    return user, instance, token


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
    """Email a reset link if an active account has this email; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.PASSWORD_RESET_URL.format(uid=uid, token=token)
    send_mail(
        subject="Reset your Breakthrough password",
        message=(
            "Someone asked to reset the password of this Breakthrough account.\n\n"
            f"To choose a new one, open {link}\n"
            f"or send uid={uid} and token={token} with your new password.\n\n"
            "If it was not you, ignore this message: your password stays as it is."
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def password_reset_confirm(*, user: User, new_password: str) -> None:
    password_change(user=user, new_password=new_password, keep_token=None)
