"""What the events app plugs into the rest of the project, from `ready()`:

- the public response cache: event rows, and the instants events start and end;
- unified search (`/api/v1/search/` finds events);
- guide and strategy details (`upcoming_events`);
- the personal-data export and account deletion (reminders, feed, notices).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from accounts import personal_data
from core.http_cache import register_schedule_source, track_content_models
from events import selectors, services
from events.api.serializers import EventsExportSerializer, EventSummarySerializer
from events.models import Event, EventStatus, Series
from strategies.extensions import (
    DetailExtra,
    SearchHit,
    SearchSource,
    register_detail_extra,
    register_search_source,
)
from strategies.models import SEARCH_CONFIG, Guide, Strategy


def _searchable_events():
    return Event.objects.exclude(status=EventStatus.CANCELLED)


def search_events(query: SearchQuery, limit: int) -> list[SearchHit]:
    from strategies.search import ranked_hits

    return ranked_hits(
        _searchable_events(),
        query,
        kind="event",
        text=Concat("title", Value("\n"), "description_markdown"),
        path_for=lambda slug: reverse("event-detail", kwargs={"slug": slug}),
        limit=limit,
        tie_breakers=("-starts_at", "-id"),
    )


SERIES_VECTOR = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "description_markdown", weight="B", config=SEARCH_CONFIG
)


def search_series(query: SearchQuery, limit: int) -> list[SearchHit]:
    """Recurring shows; few rows, so the vector is computed in the query."""
    from strategies.search import ranked_hits

    return ranked_hits(
        Series.objects.all(),
        query,
        kind="series",
        text=("title", "description_markdown"),
        path_for=lambda slug: reverse("series-detail", kwargs={"slug": slug}),
        limit=limit,
        tie_breakers=("title", "id"),
        vector=SERIES_VECTOR,
    )


def export_member_data(user) -> dict:
    return EventsExportSerializer(selectors.member_data(user)).data


def _linked_events_loader(link: str) -> Callable[[Guide | Strategy], list[Event]]:
    return lambda content: selectors.linked_event_list(timezone.now(), **{link: content})


def register() -> None:
    track_content_models([Series, Event])
    register_schedule_source(selectors.next_change_after)
    from strategies.search import counter

    register_search_source(
        SearchSource(kind="event", search=search_events, count=counter(_searchable_events))
    )
    register_search_source(
        SearchSource(
            kind="series", search=search_series, count=counter(Series.objects.all, SERIES_VECTOR)
        )
    )
    for target, link in (("guide", "guides"), ("strategy", "strategies")):
        register_detail_extra(
            DetailExtra(
                target=target,
                field="upcoming_events",
                serializer_class=EventSummarySerializer,
                load=_linked_events_loader(link),
            )
        )
    personal_data.register(
        personal_data.PersonalDataSection(
            key="events",
            schema=EventsExportSerializer,
            export=export_member_data,
            erase=services.erase_member_data,
        )
    )
