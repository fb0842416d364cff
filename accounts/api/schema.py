"""What the OpenAPI schema of the accounts API says that inference cannot see:
summaries, request and response bodies of the plain `APIView`s, the export's shape and
the validation errors of custom checks. Each decorator here is applied to one view in
`accounts.api.views`; operation ids and tags are derived in `core.schema`."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers

from accounts import personal_data
from accounts.api.serializers import (
    AccountDeleteSerializer,
    DetailSerializer,
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
from accounts.services import EmailTakenError
from core.schema import AutoSchema


def _post(view: type, **schema: object) -> type:
    return extend_schema_view(post=extend_schema(**schema))(view)


def register_view(view: type) -> type:
    return _post(
        view,
        request=RegisterSerializer,
        responses={202: DetailSerializer},
        summary="Create an account (then sign in with auth/login)",
        description="The answer is the same whether or not the email already has an "
        "account: a new address gets a verification link, an existing account's owner "
        "is told of the attempt by email. Unverified members can sign in and keep their "
        "journal.",
    )


def login_view(view: type) -> type:
    view = extend_validation_errors(
        ["invalid_credentials"], field_name="non_field_errors", methods=["post"]
    )(view)
    return _post(
        view,
        request=LoginSerializer,
        responses={200: TokenSerializer},
        summary="Exchange email and password for a new device token",
        description="Name the device with `device`; it shows in `GET /api/v1/me/devices/`.",
    )


def logout_view(view: type) -> type:
    return _post(
        view,
        request=None,
        responses={204: OpenApiResponse(description="This token no longer works.")},
        summary="Revoke the token used for this request",
    )


def logout_all_view(view: type) -> type:
    return _post(
        view,
        request=None,
        responses={204: OpenApiResponse(description="No token of this member works any more.")},
        summary="Revoke every token of the member (all devices)",
    )


def password_reset_view(view: type) -> type:
    return _post(
        view,
        request=PasswordResetSerializer,
        responses={202: DetailSerializer},
        summary="Email a password-reset link",
        description="The answer is the same whether or not the email has an account.",
    )


def password_reset_confirm_view(view: type) -> type:
    return _post(
        view,
        request=PasswordResetConfirmSerializer,
        responses={200: DetailSerializer},
        summary="Set a new password with the emailed token",
        description="Every token of the account stops working.",
    )


def email_verify_view(view: type) -> type:
    view = extend_validation_errors(
        [EmailTakenError.default_code], field_name="token", methods=["post"]
    )(view)
    return _post(
        view,
        request=EmailTokenSerializer,
        responses={200: DetailSerializer},
        summary="Confirm an email address with the emailed token",
        description="Works signed in or not. For an email change, the account's address "
        "becomes the new one and the old address is told. Opening a link twice is "
        "harmless; a bad or expired token is a 400.",
    )


def email_verify_resend_view(view: type) -> type:
    return _post(
        view,
        request=None,
        responses={202: DetailSerializer},
        summary="Mail your verification link again",
        description="Nothing is sent once the address is verified.",
    )


def me_view(view: type) -> type:
    view = extend_validation_errors(["wrong_password"], field_name="password", methods=["delete"])(
        view
    )
    return extend_schema_view(
        get=extend_schema(summary="Your profile"),
        patch=extend_schema(summary="Change your name or time zone"),
        delete=extend_schema(
            # The derived id would be `me_destroy`: a rename clients would see.
            operation_id="me_delete",
            request=AccountDeleteSerializer,
            responses={204: OpenApiResponse(description="The account and all its data are gone.")},
            summary="Delete your account and everything in it",
            description="Needs your password. Every token stops working at once.",
        ),
    )(view)


def email_change_view(view: type) -> type:
    view = extend_validation_errors(["wrong_password"], field_name="password", methods=["post"])(
        view
    )
    return _post(
        view,
        request=EmailChangeSerializer,
        responses={202: DetailSerializer},
        summary="Change your email (needs your password)",
        description="Mails a link to the new address; the account keeps its address until "
        "the link is opened (`POST /api/v1/auth/verify-email/`), then the old address is "
        "told. The answer is the same if another account has the new address.",
    )


def password_change_view(view: type) -> type:
    view = extend_validation_errors(["wrong_password"], field_name="password", methods=["post"])(
        view
    )
    return _post(
        view,
        # The path alone would give `me_password`, which says nothing of the action.
        operation_id="me_password_change",
        request=PasswordChangeSerializer,
        responses={200: DetailSerializer},
        summary="Change your password",
        description="Every other token of the account stops working; this one keeps working.",
    )


class ExportSchema(AutoSchema):
    """The export's shape depends on which apps registered a section, so it is built
    when the schema is generated, after every app is ready."""

    def get_response_serializers(self) -> serializers.Serializer:
        fields = {"account": UserSerializer()}
        fields.update({s.key: s.schema() for s in personal_data.registered_sections()})
        return inline_serializer("AccountExport", fields=fields)


export_view = extend_schema_view(
    get=extend_schema(summary="Download everything stored about you, as JSON")
)

device_viewset = extend_schema_view(
    list=extend_schema(
        summary="Your signed-in devices (live tokens), newest first",
        description="One row per token that still works: when it was issued, last used "
        "(to the minute) and expires, the name given at login, and whether it is the "
        "token of this request.",
    ),
    destroy=extend_schema(
        summary="Sign a device out (revoke its token)",
        responses={204: OpenApiResponse(description="That token no longer works.")},
    ),
)
