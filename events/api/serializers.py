"""Serializers of the events API. Views put `now` in the context, so every field of
one response (`is_live`, `phase`) is computed at the same instant."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import OptionalURLField
from core.references import (
    ReferenceSerializer,
    WebUrlField,
    absolute_url,
    detail_url,
    page_url,
)
from core.serializers import ImageObjectField
from events import calendars
from events.models import CalendarFeed, CancellationNotice, Event, Reminder, Series
from strategies.api.serializers import PersonRefSerializer

PHASES = ["upcoming", "called_off", "live", "past"]


def _now(context: dict) -> datetime:
    return context.get("now") or timezone.now()


class CalendarLinksSerializer(serializers.Serializer):
    ics = serializers.URLField(help_text="This event as an iCalendar file.")
    google = serializers.URLField(help_text="Opens Google Calendar with the event filled in.")
    outlook = serializers.URLField(help_text="Opens Outlook.com with the event filled in.")
    office365 = serializers.URLField(help_text="The same for Microsoft 365 work accounts.")


class EventSummarySerializer(serializers.ModelSerializer):
    """The few fields a banner or a linked-events list needs."""

    url = serializers.SerializerMethodField()
    web_url = WebUrlField()
    is_live = serializers.SerializerMethodField()
    series = ReferenceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "url",
            "web_url",
            "series",
            "status",
            "starts_at",
            "ends_at",
            "timezone",
            "is_live",
        ]
        read_only_fields = fields

    def get_url(self, event: Event) -> str:
        return detail_url(self.context, event)

    def get_is_live(self, event: Event) -> bool:
        return event.is_live(_now(self.context))


# Blank links are null in responses, not "" (which is no URL).
URL_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.URLField: OptionalURLField,
}


class EventSerializer(EventSummarySerializer):
    """A row of the event lists."""

    serializer_field_mapping = URL_FIELD_MAPPING

    status_schema_org = serializers.CharField(
        source="schema_org_status", read_only=True, help_text="The schema.org EventStatusType."
    )
    phase = serializers.SerializerMethodField()
    starts_at_local = serializers.SerializerMethodField()
    ends_at_local = serializers.SerializerMethodField()
    duration_minutes = serializers.SerializerMethodField()
    watch_url = serializers.SerializerMethodField()
    hosts = PersonRefSerializer(many=True, read_only=True)
    image = ImageObjectField(help_text="The event's image, or null.")

    class Meta(EventSummarySerializer.Meta):
        fields = [
            *EventSummarySerializer.Meta.fields,
            "status_schema_org",
            "phase",
            "starts_at_local",
            "ends_at_local",
            "duration_minutes",
            "location",
            "stream_url",
            "podcast_url",
            "recording_url",
            "watch_url",
            "image",
            "hosts",
            "sequence",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=PHASES))
    def get_phase(self, event: Event) -> str:
        """upcoming, called_off, live or past at the time of the response (from the clock)."""
        return event.phase(_now(self.context))

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_at_local(self, event: Event) -> str:
        """ISO 8601 with the UTC offset of the event's zone at that moment."""
        return event.local_start.isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_ends_at_local(self, event: Event) -> str:
        return event.local_end.isoformat()

    def get_duration_minutes(self, event: Event) -> int:
        return int(event.duration.total_seconds() // 60)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_watch_url(self, event: Event) -> str | None:
        """What a client links to: the recording once there is one, else the stream."""
        return event.recording_url or event.stream_url or None


class EventDetailSerializer(EventSerializer):
    """One event with its text, links and ready-made calendar links."""

    guides = ReferenceSerializer(many=True, read_only=True)
    strategies = ReferenceSerializer(many=True, read_only=True)
    calendar = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "description_markdown",
            "description_html",
            "reflection_prompt",
            "guides",
            "strategies",
            "calendar",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CalendarLinksSerializer(allow_null=True))
    def get_calendar(self, event: Event) -> dict | None:
        """Null for a cancelled or postponed event: nothing to add to a calendar."""
        if not event.is_happening:
            return None
        page = page_url(self.context, event)
        return {
            "ics": absolute_url(
                self.context, reverse("event-calendar", kwargs={"slug": event.slug})
            ),
            "google": calendars.google_calendar_url(event, url=page),
            "outlook": calendars.outlook_calendar_url(event, url=page),
            "office365": calendars.outlook_calendar_url(event, url=page, office365=True),
        }


class WeeklyScheduleSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 is Monday, 6 is Sunday.")
    weekday_name = serializers.CharField()
    time = serializers.RegexField(
        r"^[0-2][0-9]:[0-5][0-9]$", help_text="Local start time in `timezone`, as HH:MM."
    )
    timezone = serializers.CharField()


class SeriesSerializer(serializers.ModelSerializer):
    serializer_field_mapping = URL_FIELD_MAPPING
    url = serializers.SerializerMethodField()
    web_url = WebUrlField()
    host = PersonRefSerializer(read_only=True, allow_null=True)
    default_duration_minutes = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = Series
        fields = [
            "slug",
            "title",
            "url",
            "web_url",
            "host",
            "timezone",
            "default_duration_minutes",
            "stream_url",
            "podcast_url",
            "schedule",
            "calendar_url",
        ]
        read_only_fields = fields

    def get_url(self, series: Series) -> str:
        return detail_url(self.context, series)

    def get_default_duration_minutes(self, series: Series) -> int:
        return int(series.default_duration.total_seconds() // 60)

    @extend_schema_field(WeeklyScheduleSerializer(allow_null=True))
    def get_schedule(self, series: Series) -> dict | None:
        if not series.has_schedule:
            return None
        return {
            "weekday": series.schedule_weekday,
            "weekday_name": series.get_schedule_weekday_display(),
            "time": series.schedule_time.isoformat(timespec="minutes"),
            "timezone": series.timezone,
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_calendar_url(self, series: Series) -> str:
        """The series' iCalendar feed, to subscribe to."""
        return absolute_url(self.context, reverse("series-calendar", kwargs={"slug": series.slug}))


class SeriesDetailSerializer(SeriesSerializer):
    upcoming_events = serializers.SerializerMethodField()

    class Meta(SeriesSerializer.Meta):
        fields = [
            *SeriesSerializer.Meta.fields,
            "description_markdown",
            "description_html",
            "upcoming_events",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(EventSummarySerializer(many=True))
    def get_upcoming_events(self, series: Series) -> list[dict]:
        """The series' next events (live or to come), soonest first; at most five."""
        events = getattr(series, "upcoming", [])
        return EventSummarySerializer(events, many=True, context=self.context).data


class ReminderSerializer(serializers.ModelSerializer):
    """A member's reminder. Only `minutes_before` is written; the event is in the URL."""

    event = EventSummarySerializer(read_only=True)
    remind_at = serializers.DateTimeField(
        read_only=True, help_text="When the email goes out: the event's start minus the offset."
    )
    state = serializers.ChoiceField(
        choices=Reminder.State.choices,
        source="current_state",
        read_only=True,
        help_text="For the event as it stands now: after a reschedule or a reinstatement, "
        "a reminder already handled is `pending` again.",
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "event",
            "minutes_before",
            "remind_at",
            "state",
            "sent_at",
            "created_at",
        ]
        read_only_fields = ["id", "event", "remind_at", "state", "sent_at", "created_at"]


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(
        allow_null=True,
        help_text="Your private iCalendar address, or null when you have none. Anyone with "
        "it can read the events you set reminders for: rotate it if it leaks.",
    )
    created_at = serializers.DateTimeField(allow_null=True)

    @staticmethod
    def for_feed(feed: CalendarFeed | None, context: dict) -> dict:
        if feed is None:
            return {"url": None, "created_at": None}
        path = reverse("member-calendar", kwargs={"token": feed.token})
        return {"url": absolute_url(context, path), "created_at": feed.created_at}


class ReminderExportSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event_title = serializers.CharField(source="event.title", read_only=True)

    class Meta:
        model = Reminder
        fields = ["id", "event", "event_title", "minutes_before", "state", "sent_at", "created_at"]
        read_only_fields = fields


class CalendarFeedExportSerializer(serializers.ModelSerializer):
    path = serializers.SerializerMethodField(help_text="The private feed's address.")

    class Meta:
        model = CalendarFeed
        fields = ["path", "created_at"]
        read_only_fields = fields

    def get_path(self, feed: CalendarFeed) -> str:
        return reverse("member-calendar", kwargs={"token": feed.token})


class CancellationNoticeExportSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CancellationNotice
        fields = ["event", "sent_at"]
        read_only_fields = fields


class EventsExportSerializer(serializers.Serializer):
    """The events section of a member's export (`GET /api/v1/me/export/`)."""

    reminders = ReminderExportSerializer(many=True)
    calendar_feed = CalendarFeedExportSerializer(allow_null=True)
    cancellation_notices = CancellationNoticeExportSerializer(many=True)
