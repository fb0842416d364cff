"""Query parameters of the public content lists: filters, `?q=` search and ordering.

A filter may be repeated (`?tag=a&tag=b`: any of them). Filters on many-to-many links
use `Exists` subqueries rather than joins, so a guide with two matching tags still
appears once and no `DISTINCT` is needed.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, QuerySet
from django_filters import rest_framework as filters

from core.filters import AnyOfFilter, FilterSet, IsoDateTimeFilter, StableOrderingFilter
from strategies.models import SEARCH_CONFIG, Exercise, Guide, Prompt, Strategy, Tag

SEARCH_PARAM = "q"
MAX_QUERY_LENGTH = 200


def search_term(request) -> str:
    return request.query_params.get(SEARCH_PARAM, "").strip()


_LAST_WORD = re.compile(r"(?:^|\s)([^\W_]+)$")


def search_query(text: str) -> SearchQuery:
    """What a person types into a search box: words, "quoted phrases", -exclusions, or.
    The last word also matches as the start of a word, so results come as a person
    types (`thera` finds therapy), unless it is excluded, quoted or followed by a space."""
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    last = _LAST_WORD.search(text)
    if last is None or last.group(1).lower() == "or" or text.count('"') % 2:
        return query
    # Only letters and digits reach the raw syntax, so nothing in it is an operator.
    started = SearchQuery(f"{last.group(1)}:*", search_type="raw", config=SEARCH_CONFIG)
    before = text[: last.start(1)].strip()
    if before:
        started = SearchQuery(before, search_type="websearch", config=SEARCH_CONFIG) & started
    return query | started


def ranked_search(queryset: QuerySet, text: str) -> QuerySet:
    """Rows whose stored `search_vector` matches, annotated with `rank`."""
    query = search_query(text)
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


class ContentOrderingFilter(StableOrderingFilter):
    """With `?q=` and no explicit `?ordering=`, the best matches come first (the view's
    `search_ordering`); otherwise the view's default. Stable like every ordering."""

    def get_default_ordering(self, view) -> list[str] | None:
        if search_term(view.request) and hasattr(view, "search_ordering"):
            return list(view.search_ordering)
        return super().get_default_ordering(view)


class ContentFilterSet(FilterSet):
    """Shared parameters: `q` and `updated_since`."""

    q = filters.CharFilter(
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        label="Search",
        help_text=(
            "Full-text search (English stemming: `joy` also finds `joyful`). Supports "
            '"quoted phrases", `or` and `-word`. Without `ordering`, results come best '
            "match first."
        ),
    )
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only rows changed at or after this ISO 8601 instant, e.g. 2025-01-31T00:00:00Z.",
    )

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return ranked_search(queryset, value)


def _tagged(through_model, owner_field: str, path_to_owner: str):
    """A filter method: rows whose owner (the row itself or its strategy/guide) carries
    any of the tags with these slugs."""

    def method(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        links = through_model.objects.filter(
            **{owner_field: OuterRef(path_to_owner), "tag__slug__in": value}
        )
        return queryset.filter(Exists(links))

    return method


GuideTags = Guide.tags.through
StrategyTags = Strategy.tags.through


class GuideFilter(ContentFilterSet):
    tag = AnyOfFilter(
        method="filter_tag", help_text="Slug of a tag the guide carries, e.g. `therapy`."
    )
    author = AnyOfFilter(
        field_name="author__slug", help_text="Slug of the author (see `/people/{slug}/`)."
    )

    filter_tag = _tagged(GuideTags, "guide_id", "pk")

    class Meta:
        model = Guide
        fields = ["q", "tag", "author", "updated_since"]


class StrategyFilter(ContentFilterSet):
    tag = AnyOfFilter(method="filter_tag", help_text="Slug of a tag the strategy carries.")
    guide = AnyOfFilter(field_name="guide__slug", help_text="Slug of the strategy's guide.")
    author = AnyOfFilter(
        field_name="guide__author__slug", help_text="Slug of the author of the strategy's guide."
    )

    filter_tag = _tagged(StrategyTags, "strategy_id", "pk")

    class Meta:
        model = Strategy
        fields = ["q", "tag", "guide", "author", "updated_since"]


class StrategyChildFilter(ContentFilterSet):
    """Exercises and prompts: filtered through their strategy and its guide."""

    strategy = AnyOfFilter(field_name="strategy__slug", help_text="Slug of the strategy.")
    guide = AnyOfFilter(
        field_name="strategy__guide__slug", help_text="Slug of the strategy's guide."
    )
    tag = AnyOfFilter(
        method="filter_tag", help_text="Slug of a tag carried by the exercise's strategy."
    )
    author = AnyOfFilter(
        field_name="strategy__guide__author__slug", help_text="Slug of the guide's author."
    )

    filter_tag = _tagged(StrategyTags, "strategy_id", "strategy_id")


class ExerciseFilter(StrategyChildFilter):
    max_duration = filters.NumberFilter(
        field_name="duration_minutes",
        lookup_expr="lte",
        min_value=1,
        help_text="Only exercises that take at most this many minutes.",
    )

    class Meta:
        model = Exercise
        fields = ["q", "strategy", "guide", "tag", "author", "max_duration", "updated_since"]


class PromptFilter(StrategyChildFilter):
    q = None  # prompts are short questions; browse them by strategy or guide instead

    tag = AnyOfFilter(
        method="filter_tag", help_text="Slug of a tag carried by the prompt's strategy."
    )

    class Meta:
        model = Prompt
        fields = ["strategy", "guide", "tag", "author", "updated_since"]


class TagFilter(FilterSet):
    class Meta:
        model = Tag
        fields: list[str] = []
