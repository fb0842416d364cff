"""Filters of the member's own entries and commitments. They narrow a queryset that
`get_queryset()` has already limited to the member, so no filter can reach anyone
else's rows."""

from __future__ import annotations

import re

from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django_filters import rest_framework as filters

from core.filters import AnyOfFilter, FilterSet
from journaling.models import MOOD_MAX, MOOD_MIN, Commitment, EntryTag, JournalEntry, MemberTag
from strategies.models import SEARCH_CONFIG

SEARCH_MAX_LENGTH = 200


class NoBlankFilterForm(forms.Form):
    """`?date_from=` with nothing after it is a 400, not "no filter": a client that
    sends an empty date or number has a bug it should hear about. Text filters may be
    empty (`?q=` searches for nothing, so filters nothing), repeated ones too."""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, field in self.fields.items():
            text = isinstance(getattr(field, "child", field), forms.CharField)
            if self.data.get(name) == "" and not text:
                code = "invalid_choice" if "invalid_choice" in field.error_messages else "invalid"
                self.add_error(
                    name,
                    forms.ValidationError("Give a value, or leave this parameter out.", code=code),
                )
        return cleaned


class StrictBooleanField(forms.NullBooleanField):
    """`true`/`false` (or `1`/`0`); anything else is an error, not "no filter"."""

    default_error_messages = {"invalid": "Use true or false."}

    TRUE = frozenset({"true", "1"})
    FALSE = frozenset({"false", "0"})

    def to_python(self, value: object) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: object, **kwargs: object) -> None:
        # The default widget turns unknown words into "no filter" before we see them.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class WholeNumberField(forms.IntegerField):
    """Digits only, as the schema's `integer` says: Django's own field would also take
    "3.0" and "3.00"."""

    def to_python(self, value: object) -> int | None:
        if value not in self.empty_values and not re.fullmatch(r"-?\d+", str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(filters.NumberFilter):
    """Whole numbers only: a mood of 2.5 (or 2.0) is a 400, not a silent rounding."""

    field_class = WholeNumberField


def _mood_filter(field: str, lookup: str, text: str) -> filters.NumberFilter:
    return IntegerFilter(
        field_name=field,
        lookup_expr=lookup,
        min_value=MOOD_MIN,
        max_value=MOOD_MAX,
        label=text,
    )


class JournalEntryFilter(FilterSet):
    date_from = filters.DateFilter(
        field_name="entry_date", lookup_expr="gte", label="Entries on or after this date."
    )
    date_to = filters.DateFilter(
        field_name="entry_date", lookup_expr="lte", label="Entries on or before this date."
    )
    strategy = AnyOfFilter(
        field_name="strategy__slug", max_length=200, label="Slug of the linked strategy."
    )
    tag = AnyOfFilter(method="filter_tag", max_length=50, label="One of your tags (any case).")
    mood_before_min = _mood_filter("mood_before", "gte", "Mood before at least this.")
    mood_before_max = _mood_filter("mood_before", "lte", "Mood before at most this.")
    mood_after_min = _mood_filter("mood_after", "gte", "Mood after at least this.")
    mood_after_max = _mood_filter("mood_after", "lte", "Mood after at most this.")
    has_commitment = StrictBooleanFilter(
        field_name="commitment",
        lookup_expr="isnull",
        exclude=True,
        label="Only entries written for a commitment (true) or only others (false).",
    )
    q = filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        label=(
            "Full-text search of your titles and bodies (English stemming; quotes, OR "
            "and -word work as in a web search). Results stay newest first."
        ),
    )

    class Meta:
        model = JournalEntry
        fields: list[str] = []
        form = NoBlankFilterForm

    def filter_tag(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        # Find the member's own tags first (their unique index on lower(name)); matching
        # tag names across all members would read every member's tagged entries.
        tags = (
            MemberTag.objects.annotate(lower_name=Lower("name"))
            .filter(owner=self.request.user, lower_name__in=[tag.lower() for tag in value])
            .values("pk")
        )
        tagged = EntryTag.objects.filter(entry=OuterRef("pk"), tag__in=tags)
        return queryset.filter(Exists(tagged))

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        query = SearchQuery(value, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.filter(search_vector=query)


class CommitmentFilter(FilterSet):
    status = AnyOfFilter(choices=Commitment.Status.choices, label="The commitment's status.")
    strategy = AnyOfFilter(
        field_name="strategy__slug", max_length=200, label="Slug of the strategy."
    )
    due_from = filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label="Due on or after this date."
    )
    due_to = filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="Due on or before this date."
    )

    class Meta:
        model = Commitment
        fields: list[str] = []
        form = NoBlankFilterForm
