"""Serializer behaviour shared by every app."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.settings import api_settings

UNKNOWN_FIELD_CODE = "unknown_field"


class RefuseUnknownFieldsMixin(serializers.Serializer):
    """A body naming a field the serializer does not have is a 400 (`unknown_field`,
    under `non_field_errors`: the field is not one of ours to name), not silently
    dropped, so a client that misspells a field, or sends one this endpoint does not
    take, learns it at once. Read-only fields count as known: echoing back what the API
    sent changes nothing. `core.schema` documents the code for every such serializer."""

    # Where to send a client for a field that lives elsewhere: {field: hint}.
    moved_fields: dict[str, str] = {}

    def to_internal_value(self, data: Any) -> Any:
        unknown = (
            sorted(str(name) for name in data if name not in self.fields)
            if isinstance(data, dict)
            else []
        )
        if unknown:
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        serializers.ErrorDetail(self._message(name), code=UNKNOWN_FIELD_CODE)
                        for name in unknown[:20]
                    ]
                }
            )
        return super().to_internal_value(data)

    def _message(self, name: str) -> str:
        hint = self.moved_fields.get(name)
        return f"Unknown field `{name[:100]}`." + (f" {hint}" if hint else "")
