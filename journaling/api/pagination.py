"""Keyset ("seek") pagination for a member's journal lists.

DRF's cursor pagination remembers one column and an offset among equal values, so it
drifts when rows share that value (many entries on one date) and its offsets grow.
Here the cursor holds the whole sort key of the last row shown, a unique tuple such as
`(entry_date, created_at, id)`, and the next page is "rows whose key is smaller", read
from an index in the same order. Pages stay stable while rows are inserted or deleted,
and a page 5,000 rows deep costs what the first page does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from core.pagination import INVALID_CURSOR, CursorPagination


def _key_value(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


class KeysetPagination(CursorPagination):
    """Newest first by `keyset` (all columns descending; the last must be unique)."""

    keyset: Sequence[str] = ()
    template = None

    def get_ordering(self, request: Any, queryset: QuerySet, view: Any) -> tuple[str, ...]:
        return tuple(f"-{name}" for name in self.keyset)

    def paginate_queryset(self, queryset: QuerySet, request: Any, view: Any = None) -> list:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.model = queryset.model
        cursor = self._decode(request.query_params.get(self.cursor_query_param))
        key_columns = Tuple(*(F(name) for name in self.keyset))

        reverse = False
        if cursor is None:
            queryset = queryset.order_by(*self.get_ordering(request, queryset, view))
        else:
            values, reverse = cursor
            if reverse:
                queryset = queryset.filter(TupleGreaterThan(key_columns, values))
                queryset = queryset.order_by(*self.keyset)
            else:
                queryset = queryset.filter(TupleLessThan(key_columns, values))
                queryset = queryset.order_by(*self.get_ordering(request, queryset, view))

        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_next, self.has_previous = more, cursor is not None
        return self.page

    def get_next_link(self) -> str | None:
        if not (self.has_next and self.page):
            return None
        return self._link(self.page[-1], reverse=False)

    def get_previous_link(self) -> str | None:
        if not (self.has_previous and self.page):
            return None
        return self._link(self.page[0], reverse=True)

    def _link(self, row: Model, *, reverse: bool) -> str:
        key = [_key_value(getattr(row, name)) for name in self.keyset]
        token = base64.urlsafe_b64encode(orjson.dumps({"k": key, "r": int(reverse)}))
        return replace_query_param(self.base_url, self.cursor_query_param, token.decode())

    def _decode(self, raw: str | None) -> tuple[tuple, bool] | None:
        if not raw:  # absent or empty: the first page, like every other query parameter
            return None
        try:
            payload = orjson.loads(base64.urlsafe_b64decode(raw.encode()))
            key, reverse = payload["k"], bool(payload["r"])
            values = self._key_values(key)
        except (
            binascii.Error,
            orjson.JSONDecodeError,
            DjangoValidationError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            raise ValidationError(
                {self.cursor_query_param: [INVALID_CURSOR]},
                code="invalid",
            ) from exc
        return values, reverse

    def _key_values(self, key: object) -> tuple:
        if not isinstance(key, list) or len(key) != len(self.keyset):
            raise ValueError("wrong key length")
        values = tuple(
            self.model._meta.get_field(name).to_python(value)
            for name, value in zip(self.keyset, key, strict=True)
        )
        if any(value is None for value in values):
            raise ValueError("empty key value")
        return values


class EntryPagination(KeysetPagination):
    keyset = ("entry_date", "created_at", "id")


class CommitmentPagination(KeysetPagination):
    keyset = ("due_date", "created_at", "id")
