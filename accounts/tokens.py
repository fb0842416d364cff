"""The one opaque token each mailed link carries (`?token=`), and its checks.

A front end turns a link into an API call by sending the same string as
`{"token": "..."}`. Nothing about a token is stored: each is signed with the secret key
and checks itself.

- Email verification names the member and the address it proves. It is void once the
  account's address is no longer that one; an email-change token also names the
  address it replaces, so it works only while the account still has that one.
- Password reset wraps Django's own reset token (void as soon as the password or the
  last sign-in changes, so each link works once) with the member's id.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import User

VERIFICATION_SALT = "accounts.email-verification"
# The alphabets of both parts (URL-safe base64 and Django's `ts-hash`) have no dot.
RESET_SEPARATOR = "."


@dataclass(frozen=True)
class EmailClaim:
    user_id: int
    email: str
    replaces: str | None  # the address an email change replaces; None for a plain check


def verification_token(*, user: User, email: str | None = None) -> str:
    """Proves `email` (the account's own address unless a new one is given)."""
    payload = {"u": user.pk, "e": email or user.email}
    if email is not None and email != user.email:
        payload["o"] = user.email
    return signing.dumps(payload, salt=VERIFICATION_SALT, compress=True)


def read_verification_token(token: str) -> EmailClaim | None:
    """What a verification token claims, or None for a forged, malformed or expired one."""
    try:
        payload = signing.loads(
            token, salt=VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
        return EmailClaim(
            user_id=int(payload["u"]), email=str(payload["e"]), replaces=payload.get("o")
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def password_reset_token(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}{RESET_SEPARATOR}{default_token_generator.make_token(user)}"


def read_password_reset_token(token: str) -> User | None:
    """The active member a reset token is for, or None if it is not (or no longer) valid."""
    uid, _, reset = token.partition(RESET_SEPARATOR)
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, reset):
        return None
    return user
