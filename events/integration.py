"""What the events app plugs into the rest of the project, from `ready()`:

- the public response cache: event rows, and the instants events start and end;
- unified search (`/api/v1/search/` finds events);
- guide and strategy details (`upcoming_events`);
- the personal-data export and account deletion (reminders, feed, notices).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.postgres.search import SearchQuery
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
from strategies.models import Guide, Strategy


def search_events(query: SearchQuery, limit: int) -> list[SearchHit]:
    from strategies.search import ranked_hits

    return ranked_hits(
        Event.objects.exclude(status=EventStatus.CANCELLED),
        query,
        kind="event",
        text=Concat("title", Value("\n"), "description_markdown"),
        path_for=lambda slug: reverse("event-detail", kwargs={"slug": slug}),
        limit=limit,
        tie_breakers=("-starts_at", "-id"),
    )


def export_member_data(user) -> dict:
    return EventsExportSerializer(selectors.member_data(user)).data


def _linked_events_loader(link: str) -> Callable[[Guide | Strategy], list[Event]]:
    return lambda content: selectors.linked_event_list(timezone.now(), **{link: content})


def register() -> None:
    track_content_models([Series, Event])
    register_schedule_source(selectors.next_change_after)
    register_search_source(SearchSource(kind="event", search=search_events))
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
