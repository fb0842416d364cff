from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import tokens
from accounts.models import DEVICE_LABEL_MAX_LENGTH, Device, User, UserManager
from core.serializers import RefuseUnknownFieldsMixin, TimezoneField
from core.validators import validate_one_line, validate_timezone


class UserSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """The member's own account. A field it does not know is a 400, not dropped."""

    moved_fields = {"interests": "Interests are set with PUT /api/v1/me/interests/."}
    timezone = TimezoneField(required=False, help_text="IANA time zone, e.g. Europe/Paris.")

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "email_verified",
            "display_name",
            "timezone",
            "date_joined",
            "is_staff",
        ]
        read_only_fields = ["id", "email", "email_verified", "date_joined", "is_staff"]

    email_verified = serializers.BooleanField(
        read_only=True,
        help_text="Whether the member opened the verification link mailed to `email`.",
    )

    def validate_timezone(self, value: str) -> str:
        _run_django_validator(validate_timezone, value)
        return value


def _run_django_validator(validator: Callable[[str], object], value: str) -> None:
    """Re-raise a Django ValidationError as DRF's, so it reaches the client as a 400."""
    try:
        validator(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(list(exc.messages), code="invalid") from exc


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    # The profile's rule (accounts.models.User), which a sign-up must not get around.
    display_name = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default="", validators=[validate_one_line]
    )
    timezone = TimezoneField(required=False, default="UTC")

    def validate_email(self, value: str) -> str:
        # Whether the address has an account is never said here (see user_register).
        return UserManager.normalize_email_address(value)

    def validate_timezone(self, value: str) -> str:
        _run_django_validator(validate_timezone, value)
        return value

    def validate(self, attrs: dict) -> dict:
        candidate = User(email=attrs["email"], display_name=attrs.get("display_name", ""))
        try:
            password_validation.validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    device = serializers.CharField(
        max_length=DEVICE_LABEL_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text='A name for this device in your device list ("Ada\'s phone"); '
        "defaults to the User-Agent.",
    )

    def validate(self, attrs: dict) -> dict:
        user = authenticate(
            self.context.get("request"), username=attrs["email"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                "Email or password is wrong.", code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Bearer <token>` (or `Token <token>`)."
    )
    expiry = serializers.DateTimeField(allow_null=True)
    user = UserSerializer()


class PasswordCheckMixin(serializers.Serializer):
    password = serializers.CharField(
        write_only=True, max_length=128, help_text="Your current password."
    )

    def validate_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("The password is wrong.", code="wrong_password")
        return value


class PasswordChangeSerializer(PasswordCheckMixin):
    new_password = serializers.CharField(write_only=True, max_length=128)

    def validate_new_password(self, value: str) -> str:
        user = self.context["request"].user
        _run_django_validator(lambda v: password_validation.validate_password(v, user=user), value)
        return value


class AccountDeleteSerializer(PasswordCheckMixin):
    pass


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=256, help_text="The `token` query parameter of the emailed link."
    )
    new_password = serializers.CharField(write_only=True, max_length=128)

    def validate(self, attrs: dict) -> dict:
        user = tokens.read_password_reset_token(attrs["token"])
        if user is None:
            raise serializers.ValidationError(
                {"token": ["This reset link is invalid or has expired."]}, code="invalid"
            )
        try:
            password_validation.validate_password(attrs["new_password"], user=user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.messages}) from exc
        attrs["user"] = user
        return attrs


class EmailTokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=1024, help_text="The `token` query parameter of the emailed link."
    )


class EmailChangeSerializer(PasswordCheckMixin):
    email = serializers.EmailField(max_length=254, help_text="The new address.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DeviceSerializer(serializers.ModelSerializer):
    """A live token of the member, by the device it was issued to."""

    device = serializers.CharField(source="label", read_only=True)
    created_at = serializers.DateTimeField(source="token.created", read_only=True)
    last_used_at = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(source="token.expiry", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = ["id", "device", "created_at", "last_used_at", "expires_at", "current"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_last_used_at(self, device: Device) -> datetime:
        """To the minute. Each use renews the expiry to a full TTL from then (knox
        writes it at most once a minute), so the last use is the expiry minus the TTL,
        with no write of its own on every request."""
        knox = settings.REST_KNOX
        token = device.token
        if not knox.get("AUTO_REFRESH") or token.expiry is None:
            return token.created
        return max(token.created, token.expiry - knox["TOKEN_TTL"])

    def get_current(self, device: Device) -> bool:
        """True for the token this request was made with."""
        auth = getattr(self.context.get("request"), "auth", None)
        return getattr(auth, "pk", None) == device.token_id
