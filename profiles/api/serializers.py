"""Serializers of the profile API: interests, saved items, recommendations, home."""

from __future__ import annotations

from typing import Any

from django.core.validators import slug_re
from rest_framework import serializers

from core.references import ReferenceSerializer, WebUrlField, detail_url, web_url
from core.serializers import RefuseUnknownFieldsMixin
from events.models import Event
from journaling.models import Commitment
from profiles.models import MAX_INTERESTS, TARGET_FIELDS, SavedItem, SavedItemType
from profiles.recommendations import Recommendation
from strategies.api.serializers import TagRefSerializer
from strategies.models import Exercise, Guide, Strategy, Tag

# How many slugs one "which of these have I saved" call may ask about.
MAX_LOOKUP_SLUGS = 100


# --- Interests ---------------------------------------------------------------------------


class InterestsSerializer(serializers.Serializer):
    tags = TagRefSerializer(many=True, help_text="The topics you picked, by name.")


class InterestsUpdateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """The whole list: tags not named are dropped. An unknown slug is a 400."""

    tags = serializers.ListField(
        child=serializers.CharField(max_length=60),
        max_length=MAX_INTERESTS,
        allow_empty=True,
        help_text=f"Slugs of tags (`GET /api/v1/tags/`), at most {MAX_INTERESTS}.",
    )

    def validate_tags(self, slugs: list[str]) -> list[Tag]:
        wanted = list(dict.fromkeys(slugs))
        found = {
            tag.slug: tag
            for tag in Tag.objects.filter(slug__in=[s for s in wanted if slug_re.fullmatch(s)])
        }
        if unknown := [slug for slug in wanted if slug not in found]:
            raise serializers.ValidationError(
                f"Unknown tag: {', '.join(s[:60] for s in unknown[:10])}.", code="does_not_exist"
            )
        return [found[slug] for slug in wanted]


# --- Saved items -------------------------------------------------------------------------


class SavedItemSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(
        choices=SavedItemType.choices,
        read_only=True,
        help_text="Which one of `guide`, `strategy`, `exercise` or `event` is set.",
    )
    guide = ReferenceSerializer(read_only=True, allow_null=True)
    strategy = ReferenceSerializer(read_only=True, allow_null=True)
    exercise = ReferenceSerializer(read_only=True, allow_null=True)
    event = ReferenceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SavedItem
        fields = ["id", "type", "guide", "strategy", "exercise", "event", "created_at"]
        read_only_fields = fields


