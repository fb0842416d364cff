"""Query parameters of the event list, read at the view's clock."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend

from core.filters import AnyOfFilter, FilterSet, IsoDateTimeFilter
from events.models import Event, EventStatus

WHEN_CHOICES = [
    ("upcoming", "Starts after now and is going ahead"),
    ("called_off", "Would start after now, but is cancelled or postponed"),
    ("live", "Started, not ended, and going ahead"),
    ("past", "Started and ended, or called off"),
]


class EventFilter(FilterSet):
    when = filters.ChoiceFilter(
        choices=WHEN_CHOICES,
        method="filter_when",
        help_text="upcoming, called_off, live or past at the time of the request. Default order: "
        "soonest first, except `past` (latest first).",
    )
    series = AnyOfFilter(field_name="series__slug", help_text="A series slug.")
    guide = AnyOfFilter(field_name="guides__slug", help_text="A linked guide's slug.")
    strategy = AnyOfFilter(field_name="strategies__slug", help_text="A linked strategy's slug.")
    host = AnyOfFilter(field_name="hosts__slug", help_text="A host's slug.")
    status = AnyOfFilter(choices=EventStatus.choices, help_text="The event's status.")
    starts_after = IsoDateTimeFilter(
        field_name="starts_at",
        lookup_expr="gte",
        help_text="Starts at or after this instant (ISO 8601 with an offset, e.g. "
        "2025-03-01T00:00:00Z).",
    )
    starts_before = IsoDateTimeFilter(
        field_name="starts_at",
        lookup_expr="lt",
        help_text="Starts before this instant (ISO 8601 with an offset).",
    )

    class Meta:
        model = Event
        fields = ["when", "series", "guide", "strategy", "host", "status"]

    def __init__(self, *args: object, now: datetime | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def filter_when(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return getattr(queryset, value)(self.now)


class EventFilterBackend(DjangoFilterBackend):
    """Gives the filters the view's clock reading, so `when` and the fields of the
    response are computed at one instant."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        # Schema generation builds the filterset without running the view: no clock yet.
        return {**kwargs, "now": getattr(view, "now", None)}
