"""Hook points through which later apps add to the strategies API without strategies
importing them (dependencies run one way: events -> strategies).

- Unified search (`GET /api/v1/search/`) asks every registered `SearchSource`.
- Guide and strategy details render every registered `DetailExtra` as one more field
  (the events app adds `upcoming_events`).

Register from `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from django.contrib.postgres.search import SearchQuery
from django.db.models import Model
from rest_framework import serializers

Target = Literal["guide", "strategy"]


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "guide", "strategy", "exercise", "person", "event", "series"
    title: str
    slug: str
    path: str  # the API path of the hit, e.g. /api/v1/guides/<slug>/
    snippet: str  # HTML with <mark> around matched words (ts_headline)
    rank: float


@dataclass(frozen=True)
class SearchSource:
    kind: str
    # search(query, limit) -> at most `limit` public hits, best first.
    search: Callable[[SearchQuery, int], list[SearchHit]]
    # count(query) -> how many public hits there are in all (one query).
    count: Callable[[SearchQuery], int]


@dataclass(frozen=True)
class DetailExtra:
    target: Target
    field: str  # key in the detail JSON, e.g. "upcoming_events"
    serializer_class: type[serializers.Serializer]
    # load(obj) -> the related objects for one guide or strategy (a bounded number of queries)
    load: Callable[[Model], Iterable[Model]]

    @property
    def attribute(self) -> str:
        return f"_extra_{self.field}"


_search_sources: dict[str, SearchSource] = {}
_detail_extras: list[DetailExtra] = []


def register_search_source(source: SearchSource) -> None:
    _search_sources[source.kind] = source


def search_sources() -> list[SearchSource]:
    return list(_search_sources.values())


def register_detail_extra(extra: DetailExtra) -> None:
    _detail_extras.append(extra)


def detail_extras(target: Target) -> list[DetailExtra]:
    return [extra for extra in _detail_extras if extra.target == target]


def attach_detail_extras(target: Target, obj: Model) -> None:
    """Load every extra for `obj` onto it, where its serializer field reads it."""
    for extra in detail_extras(target):
        setattr(obj, extra.attribute, list(extra.load(obj)))


def extra_serializer_fields(target: Target) -> dict[str, serializers.Field]:
    """Fields to add in a detail serializer's `get_fields()`."""
    return {
        extra.field: extra.serializer_class(many=True, read_only=True, source=extra.attribute)
        for extra in detail_extras(target)
    }
