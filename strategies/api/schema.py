"""What the OpenAPI schema of the strategies API says that inference cannot see:
summaries, descriptions, the preview parameter and the search parameters. Each
decorator here is applied to one view in `strategies.api.views`; operation ids and tags
are derived in `core.schema`."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors

from strategies.api.help import HelpSerializer
from strategies.api.preview import PREVIEW_PARAM
from strategies.api.serializers import (
    GUIDE_INCLUDES,
    STRATEGY_BODIES,
    SearchParamsSerializer,
    SearchResultsSerializer,
)
from strategies.extensions import search_sources

PREVIEW_PARAMETER = OpenApiParameter(
    PREVIEW_PARAM,
    OpenApiTypes.BOOL,
    description=(
        "Editors only (a staff account's token): include drafts and guides scheduled for "
        "later. Anonymous callers get 401, other members 403. Never cached."
    ),
)
INCLUDE_PARAM = "include"
GUIDE_INCLUDE_PARAMETER = OpenApiParameter(
    INCLUDE_PARAM,
    OpenApiTypes.STR,
    enum=list(GUIDE_INCLUDES),
    description=f"`{STRATEGY_BODIES}`: each strategy with its body, exercises and prompts.",
)
guide_includes = extend_validation_errors(
    ["invalid_choice"], field_name=INCLUDE_PARAM, actions=["retrieve"], methods=["get"]
)
CACHING_NOTE = (
    " Answers carry `ETag` and `Last-Modified`; send `If-None-Match` or "
    "`If-Modified-Since` to get an empty 304 when nothing changed."
)

previewable = extend_validation_errors(["invalid"], field_name=PREVIEW_PARAM, methods=["get"])


def content_viewset(noun: str, *, detail_noun: str, detail_parameters: list | None = None):
    """Summaries and the preview parameter of one public list-and-detail viewset, and
    any parameters of its detail only (`include`)."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List published {noun}",
            description=f"Only published content whose time has come.{CACHING_NOTE}",
            parameters=[PREVIEW_PARAMETER],
        ),
        retrieve=extend_schema(
            summary=f"One {detail_noun}",
            description=f"A draft or scheduled item is a 404 outside a preview.{CACHING_NOTE}",
            parameters=[PREVIEW_PARAMETER, *(detail_parameters or [])],
        ),
    )


person_viewset = extend_schema_view(
    retrieve=extend_schema(
        summary="An author or host, with the guides they wrote",
        description=f"Authors of guides and hosts of events.{CACHING_NOTE}",
        parameters=[PREVIEW_PARAMETER],
    )
)


class SearchTypeFieldExtension(OpenApiSerializerFieldExtension):
    """`type` lists every kind `?type=` accepts, as an enum."""

    target_class = "strategies.api.serializers.SearchTypeField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": sorted(source.kind for source in search_sources())}


search_view = extend_schema_view(
    get=extend_schema(
        summary="Search guides, strategies, exercises, people, events and series together",
        description=(
            "Ranked full-text search over every public type. Titles weigh more than "
            "summaries, summaries more than bodies. The last word also matches the start "
            "of a word, so results follow a person typing (`thera` finds therapy). Paged "
            "with `page` and `limit`; `count` is every hit." + CACHING_NOTE
        ),
        parameters=[SearchParamsSerializer],
        responses={200: SearchResultsSerializer},
    )
)

help_view = extend_schema_view(
    get=extend_schema(
        summary="Where to find real help",
        description=(
            "Static guidance a client can show next to any guide: emergency numbers and "
            "crisis lines, and the reminder that this content is self-help, not treatment."
        ),
        responses={200: HelpSerializer},
    )
)
