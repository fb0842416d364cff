"""Views of the comments API: a guide's public threads (cached like all public
content), members writing, editing, deleting and reporting comments, their notice
settings, and the one-click unsubscribe link of a notice mail."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comments import selectors, services
from comments.api import schema
from comments.api.filters import CommentFilter
from comments.api.serializers import (
    CommentEditSerializer,
    CommentFlagSerializer,
    CommentSerializer,
    CommentUnsubscribedSerializer,
    CommentUnsubscribeSerializer,
    CommentWriteSerializer,
    CommentWrittenSerializer,
    FollowedThreadSerializer,
    NotificationSettingsSerializer,
)
from comments.models import Comment
from comments.moderation import Verdict
from core.http_cache import PRIVATE_NO_STORE, PrivateNoStoreMixin, PublicCacheMixin
from core.parsers import JSONParser
from core.routing import ANY_SEGMENT
from core.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from strategies.api.help import HELP_CONTENT
from strategies.models import Guide

PUBLISHED_DETAIL = "Your comment is published."
HELD_DETAIL = "Thank you. Your comment will appear once an editor has read it."
DANGER_DETAIL = (
    "Thank you for writing. An editor will read your comment soon. If you are in danger "
    "or thinking about harming yourself, please reach out now: the numbers below answer "
    "at any hour."
)
WRITE_ACTIONS = frozenset({"create", "flag"})


def _comment_id(pk: str) -> uuid.UUID:
    # A malformed id names no comment: the same 404 as an unknown one.
    try:
        return uuid.UUID(pk)
    except ValueError:
        raise NotFound from None


def _location(request: Request, comment: Comment) -> str:
    return request.build_absolute_uri(
        reverse("guide-comment-detail", kwargs={"slug": comment.guide.slug, "pk": comment.pk})
    )


def _written(request: Request, comment: Comment, verdict: Verdict, *, created: bool) -> Response:
    if verdict.held:
        detail = DANGER_DETAIL if verdict.danger else HELD_DETAIL
        code = status.HTTP_202_ACCEPTED
    else:
        detail = PUBLISHED_DETAIL
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    payload = {
        "comment": comment,
        "detail": detail,
        "help": HELP_CONTENT if verdict.held and verdict.danger else None,
    }
    # A new comment says where its author reads it back (published or held).
    headers = {"Location": _location(request, comment)} if created else {}
    return Response(
        CommentWrittenSerializer(payload, context={"request": request}).data,
        status=code,
        headers=headers,
    )


@schema.comment_viewset
class CommentViewSet(PublicCacheMixin, viewsets.GenericViewSet):
    lookup_value_regex = ANY_SEGMENT
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommentFilter
    serializer_class = CommentSerializer
    # The list orders itself (`?ordering=oldest|newest`, in CommentFilter).
    throttle_scope = "comments_write"

    def get_permissions(self):
        if self.action == "list":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action in WRITE_ACTIONS:
            throttles.append(ScopedRateThrottle())
        return throttles

    def bypass_public_cache(self, request) -> bool:
        # One comment, read back by its author: theirs alone, never the shared cache.
        match = request.resolver_match
        return match is not None and "pk" in match.kwargs

    def get_serializer_class(self):
        return {
            "retrieve": CommentWrittenSerializer,
            "create": CommentWriteSerializer,
            "partial_update": CommentEditSerializer,
            "flag": CommentFlagSerializer,
        }.get(self.action, CommentSerializer)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or "pk" in self.kwargs:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response

    def guide(self) -> Guide:
        guide = selectors.public_guide_get(self.kwargs["slug"])
        if guide is None:
            raise NotFound
        return guide

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Comment.objects.none()
        return selectors.comment_thread_list(guide=self.guide())

    def list(self, request: Request, slug: str) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request: Request, slug: str) -> Response:
        guide = self.guide()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment, verdict = services.comment_create(
            author=request.user,
            guide=guide,
            body=data["body"],
            strategy_slug=data.get("strategy"),
            parent_id=data.get("parent"),
        )
        return _written(request, comment, verdict, created=True)

    def _own(self, slug: str, pk: str) -> Comment:
        return services.comment_get_own(
            author=self.request.user, guide=self.guide(), comment_id=_comment_id(pk)
        )

    def retrieve(self, request: Request, slug: str, pk: str) -> Response:
        comment = self._own(slug, pk)
        verdict = Verdict(
            status=comment.status,
            held_reasons=list(comment.held_reasons),
            watch_word_hits=list(comment.watch_word_hits),
            danger=comment.danger,
        )
        response = _written(request, comment, verdict, created=False)
        response.status_code = status.HTTP_200_OK
        return response

    def partial_update(self, request: Request, slug: str, pk: str) -> Response:
        comment = self._own(slug, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment, verdict = services.comment_edit(
            comment=comment, body=serializer.validated_data["body"]
        )
        return _written(request, comment, verdict, created=False)

    def destroy(self, request: Request, slug: str, pk: str) -> Response:
        services.comment_delete(comment=self._own(slug, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def flag(self, request: Request, slug: str, pk: str) -> Response:
        comment = selectors.public_comment_get(guide=self.guide(), comment_id=_comment_id(pk))
        if comment is None:
            raise NotFound
        if services.comment_flag(member=request.user, comment=comment):
            return Response({"detail": "Thank you: an editor will look at this comment."})
        return Response({"detail": "You have already reported this comment."})


@schema.notification_settings
class NotificationSettingsView(PrivateNoStoreMixin, APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRateThrottle]
    serializer_class = NotificationSettingsSerializer

    def _payload(self, request: Request) -> Response:
        preference = services.notice_preference(request.user)
        follows = selectors.follow_list(member=request.user)
        return Response(
            {
                "reply_notices": preference.reply_notices,
                "followed_threads": FollowedThreadSerializer(
                    follows, many=True, context={"request": request}
                ).data,
            }
        )

    def get(self, request: Request) -> Response:
        return self._payload(request)

    def put(self, request: Request) -> Response:
        serializer = NotificationSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.notice_settings_set(
            member=request.user,
            reply_notices=serializer.validated_data["reply_notices"],
            thread_ids=serializer.validated_data.get("threads"),
        )
        return self._payload(request)


@schema.unsubscribe
class UnsubscribeView(APIView):
    """A link from a notice mail: no account, a per-IP rate."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle, AnonRateThrottle]
    throttle_scope = "comments_token"
    # A mail client's one-click unsubscribe (RFC 8058) posts a form,
    # `List-Unsubscribe=One-Click`, with the token in the URL.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request: Request) -> Response:
        serializer = CommentUnsubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = serializer.validated_data.get("token") or request.query_params.get("token")
        if not token:
            raise ValidationError({"token": ["This field is required."]}, code="required")
        scope = services.unsubscribe_by_token(token=token)
        detail = (
            "You will get no more notices of replies in this thread."
            if scope == "thread"
            else "You will get no more reply notices."
        )
        return Response(
            CommentUnsubscribedSerializer({"detail": detail, "scope": scope}).data,
            headers={"Cache-Control": PRIVATE_NO_STORE},
        )
