"""Device tokens in the `Authorization` header, as `Token <token>` or `Bearer <token>`.

knox reads one prefix only (`Token`), while most mobile HTTP libraries send `Bearer`
for any token; both name the same knox token here. The schema documents both."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request

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
        return self.authenticate_credentials(parts[1])


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
