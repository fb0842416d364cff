"""Views of the strategies API: public content, unified search, help, saved items.

Public views are thin: what the public may see and how it is loaded lives in
`strategies.selectors`; filters and ordering in `strategies.api.filters`.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.http_cache import PublicCacheMixin
from strategies import selectors
from strategies.api import serializers as api
from strategies.api.filters import (
    MAX_QUERY_LENGTH,
    ExerciseFilter,
    GuideFilter,
    PromptFilter,
    StableOrderingFilter,
    StrategyFilter,
    TagFilter,
    search_query,
)
from strategies.api.help import HELP_CONTENT, HelpSerializer
from strategies.extensions import attach_detail_extras, search_sources

# What a SlugField accepts; anything else never reaches the database (a NUL byte would).
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
PREVIEW_PARAM = "preview"
PRIVATE_NO_STORE = "private, no-store"
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}

PREVIEW_PARAMETER = OpenApiParameter(
    PREVIEW_PARAM,
    OpenApiTypes.BOOL,
    description=(
        "Editors only (a staff account's token): include drafts and guides scheduled for "
        "later. Anonymous callers get 401, other members 403. Never cached."
    ),
)
CACHING_NOTE = (
    " Answers carry `ETag` and `Last-Modified`; send `If-None-Match` or "
    "`If-Modified-Since` to get an empty 304 when nothing changed."
)


class PublicPreviewMixin(PublicCacheMixin):
    """Public caching, plus `?preview=true`: drafts and scheduled content, for editors
    only, never cached. Goes first in a view's bases, like `PublicCacheMixin`."""

    def bypass_public_cache(self, request: HttpRequest) -> bool:
        # Any mention of the parameter skips the shared cache; `initial()` then rejects
        # a caller who may not preview, before anything is read.
        return PREVIEW_PARAM in request.GET

    @property
    def preview(self) -> bool:
        raw = self.request.query_params.get(PREVIEW_PARAM)
        if raw is None:
            return False
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValidationError({PREVIEW_PARAM: ["Must be true or false."]}, code="invalid")

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        if self.preview:
            if not request.user.is_authenticated:
                raise NotAuthenticated("Sign in with an editor's account to preview drafts.")
            if not request.user.is_staff:
                raise PermissionDenied("Only editors can preview drafts.")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if PREVIEW_PARAM in request.GET:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response


