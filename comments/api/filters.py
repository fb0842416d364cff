"""Query parameters of the comment list: which part of the guide, which order."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from core.filters import AnyOfFilter, FilterSet

ORDERINGS = {"oldest": ("created_at", "id"), "newest": ("-created_at", "-id")}


class CommentFilter(FilterSet):
    strategy = AnyOfFilter(
        field_name="strategy__slug",
        max_length=200,
        help_text="Only threads about this strategy of the guide (its slug).",
    )
    ordering = filters.ChoiceFilter(
        choices=[(name, name) for name in ORDERINGS],
        method="order",
        empty_label=None,
        help_text="`oldest` (the default) or `newest` first; replies are always oldest first.",
    )

    def order(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["oldest"]))
