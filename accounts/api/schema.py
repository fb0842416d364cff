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

ACCOUNT_DELETED = OpenApiResponse(description="The account and all its data are gone.")


def _post(*, errors: tuple[list[str], str] | None = None, **schema: object):
    """The schema of a view whose one operation is `post`; `errors` adds the codes a
    custom check can answer for a field, as `(codes, field_name)`."""

    def decorate(view: type) -> type:
        if errors is not None:
            codes, field = errors
            view = extend_validation_errors(codes, field_name=field, methods=["post"])(view)
        return extend_schema_view(post=extend_schema(**schema))(view)

    return decorate


register_view = _post(
    request=RegisterSerializer,
    responses={202: DetailSerializer},
    summary="Create an account (then sign in with auth/login)",
    description="The answer is the same whether or not the email already has an "
    "account: a new address gets a verification link, an existing account's owner "
    "is told of the attempt by email. Unverified members can sign in and keep their "
    "journal.",
)

login_view = _post(
    errors=(["invalid_credentials"], "non_field_errors"),
    request=LoginSerializer,
    responses={200: TokenSerializer},
    summary="Exchange email and password for a new device token",
    description="Name the device with `device`; it shows in `GET /api/v1/me/devices/`.",
)

logout_view = _post(
    request=None,
    responses={204: OpenApiResponse(description="This token no longer works.")},
    summary="Revoke the token used for this request",
)

logout_all_view = _post(
    request=None,
    responses={204: OpenApiResponse(description="No token of this member works any more.")},
    summary="Revoke every token of the member (all devices)",
)

password_reset_view = _post(
    request=PasswordResetSerializer,
    responses={202: DetailSerializer},
    summary="Email a password-reset link",
    description="The answer is the same whether or not the email has an account.",
)

password_reset_confirm_view = _post(
    request=PasswordResetConfirmSerializer,
    responses={200: DetailSerializer},
    summary="Set a new password with the emailed token",
    description="Every token of the account stops working.",
)

email_verify_view = _post(
    errors=([EmailTakenError.default_code], "token"),
    request=EmailTokenSerializer,
    responses={200: DetailSerializer},
    summary="Confirm an email address with the emailed token",
    description="Works signed in or not. For an email change, the account's address "
    "becomes the new one and the old address is told. Opening a link twice is "
    "harmless; a bad or expired token is a 400.",
)

email_verify_resend_view = _post(
    request=None,
    responses={202: DetailSerializer},
    summary="Mail your verification link again",
    description="Nothing is sent once the address is verified.",
)


def me_view(view: type) -> type:
    # The DELETE body is not in the schema, so its password errors are named here.
    view = extend_validation_errors(
        ["wrong_password", "required", "null", "blank", "invalid", "max_length"],
        field_name="password",
        methods=["delete"],
    )(view)
    return extend_schema_view(
        get=extend_schema(summary="Your profile"),
        patch=extend_schema(summary="Change your name or time zone"),
        delete=extend_schema(
            deprecated=True,
            request=AccountDeleteSerializer,
            responses={204: ACCOUNT_DELETED},
            summary="Delete your account (use POST /api/v1/me/delete/)",
            description="The same as `POST /api/v1/me/delete/`, with the password in a "
            "DELETE body, which OpenAPI cannot describe and so generated clients cannot "
            "send. Kept for clients written before it.",
        ),
    )(view)


account_delete_view = _post(
    errors=(["wrong_password"], "password"),
    request=AccountDeleteSerializer,
    responses={204: ACCOUNT_DELETED},
    summary="Delete your account and everything in it",
    description="Needs your password. Your journal, saved items, reminders and the "
    "rest go at once, and every token stops working.",
)


email_change_view = _post(
    errors=(["wrong_password"], "password"),
    request=EmailChangeSerializer,
    responses={202: DetailSerializer},
    summary="Change your email (needs your password)",
    description="Mails a link to the new address; the account keeps its address until "
    "the link is opened (`POST /api/v1/auth/verify-email/`), then the old address is "
    "told. The answer is the same if another account has the new address.",
)

password_change_view = _post(
    errors=(["wrong_password"], "password"),
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
