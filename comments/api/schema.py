"""What the OpenAPI schema of the comments API says that inference cannot see: the
202 of a held comment, the 403s that say why a member may not write, summaries."""

from __future__ import annotations

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers

from comments.api.serializers import (
    CommentEditSerializer,
    CommentFlagSerializer,
    CommentUnsubscribedSerializer,
    CommentUnsubscribeSerializer,
    CommentWriteSerializer,
    NotificationSettingsSerializer,
)

CACHING_NOTE = (
    " Answers carry `ETag` and `Last-Modified`; send `If-None-Match` or "
    "`If-Modified-Since` to get an empty 304 when nothing changed."
)
TAGS = ["comments"]


class CommentForbiddenCodeEnum(models.TextChoices):
    PERMISSION_DENIED = "permission_denied"
    EMAIL_UNVERIFIED = "email_unverified"
    COMMENTING_BLOCKED = "commenting_blocked"
    EDIT_WINDOW_CLOSED = "edit_window_closed"


class CommentForbiddenErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CommentForbiddenCodeEnum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class CommentForbiddenResponseSerializer(serializers.Serializer):
    """Why this member may not do this: their email is not confirmed yet
    (`email_unverified`), an editor stopped them from commenting (`commenting_blocked`),
    or the comment is past its 15 minutes of editing (`edit_window_closed`)."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = CommentForbiddenErrorSerializer(many=True)


FORBIDDEN = OpenApiResponse(
    CommentForbiddenResponseSerializer, description="The member may not do this; `code` says why."
)

_comment_viewset = extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="A guide's published comments, in threads",
        description="Published top-level comments, each with its published replies (oldest "
        "first), paginated by thread; `count` counts threads. A comment its author took "
        "back while it had replies stays as `[removed]`, without author. Authors are shown "
        "by display name and initial only. A guide that is not public is a 404." + CACHING_NOTE,
    ),
    create=extend_schema(
        tags=TAGS,
        request=CommentWriteSerializer,
        responses={
            201: OpenApiResponse(CommentWriteSerializer, description="Published."),
            202: OpenApiResponse(
                CommentWriteSerializer,
                description="Held for an editor (`comment.held_reasons` says why). When it "
                "suggests its author may be in danger, `help` holds the resources of "
                "`/api/v1/help/`.",
            ),
            403: FORBIDDEN,
        },
        summary="Write a comment or a reply",
        description="Members with a confirmed email address only (else 403 "
        "`email_unverified`). Held for review: everything in pre-moderation, a member's "
        "first comment, and anything matching the editors' watch-words. The author follows "
        "the thread from now on (see `/api/v1/me/notifications/`). Rate-limited per member "
        "(`THROTTLE_COMMENTS`).",
    ),
    retrieve=extend_schema(
        tags=TAGS,
        responses={200: CommentEditSerializer},
        summary="Read back your own comment, whatever its status",
        description="Your own comments only (anyone else's, and one you deleted, is a "
        "404): the `Location` of a new comment. `comment.status` says whether it is "
        "published yet. Never cached.",
    ),
    partial_update=extend_schema(
        tags=TAGS,
        request=CommentEditSerializer,
        responses={
            200: OpenApiResponse(CommentEditSerializer, description="Edited."),
            202: OpenApiResponse(
                CommentEditSerializer, description="Edited, and held for an editor again."
            ),
            403: FORBIDDEN,
        },
        summary="Edit your comment (for 15 minutes after writing it)",
        description="Your own comments only (anyone else's is a 404). After 15 minutes a "
        "comment is locked: 403 `edit_window_closed`.",
    ),
    destroy=extend_schema(
        tags=TAGS,
        responses={204: OpenApiResponse(description="Gone, or `[removed]` if it has replies.")},
        summary="Delete your comment",
        description="Your own comments only (anyone else's is a 404). A comment with "
        "replies stays in the thread as `[removed]`, so the replies still read.",
    ),
    flag=extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: OpenApiResponse(
                CommentFlagSerializer, description="Reported (or reported by you before)."
            ),
            403: FORBIDDEN,
        },
        summary="Report a comment to the editors",
        description="Once per member and comment (again: the same 200, not counted twice); "
        "not your "
        "own comment (400 `own_comment`). In post-moderation a comment reported by enough "
        "members is hidden until an editor reviews it.",
    ),
)


def comment_viewset(view: type) -> type:
    view = extend_validation_errors(
        ["own_comment"], field_name="non_field_errors", actions=["flag"]
    )(view)
    view = extend_validation_errors(["invalid"], field_name="strategy", actions=["create"])(view)
    view = extend_validation_errors(["invalid"], field_name="parent", actions=["create"])(view)
    return _comment_viewset(view)


_notification_settings = extend_schema_view(
    get=extend_schema(
        tags=["me"],
        summary="Your reply notices: on or off, and the threads you follow",
        responses={200: NotificationSettingsSerializer},
    ),
    put=extend_schema(
        tags=["me"],
        summary="Switch reply notices, and choose the threads you follow",
        description="`threads` (optional) is the whole list: threads left out are "
        "unfollowed. You follow a thread automatically when you comment in it.",
        request=NotificationSettingsSerializer,
        responses={200: NotificationSettingsSerializer},
    ),
)


def notification_settings(view: type) -> type:
    view = extend_validation_errors(["invalid"], field_name="threads", methods=["put"])(view)
    return _notification_settings(view)


def unsubscribe(view: type) -> type:
    view = extend_validation_errors(["required", "invalid"], field_name="token", methods=["post"])(
        view
    )
    return _unsubscribe(view)


_unsubscribe = extend_schema(
    tags=TAGS,
    request=CommentUnsubscribeSerializer,
    parameters=[
        OpenApiParameter(
            "token",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            description="The token, as a mail client's one-click unsubscribe sends it "
            "(the `List-Unsubscribe` URL of every reply notice).",
        )
    ],
    responses={200: CommentUnsubscribedSerializer},
    summary="Stop reply notices from a mailed link, without signing in (RFC 8058)",
    description='Takes `{"token"}` or the `token` query parameter. A thread\'s link stops '
    "that thread's notices; the link at the foot of every notice (and its "
    "`List-Unsubscribe` header) stops all of them. A bad token is a 400.",
)