class SlugReferenceField(serializers.SlugRelatedField):
    """A reference by slug; a value that cannot be a slug is "not found" without a query."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not slug_re.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


class SavedItemCreateSerializer(serializers.Serializer):
    """Exactly one of `guide`, `strategy`, `exercise` or `event`, by slug; only what
    the public may see (published content, any event)."""

    guide = SlugReferenceField(
        slug_field="slug",
        queryset=Guide.objects.none(),
        required=False,
        help_text="Slug of a published guide.",
    )
    strategy = SlugReferenceField(
        slug_field="slug",
        queryset=Strategy.objects.none(),
        required=False,
        help_text="Slug of a strategy of a published guide.",
    )
    exercise = SlugReferenceField(
        slug_field="slug",
        queryset=Exercise.objects.none(),
        required=False,
        help_text="Slug of an exercise of a published guide.",
    )
    event = SlugReferenceField(
        slug_field="slug",
        queryset=Event.objects.none(),
        required=False,
        help_text="Slug of an event.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # Querysets built per request, so "published and due" is judged now.
        fields = super().get_fields()
        fields["guide"].queryset = Guide.objects.published()
        fields["strategy"].queryset = Strategy.objects.published()
        fields["exercise"].queryset = Exercise.objects.published()
        fields["event"].queryset = Event.objects.all()
        return fields

    def validate(self, attrs: dict) -> dict:
        if len(attrs) != 1:
            raise serializers.ValidationError(
                "Send exactly one of `guide`, `strategy`, `exercise` or `event`.",
                code="one_target",
            )
        return attrs


class SlugListField(serializers.CharField):
    """`a,b,c` in a query string."""

    def to_internal_value(self, data: Any) -> list[str]:
        text = super().to_internal_value(data)
        return [slug for slug in (part.strip() for part in text.split(",")) if slug]


class SavedLookupQuerySerializer(serializers.Serializer):
    """Slugs seen on a public page, per type, comma-separated."""

    guides = SlugListField(required=False, max_length=4000, help_text="Guide slugs, a,b,c.")
    strategies = SlugListField(required=False, max_length=4000, help_text="Strategy slugs, a,b,c.")
    exercises = SlugListField(required=False, max_length=4000, help_text="Exercise slugs, a,b,c.")
    events = SlugListField(required=False, max_length=4000, help_text="Event slugs, a,b,c.")

    def validate(self, attrs: dict) -> dict:
        if sum(len(slugs) for slugs in attrs.values()) > MAX_LOOKUP_SLUGS:
            raise serializers.ValidationError(
                f"Ask about at most {MAX_LOOKUP_SLUGS} slugs at once.", code="too_many"
            )
        return {
            name: attrs.get(f"{'strategie' if name == 'strategy' else name}s", [])
            for name in TARGET_FIELDS
        }


class SavedMatchSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=SavedItemType.choices)
    slug = serializers.CharField()
    id = serializers.UUIDField(help_text="The saved item: `DELETE /api/v1/me/saved/{id}/`.")


class SavedLookupSerializer(serializers.Serializer):
    results = SavedMatchSerializer(many=True, help_text="Only the slugs you saved.")


# --- Recommendations ---------------------------------------------------------------------


REASONS = {
    "mood_lift": "A strategy whose journal entries lifted your mood leads here.",
    "saved": "Close to something you saved.",
    "interest": "Carries a topic you picked.",
    "journaled": "About a topic you wrote about lately.",
    "popular": "Saved by many members lately (you have no signals yet, or none apply).",
}


class TaggedReferenceSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=SavedItemType.choices)
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField()
    web_url = WebUrlField()


class RecommendationReasonSerializer(serializers.Serializer):
    """Why this item, in data a client can show. Only the keys of the reason appear:
    `tag` for interest and journaled, `strategy` and `lift` for mood_lift, `saved` for
    saved; popular has none."""

    reason = serializers.ChoiceField(
        choices=list(REASONS.items()),
    )
    tag = TagRefSerializer(required=False, help_text="interest, journaled: the topic.")
    strategy = ReferenceSerializer(
        required=False, help_text="mood_lift: the strategy that lifted your mood."
    )
    lift = serializers.FloatField(
        required=False, help_text="mood_lift: your average mood after minus before it."
    )
    saved = TaggedReferenceSerializer(required=False, help_text="saved: what you saved.")


class RecommendationSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=SavedItemType.choices)
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField()
    web_url = WebUrlField()
    starts_at = serializers.DateTimeField(
        allow_null=True, help_text="For an event: when it starts; null otherwise."
    )
    score = serializers.FloatField(help_text="Higher is better; compare within one answer.")
    reason = RecommendationReasonSerializer()

    def to_representation(self, item: Recommendation) -> dict[str, Any]:
        reason: dict[str, Any] = {"reason": item.reason}
        if item.reason in {"interest", "journaled"}:
            reason["tag"] = {"name": item.ref_title, "slug": item.ref_slug}
        elif item.reason == "mood_lift":
            reason["strategy"] = self._ref("strategy", item.ref_slug, item.ref_title)
            reason["lift"] = item.lift
        elif item.reason == "saved":
            reason["saved"] = {
                "type": item.ref_kind,
                **self._ref(item.ref_kind, item.ref_slug, item.ref_title),
            }
        return {
            "type": item.kind,
            **self._ref(item.kind, item.slug, item.title),
            "starts_at": self.fields["starts_at"].to_representation(item.starts_at)
            if item.starts_at
            else None,
            "score": item.score,
            "reason": reason,
        }

    def _ref(self, kind: str, slug: str, title: str) -> dict[str, str]:
        return {
            "slug": slug,
            "title": title,
            "url": detail_url(self.context, kind, slug=slug),
            "web_url": web_url(kind, slug),
        }


class RecommendationListSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Items in `results`.")
    results = RecommendationSerializer(many=True)


class RecommendationQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=50, default=20, help_text="At most this many items (1 to 50)."
    )


# --- Home --------------------------------------------------------------------------------


class HomeEventSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField()
    web_url = WebUrlField(kind="event")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    status = serializers.CharField()
    is_live = serializers.BooleanField()
    has_reminder = serializers.BooleanField(help_text="You set a reminder for it.")

    def to_representation(self, event: dict[str, Any]) -> dict[str, Any]:
        return super().to_representation(
            {**event, "url": detail_url(self.context, "event", slug=event["slug"])}
        )


class HomeCommitmentSerializer(serializers.ModelSerializer):
    strategy = ReferenceSerializer(read_only=True, allow_null=True)
    exercise = ReferenceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Commitment
        fields = ["id", "text", "due_date", "status", "strategy", "exercise"]
        read_only_fields = fields


class HomeStreakSerializer(serializers.Serializer):
    current_days = serializers.IntegerField(help_text="Days in a row, alive until tonight.")
    longest_days = serializers.IntegerField()


class HomeWeeklyGoalSerializer(serializers.Serializer):
    target_days = serializers.IntegerField()
    this_week_days = serializers.IntegerField()
    met_this_week = serializers.BooleanField()
    current_weeks = serializers.IntegerField()
    longest_weeks = serializers.IntegerField()
    forgiven_missed_weeks = serializers.IntegerField()


class HomeOnThisDaySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField(allow_blank=True)
    entry_date = serializers.DateField()
    excerpt = serializers.CharField(allow_blank=True)
    mood_before = serializers.IntegerField(allow_null=True)
    mood_after = serializers.IntegerField(allow_null=True)
    years_ago = serializers.IntegerField()


class HomeSerializer(serializers.Serializer):
    today = serializers.DateField(help_text="Your date, in your time zone.")
    next_event = HomeEventSerializer(
        allow_null=True, help_text="Live now, else the next one going ahead; null if none."
    )
    commitments_today = HomeCommitmentSerializer(many=True, help_text="Open, due today.")
    streak = HomeStreakSerializer()
    weekly_goal = HomeWeeklyGoalSerializer()
    recommendations = RecommendationSerializer(many=True)
    saved = SavedItemSerializer(many=True, help_text="Your newest saved items.")
    on_this_day = HomeOnThisDaySerializer(many=True, help_text="Entries of this date, past years.")


class HomeQuerySerializer(serializers.Serializer):
    weekly_goal = serializers.IntegerField(
        min_value=1, max_value=7, default=3, help_text="Days a week you aim to journal."
    )
