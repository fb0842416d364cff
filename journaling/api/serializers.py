"""Shapes of the journal API. Links to editorial content and events are written as slugs
(prompts: ids) and read as references (`core.references`); the owner is never a field,
and `id` is writable only when creating."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db.models import Model, Q, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.references import PromptReferenceSerializer, ReferenceFieldMixin
from core.validators import CONTROL_CHARACTERS, ONE_LINE_PATTERN, validate_one_line
from events.models import Event
from journaling.models import (
    BODY_MAX_LENGTH,
    CHECK_IN_NOTE_MAX_LENGTH,
    COMMITMENT_TEXT_MAX_LENGTH,
    MAX_TAGS_PER_ENTRY,
    MOOD_MAX,
    MOOD_MIN,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Commitment,
    JournalEntry,
    MemberTag,
    Tombstone,
)
from journaling.selectors import CHANGE_FEED_DEFAULT_LIMIT, CHANGE_FEED_MAX_LIMIT, member_today
from strategies.models import Exercise, Prompt, Strategy

EARLIEST_ENTRY_DATE = date(1900, 1, 1)
DUE_DATE_DAYS_AHEAD = 5 * 366


class NoEmptyStringMixin:
    """DRF reads `""` as null for links; the schema says a link is null or a real value,
    so an empty string is refused like any other wrong value."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "":
            if "invalid" in self.error_messages:
                self.fail("invalid")
            self.fail("incorrect_type", data_type="str")
        return super().run_validation(data)


def _current_link_id(field: serializers.Field) -> Any:
    instance = getattr(field.parent, "instance", None)
    if isinstance(instance, Model):
        return getattr(instance, f"{field.source}_id", None)
    return None


class PublishedContentField(ReferenceFieldMixin, NoEmptyStringMixin, serializers.SlugRelatedField):
    """The slug of published content, read as `{slug, title, url}`. The content a record
    already links to stays acceptable if it was unpublished since, so re-sending a record
    does not fail."""

    def __init__(self, model: type[Model], **kwargs: Any) -> None:
        self.model = model
        super().__init__(slug_field="slug", queryset=model.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Model:
        # A NUL byte would reach PostgreSQL, which refuses it in any text (a 500).
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)

    def get_queryset(self) -> QuerySet:
        published = self.model.objects.published()
        if current := _current_link_id(self):
            return self.model.objects.filter(Q(pk__in=published.values("pk")) | Q(pk=current))
        return published


class PublishedPromptField(
    ReferenceFieldMixin, NoEmptyStringMixin, serializers.PrimaryKeyRelatedField
):
    """The id of a published prompt, read as `{id, text, url}`."""

    reference_serializer = PromptReferenceSerializer
    reference_key = "id"

    def get_queryset(self) -> QuerySet:
        published = Prompt.objects.published()
        if current := _current_link_id(self):
            return Prompt.objects.filter(Q(pk__in=published.values("pk")) | Q(pk=current))
        return published


