"""Filters shared by every app."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django_filters import filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework import exceptions
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
    queryset orders itself. Set as the default filter backend.

    Only the view's `ordering_fields` may be named (each one ascending or with `-`,
    several separated by commas); any other term is a 400, never silently dropped, and
    a view without `ordering_fields` takes no `ordering` at all. The schema lists the
    terms (an enum for one term, a pattern for several)."""

    unique_fields = frozenset({"id", "pk"})
    ordering_fields = ()

    def get_ordering(self, request, queryset, view) -> list[str]:
        raw = request.query_params.get(self.ordering_param)
        if raw:  # absent or empty: the view's default, like every other filter
            terms = raw.split(",")
            known = set(self.terms(view))
            if unknown := [term for term in terms if term not in known]:
                choices = ", ".join(self.terms(view)) or "nothing"
                detail = f"Unknown ordering {', '.join(unknown)}; choose from {choices}."
                raise exceptions.ValidationError({self.ordering_param: [detail]}, code="invalid")
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not ordering or any(term.lstrip("-") in self.unique_fields for term in ordering):
            return ordering
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]

    def terms(self, view) -> list[str]:
        """Every term `ordering` accepts on `view`: each field, ascending and descending."""
        fields = getattr(view, "ordering_fields", self.ordering_fields)
        return [term for field in fields for term in (field, f"-{field}")]

    def get_schema_operation_parameters(self, view) -> list[dict]:
        terms = self.terms(view)
        if not terms:
            return []
        choice = "|".join(term.lstrip("-") for term in terms[::2])
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Sort by {', '.join(terms[::2])}: a field for ascending order, `-field` "
                    "for descending; several separated by commas. Empty: the default order."
                ),
                "schema": {
                    "type": "string",
                    "pattern": f"^-?({choice})(,-?({choice}))*$",
                    "example": terms[1],
                },
            }
        ]


class BoundedDjangoFilterExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter support, plus the bounds a number filter checks
    (`min_value`, `max_value`) as the parameter's `minimum` and `maximum`: a filter that
    refuses `?max_duration=0` says so in the schema."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        bounds = {
            keyword: filter_field.extra[option]
            for option, keyword in (("min_value", "minimum"), ("max_value", "maximum"))
            if filter_field.extra.get(option) is not None
        }
        for parameter in parameters if bounds else []:
            if parameter.get("schema", {}).get("type") in {"integer", "number"}:
                parameter["schema"] = {**parameter["schema"], **bounds}
        return parameters
