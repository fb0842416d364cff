"""Errors of the journal beyond the shared ones, and their OpenAPI shapes. The
services raise the domain errors (`IdConflictError`, `IdDeletedError`); the change feed's view
raises the token errors."""

from __future__ import annotations

from django.db import models
from rest_framework import exceptions, status

from core.errors import DomainError
from core.schema import error_response_serializer


class IdConflictError(DomainError):
    """A create named an id that is already taken by a different record.

    The same answer whether the other record is the member's own (with different
    content) or someone else's, so it never tells whose it is."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "This id is already used by a different record. Create it under a new id; if the "
        "record is yours, GET it to see what is stored."
    )
    default_code = "id_conflict"


class IdDeletedError(DomainError):
    """A create named the id of a record the member has deleted: a late retry must not
    bring it back."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "You deleted the record with this id. Create it again under a new id."
    default_code = "id_deleted"


class ChangeTokenExpired(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = (
        "This change token is older than the deletions we still keep. Drop your local copy "
        "and sync again from the start (no `since`)."
    )
    default_code = "change_token_expired"


class ChangeTokenUnknown(exceptions.APIException):
    """A token above the member's last change: never issued to this member (another
    account's, made up, or from before a restore of the database)."""

    status_code = status.HTTP_410_GONE
    default_detail = (
        "This change token was not issued for your journal. Drop your local copy and sync "
        "again from the start (no `since`)."
    )
    default_code = "change_token_unknown"


class ErrorCode409Enum(models.TextChoices):
    ID_CONFLICT = "id_conflict"
    ID_DELETED = "id_deleted"


class ErrorCode410Enum(models.TextChoices):
    CHANGE_TOKEN_EXPIRED = "change_token_expired"  # noqa: S105 (an error code)
    CHANGE_TOKEN_UNKNOWN = "change_token_unknown"  # noqa: S105 (an error code)


ErrorResponse409Serializer = error_response_serializer(409, ErrorCode409Enum)
ErrorResponse410Serializer = error_response_serializer(410, ErrorCode410Enum)
