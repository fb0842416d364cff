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
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_utils import (
    get_flat_serializer_fields,
    get_serializer_fields_with_error_codes,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.schema import ErrorResponse412Serializer
from journaling import export, insights, selectors, services
from journaling.api.filters import CommitmentFilter, JournalEntryFilter
from journaling.api.pagination import CommitmentPagination, EntryPagination
from journaling.api.serializers import (
    ChangeFeedQuerySerializer,
    ChangeFeedSerializer,
    CheckInResultSerializer,
    CheckInSerializer,
    CommitmentCreateSerializer,
    CommitmentSerializer,
    ExportQuerySerializer,
    InsightsQuerySerializer,
    InsightsSerializer,
    JournalEntryCreateSerializer,
    JournalEntrySerializer,
    JournalExportSerializer,
)
from journaling.errors import (
    ChangeTokenExpired,
    ChangeTokenUnknown,
    ErrorResponse409Serializer,
    ErrorResponse410Serializer,
)
from journaling.models import Commitment, JournalEntry

PRIVATE_NO_STORE = "private, no-store"
TAG = "journal"

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        'The `ETag` you last read (the version, e.g. `"3"`). If the record changed since, '
        "nothing is written and the answer is 412. Leave it out to write regardless."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The `ETag` you hold; 304 with no body if the record has not changed.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 304],
    description='The record\'s version, quoted (`"3"`); send it back in `If-Match`.',
)
STALE = OpenApiResponse(
    ErrorResponse412Serializer, description="`If-Match` names an older version."
)
ID_TAKEN = OpenApiResponse(
    ErrorResponse409Serializer,
    description="The id is taken by a different record, or names one you deleted.",
)


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


def documents_query_errors(serializer_class: type[serializers.Serializer], **scope: Any):
    """Describe in the schema the 400s a query-parameter serializer raises: the error
    library only looks at request bodies and django-filter forms."""
    fields = get_serializer_fields_with_error_codes(get_flat_serializer_fields(serializer_class()))

    def decorate(view: type) -> type:
        for field in fields:
            if field.name != api_settings.NON_FIELD_ERRORS_KEY:
                view = extend_validation_errors(
                    sorted(field.error_codes), field_name=field.name, **scope
                )(view)
        return view

    return decorate


def documents_pagination_errors(view: type) -> type:
    for name in ("cursor", "page_size"):
        view = extend_validation_errors(["invalid"], field_name=name, actions=["list"])(view)
    return view


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


@extend_schema_view(
    list=extend_schema(
        operation_id="journal_entries_list",
        summary="Your journal entries, newest first",
        description=(
            "Newest `entry_date` first (then newest written). Cursor pages stay stable "
            "while you add or delete entries."
        ),
    ),
    retrieve=extend_schema(
        operation_id="journal_entries_retrieve",
        summary="One of your entries",
        parameters=[IF_NONE_MATCH, ETAG],
        responses={
            200: OpenApiResponse(JournalEntrySerializer, description="The entry."),
            304: OpenApiResponse(description="Unchanged since the `ETag` you sent."),
        },
    ),
    create=extend_schema(
        operation_id="journal_entries_create",
        summary="Write an entry (safe to retry with the same id)",
        description=(
            "Send your own `id` (a UUID) to retry safely from an offline device: the same "
            "id with the same content returns the stored entry with 200 and writes nothing. "
            "The same id with different content, or an id that is not yours, is a 409."
        ),
        request=JournalEntryCreateSerializer,
        parameters=[ETAG],
        responses={
            201: OpenApiResponse(JournalEntrySerializer, description="Created."),
            200: OpenApiResponse(
                JournalEntrySerializer, description="Already created by an earlier request."
            ),
            409: ID_TAKEN,
        },
    ),
    update=extend_schema(
        operation_id="journal_entries_update",
        summary="Replace an entry",
        description="Fields left out are cleared, except `entry_date`, which is kept.",
        parameters=[IF_MATCH, ETAG],
        responses={200: JournalEntrySerializer, 412: STALE},
    ),
    partial_update=extend_schema(
        operation_id="journal_entries_partial_update",
        summary="Change some fields of an entry",
        parameters=[IF_MATCH, ETAG],
        responses={200: JournalEntrySerializer, 412: STALE},
    ),
    destroy=extend_schema(
        operation_id="journal_entries_destroy",
        summary="Delete an entry",
        description="Devices learn of it from the change feed (a tombstone).",
        parameters=[IF_MATCH],
        responses={204: OpenApiResponse(description="Deleted."), 412: STALE},
    ),
)
@extend_schema(tags=[TAG])
@documents_pagination_errors
@extend_validation_errors(
    ["empty_entry"],
    field_name="non_field_errors",
    actions=["create", "update", "partial_update"],
)
@extend_validation_errors(
    ["mismatch"], field_name="exercise", actions=["create", "update", "partial_update"]
)
@extend_validation_errors(
    ["mismatch"], field_name="prompt", actions=["create", "update", "partial_update"]
)
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


