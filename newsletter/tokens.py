"""The opaque token of a confirmation link (`?token=`, then `{"token": ...}`).

It is signed, not stored: until the link is opened nothing about the address is kept.
It names the address, where the request came from and when it was made, so a link
opened after its address unsubscribed again cannot quietly resubscribe it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from newsletter.models import ConsentSource

SALT = "newsletter.confirm"


@dataclass(frozen=True)
class ConfirmationClaim:
    email: str
    source: str
    requested_at: float


def confirmation_token(*, email: str, source: str) -> str:
    return signing.dumps({"e": email, "s": source, "t": time.time()}, salt=SALT, compress=True)


def read_confirmation_token(token: str) -> ConfirmationClaim | None:
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
        claim = ConfirmationClaim(
            email=str(payload["e"]), source=str(payload["s"]), requested_at=float(payload["t"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if claim.source not in ConsentSource.values:
        return None
    return claim
