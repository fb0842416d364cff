"""The one shape of a link from one resource to another (issue 10): a guide, strategy,
exercise, event or series is `{slug, title, url, web_url}` wherever it is named, and a prompt,
which has no slug, is `{id, text, url}`. Reads return these; writes take the slug or
id alone. The `url` is the resource's detail route, named `<model>-detail` by every
app's router.

Links meant for people (calendar files, mails, a share button) go to the front end
instead when it has a page for the kind (`FRONTEND_URL_<KIND>`): `web_url` beside `url`
in every public resource and reference (null without a template), and `page_url` for
the link of a mail or a calendar entry."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property, lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.urls import get_script_prefix, get_urlconf
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse


def absolute_url(context: dict[str, Any], path: str) -> str:
    """`path` on the request's host, or on `SITE_URL` when there is no request (an
    export, a mail)."""
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def detail_url(context: dict[str, Any], target: Model | str, **kwargs: Any) -> str:
    """The absolute API address of `target`: an instance, or a model's name with the
    route's arguments (`detail_url(context, "event", slug=...)`)."""
    name = target if isinstance(target, str) else target._meta.model_name
    kwargs = kwargs or {"slug": target.slug}
    if kwargs.keys() == {"slug"}:
        path = _slug_route(f"{name}-detail", get_script_prefix(), get_urlconf()).replace(
            SLUG_MARKER, kwargs["slug"]
        )
    else:
        path = reverse(f"{name}-detail", kwargs=kwargs)
    return absolute_url(context, path)


# A slug no record has, reversed once per route: a list names many references, and a
# slug needs no quoting in a path, so the rest is a replacement, not a reverse() each.
SLUG_MARKER = "slug-marker-7f3a9c"


@lru_cache(maxsize=128)
def _slug_route(name: str, script_prefix: str, urlconf: str | None) -> str:
    return reverse(name, kwargs={"slug": SLUG_MARKER})


def web_url(kind: str, slug: str) -> str | None:
    """The front end's page of a public resource, or None when `FRONTEND_URL_<KIND>` is
    unset. The templates are checked at start (`core.checks`)."""
    template = settings.WEB_URL_TEMPLATES.get(kind)
    return template.format(slug=slug) if template else None


def page_url(context: dict[str, Any], target: Model) -> str:
    """Where a person should land for `target` (a calendar entry, a mail): the front
    end's page when there is one, else the API's detail."""
    return web_url(target._meta.model_name, target.slug) or detail_url(context, target)


@extend_schema_field({"type": "string", "format": "uri", "example": None})
class WebUrlField(serializers.Field):
    """`web_url`: the front end's page of the resource, or null. `kind` for values that
    are not model instances (a dict with a `slug`)."""

    def __init__(self, kind: str | None = None, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("help_text", "The front-end page, or null.")
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        if isinstance(value, Mapping):
            return web_url(self.kind or value["type"], value["slug"])
        return web_url(self.kind or value._meta.model_name, value.slug)


class ReferenceSerializer(serializers.Serializer):
    """`{slug, title, url, web_url}`: a guide, strategy, exercise, event or series."""

    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    web_url = WebUrlField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, instance: Model) -> str:
        return detail_url(self.context, instance)


class PromptReferenceSerializer(serializers.Serializer):
    """`{id, text, url}`: a journaling prompt."""

    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, prompt: Model) -> str:
        return detail_url(self.context, prompt, pk=prompt.pk)


class ReferenceFieldMixin:
    """For a related field written as the slug (or id) alone; put it first among the
    field's bases. It reads as a reference, and a reference read earlier is accepted
    back in its place, so a client can send a record it fetched without rewriting its
    links. The schema says so in each direction (`ReferenceFieldExtension`)."""

    reference_serializer: type[serializers.Serializer] = ReferenceSerializer
    reference_key = "slug"

    def use_pk_only_optimization(self) -> bool:
        return False

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, dict) and self.reference_key in data:
            data = data[self.reference_key]
        return super().run_validation(data)  # type: ignore[misc]

    @cached_property
    def _reference(self) -> serializers.Serializer:
        # One serializer for every row this field reads (a list names many references),
        # instead of a new one, with its fields copied, for each.
        return self.reference_serializer(context=self.context)  # type: ignore[attr-defined]

    def to_representation(self, value: Model) -> dict[str, Any]:
        return self._reference.to_representation(value)


class ReferenceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ReferenceFieldMixin
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return auto_schema.resolve_serializer(self.target.reference_serializer, direction).ref
        return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
