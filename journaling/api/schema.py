"""What the OpenAPI schema of the journal API says that inference cannot see: summaries,
descriptions, the `ETag`/`If-Match` headers, the 200-on-retry, 304, 409 and 412 answers,
the streamed export's media types and the validation errors raised outside a request
body's serializer fields. Each decorator here is applied to one view in
`journaling.api.views`; operation ids and tags are derived by `core.schema.AutoSchema`
(two overrides below keep ids clients already use)."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_utils import (
    get_flat_serializer_fields,
    get_serializer_fields_with_error_codes,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.schema import ErrorResponse412Serializer, header
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
from journaling.errors import ErrorResponse409Serializer, ErrorResponse410Serializer

Decorator = Callable[[type], type]
WRITES = ["create", "update", "partial_update"]

IF_MATCH = header(
    "If-Match",
    'The `ETag` you last read (the version, e.g. `"3"`). If the record changed since, '
    "nothing is written and the answer is 412. Leave it out to write regardless.",
)
IF_NONE_MATCH = header(
    "If-None-Match", "The `ETag` you hold; 304 with no body if the record has not changed."
)
ETAG = header(
    "ETag",
    'The record\'s version, quoted (`"3"`); send it back in `If-Match`.',
    response=[200, 201, 304],
)
STALE = OpenApiResponse(
    ErrorResponse412Serializer, description="`If-Match` names an older version."
)
ID_TAKEN = OpenApiResponse(
    ErrorResponse409Serializer,
    description="The id is taken by a different record, or names one you deleted.",
)


def _compose(*decorators: Decorator) -> Decorator:
    def decorate(view: type) -> type:
        for decorator in reversed(decorators):
            view = decorator(view)
        return view

    return decorate


def _validation_errors(*errors: tuple[list[str], str, list[str] | None]) -> Decorator:
    """`(codes, field, actions)` triples, each an `extend_validation_errors`."""

    def decorate(view: type) -> type:
        for codes, field, actions in errors:
            view = extend_validation_errors(codes, field_name=field, actions=actions)(view)
        return view

    return decorate


def _query_errors(serializer_class: type[serializers.Serializer]) -> Decorator:
    """The 400s a query-parameter serializer raises, with the codes its fields know:
    the error library only looks at request bodies and django-filter forms."""
    fields = get_serializer_fields_with_error_codes(get_flat_serializer_fields(serializer_class()))
    return _validation_errors(
        *(
            (sorted(field.error_codes), field.name, None)
            for field in fields
            if field.name != api_settings.NON_FIELD_ERRORS_KEY
        )
    )


def _versioned_records(
    *,
    noun: str,
    serializer: type[serializers.Serializer],
    create_serializer: type[serializers.Serializer],
    summaries: dict[str, str],
    descriptions: dict[str, str],
) -> Decorator:
    """The six operations of a record a member writes from several devices: reads carry
    an `ETag`, writes take `If-Match`, a create may be retried under its own id."""
    headers = {
        "retrieve": [IF_NONE_MATCH, ETAG],
        "create": [ETAG],
        "update": [IF_MATCH, ETAG],
        "partial_update": [IF_MATCH, ETAG],
        "destroy": [IF_MATCH],
    }
    responses = {
        "retrieve": {
            200: OpenApiResponse(serializer, description=f"The {noun}."),
            304: OpenApiResponse(description="Unchanged since the `ETag` you sent."),
        },
        "create": {
            201: OpenApiResponse(serializer, description="Created."),
            200: OpenApiResponse(serializer, description="Already created by an earlier request."),
            409: ID_TAKEN,
        },
        "update": {200: serializer, 412: STALE},
        "partial_update": {200: serializer, 412: STALE},
        "destroy": {204: OpenApiResponse(description="Deleted."), 412: STALE},
    }
    operations = {}
    for action, summary in summaries.items():
        extra = {}
        if action in descriptions:
            extra["description"] = descriptions[action]
        if action in headers:
            extra["parameters"] = headers[action]
        if action in responses:
            extra["responses"] = responses[action]
        if action == "create":
            extra["request"] = create_serializer
        operations[action] = extend_schema(summary=summary, **extra)
    pagination_errors = _validation_errors(
        (["invalid"], "cursor", ["list"]), (["invalid"], "page_size", ["list"])
    )
    return _compose(extend_schema_view(**operations), pagination_errors)


entry_viewset = _compose(
    _versioned_records(
        noun="entry",
        serializer=JournalEntrySerializer,
        create_serializer=JournalEntryCreateSerializer,
        summaries={
            "list": "Your journal entries, newest first",
            "retrieve": "One of your entries",
            "create": "Write an entry (safe to retry with the same id)",
            "update": "Replace an entry",
            "partial_update": "Change some fields of an entry",
            "destroy": "Delete an entry",
        },
        descriptions={
            "list": (
                "Newest `entry_date` first (then newest written). Cursor pages stay stable "
                "while you add or delete entries."
            ),
            "create": (
                "Send your own `id` (a UUID) to retry safely from an offline device: the "
                "same id with the same content returns the stored entry with 200 and "
                "writes nothing. The same id with different content, or an id that is not "
                "yours, is a 409."
            ),
            "update": "Fields left out are cleared, except `entry_date`, which is kept.",
            "destroy": "Devices learn of it from the change feed (a tombstone).",
        },
    ),
    _validation_errors(
        (["empty_entry"], "non_field_errors", WRITES),
        (["mismatch"], "exercise", WRITES),
        (["mismatch"], "prompt", WRITES),
    ),
)

commitment_viewset = _compose(
    _versioned_records(
        noun="commitment",
        serializer=CommitmentSerializer,
        create_serializer=CommitmentCreateSerializer,
        summaries={
            "list": "Your commitments, latest due date first",
            "retrieve": "One of your commitments",
            "create": "Commit to a small step (safe to retry with the same id)",
            "update": "Replace a commitment's step, text or date",
            "partial_update": "Change a commitment's step, text or date",
            "destroy": "Delete a commitment",
        },
        descriptions={
            "create": (
                "Turn a strategy's smallest step or an exercise into a dated commitment. "
                "A client-chosen `id` makes retries safe, as for entries."
            ),
            "destroy": "Entries written for it stay, no longer linked.",
        },
    ),
    _validation_errors(
        (["required"], "non_field_errors", WRITES),
        (["mismatch"], "exercise", WRITES),
        (["empty_entry"], "entry.non_field_errors", ["check_in"]),
        (["mismatch"], "entry.prompt", ["check_in"]),
    ),
    extend_schema_view(
        check_in=extend_schema(
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
    ),
)

change_feed_view = _compose(
    _query_errors(ChangeFeedQuerySerializer),
    extend_schema_view(
        get=extend_schema(
            # Derived, the id would be `journal_changes`; clients know this one.
            operation_id="journal_changes_list",
            summary="What changed in your journal since your last sync",
            description=(
                "Every entry and commitment created or changed, and every one deleted "
                "(`tombstones`), after the token `since`, oldest change first. Store "
                "`next_token` and send it as `since` next time; while `has_more` is true, "
                "ask again at once. Tokens number your own changes, in commit order, so no "
                "change is skipped. Deletions are kept 180 days: an older token gets 410 "
                "`change_token_expired`, a token never issued for your journal 410 "
                "`change_token_unknown`; either way the device should sync again from the "
                "start."
            ),
            parameters=[ChangeFeedQuerySerializer],
            responses={200: ChangeFeedSerializer, 410: ErrorResponse410Serializer},
        )
    ),
)

insights_view = _compose(
    _query_errors(InsightsQuerySerializer),
    extend_schema_view(
        get=extend_schema(
            # Derived, the id would be `journal_insights`; clients know this one.
            operation_id="journal_insights_retrieve",
            summary="What helps you: streaks, moods and commitments, by strategy",
            description=(
                "Computed in the database, in your time zone. Averages are null, with "
                "`enough_data: false`, when too few entries carry both moods to say "
                "anything."
            ),
            parameters=[InsightsQuerySerializer],
            responses={200: InsightsSerializer},
        )
    ),
)

export_view = _compose(
    _query_errors(ExportQuerySerializer),
    extend_schema_view(
        get=extend_schema(
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
    ),
)
