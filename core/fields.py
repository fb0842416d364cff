"""Serializer fields shared by every app."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class OptionalURLField(serializers.URLField):
    """A model URL that may be blank: `null` in responses when blank, never `""`, which
    is not a URL and breaks the `format: uri` the schema promises. A ModelSerializer
    uses it for every model URLField with
    `serializer_field_mapping = {**ModelSerializer.serializer_field_mapping,
    models.URLField: OptionalURLField}`."""

    def __init__(self, **kwargs: Any) -> None:
        # ModelSerializer drops allow_blank from read-only fields: those can be blank too.
        kwargs.setdefault("allow_null", kwargs.get("allow_blank") or kwargs.get("read_only"))
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return value or None
