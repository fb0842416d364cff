"""Device tokens in the `Authorization` header, as `Token <token>` or `Bearer <token>`.

knox reads one prefix only (`Token`), while most mobile HTTP libraries send `Bearer`
for any token; both name the same knox token here. The schema documents both.

A checked token is kept in process memory for a few seconds and revoked everywhere at
once (`accounts.token_cache`). knox's sweep of the member's other expired tokens, two
more queries on every request, runs as a periodic job instead
(`accounts.tasks.remove_expired_tokens`); an expired token is refused and deleted on
its own use as before."""

from __future__ import annotations

import binascii
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request

from accounts import token_cache
from core.throttling import PRECOUNTED, UserRateThrottle

PREFIXES = (b"token", b"bearer")


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in PREFIXES:
            return None  # another scheme, or none: the next authenticator decides
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid Authorization header: send `Bearer <token>` or `Token <token>`."
            )
        return self.authenticate_credentials(parts[1], request)

    def authenticate_credentials(self, token: bytes, request: Request | None = None):
        try:
            digest = hash_token(token.decode("utf-8"))
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        found, counted = token_cache.lookup(digest, _user_rate_counter(request))
        if counted:
            # The member's request is counted (one round trip with the check above):
            # the view's `UserRateThrottle` takes this count instead of counting again.
            setattr(request, PRECOUNTED, counted)
        if found is not None:
            return found
        generation = token_cache.generation_before_load(digest)
        user, auth_token = super().authenticate_credentials(token)
        token_cache.store(digest, user, auth_token, generation)
        return user, auth_token

    def _cleanup_token(self, auth_token: Any) -> bool:
        """Only this token: expired, it is deleted and refused. (knox also deletes the
        member's other expired tokens here, on every request.)"""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


def _user_rate_counter(request: Request | None):
    """For a view throttled per member (`UserRateThrottle`): the member's id -> that
    throttle's key and window, so the token check can count the request. None for a
    view without it: nothing is counted that the view would not count."""
    context = getattr(request, "parser_context", None) or {}
    view = context.get("view")
    classes = getattr(view, "throttle_classes", ())
    if not any(isinstance(c, type) and issubclass(c, UserRateThrottle) for c in classes):
        return None
    throttle = UserRateThrottle()
    if throttle.rate is None:
        return None
    return lambda user_id: (
        throttle.cache_format % {"scope": throttle.scope, "ident": user_id},
        throttle.duration,
    )


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = ["tokenAuth", "bearerAuth"]
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list]]:
        # Either scheme alone is enough (a list of requirements is an OR).
        return [{"tokenAuth": []}, {"bearerAuth": []}]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, str]]:
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Token <token>`, with the token from login or registration.",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "description": "The same token as `Bearer <token>`.",
            },
        ]
