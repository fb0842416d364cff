"""The editors' side of events: series with their weekly slot, events with local times.

Editors type an event's start and end as wall-clock times *in the event's zone* (what
the announcement says: "8:30 pm New York"), never in UTC nor in their own zone; the form
converts them, and says so beside the fields. Every time on the list says which zone it
is in, the editor's own among them.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.errors import DomainError
from core.widgets import MarkdownAdminMixin, WallClockSplitDateTime
from events import services
from events.models import DEFAULT_DURATION, DEFAULT_TIMEZONE, Event, EventStatus, Series


@cache
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _with_zone(moment: datetime | None, zone_name: str) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    return f"{local:%a %d %b %Y, %H:%M} {local.tzname()} ({zone_name})"


def local_to_instant(naive: datetime, zone_name: str, *, field: str) -> datetime:
    """The instant a wall-clock time names in a zone. A time skipped by a
    spring-forward change is refused; a repeated one (autumn) means the first."""
    zone = zoneinfo.ZoneInfo(zone_name)
    aware = naive.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            {
                field: f"{naive:%H:%M} does not exist on {naive:%d %b %Y} in {zone_name}: the "
                "clocks skip that hour. Choose another time."
            }
        )
    return aware


class HttpsURLField(forms.URLField):
    """A link typed without a scheme becomes https://, the only scheme we accept."""

    def __init__(self, **kwargs) -> None:
        kwargs["assume_scheme"] = "https"
        super().__init__(**kwargs)


LINK_FIELDS = {"stream_url": HttpsURLField, "podcast_url": HttpsURLField}


class WallClockDateTimeField(forms.SplitDateTimeField):
    """A date and time kept naive: they are read in the event's zone, not in the
    editor's (a wall clock that the editor's zone skips is still a valid event time)."""

    def compress(self, data_list: list) -> datetime | None:
        if not data_list:
            return None
        day, moment = data_list
        if day in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if moment in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(day, moment)


class EventAdminForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        initial=DEFAULT_TIMEZONE,
        label="Time zone",
        help_text="The event's own zone, that of the announcement: the start and end "
        "below are typed in it, whatever your own zone.",
    )
    start_local = WallClockDateTimeField(
        label="Starts (event's local time)",
        widget=WallClockSplitDateTime(zone_field="timezone"),
        help_text="Wall-clock time in the event's zone above, e.g. 20:30 for 8:30 pm.",
    )
    end_local = WallClockDateTimeField(
        label="Ends (event's local time)",
        widget=WallClockSplitDateTime(zone_field="timezone"),
        required=False,
        help_text="Leave empty for the series' usual length (one hour without a series).",
    )

    class Meta:
        model = Event
        fields = [
            "series",
            "title",
            "slug",
            "status",
            "hosts",
            "timezone",
            "location",
            "stream_url",
            "podcast_url",
            "recording_url",
            "description_markdown",
            "reflection_prompt",
            "image",
            "image_alt",
            "guides",
            "strategies",
        ]
        field_classes = {**LINK_FIELDS, "recording_url": HttpsURLField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["start_local"] = self.instance.local_start.replace(tzinfo=None)
            self.initial["end_local"] = self.instance.local_end.replace(tzinfo=None)

    def clean(self) -> dict:
        cleaned = super().clean()
        zone_name = cleaned.get("timezone")
        start = cleaned.get("start_local")
        if not zone_name or start is None:
            return cleaned
        starts_at = local_to_instant(start, zone_name, field="start_local")
        if end := cleaned.get("end_local"):
            ends_at = local_to_instant(end, zone_name, field="end_local")
        else:
            series = cleaned.get("series")
            ends_at = starts_at + (series.default_duration if series else DEFAULT_DURATION)
        if ends_at <= starts_at:
            raise forms.ValidationError({"end_local": "The end must come after the start."})
        self.instance.starts_at = starts_at
        self.instance.ends_at = ends_at
        return cleaned


class PhaseFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("upcoming", "Upcoming"),
            ("called_off", "Called off"),
            ("live", "Live now"),
            ("past", "Past"),
        ]

    def queryset(self, request, queryset):
        if self.value() in ("upcoming", "called_off", "live", "past"):
            return getattr(queryset, self.value())(timezone.now())
        return queryset


def _generate_for(modeladmin, request: HttpRequest, series_list) -> None:
    total = 0
    for series in series_list:
        try:
            total += len(services.series_generate_occurrences(series=series))
        except DomainError as error:
            modeladmin.message_user(request, error.detail, messages.WARNING)
    modeladmin.message_user(request, f"{total} new events created.", messages.SUCCESS)


