"""Filters shared by every app."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django_filters import filters
from django_filters import rest_framework as drf_filters
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


# How many values one repeated filter takes: enough for any screen, and a bound on the
# size of the `IN (...)` a request can make.
MAX_FILTER_VALUES = 20
REVERSED_RANGE = "reversed_range"


class AnyOfField(forms.Field):
    """Every value of a repeated query parameter, each cleaned by `child`; blank values
    are dropped (so `?tag=` is no filter, as for a single value), repeats too."""

    widget = forms.MultipleHiddenInput  # reads every value (`getlist`), not the last

    def __init__(self, *, child: forms.Field, **kwargs: object) -> None:
        self.child = child
        super().__init__(**kwargs)
        # The child's codes are this field's too (the 400's documentation lists them).
        self.error_messages = {**child.error_messages, **self.error_messages}
        self.error_messages.setdefault("invalid", "Enter a valid value.")

    def to_python(self, value: object) -> list:
        if value in self.empty_values:
            return []
        raw = value if isinstance(value, list | tuple) else [value]
        if len(raw) > MAX_FILTER_VALUES:
            raise ValidationError(f"At most {MAX_FILTER_VALUES} values.", code="invalid")
        cleaned = [self.child.clean(item) for item in raw]
        return list(dict.fromkeys(item for item in cleaned if item not in self.empty_values))


def _crosses_many(model: type[Model], path: str) -> bool:
    """Whether `path` (`series__slug`, `hosts__slug`) passes a to-many relation, where a
    join would repeat a row once per matching link."""
    for name in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a lookup such as `iexact`: the path ends here
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


class AnyOfFilter(filters.Filter):
    """A filter that may be repeated: `?tag=a&tag=b` keeps the rows matching any of the
    values, each row once. Values are text (`max_length`) or among `choices`; a value
    outside the choices is a 400, an unknown slug simply matches nothing. With a
    `method`, the method is given the list. The schema shows an array (`style: form`,
    `explode: true`)."""

    field_class = AnyOfField

    def __init__(
        self,
        *args: object,
        choices: Sequence[tuple[str, str]] | None = None,
        max_length: int | None = None,
        **kwargs: object,
    ) -> None:
        if choices:
            child: forms.Field = forms.ChoiceField(choices=choices, required=False)
        else:
            child = forms.CharField(max_length=max_length, required=False)
        super().__init__(*args, child=child, **kwargs)
        self.choices = choices
        self.max_length = max_length

    def filter(self, queryset: QuerySet, value: list) -> QuerySet:
        if not value:
            return queryset
        lookup = {f"{self.field_name}{LOOKUP_SEP}in": value}
        if _crosses_many(queryset.model, self.field_name):
            matches = queryset.model._base_manager.filter(pk=OuterRef("pk"), **lookup)
            return queryset.filter(Exists(matches))
        return queryset.filter(**lookup)

    def schema_parameter(self, name: str) -> dict:
        item: dict = {"type": "string"}
        if self.choices:
            item["enum"] = [choice for choice, _ in self.choices]
        if self.max_length:
            item["maxLength"] = self.max_length
        text = self.extra.get("help_text") or self.label or ""
        return {
            "in": "query",
            "name": name,
            "description": f"{text} Repeat for any of several.".strip(),
            "required": False,
            "schema": {"type": "array", "items": item, "maxItems": MAX_FILTER_VALUES},
            "style": "form",
            "explode": True,
        }


class FilterSet(drf_filters.FilterSet):
    """The base of every app's filters. A lower and an upper bound on one field
    (`date_from`/`date_to`, `starts_after`/`starts_before`, `mood_before_min`/`_max`:
    filters on the same field, one `gt`/`gte`, the other `lt`/`lte`) given in the wrong
    order are a 400 naming the lower one, not a page that can never hold a row: the
    client has a bug it should hear about. Equal bounds are fine."""

    @classmethod
    def bound_pairs(cls) -> list[tuple[str, str]]:
        lower: dict[str, list[str]] = {}
        upper: dict[str, list[str]] = {}
        for name, declared in cls.base_filters.items():
            if declared.method is not None or declared.exclude:
                continue
            if declared.lookup_expr in {"gt", "gte"}:
                lower.setdefault(declared.field_name, []).append(name)
            elif declared.lookup_expr in {"lt", "lte"}:
                upper.setdefault(declared.field_name, []).append(name)
        return [
            (low, high)
            for field, lows in lower.items()
            for low in lows
            for high in upper.get(field, [])
        ]

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        values = self.form.cleaned_data
        for low, high in self.bound_pairs():
            start, end = values.get(low), values.get(high)
            if start is not None and end is not None and start > end:
                error = ValidationError(f"Must not be after `{high}`.", code=REVERSED_RANGE)
                self.form.add_error(low, error)
        return not self.form.errors


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
    refuses `?max_duration=0` says so in the schema. A repeated filter (`AnyOfFilter`)
    is an array of its values."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, AnyOfFilter):
            return [filter_field.schema_parameter(field_name)]
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
