"""Unified search: the guide, strategy, exercise and person sources, and helpers any app's
source can use to build safe, highlighted snippets.

A snippet is made by PostgreSQL's `ts_headline` with private-use characters as
highlight markers; Python then escapes the text and turns only those markers into
`<mark>`, so whatever an editor typed (even `<script>`) reaches a client as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat, Replace
from django.db.models.functions.text import ConcatPair
from django.urls import reverse

from strategies.extensions import SearchHit, SearchSource, register_search_source
from strategies.models import SEARCH_CONFIG, Exercise, Guide, Person, Strategy

MARK_START = "\ue000"
MARK_STOP = "\ue001"
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_NOISE = re.compile(r"[*`#>|]+|(?<!\w)_+|_+(?!\w)")
_SPACES = re.compile(r"\s+")


def _as_text(text: Combinable | str | Sequence[str]) -> Combinable:
    """A text expression from a field name, several field names (joined by newlines) or
    an expression. Concatenations are declared text, so that mixing `CharField` and
    `TextField` columns needs no `output_field` from the caller."""
    if isinstance(text, str):
        return F(text)
    if isinstance(text, Sequence):
        parts = [part for name in text for part in (Value("\n"), F(name))][1:]
        return Concat(*parts, output_field=TextField()) if len(parts) > 1 else parts[0]
    if isinstance(text, Concat | ConcatPair):
        text = text.copy()
        text.output_field = TextField()
        text.set_source_expressions([_as_text(part) for part in text.get_source_expressions()])
    return text


def headline(text: Combinable | str | Sequence[str], query: SearchQuery) -> SearchHeadline:
    """A short extract of `text` around the matches, markers around each match."""
    # Content that happens to contain our markers must not open a stray <mark>.
    cleaned = Replace(
        Replace(_as_text(text), Value(MARK_START), output_field=TextField()),
        Value(MARK_STOP),
        output_field=TextField(),
    )
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
    text: Combinable | str | Sequence[str],
    path_for: Callable[[str], str],
    limit: int,
    tie_breakers: Iterable[str] = ("-id",),
    title: str = "title",
    vector: SearchVector | None = None,
) -> list[SearchHit]:
    """Best `limit` rows of `queryset` (already limited to public rows) matching
    `query` on its stored `search_vector` (or on `vector`, computed in the query, for
    small tables that store none): one query."""
    rows = (
        matching(queryset, query, vector)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=headline(text, query),
            hit_title=F(title),
        )
        .order_by("-rank", *tie_breakers)
        .values_list("hit_title", "slug", "snippet", "rank")[:limit]
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


def matching(
    queryset: QuerySet, query: SearchQuery, vector: SearchVector | None = None
) -> QuerySet:
    """The rows of `queryset` that `query` matches."""
    if vector is not None:
        queryset = queryset.annotate(search_vector=vector)
    return queryset.filter(search_vector=query)


def counter(queryset: Callable[[], QuerySet], vector: SearchVector | None = None):
    """A source's `count`: how many rows of `queryset()` match, in one query."""
    return lambda query: matching(queryset(), query, vector).count()


PERSON_VECTOR = SearchVector("name", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "bio", weight="B", config=SEARCH_CONFIG
)


def search_people(query: SearchQuery, limit: int) -> list[SearchHit]:
    """Authors and hosts: every person is public. Few rows, so the vector is computed."""
    return ranked_hits(
        Person.objects.all(),
        query,
        kind="person",
        text=("name", "bio"),
        path_for=_path("person-detail"),
        limit=limit,
        tie_breakers=("name", "id"),
        title="name",
        vector=PERSON_VECTOR,
    )


def _path(view_name: str) -> Callable[[str], str]:
    return lambda slug: reverse(view_name, kwargs={"slug": slug})


def search_guides(query: SearchQuery, limit: int) -> list[SearchHit]:
    return ranked_hits(
        Guide.objects.published(),
        query,
        kind="guide",
        text=("summary", "body_markdown"),
        path_for=_path("guide-detail"),
        limit=limit,
        tie_breakers=("-published_at", "-id"),
    )


def search_strategies(query: SearchQuery, limit: int) -> list[SearchHit]:
    return ranked_hits(
        Strategy.objects.published(),
        query,
        kind="strategy",
        text=("summary", "smallest_step", "body_markdown"),
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
    for kind, search, model in (
        ("guide", search_guides, Guide),
        ("strategy", search_strategies, Strategy),
        ("exercise", search_exercises, Exercise),
    ):
        register_search_source(
            SearchSource(kind=kind, search=search, count=counter(model.objects.published))
        )
    register_search_source(
        SearchSource(
            kind="person",
            search=search_people,
            count=counter(Person.objects.all, PERSON_VECTOR),
        )
    )
