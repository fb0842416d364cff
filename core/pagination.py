"""Pagination used by every list endpoint."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

MAX_PAGE_SIZE = 100


def _require_ordering(queryset: QuerySet) -> None:
    # An unordered queryset pages unpredictably: rows repeat or vanish between pages.
    if isinstance(queryset, QuerySet) and not queryset.ordered:
        raise ValueError(f"Refusing to paginate an unordered queryset of {queryset.model}.")


class StrictPageSizeMixin:
    """`?page_size=` must be a whole number from 1 to 100: anything else is a 400."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Results per page, 1 to {MAX_PAGE_SIZE} (default 20)."

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # absent or empty: like every other query parameter, not given
            return self.page_size
        # isdecimal() alone admits other scripts' digits, which int() may still refuse.
        if not (raw.isascii() and raw.isdecimal()) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]},
                code="invalid",
            )
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """DRF's own leaves `next` and `previous` out of `required`, but every page has
        both (null at either end): a generated client need not test that they exist."""
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = list(paginated["properties"])
        return paginated


class PageNumberPagination(StrictPageSizeMixin, pagination.PageNumberPagination):
    """`?page=` and `?page_size=`; every queryset must have an explicit ordering."""

    page_size = 20
    # `?page=last` would be a page number no schema can say; ask for `count` instead.
    last_page_strings = ()
    page_query_description = "A page number from 1; past the last page is a 404."

    def paginate_queryset(self, queryset, request, view=None):
        _require_ordering(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "default": 1}
        return parameters


INVALID_CURSOR = "This cursor is not valid. Start from the first page."


class CursorPagination(StrictPageSizeMixin, pagination.CursorPagination):
    """Opaque cursors, stable under inserts: for members' records, newest first. A
    cursor the server did not make is a 400 naming `cursor`, as on the journal's keyset
    pages (DRF would answer 404, as if the list were gone)."""

    page_size = 20
    ordering = ("-created_at", "-id")
    cursor_query_description = "Opaque cursor from the `next` or `previous` link."

    def decode_cursor(self, request):
        # Absent or empty: the first page, like every other query parameter.
        if not request.query_params.get(self.cursor_query_param):
            return None
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError(
                {self.cursor_query_param: [INVALID_CURSOR]}, code="invalid"
            ) from exc
