"""Authentication and the signed-in member's own account.

Views validate input, call `accounts.services` and render; what the schema says beyond
inference lives in `accounts.api.schema`."""

from __future__ import annotations

import uuid

from django.contrib.auth import update_session_auth_hash
from django.db.models import QuerySet
from knox.models import AuthToken
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import personal_data, selectors, services
from accounts.api import schema
from accounts.api.schema import ExportSchema
from accounts.api.serializers import (
    AccountDeleteSerializer,
    DeviceSerializer,
    EmailChangeSerializer,
    EmailTokenSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RegisterSerializer,
    UserSerializer,
)
from accounts.authentication import TokenAuthentication
from accounts.models import Device
from core.http_cache import PRIVATE_NO_STORE, PrivateNoStoreMixin
from core.pagination import CursorPagination
from core.routing import ANY_SEGMENT
from core.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

REGISTERED_DETAIL = (
    "Check your inbox: we sent a message to this address. If it is new to us, it has a "
    "link to confirm it; then sign in."
)


def _token_response(user, instance: AuthToken, token: str, *, status_code: int) -> Response:
    payload = {"token": token, "expiry": instance.expiry, "user": UserSerializer(user).data}
    return Response(payload, status=status_code, headers={"Cache-Control": PRIVATE_NO_STORE})


def _private(payload: dict, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(payload, status=status_code, headers={"Cache-Control": PRIVATE_NO_STORE})


class ScopedAuthView(APIView):
    """Anonymous endpoints with a strict per-IP rate of their own (`throttle_scope`)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle, AnonRateThrottle]


# Endpoints about the token itself: a session cookie has none. (A comment, not a
# docstring: drf-spectacular would show a docstring as each operation's description.)
class TokenOnlyView(APIView):
    permission_classes = [IsAuthenticated]
    authentication_classes = [TokenAuthentication]


# Signed-in endpoints that send mail: a rate of their own besides the member's.
class MailingView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle, UserRateThrottle]
    throttle_scope = "verification_mail"


@schema.register_view
class RegisterView(ScopedAuthView):
    throttle_scope = "register"

    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_register(**serializer.validated_data)
        return _private({"detail": REGISTERED_DETAIL}, status_code=status.HTTP_202_ACCEPTED)


@schema.login_view
class LoginView(ScopedAuthView):
    throttle_scope = "login"

    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        device = services.device_label(
            requested=serializer.validated_data.get("device"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        instance, token = services.issue_token(user=user, device=device)
        return _token_response(user, instance, token, status_code=status.HTTP_200_OK)


@schema.logout_view
class LogoutView(TokenOnlyView):
    def post(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@schema.logout_all_view
class LogoutAllView(TokenOnlyView):
    def post(self, request: Request) -> Response:
        services.tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@schema.password_reset_view
class PasswordResetView(ScopedAuthView):
    throttle_scope = "password_reset"

    def post(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(email=serializer.validated_data["email"])
        return Response(
            {"detail": "If an account uses this email, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


@schema.password_reset_confirm_view
class PasswordResetConfirmView(ScopedAuthView):
    # A rate of its own: a mistyped new password must not use up the requests' bucket.
    throttle_scope = "password_reset_confirm"

    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(
            user=serializer.validated_data["user"],
            new_password=serializer.validated_data["new_password"],
        )
        return Response({"detail": "Your password has been changed. Sign in again."})


@schema.email_verify_view
class EmailVerifyView(ScopedAuthView):
    throttle_scope = "verify_email"

    def post(self, request: Request) -> Response:
        serializer = EmailTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_verify(token=serializer.validated_data["token"])
        return _private({"detail": f"{user.email} is confirmed."})


@schema.email_verify_resend_view
class EmailVerifyResendView(MailingView):
    def post(self, request: Request) -> Response:
        services.email_verification_resend(user=request.user)
        return _private(
            {"detail": "If your address still needs confirming, a new link is on its way."},
            status_code=status.HTTP_202_ACCEPTED,
        )


@schema.me_view
class MeView(PrivateNoStoreMixin, generics.RetrieveUpdateAPIView):
    """The signed-in member's profile."""

    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return self.request.user

    def delete(self, request: Request, *args, **kwargs) -> Response:
        # Kept for clients written before `POST /me/delete/`: a body on DELETE is one
        # that OpenAPI cannot describe, so generated clients could not send it.
        return _delete_account(request)


@schema.account_delete_view
class AccountDeleteView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRateThrottle]

    def post(self, request: Request) -> Response:
        return _delete_account(request)


def _delete_account(request: Request) -> Response:
    serializer = AccountDeleteSerializer(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    personal_data.delete_account(request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


@schema.email_change_view
class EmailChangeView(MailingView):
    def post(self, request: Request) -> Response:
        serializer = EmailChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.email_change_request(user=request.user, email=serializer.validated_data["email"])
        return _private(
            {"detail": "Open the link we sent to the new address to finish the change."},
            status_code=status.HTTP_202_ACCEPTED,
        )


@schema.password_change_view
class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRateThrottle]

    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        keep = request.auth if isinstance(request.auth, AuthToken) else None
        services.password_change(
            user=request.user,
            new_password=serializer.validated_data["new_password"],
            keep_token=keep,
        )
        if keep is None:
            update_session_auth_hash(request._request, request.user)
        return Response({"detail": "Your password has been changed."})


@schema.export_view
class ExportView(APIView):
    permission_classes = [IsAuthenticated]
    schema = ExportSchema()

    def get(self, request: Request) -> Response:
        payload = {"account": UserSerializer(request.user).data}
        payload.update(personal_data.export_personal_data(request.user))
        return Response(
            payload,
            headers={
                "Cache-Control": PRIVATE_NO_STORE,
                "Content-Disposition": 'attachment; filename="breakthrough-export.json"',
            },
        )


@schema.device_viewset
class DeviceViewSet(
    PrivateNoStoreMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = DeviceSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination  # personal and newest first, like every `/me/` list
    lookup_value_regex = ANY_SEGMENT

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):
            return Device.objects.none()
        return selectors.device_list(owner=self.request.user)

    def get_object(self) -> Device:
        # A malformed id names no device of anyone's: the same 404 as another's.
        try:
            uuid.UUID(str(self.kwargs["pk"]))
        except ValueError:
            raise NotFound() from None
        return super().get_object()

    def perform_destroy(self, instance: Device) -> None:
        instance.token.delete()
