"""Reads of editorial content, optimised in one place.

Every public read goes through these functions, so what the public may see (published
and due) and how many queries a page costs are decided here, not in each view. Pass
`include_drafts=True` only for an editor's preview.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from strategies.models import (
    Exercise,
    Guide,
    GuideRelation,
    GuideSource,
    Person,
    Prompt,
    Strategy,
    Tag,
)

# Long text and the stored search vector are left in the database wherever a serializer
# does not show them: on a page of 100 rows they are most of the bytes read.
GUIDE_TEXT = (
    "body_markdown",
    "body_html",
    "disclaimer_markdown",
    "disclaimer_html",
    "search_vector",
)
STRATEGY_TEXT = ("body_markdown", "body_html", "search_vector")


def _under(path: str, fields: tuple[str, ...]) -> list[str]:
    return [f"{path}__{field}" for field in fields]


def _visible(queryset: QuerySet, *, include_drafts: bool, now: datetime | None) -> QuerySet:
    return queryset if include_drafts else queryset.published(now or timezone.now())


def guide_list(*, include_drafts: bool = False, now: datetime | None = None) -> QuerySet[Guide]:
    """Guides with their author, tags and number of strategies: three queries a page
    (count, rows, tags)."""
    return (
        _visible(Guide.objects.all(), include_drafts=include_drafts, now=now)
        .select_related("author")
        .defer(*GUIDE_TEXT)
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name", "id")))
        .annotate(strategy_count=_count_subquery(Strategy.objects.all(), "guide_id"))
    )


def guide_detail_list(
    *, include_drafts: bool = False, now: datetime | None = None, strategy_bodies: bool = False
) -> QuerySet[Guide]:
    """One guide with its author and reviewer, tags, sources, ordered strategies and the
    related guides the viewer may see. With `strategy_bodies`, each strategy's body,
    exercises and prompts too: two queries more, however many strategies."""
    now = now or timezone.now()
    strategies = Strategy.objects.order_by("position", "id")
    if strategy_bodies:
        strategies = strategies.defer("search_vector").prefetch_related(
            Prefetch(
                "exercises",
                queryset=Exercise.objects.defer("search_vector").order_by("position", "id"),
            ),
            Prefetch("prompts", queryset=Prompt.objects.order_by("position", "id")),
        )
    else:
        strategies = strategies.defer(*STRATEGY_TEXT)
    related_targets = _visible(Guide.objects.all(), include_drafts=include_drafts, now=now)
    relations = (
        GuideRelation.objects.filter(to_guide__in=related_targets.values("pk"))
        .select_related("to_guide")
        .defer(*_under("to_guide", GUIDE_TEXT))
        .order_by("position", "id")
    )
    return (
        _visible(Guide.objects.all(), include_drafts=include_drafts, now=now)
        .select_related("author", "reviewed_by")
        .defer("search_vector")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name", "id")),
            Prefetch("sources", queryset=GuideSource.objects.order_by("position", "id")),
            Prefetch("strategies", queryset=strategies),
            Prefetch("relations", queryset=relations, to_attr="visible_relations"),
        )
    )


def strategy_list(
    *, include_drafts: bool = False, now: datetime | None = None
) -> QuerySet[Strategy]:
    """Strategies with their guide and tags: three queries a page."""
    return (
        _visible(Strategy.objects.all(), include_drafts=include_drafts, now=now)
        .select_related("guide")
        .defer(*STRATEGY_TEXT, *_under("guide", GUIDE_TEXT))
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name", "id")))
    )


def strategy_detail_list(
    *, include_drafts: bool = False, now: datetime | None = None
) -> QuerySet[Strategy]:
    """One strategy with its guide (and author), tags, exercises and prompts."""
    return (
        _visible(Strategy.objects.all(), include_drafts=include_drafts, now=now)
        .select_related("guide__author")
        .defer("search_vector", *_under("guide", GUIDE_TEXT))
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name", "id")),
            Prefetch(
                "exercises",
                queryset=Exercise.objects.defer("search_vector").order_by("position", "id"),
            ),
            Prefetch("prompts", queryset=Prompt.objects.order_by("position", "id")),
        )
    )


def exercise_list(
    *, include_drafts: bool = False, now: datetime | None = None
) -> QuerySet[Exercise]:
    return (
        _visible(Exercise.objects.all(), include_drafts=include_drafts, now=now)
        .select_related("strategy__guide")
        .defer(
            "search_vector",
            *_under("strategy", STRATEGY_TEXT),
            *_under("strategy__guide", GUIDE_TEXT),
        )
    )


def prompt_list(*, include_drafts: bool = False, now: datetime | None = None) -> QuerySet[Prompt]:
    return (
        _visible(Prompt.objects.all(), include_drafts=include_drafts, now=now)
        .select_related("strategy__guide")
        .defer(*_under("strategy", STRATEGY_TEXT), *_under("strategy__guide", GUIDE_TEXT))
    )


def tag_list(*, include_drafts: bool = False, now: datetime | None = None) -> QuerySet[Tag]:
    """Tags in use by content the viewer may see, with how many guides and strategies
    carry each (counts of public content only)."""
    now = now or timezone.now()
    guides = _visible(Guide.objects.all(), include_drafts=include_drafts, now=now)
    strategies = _visible(Strategy.objects.all(), include_drafts=include_drafts, now=now)
    guide_links = Guide.tags.through.objects.filter(guide__in=guides.values("pk"))
    strategy_links = Strategy.tags.through.objects.filter(strategy__in=strategies.values("pk"))
    return (
        Tag.objects.annotate(
            guide_count=_count_subquery(guide_links, "tag_id"),
            strategy_count=_count_subquery(strategy_links, "tag_id"),
        )
        .filter(Q(guide_count__gt=0) | Q(strategy_count__gt=0))
        .order_by("name", "id")
    )


def _count_subquery(rows: QuerySet, column: str) -> Coalesce:
    """How many of `rows` have `column` equal to the outer row's primary key. A
    correlated subquery, so the outer query needs no join or GROUP BY (and the
    paginator's COUNT stays a plain count)."""
    counted = (
        rows.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def person_detail_list(
    *, include_drafts: bool = False, now: datetime | None = None
) -> QuerySet[Person]:
    """People with the guides they wrote that the viewer may see, newest first."""
    guides = (
        _visible(Guide.objects.all(), include_drafts=include_drafts, now=now)
        .defer(*GUIDE_TEXT)
        .order_by("-published_at", "-id")
    )
    return Person.objects.prefetch_related(
        Prefetch("guides", queryset=guides, to_attr="visible_guides")
    )