class EventField(ReferenceFieldMixin, NoEmptyStringMixin, serializers.SlugRelatedField):
    """The slug of an event (every event is public), read as `{slug, title, url}`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Event.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> Event:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class OwnCommitmentField(NoEmptyStringMixin, serializers.PrimaryKeyRelatedField):
    """One of the requesting member's commitments; anyone else's id reads as unknown."""

    def to_internal_value(self, data: Any) -> Commitment:
        try:
            uuid.UUID(str(data))
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Commitment.objects.none()
        return Commitment.objects.filter(owner=request.user)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "maxLength": TAG_MAX_LENGTH, "pattern": ONE_LINE_PATTERN},
        "maxItems": MAX_TAGS_PER_ENTRY,
    }
)
class TagNamesField(serializers.Field):
    """Tag names; read from the entry's tags, sorted case-insensitively. Errors name the
    field itself, not a list position, so the schema can describe every one of them."""

    default_error_messages = {
        "not_a_list": "Send a list of tag names.",
        "not_text": "Every tag is a piece of text.",
        "control_characters": "A tag is one line of text: no line breaks, tabs or control "
        "characters.",
        "too_long": f"A tag has at most {TAG_MAX_LENGTH} characters.",
        "too_many": f"An entry has at most {MAX_TAGS_PER_ENTRY} tags.",
    }

    def to_internal_value(self, data: Any) -> list[str]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        if len(data) > MAX_TAGS_PER_ENTRY:
            self.fail("too_many")
        for name in data:
            if not isinstance(name, str) or "\x00" in name:
                self.fail("not_text")
            # Trimmed when stored, as titles are: only what is inside counts.
            if CONTROL_CHARACTERS.search(name.strip()):
                self.fail("control_characters")
            if len(name.strip()) > TAG_MAX_LENGTH:
                self.fail("too_long")
        return data

    def to_representation(self, value: Any) -> list[str]:
        tags: list[MemberTag] = list(value.all()) if hasattr(value, "all") else list(value)
        return sorted((tag.name for tag in tags), key=str.casefold)


class LocalDateField(serializers.DateField):
    """A date on the member's calendar, from 1900 to `days_ahead` days after their today."""

    default_error_messages = {"out_of_range": "Choose a date from {first} to {last}."}

    def __init__(self, *, days_ahead: int, **kwargs: Any) -> None:
        self.days_ahead = days_ahead
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        last = member_today(user) + timedelta(days=self.days_ahead)
        if not EARLIEST_ENTRY_DATE <= day <= last:
            self.fail("out_of_range", first=EARLIEST_ENTRY_DATE, last=last)
        return day


def _mood_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=MOOD_MIN,
        max_value=MOOD_MAX,
        allow_null=True,
        required=False,
        help_text=f"{MOOD_MIN} (worst) to {MOOD_MAX} (best); null when not recorded.",
    )


class EntryContentSerializer(serializers.ModelSerializer):
    """What a member writes in an entry (shared by entries and check-ins)."""

    title = serializers.CharField(
        max_length=TITLE_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        validators=[validate_one_line],
    )
    body = serializers.CharField(
        max_length=BODY_MAX_LENGTH,
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=False,
        help_text=f"Plain text or Markdown, at most {BODY_MAX_LENGTH:,} characters.",
    )
    prompt = PublishedPromptField(
        allow_null=True,
        required=False,
        help_text="The journal prompt this answers: its id when writing, `{id, text, url}` "
        "when read.",
    )
    tags = TagNamesField(
        required=False,
        help_text=(
            f"Your own labels, at most {MAX_TAGS_PER_ENTRY} of {TAG_MAX_LENGTH} characters; "
            "the same word in another case is the same tag."
        ),
    )
    mood_before = _mood_field()
    mood_after = _mood_field()
    entry_date = LocalDateField(
        days_ahead=1,
        required=False,
        help_text=(
            "Your local date for this entry; defaults to today in your time zone. From "
            "1900-01-01 to tomorrow (for travellers)."
        ),
    )

    class Meta:
        model = JournalEntry
        fields = [
            "title",
            "body",
            "prompt",
            "tags",
            "mood_before",
            "mood_after",
            "entry_date",
        ]

    def _merged(self, attrs: dict, name: str, default: Any = None) -> Any:
        """The value `name` will have after this write (PATCH keeps stored values)."""
        if name in attrs:
            return attrs[name]
        if self.instance is not None and self.partial:
            if name == "tags":
                return [tag.name for tag in self.instance.tags.all()]
            return getattr(self.instance, name)
        return default

    def validate(self, attrs: dict) -> dict:
        has_words = any((self._merged(attrs, name) or "").strip() for name in ("title", "body"))
        has_mood = any(
            self._merged(attrs, name) is not None for name in ("mood_before", "mood_after")
        )
        if not (has_words or has_mood):
            raise serializers.ValidationError(
                "Write a title or a body, or record a mood.", code="empty_entry"
            )
        return attrs


