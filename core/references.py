"""The one shape of a link from one resource to another (issue 10): a guide, strategy,
exercise, event or series is `{slug, title, url}` wherever it is named, and a prompt,
which has no slug, is `{id, text, url}`. Reads return these; writes take the slug or
id alone. The `url` is the resource's detail route, named `<model>-detail` by every
app's router."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse


def detail_url(context: dict[str, Any], instance: Model, **kwargs: Any) -> str:
    """The absolute API address of `instance` (relative when no request is at hand)."""
    return reverse(
        f"{instance._meta.model_name}-detail",
        kwargs=kwargs or {"slug": instance.slug},
        request=context.get("request"),
    )


class ReferenceSerializer(serializers.Serializer):
    """`{slug, title, url}`: a guide, strategy, exercise, event or series."""

    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

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
