"""Authentication and the signed-in member's own account."""

from __future__ import annotations

import uuid

from django.contrib.auth import update_session_auth_hash
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from knox.models import AuthToken
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from accounts import personal_data, services
from accounts.api.serializers import (
    AccountDeleteSerializer,
    DetailSerializer,
    DeviceSerializer,
    EmailChangeSerializer,
    EmailTokenSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserSerializer,
)
from accounts.authentication import TokenAuthentication
from accounts.models import Device
from core.schema import AutoSchema

PRIVATE_NO_STORE = "private, no-store"


def _token_response(user, instance: AuthToken, token: str, *, status_code: int) -> Response:
    payload = {"token": token, "expiry": instance.expiry, "user": UserSerializer(user).data}
    return Response(payload, status=status_code, headers={"Cache-Control": PRIVATE_NO_STORE})


class ScopedAuthView(APIView):
    """Anonymous endpoints with a strict per-IP rate of their own (`throttle_scope`)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle, AnonRateThrottle]


REGISTERED_DETAIL = (
    "Check your inbox: we sent a message to this address. If it is new to us, it has a "
    "link to confirm it; then sign in."
)


@extend_schema(tags=["auth"])
class RegisterView(ScopedAuthView):
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_register",
        request=RegisterSerializer,
        responses={202: DetailSerializer},
        summary="Create an account (then sign in with auth/login)",
        description="The answer is the same whether or not the email already has an "
        "account: a new address gets a verification link, an existing account's owner "
        "is told of the attempt by email. Unverified members can sign in and keep their "
        "journal.",
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_register(**serializer.validated_data)
        return Response(
            {"detail": REGISTERED_DETAIL},
            status=status.HTTP_202_ACCEPTED,
            headers={"Cache-Control": PRIVATE_NO_STORE},
        )


@extend_schema(tags=["auth"])
@extend_validation_errors(["invalid_credentials"], field_name="non_field_errors", methods=["post"])
class LoginView(ScopedAuthView):
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={200: TokenSerializer},
        summary="Exchange email and password for a new device token",
        description="Name the device with `device`; it shows in `GET /api/v1/me/devices/`.",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        device = services.device_label(
            serializer.validated_data.get("device"), request.headers.get("User-Agent", "")
        )
        instance, token = services.issue_token(user=user, device=device)
        return _token_response(user, instance, token, status_code=status.HTTP_200_OK)


@extend_schema(tags=["auth"])
class LogoutView(APIView):
    permission_classes = [IsAuthenticated]
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: OpenApiResponse(description="This token no longer works.")},
        summary="Revoke the token used for this request",
    )
    def post(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class LogoutAllView(APIView):
    permission_classes = [IsAuthenticated]
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        operation_id="auth_logout_all",
        request=None,
        responses={204: OpenApiResponse(description="No token of this member works any more.")},
        summary="Revoke every token of the member (all devices)",
    )
    def post(self, request: Request) -> Response:
        AuthToken.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class PasswordResetView(ScopedAuthView):
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="auth_password_reset",
        request=PasswordResetSerializer,
        responses={202: DetailSerializer},
        summary="Email a password-reset link",
        description="The answer is the same whether or not the email has an account.",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(email=serializer.validated_data["email"])
        return Response(
            {"detail": "If an account uses this email, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema(tags=["auth"])
class PasswordResetConfirmView(ScopedAuthView):
    # A rate of its own: a mistyped new password must not use up the requests' bucket.
    throttle_scope = "password_reset_confirm"

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        request=PasswordResetConfirmSerializer,
        responses={200: DetailSerializer},
        summary="Set a new password with the emailed token",
        description="Every token of the account stops working.",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(
            user=serializer.validated_data["user"],
            new_password=serializer.validated_data["new_password"],
        )
        return Response({"detail": "Your password has been changed. Sign in again."})


@extend_schema(tags=["auth"])
@extend_validation_errors(
    [services.EmailTakenError.default_code], field_name="token", methods=["post"]
)
class EmailVerifyView(ScopedAuthView):
    throttle_scope = "verify_email"

    @extend_schema(
        request=EmailTokenSerializer,
        responses={200: DetailSerializer},
        summary="Confirm an email address with the emailed token",
        description="Works signed in or not. For an email change, the account's address "
        "becomes the new one and the old address is told. Opening a link twice is "
        "harmless; a bad or expired token is a 400.",
    )
    def post(self, request: Request) -> Response:
        serializer = EmailTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_verify(token=serializer.validated_data["token"])
        return Response(
            {"detail": f"{user.email} is confirmed."}, headers={"Cache-Control": PRIVATE_NO_STORE}
        )


@extend_schema(tags=["auth"])
class EmailVerifyResendView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle, UserRateThrottle]
    throttle_scope = "verification_mail"

    @extend_schema(
        request=None,
        responses={202: DetailSerializer},
        summary="Mail your verification link again",
        description="Nothing is sent once the address is verified.",
    )
    def post(self, request: Request) -> Response:
        services.email_verification_resend(user=request.user)
        return Response(
            {"detail": "If your address still needs confirming, a new link is on its way."},
            status=status.HTTP_202_ACCEPTED,
            headers={"Cache-Control": PRIVATE_NO_STORE},
        )


@extend_schema(tags=["me"])
@extend_validation_errors(["wrong_password"], field_name="password", methods=["delete"])
class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in member's profile."""

    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return self.request.user

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response

    @extend_schema(operation_id="me_retrieve", summary="Your profile")
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="me_update", summary="Change your name or time zone")
    def patch(self, request: Request, *args, **kwargs) -> Response:
        return super().patch(request, *args, **kwargs)

    @extend_schema(
        operation_id="me_delete",
        request=AccountDeleteSerializer,
        responses={204: OpenApiResponse(description="The account and all its data are gone.")},
        summary="Delete your account and everything in it",
        description="Needs your password. Every token stops working at once.",
    )
    def delete(self, request: Request, *args, **kwargs) -> Response:
        serializer = AccountDeleteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        personal_data.delete_account(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["me"])