class JournalEntrySerializer(EntryContentSerializer):
    strategy = PublishedContentField(
        Strategy,
        allow_null=True,
        required=False,
        help_text="The strategy tried: its slug when writing, `{slug, title, url}` when read.",
    )
    exercise = PublishedContentField(
        Exercise,
        allow_null=True,
        required=False,
        help_text="The exercise done (slug when writing); sets `strategy` to the "
        "exercise's strategy.",
    )
    event = EventField(
        allow_null=True,
        required=False,
        help_text="The live event this reflects on (slug when writing), e.g. after a talk.",
    )
    commitment = OwnCommitmentField(
        allow_null=True, required=False, help_text="Id of one of your commitments."
    )
    version = serializers.IntegerField(
        read_only=True, help_text="Rises on every change; sent as the ETag."
    )

    class Meta:
        model = JournalEntry
        fields = [
            "id",
            "title",
            "body",
            "entry_date",
            "strategy",
            "exercise",
            "prompt",
            "event",
            "commitment",
            "tags",
            "mood_before",
            "mood_after",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        strategy = self._merged(attrs, "strategy")
        for name in ("exercise", "prompt"):
            linked = self._merged(attrs, name)
            if linked is None:
                continue
            if strategy is None:
                strategy = linked.strategy
                attrs["strategy"] = strategy
            elif linked.strategy_id != strategy.pk:
                raise serializers.ValidationError(
                    {name: [f"This {name} belongs to another strategy."]}, code="mismatch"
                )
        return attrs


class JournalEntryCreateSerializer(JournalEntrySerializer):
    id = serializers.UUIDField(
        required=False,
        help_text=(
            "Optional id chosen by the client (a UUID). Sending the same create again "
            "with the same id returns the stored entry (200) instead of a second one."
        ),
    )

    class Meta(JournalEntrySerializer.Meta):
        read_only_fields = ["version", "created_at", "updated_at"]


class CommitmentSerializer(serializers.ModelSerializer):
    strategy = PublishedContentField(
        Strategy,
        allow_null=True,
        required=False,
        help_text="The strategy: its slug when writing, `{slug, title, url}` when read.",
    )
    exercise = PublishedContentField(
        Exercise,
        allow_null=True,
        required=False,
        help_text="The exercise (slug when writing); sets `strategy` to the exercise's strategy.",
    )
    text = serializers.CharField(
        max_length=COMMITMENT_TEXT_MAX_LENGTH,
        required=False,
        validators=[validate_one_line],
        help_text="What you will do; defaults to the exercise's title or the strategy's "
        "smallest step.",
    )
    due_date = LocalDateField(
        days_ahead=DUE_DATE_DAYS_AHEAD,
        required=False,
        help_text="Your local date; defaults to today. Up to five years ahead.",
    )
    note = serializers.CharField(
        source="check_in_note",
        read_only=True,
        help_text="What you said when checking in (the check-in's `note`).",
    )
    version = serializers.IntegerField(
        read_only=True, help_text="Rises on every change; sent as the ETag."
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "strategy",
            "exercise",
            "text",
            "due_date",
            "status",
            "checked_in_at",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "checked_in_at",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]

    def _merged(self, attrs: dict, name: str) -> Any:
        if name in attrs:
            return attrs[name]
        if self.instance is not None and self.partial:
            return getattr(self.instance, name)
        return None

    def validate(self, attrs: dict) -> dict:
        strategy = self._merged(attrs, "strategy")
        exercise = self._merged(attrs, "exercise")
        # A commitment whose strategy an editor has since deleted keeps working: only a
        # request that sets the links must leave one in place.
        sets_links = not self.partial or "strategy" in attrs or "exercise" in attrs
        if sets_links and strategy is None and exercise is None:
            raise serializers.ValidationError(
                "Commit to a strategy's smallest step or to an exercise: give `strategy` or "
                "`exercise`.",
                code="required",
            )
        if exercise is not None:
            if strategy is None:
                attrs["strategy"] = exercise.strategy
            elif exercise.strategy_id != strategy.pk:
                raise serializers.ValidationError(
                    {"exercise": ["This exercise belongs to another strategy."]}, code="mismatch"
                )
        text = attrs.get("text")
        if text is not None and not text.strip():
            raise serializers.ValidationError(
                {"text": ["Say what you will do, or leave `text` out."]}, code="blank"
            )
        return attrs


class CommitmentCreateSerializer(CommitmentSerializer):
    id = serializers.UUIDField(
        required=False,
        help_text="Optional client-chosen UUID; a repeated create returns the stored one.",
    )

    class Meta(CommitmentSerializer.Meta):
        read_only_fields = [
            "status",
            "checked_in_at",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]


class CheckInEntrySerializer(EntryContentSerializer):
    """The entry a check-in may write; it is linked to the commitment, its strategy
    and its exercise."""

    id = serializers.UUIDField(
        required=False, help_text="Optional client-chosen UUID, as when creating an entry."
    )

    class Meta(EntryContentSerializer.Meta):
        fields = ["id", *EntryContentSerializer.Meta.fields]


class CheckInSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            Commitment.Status.DONE,
            Commitment.Status.PARTLY,
            Commitment.Status.SKIPPED,
        ],
        help_text="`partly` counts as kept: a fraction of what you resist is the point.",
    )
    note = serializers.CharField(
        max_length=CHECK_IN_NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Leave out to keep the note you gave before; an empty string clears it.",
    )
    entry = CheckInEntrySerializer(
        required=False,
        allow_null=True,
        help_text="A journal entry to write with the check-in, in the same transaction.",
    )


