"""Filters shared by every app."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django_filters import filters
from django_filters.fields import IsoDateTimeField
from rest_framework.filters import OrderingFilter


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant, converted to UTC before it reaches a query.

    Python accepts UTC offsets up to ±23:59 but PostgreSQL only up to ±15:59, so an
    instant like `2025-01-01T00:00:00+18:00` passed on as it is made the query fail with a
    500. In UTC it is an ordinary instant; one that leaves the calendar once converted
    (year 1 at +18:00) is as invalid as any other malformed value: a 400."""

    def to_python(self, value: object) -> datetime | None:
        result = super().to_python(value)
        if result is None or result.tzinfo is None:
            return result
        try:
            return result.astimezone(UTC)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


class StableOrderingFilter(OrderingFilter):
    """`?ordering=`, or the view's default, always ends with a unique key, so pages never
    repeat or skip rows: `id` is appended (descending when the last term is) unless a
    unique key is already there. An empty ordering stays empty, for views whose
    queryset orders itself. Set as the default filter backend."""

    unique_fields = frozenset({"id", "pk"})

    def get_ordering(self, request, queryset, view) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not ordering or any(term.lstrip("-") in self.unique_fields for term in ordering):
            return ordering
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]