@extend_validation_errors(["wrong_password"], field_name="password", methods=["post"])
class EmailChangeView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle, UserRateThrottle]
    throttle_scope = "verification_mail"

    @extend_schema(
        request=EmailChangeSerializer,
        responses={202: DetailSerializer},
        summary="Change your email (needs your password)",
        description="Mails a link to the new address; the account keeps its address until "
        "the link is opened (`POST /api/v1/auth/verify-email/`), then the old address is "
        "told. The answer is the same if another account has the new address.",
    )
    def post(self, request: Request) -> Response:
        serializer = EmailChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.email_change_request(user=request.user, email=serializer.validated_data["email"])
        return Response(
            {"detail": "Open the link we sent to the new address to finish the change."},
            status=status.HTTP_202_ACCEPTED,
            headers={"Cache-Control": PRIVATE_NO_STORE},
        )


@extend_schema(tags=["me"])
@extend_validation_errors(["wrong_password"], field_name="password", methods=["post"])
class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        operation_id="me_password_change",
        request=PasswordChangeSerializer,
        responses={200: DetailSerializer},
        summary="Change your password",
        description="Every other token of the account stops working; this one keeps working.",
    )
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


class ExportSchema(AutoSchema):
    """The export's shape depends on which apps registered a section, so it is built
    when the schema is generated, after every app is ready."""

    def get_response_serializers(self) -> serializers.Serializer:
        fields = {"account": UserSerializer()}
        fields.update({s.key: s.schema() for s in personal_data.registered_sections()})
        return inline_serializer("AccountExport", fields=fields)


@extend_schema(tags=["me"])
class ExportView(APIView):
    permission_classes = [IsAuthenticated]
    schema = ExportSchema()

    @extend_schema(
        operation_id="me_export",
        summary="Download everything stored about you, as JSON",
    )
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


@extend_schema_view(
    list=extend_schema(
        operation_id="me_devices_list",
        summary="Your signed-in devices (live tokens), newest first",
        description="One row per token that still works: when it was issued, last used "
        "(to the minute) and expires, the name given at login, and whether it is the "
        "token of this request.",
    ),
    destroy=extend_schema(
        operation_id="me_devices_destroy",
        summary="Sign a device out (revoke its token)",
        responses={204: OpenApiResponse(description="That token no longer works.")},
    ),
)
@extend_schema(tags=["me"])
class DeviceViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = DeviceSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):
            return Device.objects.none()
        live = Q(token__expiry__isnull=True) | Q(token__expiry__gt=timezone.now())
        return (
            Device.objects.filter(live, token__user=self.request.user)
            .select_related("token")
            .order_by("-token__created", "-id")
        )

    def get_object(self) -> Device:
        # A malformed id names no device of anyone's: the same 404 as another's.
        try:
            uuid.UUID(str(self.kwargs["pk"]))
        except ValueError:
            raise NotFound() from None
        return super().get_object()

    def perform_destroy(self, instance: Device) -> None:
        instance.token.delete()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response
