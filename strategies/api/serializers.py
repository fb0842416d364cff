"""Serializers of the strategies API.

`*RefSerializer`s are the small nested shapes (a link to another object); list
endpoints use `<Model>Serializer` and details `<Model>DetailSerializer`. Every
serializer reads only what the selectors in `strategies.selectors` already loaded.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.references import ReferenceSerializer, WebUrlField
from core.serializers import ImageObjectField
from strategies.api.filters import MAX_QUERY_LENGTH
from strategies.extensions import extra_serializer_fields, search_sources
from strategies.models import Exercise, Guide, GuideSource, Person, Prompt, Strategy, Tag


class TagRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["name", "slug"]
        read_only_fields = fields


class TagSerializer(serializers.ModelSerializer):
    guide_count = serializers.IntegerField(
        read_only=True, help_text="Published guides carrying this tag."
    )
    strategy_count = serializers.IntegerField(
        read_only=True, help_text="Strategies of published guides carrying this tag."
    )

    class Meta:
        model = Tag
        fields = ["name", "slug", "guide_count", "strategy_count"]
        read_only_fields = fields


class PersonRefSerializer(serializers.ModelSerializer):
    """A person wherever one is named (a guide's author, an event's or a series' host):
    `{slug, name, url, web_url, photo}`."""

    url = serializers.HyperlinkedIdentityField(view_name="person-detail", lookup_field="slug")
    web_url = WebUrlField()
    photo = ImageObjectField(help_text="Their photo, or null.")

    class Meta:
        model = Person
        fields = ["slug", "name", "url", "web_url", "photo"]
        read_only_fields = fields


class PersonDetailSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="person-detail", lookup_field="slug")
    web_url = WebUrlField()
    photo = ImageObjectField(help_text="Their photo, or null.")
    guides = ReferenceSerializer(
        many=True,
        read_only=True,
        source="visible_guides",
        help_text="Published guides, newest first.",
    )

    class Meta:
        model = Person
        fields = ["slug", "name", "url", "web_url", "bio", "photo", "guides"]
        read_only_fields = fields


# What every full shape of a guide starts with, in this order.
GUIDE_FIELDS = ["id", "url", "web_url", "title", "slug", "summary", "status", "published_at"]
GUIDE_EXTRA_KWARGS = {"status": {"help_text": "Always `published` outside an editor's preview."}}


class GuideSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="guide-detail", lookup_field="slug")
    web_url = WebUrlField()
    author = PersonRefSerializer(read_only=True, allow_null=True)
    tags = TagRefSerializer(many=True, read_only=True)
    cover_image = ImageObjectField(help_text="The guide's cover, or null.")
    strategy_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Guide
        fields = [
            *GUIDE_FIELDS,
            "updated_at",
            "cover_image",
            "author",
            "tags",
            "strategy_count",
        ]
        read_only_fields = fields
        extra_kwargs = GUIDE_EXTRA_KWARGS


# What every shape of a strategy starts with, in this order.
STRATEGY_FIELDS = ["id", "url", "web_url", "title", "slug", "position", "summary", "smallest_step"]


class ExerciseInStrategySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="exercise-detail", lookup_field="slug")
    web_url = WebUrlField()

    class Meta:
        model = Exercise
        fields = [
            "id",
            "url",
            "web_url",
            "title",
            "slug",
            "position",
            "instructions_markdown",
            "instructions_html",
            "duration_minutes",
        ]
        read_only_fields = fields


class PromptInStrategySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="prompt-detail")

    class Meta:
        model = Prompt
        fields = ["id", "url", "position", "text"]
        read_only_fields = fields


# `GET /guides/{slug}/?include=strategies.body`: each strategy's body, exercises and
# prompts in the guide itself, so a screen needs one call.
STRATEGY_BODIES = "strategies.body"
GUIDE_INCLUDES = (STRATEGY_BODIES,)
_ONLY_INCLUDED = f"Only with `?include={STRATEGY_BODIES}`."


class StrategyInGuideSerializer(serializers.ModelSerializer):
    """A strategy in its guide. Its body, exercises and prompts come with
    `?include=strategies.body` only."""

    # The view names what the request includes in the context's `include`.

    url = serializers.HyperlinkedIdentityField(view_name="strategy-detail", lookup_field="slug")
    web_url = WebUrlField()
    body_markdown = serializers.CharField(read_only=True, help_text=_ONLY_INCLUDED)
    body_html = serializers.CharField(read_only=True, help_text=_ONLY_INCLUDED)
    exercises = ExerciseInStrategySerializer(many=True, read_only=True, help_text=_ONLY_INCLUDED)
    prompts = PromptInStrategySerializer(many=True, read_only=True, help_text=_ONLY_INCLUDED)

    # Optional in the schema (core.schema): present only when included.
    included_fields = ("body_markdown", "body_html", "exercises", "prompts")

    class Meta:
        model = Strategy
        fields = [*STRATEGY_FIELDS, "body_markdown", "body_html", "exercises", "prompts"]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # No `include` at all: the schema, which shows every field a guide can carry.
        include = self.context.get("include")
        if include is not None and STRATEGY_BODIES not in include:
            for name in self.included_fields:
                del fields[name]
        return fields


class GuideSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuideSource
        fields = ["title", "url"]
        read_only_fields = fields


class GuideDetailSerializer(GuideSerializer):
    strategy_count = None  # the detail lists the strategies themselves
    strategies = StrategyInGuideSerializer(
        many=True, read_only=True, help_text="In the order the editors chose."
    )
    related_guides = serializers.SerializerMethodField(
        help_text='"Go deeper": published guides on the same subject, in editor order.'
    )
    help_url = serializers.SerializerMethodField(
        help_text="Where to find real help (crisis lines): show it next to the disclaimer."
    )
    reviewed_by = PersonRefSerializer(
        read_only=True, allow_null=True, help_text="Who last checked the content."
    )
    sources = GuideSourceSerializer(
        many=True, read_only=True, help_text="What the guide draws on, in editor order."
    )

    class Meta:
        model = Guide
        fields = [
            *GUIDE_FIELDS,
            "created_at",
            "updated_at",
            "cover_image",
            "author",
            "tags",
            "body_markdown",
            "body_html",
            "disclaimer_markdown",
            "disclaimer_html",
            "help_url",
            "reviewed_by",
            "last_reviewed",
            "sources",
            "strategies",
            "related_guides",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **GUIDE_EXTRA_KWARGS,
            "body_html": {"help_text": "Sanitised HTML rendered from `body_markdown`."},
            "disclaimer_html": {"help_text": "Sanitised HTML rendered from `disclaimer_markdown`."},
            "last_reviewed": {"help_text": "The day the content was last checked, if ever."},
        }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields.update(extra_serializer_fields("guide"))
        return fields

    @extend_schema_field(ReferenceSerializer(many=True))
    def get_related_guides(self, guide: Guide) -> list[dict]:
        targets = [relation.to_guide for relation in guide.visible_relations]
        return ReferenceSerializer(targets, many=True, context=self.context).data

    def get_help_url(self, guide: Guide) -> str:
        return reverse("help", request=self.context.get("request"))


class StrategySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="strategy-detail", lookup_field="slug")
    web_url = WebUrlField()
    guide = ReferenceSerializer(read_only=True)
    tags = TagRefSerializer(many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = [*STRATEGY_FIELDS, "guide", "tags", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {"position": {"help_text": "Place in its guide, first is lowest."}}


class StrategyDetailSerializer(StrategySerializer):
    author = PersonRefSerializer(
        source="guide.author", read_only=True, allow_null=True, help_text="Author of the guide."
    )
    exercises = ExerciseInStrategySerializer(many=True, read_only=True)
    prompts = PromptInStrategySerializer(many=True, read_only=True)

    class Meta:
        model = Strategy
        fields = [
            *STRATEGY_FIELDS,
            "body_markdown",
            "body_html",
            "guide",
            "author",
            "tags",
            "exercises",
            "prompts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields.update(extra_serializer_fields("strategy"))
        return fields


class ExerciseSerializer(ExerciseInStrategySerializer):
    """An exercise on its own: what it is part of, besides what it says."""

    strategy = ReferenceSerializer(read_only=True)
    guide = ReferenceSerializer(source="strategy.guide", read_only=True)

    class Meta(ExerciseInStrategySerializer.Meta):
        fields = [*ExerciseInStrategySerializer.Meta.fields, "strategy", "guide", "updated_at"]
        read_only_fields = fields


class PromptSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="prompt-detail")
    strategy = ReferenceSerializer(read_only=True)
    guide = ReferenceSerializer(source="strategy.guide", read_only=True)

    class Meta:
        model = Prompt
        fields = ["id", "url", "position", "text", "strategy", "guide", "updated_at"]
        read_only_fields = fields


# --- Unified search ------------------------------------------------------------------------


MAX_SEARCH_PAGE = 25


class SearchTypeField(serializers.CharField):
    """One kind of search hit. Its schema lists the kinds registered when the schema is
    made (`strategies/api/schema.py`): events add theirs once installed."""


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text='Words to look for; "quoted phrases", `or` and `-word` work too.',
    )
    type = serializers.ListField(
        child=SearchTypeField(max_length=40),
        required=False,
        help_text=(
            "Limit to these kinds (repeat the parameter or separate with commas; any of "
            "them): guide, strategy, exercise, person, and event and series once the "
            "events app is installed."
        ),
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=20, help_text="Hits per page (1 to 50)."
    )
    page = serializers.IntegerField(
        min_value=1,
        max_value=MAX_SEARCH_PAGE,
        default=1,
        help_text=f"Which page of hits, 1 to {MAX_SEARCH_PAGE}: refine the words to see "
        "past the last one.",
    )

    def to_internal_value(self, data):
        # `?type=guide,strategy` and `?type=guide&type=strategy` mean the same.
        if hasattr(data, "getlist"):
            kinds = [k.strip() for raw in data.getlist("type") for k in raw.split(",")]
            data = {key: data.get(key) for key in data}
            if kinds:
                data["type"] = [k for k in kinds if k]
        return super().to_internal_value(data)

    def validate_type(self, kinds: list[str]) -> list[str]:
        known = {source.kind for source in search_sources()}
        if unknown := sorted(set(kinds) - known):
            raise serializers.ValidationError(
                f"Unknown type {', '.join(unknown)}; choose from {', '.join(sorted(known))}."
            )
        return kinds


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="guide, strategy, exercise, person, event or series.")
    title = serializers.CharField(help_text="The title (a person's name).")
    slug = serializers.CharField()
    url = serializers.URLField(help_text="The API address of the hit.")
    web_url = WebUrlField()
    snippet = serializers.CharField(
        help_text="An HTML-escaped extract; only `<mark>` tags, around the matched words."
    )
    rank = serializers.FloatField(help_text="Relevance; higher is better.")


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField(help_text="Hits in all, on every page.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    previous = serializers.URLField(allow_null=True, help_text="The page before, or null.")
    results = SearchHitSerializer(many=True)
