"""Views of the newsletter API: subscribing without an account, the links in every
mail (confirm, one-click unsubscribe, erasure), the member's own switch, and the
public archive of sent editions."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.http_cache import PRIVATE_NO_STORE, PrivateNoStoreMixin, PublicCacheMixin
from core.parsers import JSONParser
from core.routing import SLUG_PATTERN
from core.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from newsletter import selectors, services
from newsletter.api import schema
from newsletter.api.serializers import (
    EditionDetailSerializer,
    EditionSerializer,
    MemberNewsletterSerializer,
    NewsletterTokenSerializer,
    SubscriptionRequestSerializer,
    UnsubscribeSerializer,
)
from newsletter.models import Edition

SUBSCRIBED_DETAIL = (
    "Thank you. If this address does not receive the Soul Gym yet, a message with a "
    "confirmation link is on its way to it."
)


def _detail(text: str, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(
        {"detail": text}, status=status_code, headers={"Cache-Control": PRIVATE_NO_STORE}
    )


class AnonymousNewsletterView(APIView):
    """Links from a mail and the subscription form: no account, a per-IP rate."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle, AnonRateThrottle]
    throttle_scope = "newsletter_token"


@schema.subscription_create
class SubscriptionView(AnonymousNewsletterView):
    throttle_scope = "newsletter_subscribe"

    def post(self, request: Request) -> Response:
        serializer = SubscriptionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.subscription_request(**serializer.validated_data)
        return _detail(SUBSCRIBED_DETAIL, status.HTTP_202_ACCEPTED)


@schema.confirm
class ConfirmView(AnonymousNewsletterView):
    def post(self, request: Request) -> Response:
        serializer = NewsletterTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.subscription_confirm(token=serializer.validated_data["token"])
        return _detail("You are subscribed to the Soul Gym.")


@schema.unsubscribe
@extend_validation_errors(["required"], field_name="token", methods=["post"])
class UnsubscribeView(AnonymousNewsletterView):
    # Clients send JSON everywhere else; a mail client's one-click unsubscribe (RFC 8058)
    # posts a form, `List-Unsubscribe=One-Click`, with the token in the URL.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request: Request) -> Response:
        serializer = UnsubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = serializer.validated_data.get("token") or request.query_params.get("token")
        if not token:
            raise ValidationError({"token": ["This field is required."]}, code="required")
        services.unsubscribe_by_token(token=token)
        return _detail("You are unsubscribed: no more issues will be sent to this address.")


@schema.erase
class EraseView(AnonymousNewsletterView):
    def post(self, request: Request) -> Response:
        serializer = NewsletterTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.erase_by_token(token=serializer.validated_data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


@schema.member_newsletter
@extend_validation_errors(["email_unverified"], field_name="subscribed", methods=["put"])
class MemberNewsletterView(PrivateNoStoreMixin, APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRateThrottle]
    serializer_class = MemberNewsletterSerializer

    def _payload(self, request: Request) -> Response:
        subscriber = services.member_subscription(request.user)
        subscribed = subscriber is not None and subscriber.is_confirmed
        data = {
            "subscribed": subscribed,
            "email": subscriber.email if subscriber is not None else request.user.email,
            "subscribed_at": subscriber.subscribed_at if subscribed else None,
            "consent_text": services.CONSENT_TEXT,
        }
        return Response(MemberNewsletterSerializer(data).data)

    def get(self, request: Request) -> Response:
        return self._payload(request)

    def put(self, request: Request) -> Response:
        serializer = MemberNewsletterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.member_subscription_set(
            user=request.user, subscribed=serializer.validated_data["subscribed"]
        )
        return self._payload(request)


@schema.editions
class EditionViewSet(PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    """The public archive: read-only, cached like every public content."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Edition]:
        if self.action == "retrieve":
            return selectors.edition_detail()
        return selectors.edition_list()

    def get_serializer_class(self):
        return EditionDetailSerializer if self.action == "retrieve" else EditionSerializer