@admin.register(Event)
class EventAdmin(MarkdownAdminMixin, admin.ModelAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "series",
        "starts_local",
        "starts_utc",
        "status",
        "phase",
        "sequence",
    ]
    list_filter = ["status", PhaseFilter, "series"]
    list_select_related = ["series"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "slug", "series__title", "hosts__name"]
    autocomplete_fields = ["series", "hosts", "guides", "strategies"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "uid",
        "sequence",
        "starts_utc",
        "starts_yours",
        "calendar_file",
        "created_at",
        "updated_at",
    ]
    actions = ["cancel_events", "postpone_events", "reinstate_events", "generate_next"]
    ordering = ["-starts_at", "-id"]
    fieldsets = [
        (None, {"fields": ["series", "title", "slug", "status", "hosts"]}),
        (
            "When",
            {"fields": ["timezone", "start_local", "end_local", "starts_utc", "starts_yours"]},
        ),
        (
            "Where",
            {"fields": ["location", "stream_url", "podcast_url", "recording_url"]},
        ),
        (
            "Content",
            {"fields": ["description_markdown", "reflection_prompt", "image", "image_alt"]},
        ),
        ("Linked content", {"fields": ["guides", "strategies"]}),
        (
            "Calendar",
            {"fields": ["uid", "sequence", "calendar_file", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description="Starts (local)", ordering="starts_at")
    def starts_local(self, event: Event) -> str:
        return _with_zone(event.starts_at, event.timezone)

    @admin.display(description="Starts (UTC)")
    def starts_utc(self, event: Event) -> str:
        if event.starts_at is None:
            return "—"
        return f"{event.starts_at.astimezone(zoneinfo.ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC"

    @admin.display(description="Starts (your zone)")
    def starts_yours(self, event: Event) -> str:
        return _with_zone(event.starts_at, timezone.get_current_timezone_name())

    @admin.display(description="When")
    def phase(self, event: Event) -> str:
        return event.phase()

    @admin.display(description=".ics file")
    def calendar_file(self, event: Event) -> str:
        if not event.pk:
            return "—"
        url = reverse("event-calendar", kwargs={"slug": event.slug})
        return format_html('<a href="{}">{}</a>', url, url)

    def _set_status(self, request, queryset: QuerySet[Event], status: EventStatus) -> None:
        changed = services.events_set_status(events=list(queryset), status=status)
        self.message_user(
            request,
            f"{changed} events marked {status.label.lower()}; subscribed calendars will "
            "update, and members with reminders are told of cancellations.",
            messages.SUCCESS,
        )

    @admin.action(description="Cancel the selected events", permissions=["change"])
    def cancel_events(self, request, queryset):
        self._set_status(request, queryset, EventStatus.CANCELLED)

    @admin.action(
        description="Postpone the selected events (no new date yet)", permissions=["change"]
    )
    def postpone_events(self, request, queryset):
        self._set_status(request, queryset, EventStatus.POSTPONED)

    @admin.action(
        description="Mark the selected events as going ahead (rescheduled)", permissions=["change"]
    )
    def reinstate_events(self, request, queryset):
        self._set_status(request, queryset, EventStatus.RESCHEDULED)

    @admin.action(description="Generate the next occurrences of their series", permissions=["add"])
    def generate_next(self, request, queryset):
        series_ids = queryset.exclude(series=None).values_list("series", flat=True).distinct()
        _generate_for(self, request, Series.objects.filter(pk__in=series_ids))


class SeriesAdminForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=timezone_choices, initial=DEFAULT_TIMEZONE)

    class Meta:
        model = Series
        fields = [
            "title",
            "slug",
            "host",
            "description_markdown",
            "timezone",
            "default_duration",
            "stream_url",
            "podcast_url",
            "schedule_weekday",
            "schedule_time",
        ]
        field_classes = LINK_FIELDS


@admin.register(Series)
class SeriesAdmin(MarkdownAdminMixin, admin.ModelAdmin):
    form = SeriesAdminForm
    list_display = ["title", "host", "timezone", "weekly_slot", "default_duration"]
    list_select_related = ["host"]
    search_fields = ["title", "slug"]
    autocomplete_fields = ["host"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["generate_next"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "host", "description_markdown"]}),
        (
            "Defaults for new events",
            {"fields": ["timezone", "default_duration", "stream_url", "podcast_url"]},
        ),
        (
            "Weekly slot",
            {
                "fields": ["schedule_weekday", "schedule_time"],
                "description": "Optional. With a slot, the action “Generate the next "
                "occurrences” adds the next four weekly events (local time kept across "
                "daylight-saving changes).",
            },
        ),
    ]

    @admin.display(description="Weekly slot")
    def weekly_slot(self, series: Series) -> str:
        if not series.has_schedule:
            return "—"
        return (
            f"{series.get_schedule_weekday_display()} {series.schedule_time:%H:%M} "
            f"({series.timezone})"
        )

    @admin.action(description="Generate the next four occurrences", permissions=["add"])
    def generate_next(self, request, queryset):
        _generate_for(self, request, queryset)
