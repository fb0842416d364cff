"""The journal API: entries, commitments, the sync feed, insights and the export.

Every view answers only the signed-in member (anonymous: 401) and scopes its rows to
them in `get_queryset()` or a selector, so another member's ids are 404 everywhere.
Every response, errors included, is `Cache-Control: private, no-store`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.etags import ANY, none_match, parse_entity_tags, quote_etag
from core.http_cache import PrivateNoStoreMixin
from core.responses import created_response
from core.routing import ANY_SEGMENT
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


def expected_versions(header: str | None) -> frozenset[int] | None:
    """The versions `If-Match` allows a write over; None (no header, or `*`) means any.
    A tag that is not a version we issued (`"03"`, `"abc"`) matches none."""
    tags = parse_entity_tags(header)
    if tags is None or ANY in tags:
        return None
    return frozenset(
        int(tag) for tag in tags if tag.isascii() and tag.isdecimal() and str(int(tag)) == tag
    )


def query_params(request: Request) -> dict[str, str]:
    """The query string as a plain dict, so that `?format=` reads as an empty (and
    refused) value rather than, HTML-form style, as "use the default"."""
    return request.query_params.dict()


class PrivateJournalMixin(PrivateNoStoreMixin):
    """Signed-in members only; nothing of a journal may sit in a shared cache."""

    permission_classes = [IsAuthenticated]


class VersionedRecordViewSet(PrivateJournalMixin, viewsets.ModelViewSet):
    """A record the member writes from several devices: answers carry its `ETag`,
    `If-None-Match` gets a 304, writes honour `If-Match`, and a create may be retried
    under a client-chosen id (200 with the stored record). Subclasses name their
    selector and services."""

    create_serializer_class: type[serializers.Serializer]
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    # Any id reaches the view (and gets its 404 there, `private, no-store` like every
    # journal answer); the router's default would send `0.5` to the catch-all.
    lookup_value_regex = ANY_SEGMENT

    def records(self, owner: Any) -> QuerySet:
        raise NotImplementedError

    def create_record(self, *, object_id: Any, **data: Any) -> tuple[Any, bool]:
        raise NotImplementedError

    def update_record(
        self, record: Any, *, expected: frozenset[int] | None, changes: dict, partial: bool
    ) -> None:
        raise NotImplementedError

    def delete_record(self, record: Any, *, expected: frozenset[int] | None) -> None:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.records(self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return self.create_serializer_class
        return self.serializer_class

    def expected_versions(self) -> frozenset[int] | None:
        return expected_versions(self.request.headers.get("If-Match"))

    def record_response(self, pk: Any) -> Response:
        # Read after the write's commit: a concurrent delete may have removed it since.
        record = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = self.serializer_class(record, context=self.get_serializer_context())
        return Response(serializer.data, headers={"ETag": quote_etag(record.version)})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        etag = quote_etag(record.version)
        if none_match(etag, request.headers.get("If-None-Match")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        serializer = self.get_serializer(record)
        return Response(serializer.data, headers={"ETag": etag})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        record, created = self.create_record(object_id=data.pop("id", None), **data)
        response = self.record_response(record.pk)
        return created_response(
            request,
            response.data,
            created=created,
            url_name=f"{self.basename}-detail",
            pk=record.pk,
            headers={"ETag": response["ETag"]},
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        record = self.get_object()
        expected = self.expected_versions()
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        self.update_record(record, expected=expected, changes=changes, partial=partial)
        return self.record_response(record.pk)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.delete_record(self.get_object(), expected=self.expected_versions())
        return Response(status=status.HTTP_204_NO_CONTENT)


# What a PUT clears when it leaves a field out (`entry_date` is kept).
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
class JournalEntryViewSet(VersionedRecordViewSet):
    """The signed-in member's journal entries."""

    serializer_class = JournalEntrySerializer
    create_serializer_class = JournalEntryCreateSerializer
    pagination_class = EntryPagination
    filterset_class = JournalEntryFilter

    def records(self, owner: Any) -> QuerySet:
        return selectors.entry_list(owner)

    def create_record(self, *, object_id: Any, **data: Any) -> tuple[Any, bool]:
        return services.entry_create(owner=self.request.user, entry_id=object_id, **data)

    def update_record(
        self, record: Any, *, expected: frozenset[int] | None, changes: dict, partial: bool
    ) -> None:
        tags = changes.pop("tags", None if partial else [])
        if not partial:
            changes = {**ENTRY_PUT_DEFAULTS, **changes}
        services.entry_update(entry=record, expected_versions=expected, changes=changes, tags=tags)

    def delete_record(self, record: Any, *, expected: frozenset[int] | None) -> None:
        services.entry_delete(entry=record, expected_versions=expected)


@schema.commitment_viewset
class CommitmentViewSet(VersionedRecordViewSet):
    """The signed-in member's commitments and their check-ins."""

    serializer_class = CommitmentSerializer
    create_serializer_class = CommitmentCreateSerializer
    pagination_class = CommitmentPagination
    filterset_class = CommitmentFilter

    def records(self, owner: Any) -> QuerySet:
        return selectors.commitment_list(owner)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "check_in":
            return CheckInSerializer
        return super().get_serializer_class()

    def create_record(self, *, object_id: Any, **data: Any) -> tuple[Any, bool]:
        return services.commitment_create(owner=self.request.user, commitment_id=object_id, **data)

    def update_record(
        self, record: Any, *, expected: frozenset[int] | None, changes: dict, partial: bool
    ) -> None:
        if not partial:
            changes = {"strategy": None, "exercise": None, **changes}
        services.commitment_update(commitment=record, expected_versions=expected, changes=changes)

    def delete_record(self, record: Any, *, expected: frozenset[int] | None) -> None:
        services.commitment_delete(commitment=record, expected_versions=expected)

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
        return Response(payload, headers={"ETag": quote_etag(fresh.version)})


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
