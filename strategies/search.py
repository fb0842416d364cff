"""Unified search: the guide, strategy and exercise sources, and helpers any app's
source can use to build safe, highlighted snippets.

A snippet is made by PostgreSQL's `ts_headline` with private-use characters as
highlight markers; Python then escapes the text and turns only those markers into
`<mark>`, so whatever an editor typed (even `<script>`) reaches a client as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat, Replace
from django.urls import reverse

from strategies.extensions import SearchHit, SearchSource, register_search_source
from strategies.models import SEARCH_CONFIG, Exercise, Guide, Strategy

MARK_START = "\ue000"
MARK_STOP = "\ue001"
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_NOISE = re.compile(r"[*`#>|]+|(?<!\w)_+|_+(?!\w)")
_SPACES = re.compile(r"\s+")


def headline(text: Combinable | str, query: SearchQuery) -> SearchHeadline:
    """A short extract of `text` around the matches, markers around each match."""
    expression = F(text) if isinstance(text, str) else text
    # Content that happens to contain our markers must not open a stray <mark>.
    cleaned = Replace(Replace(expression, Value(MARK_START)), Value(MARK_STOP))
    return SearchHeadline(
        cleaned,
        query,
        config=SEARCH_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        min_words=12,
        max_words=30,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def safe_snippet(raw: str) -> str:
    """Escape a `headline()` result for HTML; only the markers become `<mark>`."""
    text = _MARKDOWN_LINK.sub(r"\1", raw)
    text = _MARKDOWN_NOISE.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return html.escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")


def ranked_hits(
    queryset: QuerySet,
    query: SearchQuery,
    *,
    kind: str,
    text: Combinable | str,
    path_for: Callable[[str], str],
    limit: int,
    tie_breakers: Iterable[str] = ("-id",),
) -> list[SearchHit]:
    """Best `limit` rows of `queryset` (already limited to public rows) matching
    `query` on its stored `search_vector`: one query."""
    rows = (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query), snippet=headline(text, query))
        .order_by("-rank", *tie_breakers)
        .values_list("title", "slug", "snippet", "rank")[:limit]
    )
    return [
        SearchHit(
            kind=kind,
            title=title,
            slug=slug,
            path=path_for(slug),
            snippet=safe_snippet(snippet),
            rank=float(rank),
        )
        for title, slug, snippet, rank in rows
    ]


def _path(view_name: str) -> Callable[[str], str]:
    return lambda slug: reverse(view_name, kwargs={"slug": slug})


def search_guides(query: SearchQuery, limit: int) -> list[SearchHit]:
    return ranked_hits(
        Guide.objects.published(),
        query,
        kind="guide",
        text=Concat("summary", Value("\n"), "body_markdown", output_field=TextField()),
        path_for=_path("guide-detail"),
        limit=limit,
        tie_breakers=("-published_at", "-id"),
    )


def search_strategies(query: SearchQuery, limit: int) -> list[SearchHit]:
    return ranked_hits(
        Strategy.objects.published(),
        query,
        kind="strategy",
        text=Concat(
            "summary",
            Value("\n"),
            "smallest_step",
            Value("\n"),
            "body_markdown",
            output_field=TextField(),
        ),
        path_for=_path("strategy-detail"),
        limit=limit,
    )


def search_exercises(query: SearchQuery, limit: int) -> list[SearchHit]:
    return ranked_hits(
        Exercise.objects.published(),
        query,
        kind="exercise",
        text="instructions_markdown",
        path_for=_path("exercise-detail"),
        limit=limit,
    )


def register_sources() -> None:
    register_search_source(SearchSource(kind="guide", search=search_guides))
    register_search_source(SearchSource(kind="strategy", search=search_strategies))
    register_search_source(SearchSource(kind="exercise", search=search_exercises))
