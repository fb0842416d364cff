"""Admin widgets that say what an editor needs to know next to the field itself: which
time zone a date-time is typed in, and how Markdown will look once published."""

from __future__ import annotations

from django.contrib.admin.widgets import AdminSplitDateTime, AdminTextareaWidget
from django.urls import reverse
from django.utils import timezone


class ZonedSplitDateTime(AdminSplitDateTime):
    """Django's date and time inputs, followed by the zone they are read in: the
    editor's own (`core.middleware.AdminTimezoneMiddleware`)."""

    template_name = "core/widgets/zoned_split_datetime.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        now = timezone.localtime()
        context["zone_name"] = timezone.get_current_timezone_name()
        context["zone_abbreviation"] = now.tzname()
        return context


class WallClockSplitDateTime(AdminSplitDateTime):
    """Date and time typed in the zone chosen in another field of the same form
    (`zone_field`, an event's own zone). `core/static/core/zoned-now.js` makes "Now" and
    "Today" give that zone's clock and names the zone beside the inputs."""

    template_name = "core/widgets/wall_clock_split_datetime.html"

    def __init__(self, zone_field: str, attrs=None) -> None:
        super().__init__(attrs)
        self.zone_field = zone_field

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["zone_field"] = self.zone_field
        return context

    class Media:
        js = ["core/zoned-now.js"]


class MarkdownWidget(AdminTextareaWidget):
    """A Markdown textarea with a live preview rendered by the server, through the same
    renderer and sanitiser as the API (`core.markdown.render_markdown`), and a short
    note on the syntax."""

    template_name = "core/widgets/markdown.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["preview_url"] = reverse("admin:markdown-preview")
        return context

    class Media:
        css = {"all": ["core/admin.css"]}
        js = ["core/markdown-widget.js"]


class MarkdownAdminMixin:
    """For ModelAdmins and inlines: every `*_markdown` field gets the Markdown widget."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name.endswith("_markdown"):
            kwargs["widget"] = MarkdownWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)