class CheckInResultSerializer(serializers.Serializer):
    commitment = CommitmentSerializer()
    entry = JournalEntrySerializer(allow_null=True)


class TombstoneSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="object_id", help_text="Id of the deleted record.")

    class Meta:
        model = Tombstone
        fields = ["kind", "id", "deleted_at"]


class ChangeFeedSerializer(serializers.Serializer):
    next_token = serializers.CharField(
        help_text="Send as `since` next time. Opaque: compare it with nothing."
    )
    has_more = serializers.BooleanField(
        help_text="More changes wait: ask again at once with `next_token`."
    )
    entries = JournalEntrySerializer(many=True)
    commitments = CommitmentSerializer(many=True)
    tombstones = TombstoneSerializer(many=True)


class MemberTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberTag
        fields = ["name", "created_at"]


class ChangeFeedQuerySerializer(serializers.Serializer):
    since = serializers.RegexField(
        r"^[0-9]{1,18}$",
        required=False,
        default="0",
        help_text="`next_token` of your last sync; leave out for a full sync.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=CHANGE_FEED_MAX_LIMIT,
        default=CHANGE_FEED_DEFAULT_LIMIT,
        help_text=f"1 to {CHANGE_FEED_MAX_LIMIT}.",
    )


class InsightsQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["30d", "90d", "365d", "all"], default="30d")
    weekly_goal = serializers.IntegerField(
        min_value=1,
        max_value=7,
        default=3,
        help_text="Days a week you aim to write (1 to 7).",
    )


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "markdown", "csv"], default="json")


class WeekCountSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text="Monday of the week.")
    entries = serializers.IntegerField()
    days = serializers.IntegerField(help_text="Distinct days journaled that week.")


class EntryTotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    days_journaled = serializers.IntegerField()
    per_week = WeekCountSerializer(many=True)
    enough_data = serializers.BooleanField(
        help_text="False when the period holds too few entries to read trends from."
    )


