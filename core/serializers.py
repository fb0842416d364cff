"""Serializer behaviour shared by every app."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.images import meta_is_current
from core.validators import known_timezones

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


# --- Images -------------------------------------------------------------------------------


class ImageRenditionSerializer(serializers.Serializer):
    width = serializers.IntegerField(help_text="Pixels.")
    height = serializers.IntegerField(help_text="Pixels.")
    url = serializers.URLField(help_text="A WebP copy of the image at this width.")


class ImageSerializer(serializers.Serializer):
    """An image: the original as uploaded, and smaller copies to show instead."""

    url = serializers.URLField(help_text="The original, as uploaded.")
    width = serializers.IntegerField(help_text="Width of the original, in pixels.")
    height = serializers.IntegerField(help_text="Height of the original, in pixels.")
    alt = serializers.CharField(
        allow_blank=True,
        help_text="What the image shows, for the `alt` attribute; empty for a decorative one.",
    )
    renditions = ImageRenditionSerializer(
        many=True,
        help_text="Smaller WebP copies, narrowest first (320, 640 and 1280 pixels wide, "
        "those narrower than the original): pick one for the screen, e.g. as `srcset`.",
    )


@extend_schema_field(ImageSerializer(allow_null=True))
class ImageObjectField(serializers.Field):
    """An image of the model (`core.images.ImageField`) as an `Image` object, or null
    when there is none. Reads the image, its `<name>_alt` and its `<name>_meta` from the
    row itself: no query, and no request to the storage (URLs are computed)."""

    def __init__(self, image_field: str | None = None, **kwargs: Any) -> None:
        self.image_field = image_field
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, instance: Any) -> dict[str, Any] | None:
        name = self.image_field or self.field_name
        file = getattr(instance, name)
        meta = getattr(instance, f"{name}_meta")
        if not meta_is_current(file, meta):
            return None
        storage = file.storage
        return {
            "url": self._absolute(storage.url(file.name)),
            "width": meta["width"],
            "height": meta["height"],
            "alt": getattr(instance, f"{name}_alt"),
            "renditions": [
                {
                    "width": rendition["width"],
                    "height": rendition["height"],
                    "url": self._absolute(storage.url(rendition["name"])),
                }
                for rendition in meta["renditions"]
            ],
        }

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


def refuse_numbers_as_text() -> None:
    """Text fields take JSON strings only. DRF's `CharField` (and every field built on
    it: email, slug, URL, regex) reads `0` as `"0"` and `false` as invalid; the schema
    says `string`, and a client sending a number where text belongs has a bug that a 400
    shows at once. Called once, from `CoreConfig.ready()`."""
    original = serializers.CharField.to_internal_value
    if getattr(original, "refuses_numbers", False):
        return

    def to_internal_value(self: serializers.CharField, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return original(self, data)

    to_internal_value.refuses_numbers = True
    serializers.CharField.to_internal_value = to_internal_value


@extend_schema_field(
    {"type": "string", "enum": sorted(known_timezones()), "example": "Europe/Paris"}
)
class TimezoneField(serializers.CharField):
    """A time zone a member may choose: the schema lists every name `validate_timezone`
    accepts (geographic IANA names and `UTC`), so a client can offer them as a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
