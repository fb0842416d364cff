"""What the OpenAPI schema of the newsletter API says that inference cannot see."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from newsletter.api.serializers import (
    NewsletterDetailSerializer,
    NewsletterTokenSerializer,
    SubscriptionRequestSerializer,
    UnsubscribeSerializer,
)

CACHING_NOTE = (
    " Answers carry `ETag` and `Last-Modified`; send `If-None-Match` or "
    "`If-Modified-Since` to get an empty 304 when nothing changed."
)

subscription_create = extend_schema(
    tags=["newsletter"],
    request=SubscriptionRequestSerializer,
    responses={202: NewsletterDetailSerializer},
    summary="Subscribe an address to the Soul Gym (double opt-in)",
    description="Always 202 with the same body, whether the address is new, waiting for "
    "its confirmation, subscribed or unsubscribed. An address that does not receive the "
    "newsletter yet gets a mail with a confirmation link (`?token=`, then "
    "`POST /api/v1/newsletter/confirm/`); nothing is stored until it is opened.",
)

confirm = extend_schema(
    tags=["newsletter"],
    request=NewsletterTokenSerializer,
    responses={200: NewsletterDetailSerializer},
    summary="Confirm a subscription with the mailed token",
    description="Records the consent (time, wording, source). A bad or expired token is "
    "a 400; opening the link twice is harmless.",
)

unsubscribe = extend_schema(
    tags=["newsletter"],
    # JSON, or the form body a mail client's one-click POST sends (RFC 8058).
    request=UnsubscribeSerializer,
    parameters=[
        OpenApiParameter(
            "token",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            description="The token, as a mail client's one-click unsubscribe sends it "
            "(the `List-Unsubscribe` URL of every issue).",
        )
    ],
    responses={200: NewsletterDetailSerializer},
    summary="Unsubscribe, without signing in (RFC 8058 one-click)",
    description='Takes `{"token"}` or the `token` query parameter. Honoured at once, '
    "even for an issue being sent right now. A bad token is a 400.",
)

erase = extend_schema(
    tags=["newsletter"],
    request=NewsletterTokenSerializer,
    responses={204: OpenApiResponse(description="The address and its consents are gone.")},
    summary="Unsubscribe and have your address forgotten",
    description="With the token of the unsubscribe link, no account needed. What stays is "
    "an anonymous count per sent issue.",
)

member_newsletter = extend_schema_view(
    get=extend_schema(tags=["me"], summary="Whether the newsletter goes to your address"),
    put=extend_schema(
        tags=["me"],
        summary="Switch the newsletter on or off for your address",
        description="No mail round trip: your verified address is proof enough (an "
        "unverified one is a 400 `email_unverified`). Switching it on records the "
        "consent with the source `settings`.",
    ),
)

editions = extend_schema_view(
    list=extend_schema(
        tags=["newsletter"],
        summary="The archive: every sent issue, newest first",
        description=f"Only issues already sent.{CACHING_NOTE}",
    ),
    retrieve=extend_schema(
        tags=["newsletter"],
        summary="One sent issue",
        description=f"An issue not sent yet is a 404.{CACHING_NOTE}",
    ),
)