class StreaksSerializer(serializers.Serializer):
    current_days = serializers.IntegerField(
        help_text="Consecutive days up to today, or up to yesterday while today is young."
    )
    longest_days = serializers.IntegerField(help_text="Longest run within the period.")


class WeeklyGoalSerializer(serializers.Serializer):
    target_days = serializers.IntegerField()
    this_week_days = serializers.IntegerField()
    met_this_week = serializers.BooleanField()
    current_weeks = serializers.IntegerField(
        help_text="Weeks in a row meeting the goal; the week in progress never breaks it."
    )
    longest_weeks = serializers.IntegerField()
    forgiven_missed_weeks = serializers.IntegerField(
        help_text="Missed weeks in a row that do not end a run."
    )


class MoodOverallSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Entries with both moods recorded.")
    enough_data = serializers.BooleanField()
    average_before = serializers.FloatField(allow_null=True)
    average_after = serializers.FloatField(allow_null=True)
    average_lift = serializers.FloatField(
        allow_null=True, help_text="Mean of after minus before; null without enough data."
    )


class MoodPerStrategySerializer(serializers.Serializer):
    strategy = serializers.CharField(help_text="Strategy slug.")
    title = serializers.CharField()
    count = serializers.IntegerField()
    enough_data = serializers.BooleanField()
    average_lift = serializers.FloatField(allow_null=True)


class MoodSerializer(serializers.Serializer):
    overall = MoodOverallSerializer()
    per_strategy = MoodPerStrategySerializer(many=True)


class CommitmentCountsSerializer(serializers.Serializer):
    set = serializers.IntegerField(help_text="Commitments due in the period.")
    kept = serializers.IntegerField(help_text="Done plus partly done.")
    done = serializers.IntegerField()
    partly = serializers.IntegerField()
    skipped = serializers.IntegerField()
    open = serializers.IntegerField()


class CommitmentsPerStrategySerializer(CommitmentCountsSerializer):
    strategy = serializers.CharField(
        allow_null=True, help_text="Strategy slug; null once the strategy is gone."
    )
    title = serializers.CharField(allow_null=True)


class CommitmentInsightsSerializer(CommitmentCountsSerializer):
    per_strategy = CommitmentsPerStrategySerializer(many=True)


class TagCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class OnThisDaySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    entry_date = serializers.DateField()
    years_ago = serializers.IntegerField()
    excerpt = serializers.CharField(help_text="The body's first 280 characters.")
    mood_before = serializers.IntegerField(allow_null=True)
    mood_after = serializers.IntegerField(allow_null=True)


class InsightsSerializer(serializers.Serializer):
    period = serializers.CharField()
    start_date = serializers.DateField(
        allow_null=True, help_text="First day counted; null for `all`."
    )
    end_date = serializers.DateField(help_text="Today, in your time zone.")
    timezone = serializers.CharField()
    minimum_entries_for_mood = serializers.IntegerField(
        help_text="Below this many entries with both moods, averages are null."
    )
    entries = EntryTotalsSerializer()
    streaks = StreaksSerializer()
    weekly_goal = WeeklyGoalSerializer()
    mood = MoodSerializer()
    commitments = CommitmentInsightsSerializer()
    top_tags = TagCountSerializer(many=True)
    on_this_day = OnThisDaySerializer(many=True)


class JournalExportSerializer(serializers.Serializer):
    """The JSON export (schema only: the response is streamed)."""

    format = serializers.CharField()
    format_version = serializers.IntegerField()
    exported_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    entries = JournalEntrySerializer(many=True)
    commitments = CommitmentSerializer(many=True)
    tags = MemberTagSerializer(many=True)
    tombstones = TombstoneSerializer(many=True)


class JournalPersonalDataSerializer(serializers.Serializer):
    """The journal's section of the account export."""

    entries = JournalEntrySerializer(many=True)
    commitments = CommitmentSerializer(many=True)
    tags = MemberTagSerializer(many=True)
    tombstones = TombstoneSerializer(many=True)
