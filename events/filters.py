"""Query parameters of the event list, and an ordering that is always stable."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from rest_framework.filters import OrderingFilter

from core.filters import IsoDateTimeFilter
from events.models import Event, EventStatus

WHEN_CHOICES = [
    ("upcoming", "Starts after now and is going ahead"),
    ("called_off", "Would start after now, but is cancelled or postponed"),
    ("live", "Started, not ended, and going ahead"),
    ("past", "Started and ended, or called off"),
]


class EventFilter(filters.FilterSet):
    when = filters.ChoiceFilter(
        choices=WHEN_CHOICES,
        method="filter_when",
        help_text="upcoming, called_off, live or past at the time of the request. Default order: "
        "soonest first, except `past` (latest first).",
    )
    series = filters.CharFilter(field_name="series__slug", help_text="A series slug.")
    guide = filters.CharFilter(field_name="guides__slug", help_text="A linked guide's slug.")
    strategy = filters.CharFilter(
        field_name="strategies__slug", help_text="A linked strategy's slug."
    )
    host = filters.CharFilter(field_name="hosts__slug", help_text="A host's slug.")
    status = filters.ChoiceFilter(choices=EventStatus.choices)
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

    @property
    def now(self):
        # The view passes its own clock reading, so filters and fields agree.
        return getattr(self.request, "events_now", None) or timezone.now()

    def filter_when(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        return getattr(queryset, value)(self.now)


class StableOrderingFilter(OrderingFilter):
    """Client orderings always end with the primary key, so pages never overlap; with
    no `?ordering=` the view's default (which depends on `when`) applies."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        last = ordering[-1]
        return [*ordering, "-id" if last.startswith("-") else "id"]
