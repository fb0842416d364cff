"""The journal API: entries, commitments, the sync feed, insights and the export.

Every view answers only the signed-in member (anonymous: 401) and scopes its rows to
them in `get_queryset()` or a selector, so another member's ids are 404 everywhere.
Every response, errors included, is `Cache-Control: private, no-store`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase, StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journaling import export, insights, selectors, services
from journaling.api import schema
from journaling.api.filters import CommitmentFilter, JournalEntryFilter
from journaling.api.pagination import CommitmentPagination, EntryPagination
from journaling.api.serializers import (
    ChangeFeedQuerySerializer,
    ChangeFeedSerializer,
    CheckInSerializer,
    CommitmentCreateSerializer,
    CommitmentSerializer,
    ExportQuerySerializer,
    InsightsQuerySerializer,
    InsightsSerializer,
    JournalEntryCreateSerializer,
    JournalEntrySerializer,
)
from journaling.errors import ChangeTokenExpired, ChangeTokenUnknown
from journaling.models import Commitment, JournalEntry

PRIVATE_NO_STORE = "private, no-store"


def etag_for(version: int) -> str:
    return f'"{version}"'


def entity_tags(header: str | None) -> list[str] | None:
    """The entity tags of an `If-Match` or `If-None-Match` header, unquoted; None when
    there is none (an empty header included)."""
    if header is None:
        return None
    tags = []
    for raw in header.split(","):
        tag = raw.strip().removeprefix("W/").strip('"')
        if tag:
            tags.append(tag)
    return tags or None


def expected_versions(header: str | None) -> frozenset[int] | None:
    """The versions `If-Match` allows a write over; None (no header, or `*`) means any.
    A tag that is not a version we issued (`"03"`, `"abc"`) matches none."""
    tags = entity_tags(header)
    if tags is None or "*" in tags:
        return None
    return frozenset(
        int(tag) for tag in tags if tag.isascii() and tag.isdecimal() and str(int(tag)) == tag
    )


def query_params(request: Request) -> dict[str, str]:
    """The query string as a plain dict, so that `?format=` reads as an empty (and
    refused) value rather than, HTML-form style, as "use the default"."""
    return request.query_params.dict()


class PrivateJournalMixin:
    """Signed-in members only; nothing of a journal may sit in a shared cache."""

    permission_classes = [IsAuthenticated]

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response


class VersionedRecordMixin(PrivateJournalMixin):
    """Detail responses carry `ETag`; `If-None-Match` gets a 304."""

    detail_serializer_class: type[serializers.Serializer]
    # Any id reaches the view (and gets its 404 there, `private, no-store` like every
    # journal answer); the router's default would send `0.5` to the catch-all.
    lookup_value_regex = "[^/]+"

    def expected_versions(self) -> frozenset[int] | None:
        return expected_versions(self.request.headers.get("If-Match"))

    def record_response(self, pk: Any, *, status_code: int = status.HTTP_200_OK) -> Response:
        # Read after the write's commit: a concurrent delete may have removed it since.
        record = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = self.detail_serializer_class(record, context=self.get_serializer_context())
        return Response(
            serializer.data, status=status_code, headers={"ETag": etag_for(record.version)}
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        etag = etag_for(record.version)
        held = entity_tags(request.headers.get("If-None-Match")) or []
        if etag.strip('"') in held or "*" in held:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        serializer = self.get_serializer(record)
        return Response(serializer.data, headers={"ETag": etag})


ENTRY_PUT_DEFAULTS = {
    "title": "",
    "body": "",
    "strategy": None,
    "exercise": None,
    "prompt": None,
    "commitment": None,
    "mood_before": None,
    "mood_after": None,
}


@schema.entry_viewset
class JournalEntryViewSet(VersionedRecordMixin, viewsets.ModelViewSet):
    """The signed-in member's journal entries."""

    serializer_class = JournalEntrySerializer
    detail_serializer_class = JournalEntrySerializer
    pagination_class = EntryPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = JournalEntryFilter
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return JournalEntry.objects.none()
        return selectors.entry_list(self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return JournalEntryCreateSerializer
        return JournalEntrySerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        entry, created = services.entry_create(
            owner=request.user, entry_id=data.pop("id", None), **data
        )
        return self.record_response(
            entry.pk, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        entry = self.get_object()
        expected = self.expected_versions()
        serializer = self.get_serializer(entry, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        tags = changes.pop("tags", None if partial else [])
        if not partial:
            changes = {**ENTRY_PUT_DEFAULTS, **changes}
        services.entry_update(entry=entry, expected_versions=expected, changes=changes, tags=tags)
        return self.record_response(entry.pk)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.entry_delete(entry=self.get_object(), expected_versions=self.expected_versions())
        return Response(status=status.HTTP_204_NO_CONTENT)


@schema.commitment_viewset
class CommitmentViewSet(VersionedRecordMixin, viewsets.ModelViewSet):
    """The signed-in member's commitments and their check-ins."""

    serializer_class = CommitmentSerializer
    detail_serializer_class = CommitmentSerializer
    pagination_class = CommitmentPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommitmentFilter
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Commitment.objects.none()
        return selectors.commitment_list(self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return CommitmentCreateSerializer
        if self.action == "check_in":
            return CheckInSerializer
        return CommitmentSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        commitment, created = services.commitment_create(
            owner=request.user, commitment_id=data.pop("id", None), **data
        )
        return self.record_response(
            commitment.pk,
            status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        commitment = self.get_object()
        expected = self.expected_versions()
        serializer = self.get_serializer(commitment, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if not partial:
            changes.setdefault("strategy", None)
            changes.setdefault("exercise", None)
        services.commitment_update(
            commitment=commitment, expected_versions=expected, changes=changes
        )
        return self.record_response(commitment.pk)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.commitment_delete(
            commitment=self.get_object(), expected_versions=self.expected_versions()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        commitment = self.get_object()
        expected = self.expected_versions()
        serializer = CheckInSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = None
        if data.get("entry") is not None:
            entry = dict(data["entry"])
            entry["entry_id"] = entry.pop("id", None)
            prompt = entry.get("prompt")
            if prompt is not None and commitment.strategy_id not in (None, prompt.strategy_id):
                raise serializers.ValidationError(
                    {"entry": {"prompt": ["This prompt belongs to another strategy."]}},
                    code="mismatch",
                )
        commitment, written = services.commitment_check_in(
            commitment=commitment,
            status=data["status"],
            note=data.get("note"),
            entry=entry,
            expected_versions=expected,
        )
        context = self.get_serializer_context()
        fresh = get_object_or_404(self.get_queryset(), pk=commitment.pk)
        payload = {
            "commitment": CommitmentSerializer(fresh, context=context).data,
            "entry": (
                JournalEntrySerializer(
                    get_object_or_404(selectors.entry_list(request.user), pk=written.pk),
                    context=context,
                ).data
                if written is not None
                else None
            ),
        }
        return Response(payload, headers={"ETag": etag_for(fresh.version)})


@schema.change_feed_view
class ChangeFeedView(PrivateJournalMixin, APIView):
    """The sync feed for offline clients."""

    def get(self, request: Request) -> Response:
        query = ChangeFeedQuerySerializer(data=query_params(request))
        query.is_valid(raise_exception=True)
        since = int(query.validated_data["since"])
        head = selectors.change_head(request.user)
        if since > head.last:
            raise ChangeTokenUnknown()
        if since and since < head.purged_through:
            raise ChangeTokenExpired()
        page = selectors.change_feed(
            owner=request.user, since=since, limit=query.validated_data["limit"]
        )
        return Response(ChangeFeedSerializer(page, context={"request": request}).data)


@schema.insights_view
class InsightsView(PrivateJournalMixin, APIView):
    """Aggregates of the member's journal."""

    def get(self, request: Request) -> Response:
        query = InsightsQuerySerializer(data=query_params(request))
        query.is_valid(raise_exception=True)
        data = insights.member_insights(
            owner=request.user,
            period=query.validated_data["period"],
            weekly_goal=query.validated_data["weekly_goal"],
            today=selectors.member_today(request.user),
        )
        return Response(InsightsSerializer(data).data)


@schema.export_view
class ExportView(PrivateJournalMixin, APIView):
    """The member's whole journal as a download."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # `?format=` names the export format here, not a renderer; errors stay JSON.
        renderer = ORJSONRenderer()
        return renderer, renderer.media_type

    def get(self, request: Request) -> StreamingHttpResponse:
        query = ExportQuerySerializer(data=query_params(request))
        query.is_valid(raise_exception=True)
        chosen = query.validated_data["format"]
        content_type, extension = export.FORMATS[chosen]
        response = StreamingHttpResponse(
            export.STREAMS[chosen](request.user), content_type=content_type
        )
        today = selectors.member_today(request.user)
        response["Content-Disposition"] = (
            f'attachment; filename="breakthrough-journal-{today}.{extension}"'
        )
        return response