@extend_validation_errors(["invalid"], field_name=PREVIEW_PARAM, methods=["get"])
class PublicContentViewSet(PublicPreviewMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only, public, cached content, looked up by slug."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]


def _content_schema(noun: str, *, tag: str, detail_noun: str | None = None):
    """Operation ids, tags, summaries and the preview parameter of one public viewset."""
    return extend_schema_view(
        list=extend_schema(
            operation_id=f"{tag}_list",
            tags=[tag],
            summary=f"List published {noun}",
            description=f"Only published content whose time has come.{CACHING_NOTE}",
            parameters=[PREVIEW_PARAMETER],
        ),
        retrieve=extend_schema(
            operation_id=f"{tag}_retrieve",
            tags=[tag],
            summary=f"One {detail_noun or noun}",
            description=f"A draft or scheduled item is a 404 outside a preview.{CACHING_NOTE}",
            parameters=[PREVIEW_PARAMETER],
        ),
    )


@_content_schema("guides", tag="guides", detail_noun="guide, with its strategies")
class GuideViewSet(PublicContentViewSet):
    filterset_class = GuideFilter
    ordering_fields = ["published_at", "updated_at", "title"]
    ordering = ["-published_at", "-id"]
    search_ordering = ["-rank", "-published_at", "-id"]

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve":
            return selectors.guide_detail(include_drafts=self.preview)
        return selectors.guide_list(include_drafts=self.preview)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return api.GuideDetailSerializer if self.action == "retrieve" else api.GuideSerializer

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        guide = self.get_object()
        attach_detail_extras("guide", guide)
        return Response(self.get_serializer(guide).data)


@_content_schema("strategies", tag="strategies", detail_noun="strategy, with its exercises")
class StrategyViewSet(PublicContentViewSet):
    filterset_class = StrategyFilter
    ordering_fields = ["title", "updated_at", "position"]
    ordering = ["-guide__published_at", "-guide_id", "position", "id"]
    search_ordering = ["-rank", "-id"]

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve":
            return selectors.strategy_detail(include_drafts=self.preview)
        return selectors.strategy_list(include_drafts=self.preview)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "retrieve":
            return api.StrategyDetailSerializer
        return api.StrategySerializer

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        strategy = self.get_object()
        attach_detail_extras("strategy", strategy)
        return Response(self.get_serializer(strategy).data)


@_content_schema("exercises", tag="exercises", detail_noun="exercise")
class ExerciseViewSet(PublicContentViewSet):
    serializer_class = api.ExerciseSerializer
    filterset_class = ExerciseFilter
    ordering_fields = ["title", "duration_minutes", "updated_at"]
    ordering = ["-strategy__guide__published_at", "strategy__position", "strategy_id", "position"]
    search_ordering = ["-rank", "-id"]

    def get_queryset(self) -> QuerySet:
        return selectors.exercise_list(include_drafts=self.preview)


@_content_schema("journal prompts", tag="prompts", detail_noun="journal prompt")
class PromptViewSet(PublicContentViewSet):
    lookup_field = "pk"
    lookup_value_regex = r"\d+"
    serializer_class = api.PromptSerializer
    filterset_class = PromptFilter
    ordering_fields = ["updated_at"]
    ordering = ["-strategy__guide__published_at", "strategy__position", "strategy_id", "position"]

    def get_queryset(self) -> QuerySet:
        return selectors.prompt_list(include_drafts=self.preview)


@_content_schema("tags (in use by published content)", tag="tags", detail_noun="tag")
class TagViewSet(PublicContentViewSet):
    serializer_class = api.TagSerializer
    filterset_class = TagFilter
    ordering_fields = ["name"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.tag_list(include_drafts=self.preview)


@extend_schema_view(
    retrieve=extend_schema(
        operation_id="people_retrieve",
        tags=["people"],
        summary="An author or host, with the guides they wrote",
        description=f"Authors of guides and hosts of events.{CACHING_NOTE}",
        parameters=[PREVIEW_PARAMETER],
    )
)
@extend_validation_errors(["invalid"], field_name=PREVIEW_PARAM, methods=["get"])
class PersonViewSet(PublicPreviewMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    serializer_class = api.PersonDetailSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.person_detail(include_drafts=self.preview)


# --- Unified search ------------------------------------------------------------------------


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text='Words to look for; "quoted phrases", `or` and `-word` work too.',
    )
    type = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text=(
            "Limit to these kinds (repeat the parameter or separate with commas): guide, "
            "strategy, exercise, and event once the events app is installed."
        ),
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=20, help_text="At most this many hits (1 to 50)."
    )

    def to_internal_value(self, data):
        # `?type=guide,strategy` and `?type=guide&type=strategy` mean the same.
        if hasattr(data, "getlist"):
            kinds = [k.strip() for raw in data.getlist("type") for k in raw.split(",")]
            data = {key: data.get(key) for key in data}
            if kinds:
                data["type"] = [k for k in kinds if k]
        return super().to_internal_value(data)

    def validate_type(self, kinds: list[str]) -> list[str]:
        known = {source.kind for source in search_sources()}
        if unknown := sorted(set(kinds) - known):
            raise serializers.ValidationError(
                f"Unknown type {', '.join(unknown)}; choose from {', '.join(sorted(known))}."
            )
        return kinds


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="guide, strategy, exercise or event.")
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField(help_text="The API address of the hit.")
    snippet = serializers.CharField(
        help_text="An HTML-escaped extract; only `<mark>` tags, around the matched words."
    )
    rank = serializers.FloatField(help_text="Relevance; higher is better.")


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField(help_text="Number of hits returned.")
    results = SearchHitSerializer(many=True)


class SearchView(PublicCacheMixin, APIView):
    """Everything public at once, best matches first."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search",
        tags=["search"],
        summary="Search guides, strategies, exercises and events together",
        description=(
            "Ranked full-text search over every public type. Titles weigh more than "
            "summaries, summaries more than bodies. Not paginated: ask for up to 50 hits."
            + CACHING_NOTE
        ),
        parameters=[SearchParamsSerializer],
        responses={200: SearchResultsSerializer},
    )
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        text, limit = params.validated_data["q"], params.validated_data["limit"]
        kinds = set(params.validated_data.get("type") or [])
        query = search_query(text)
        hits = [
            hit
            for source in search_sources()
            if not kinds or source.kind in kinds
            for hit in source.search(query, limit)
        ]
        hits.sort(key=lambda hit: (-hit.rank, hit.kind, hit.title))
        results = [
            {
                "type": hit.kind,
                "title": hit.title,
                "slug": hit.slug,
                "url": request.build_absolute_uri(hit.path),
                "snippet": hit.snippet,
                "rank": hit.rank,
            }
            for hit in hits[:limit]
        ]
        return Response({"query": text, "count": len(results), "results": results})


# --- Help ------------------------------------------------------------------------------------


class HelpView(PublicCacheMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="help",
        tags=["help"],
        summary="Where to find real help",
        description=(
            "Static guidance a client can show next to any guide: emergency numbers and "
            "crisis lines, and the reminder that this content is self-help, not treatment."
        ),
        responses={200: HelpSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(HELP_CONTENT)
