"""Views of the strategies API: public content, unified search and help.

Public views are thin: what the public may see and how it is loaded lives in
`strategies.selectors`; filters and ordering in `strategies.api.filters`; what the
schema says beyond inference in `strategies.api.schema`.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.http_cache import PublicCacheMixin
from core.references import web_url
from core.routing import SLUG_PATTERN
from strategies import selectors
from strategies.api import schema
from strategies.api import serializers as api
from strategies.api.filters import (
    ContentOrderingFilter,
    ExerciseFilter,
    GuideFilter,
    PromptFilter,
    StrategyFilter,
    TagFilter,
    search_query,
)
from strategies.api.help import HELP_CONTENT
from strategies.api.preview import PublicPreviewMixin
from strategies.extensions import Target, attach_detail_extras, search_sources


def _includes(request: Request, known: tuple[str, ...]) -> frozenset[str]:
    """`?include=`: what else a detail should carry. Empty is nothing; any other value
    not in `known` is a 400."""
    value = request.query_params.get(schema.INCLUDE_PARAM, "")
    if value and value not in known:
        detail = f"Unknown include {value}; choose from {', '.join(known)}."
        raise ValidationError({schema.INCLUDE_PARAM: [detail]}, code="invalid_choice")
    return frozenset([value] if value else [])


@schema.previewable
class PublicContentViewSet(PublicPreviewMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only, public, cached content, looked up by slug."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = [DjangoFilterBackend, ContentOrderingFilter]
    detail_serializer_class: type[serializers.Serializer] | None = None
    # The target other apps' detail extras register for ("guide", "strategy"), if any.
    extras_target: Target | None = None

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        item = self.get_object()
        if self.extras_target is not None:
            attach_detail_extras(self.extras_target, item)
        return Response(self.get_serializer(item).data)


@schema.content_viewset(
    "guides",
    detail_noun="guide, with its strategies",
    detail_parameters=[schema.GUIDE_INCLUDE_PARAMETER],
)
@schema.guide_includes
class GuideViewSet(PublicContentViewSet):
    serializer_class = api.GuideSerializer
    detail_serializer_class = api.GuideDetailSerializer
    extras_target = "guide"
    filterset_class = GuideFilter
    ordering_fields = ["published_at", "updated_at", "title"]
    ordering = ["-published_at", "-id"]
    search_ordering = ["-rank", "-published_at", "-id"]

    # What `?include=` asks the detail to carry; None until `retrieve` has read it.
    include: frozenset[str] | None = None

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        self.include = _includes(request, api.GUIDE_INCLUDES)
        return super().retrieve(request, *args, **kwargs)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if self.include is not None:
            context["include"] = self.include
        return context

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve":
            return selectors.guide_detail_list(
                include_drafts=self.preview,
                strategy_bodies=api.STRATEGY_BODIES in (self.include or ()),
            )
        return selectors.guide_list(include_drafts=self.preview)


@schema.content_viewset("strategies", detail_noun="strategy, with its exercises")
class StrategyViewSet(PublicContentViewSet):
    serializer_class = api.StrategySerializer
    detail_serializer_class = api.StrategyDetailSerializer
    extras_target = "strategy"
    filterset_class = StrategyFilter
    ordering_fields = ["title", "updated_at", "position"]
    ordering = ["-guide__published_at", "-guide_id", "position", "id"]
    search_ordering = ["-rank", "-id"]

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve":
            return selectors.strategy_detail_list(include_drafts=self.preview)
        return selectors.strategy_list(include_drafts=self.preview)


@schema.content_viewset("exercises", detail_noun="exercise")
class ExerciseViewSet(PublicContentViewSet):
    serializer_class = api.ExerciseSerializer
    filterset_class = ExerciseFilter
    ordering_fields = ["title", "duration_minutes", "updated_at"]
    ordering = ["-strategy__guide__published_at", "strategy__position", "strategy_id", "position"]
    search_ordering = ["-rank", "-id"]

    def get_queryset(self) -> QuerySet:
        return selectors.exercise_list(include_drafts=self.preview)


@schema.content_viewset("journal prompts", detail_noun="journal prompt")
class PromptViewSet(PublicContentViewSet):
    lookup_field = "pk"
    lookup_value_regex = r"\d+"
    serializer_class = api.PromptSerializer
    filterset_class = PromptFilter
    ordering_fields = ["updated_at"]
    ordering = ["-strategy__guide__published_at", "strategy__position", "strategy_id", "position"]

    def get_queryset(self) -> QuerySet:
        return selectors.prompt_list(include_drafts=self.preview)


@schema.content_viewset("tags (in use by published content)", detail_noun="tag")
class TagViewSet(PublicContentViewSet):
    serializer_class = api.TagSerializer
    filterset_class = TagFilter
    ordering_fields = ["name"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet:
        return selectors.tag_list(include_drafts=self.preview)


@schema.person_viewset
@schema.previewable
class PersonViewSet(PublicPreviewMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    serializer_class = api.PersonDetailSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.person_detail_list(include_drafts=self.preview)


@schema.search_view
class SearchView(PublicCacheMixin, APIView):
    """Everything public at once, best matches first."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        params = api.SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        text, limit = params.validated_data["q"], params.validated_data["limit"]
        page = params.validated_data["page"]
        kinds = set(params.validated_data.get("type") or [])
        query = search_query(text)
        sources = [s for s in search_sources() if not kinds or s.kind in kinds]
        # Each source's best hits up to the end of this page, merged: two queries a source.
        # Ties keep each source's own order, so a hit sits at the same place whichever
        # page asks for it.
        ranked = [
            (-hit.rank, hit.kind, place, hit)
            for source in sources
            for place, hit in enumerate(source.search(query, page * limit))
        ]
        hits = [hit for *_, hit in sorted(ranked, key=lambda row: row[:3])]
        count = sum(source.count(query) for source in sources)
        results = [
            {
                "type": hit.kind,
                "title": hit.title,
                "slug": hit.slug,
                "url": request.build_absolute_uri(hit.path),
                "web_url": web_url(hit.kind, hit.slug),
                "snippet": hit.snippet,
                "rank": hit.rank,
            }
            for hit in hits[(page - 1) * limit : page * limit]
        ]

        def page_url(number: int) -> str:
            return replace_query_param(request.build_absolute_uri(), "page", number)

        last = min(api.MAX_SEARCH_PAGE, max(1, -(-count // limit)))
        return Response(
            {
                "query": text,
                "count": count,
                "next": page_url(page + 1) if page < last else None,
                "previous": page_url(page - 1) if page > 1 else None,
                "results": results,
            }
        )


@schema.help_view
class HelpView(PublicCacheMixin, APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response(HELP_CONTENT)