@extend_schema_view(
    list=extend_schema(
        operation_id="journal_commitments_list",
        summary="Your commitments, latest due date first",
    ),
    retrieve=extend_schema(
        operation_id="journal_commitments_retrieve",
        summary="One of your commitments",
        parameters=[IF_NONE_MATCH, ETAG],
        responses={
            200: OpenApiResponse(CommitmentSerializer, description="The commitment."),
            304: OpenApiResponse(description="Unchanged since the `ETag` you sent."),
        },
    ),
    create=extend_schema(
        operation_id="journal_commitments_create",
        summary="Commit to a small step (safe to retry with the same id)",
        description=(
            "Turn a strategy's smallest step or an exercise into a dated commitment. "
            "A client-chosen `id` makes retries safe, as for entries."
        ),
        request=CommitmentCreateSerializer,
        parameters=[ETAG],
        responses={
            201: OpenApiResponse(CommitmentSerializer, description="Created."),
            200: OpenApiResponse(
                CommitmentSerializer, description="Already created by an earlier request."
            ),
            409: ID_TAKEN,
        },
    ),
    update=extend_schema(
        operation_id="journal_commitments_update",
        summary="Replace a commitment's step, text or date",
        parameters=[IF_MATCH, ETAG],
        responses={200: CommitmentSerializer, 412: STALE},
    ),
    partial_update=extend_schema(
        operation_id="journal_commitments_partial_update",
        summary="Change a commitment's step, text or date",
        parameters=[IF_MATCH, ETAG],
        responses={200: CommitmentSerializer, 412: STALE},
    ),
    destroy=extend_schema(
        operation_id="journal_commitments_destroy",
        summary="Delete a commitment",
        description="Entries written for it stay, no longer linked.",
        parameters=[IF_MATCH],
        responses={204: OpenApiResponse(description="Deleted."), 412: STALE},
    ),
)
@extend_schema(tags=[TAG])
@documents_pagination_errors
@extend_validation_errors(
    ["required"],
    field_name="non_field_errors",
    actions=["create", "update", "partial_update"],
)
@extend_validation_errors(
    ["mismatch"], field_name="exercise", actions=["create", "update", "partial_update"]
)
@extend_validation_errors(
    ["empty_entry"], field_name="entry.non_field_errors", actions=["check_in"]
)
@extend_validation_errors(["mismatch"], field_name="entry.prompt", actions=["check_in"])
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

    @extend_schema(
        operation_id="journal_commitments_check_in",
        summary="Check a commitment off, optionally writing an entry about it",
        description=(
            "Sets the status to done, partly or skipped. With `entry`, a journal entry "
            "linked to the commitment (and its strategy and exercise) is written in the "
            "same transaction: both are saved or neither. Repeating the same check-in "
            "changes nothing."
        ),
        parameters=[IF_MATCH, ETAG],
        request=CheckInSerializer,
        responses={200: CheckInResultSerializer, 409: ID_TAKEN, 412: STALE},
    )
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


@extend_schema(tags=[TAG])
@documents_query_errors(ChangeFeedQuerySerializer)
class ChangeFeedView(PrivateJournalMixin, APIView):
    """The sync feed for offline clients."""

    @extend_schema(
        operation_id="journal_changes_list",
        summary="What changed in your journal since your last sync",
        description=(
            "Every entry and commitment created or changed, and every one deleted "
            "(`tombstones`), after the token `since`, oldest change first. Store "
            "`next_token` and send it as `since` next time; while `has_more` is true, ask "
            "again at once. Tokens number your own changes, in commit order, so no "
            "change is skipped. Deletions are kept 180 days: an older token gets 410 "
            "`change_token_expired`, a token never issued for your journal 410 "
            "`change_token_unknown`; either way the device should sync again from the "
            "start."
        ),
        parameters=[ChangeFeedQuerySerializer],
        responses={200: ChangeFeedSerializer, 410: ErrorResponse410Serializer},
    )
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


@extend_schema(tags=[TAG])
@documents_query_errors(InsightsQuerySerializer)
class InsightsView(PrivateJournalMixin, APIView):
    """Aggregates of the member's journal."""

    @extend_schema(
        operation_id="journal_insights_retrieve",
        summary="What helps you: streaks, moods and commitments, by strategy",
        description=(
            "Computed in the database, in your time zone. Averages are null, with "
            "`enough_data: false`, when too few entries carry both moods to say anything."
        ),
        parameters=[InsightsQuerySerializer],
        responses={200: InsightsSerializer},
    )
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


@extend_schema(tags=[TAG])
@documents_query_errors(ExportQuerySerializer)
class ExportView(PrivateJournalMixin, APIView):
    """The member's whole journal as a download."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # `?format=` names the export format here, not a renderer; errors stay JSON.
        renderer = ORJSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="journal_export",
        summary="Download everything you wrote (JSON, Markdown or CSV)",
        description=(
            "Streamed, so it works for any size of journal. JSON holds entries (in the "
            "shape this API accepts, so they can be posted back), commitments, tags and "
            "tombstones; Markdown is for reading (linked content by its title, bodies as "
            "block quotes); CSV holds entries only, one row each, with `tags` one name a "
            "line. A CSV cell that a spreadsheet would run as a formula (it starts with "
            "`=`, `+`, `-`, `@`, a tab or a CR), or that starts with `'`, has a `'` in "
            "front."
        ),
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/json"): JournalExportSerializer,
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
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
