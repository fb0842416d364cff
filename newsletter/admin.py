"""The newsletter in the admin: editors write an edition, preview it (HTML and plain
text), send a test to themselves, then schedule it; the workers do the rest, and the
edition shows its delivery counts as they grow. Subscribers are listed for support
but never added by hand: a subscriber exists only with a recorded consent."""

from __future__ import annotations

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from core.widgets import MarkdownAdminMixin
from newsletter import mail, services
from newsletter.models import (
    Consent,
    Delivery,
    DeliveryStatus,
    Edition,
    EditionExercise,
    Subscriber,
)

# The unsubscribe link of a preview leads nowhere: it is no subscriber's.
PREVIEW_TOKEN = "preview"  # noqa: S105 (not a secret)
COUNTED = [
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.SKIPPED,
]


class EditionExerciseInline(SortableTabularInline):
    model = EditionExercise
    extra = 0
    autocomplete_fields = ["exercise"]

    def _editable(self, obj: Edition | None) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Edition)
class EditionAdmin(MarkdownAdminMixin, SortableAdminBase, admin.ModelAdmin):
    inlines = [EditionExerciseInline]
    list_display = ["subject", "status", "send_at", "sent_count", "failed_count", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "slug"]
    prepopulated_fields = {"slug": ["subject"]}
    autocomplete_fields = ["guide", "event"]
    actions = ["send_test_to_me", "schedule", "unschedule"]
    fields = [
        "subject",
        "slug",
        "intro_markdown",
        "guide",
        "event",
        "send_at",
        "status",
        "previews",
        "delivery_counts",
        "sending_started_at",
        "sent_at",
    ]
    base_readonly = ["status", "previews", "delivery_counts", "sending_started_at", "sent_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Edition]:
        counts = {
            f"count_{state}": Count("deliveries", filter=Q(deliveries__status=state))
            for state in COUNTED
        }
        return super().get_queryset(request).annotate(**counts)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [*self.fields]
        return self.base_readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and not obj.is_editable else self.prepopulated_fields

    @admin.display(description="sent", ordering="count_sent")
    def sent_count(self, edition: Edition) -> int:
        return edition.count_sent

    @admin.display(description="failed", ordering="count_failed")
    def failed_count(self, edition: Edition) -> int:
        return edition.count_failed

    @admin.display(description="deliveries")
    def delivery_counts(self, edition: Edition) -> str:
        if edition.pk is None:
            return "-"
        parts = [f"{state}: {getattr(edition, f'count_{state}', 0)}" for state in COUNTED]
        link = reverse("admin:newsletter_delivery_changelist") + f"?edition__id__exact={edition.pk}"
        return format_html('{} (<a href="{}">rows</a>)', ", ".join(parts), link)

    @admin.display(description="preview")
    def previews(self, edition: Edition) -> str:
        if edition.pk is None:
            return "Save to preview."
        return format_html(
            '<a href="{}" target="_blank">HTML</a> · <a href="{}" target="_blank">plain text</a>',
            reverse("admin:newsletter_edition_preview_html", args=[edition.pk]),
            reverse("admin:newsletter_edition_preview_text", args=[edition.pk]),
        )

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path(
                "<int:pk>/preview.html",
                preview,
                {"kind": "html"},
                name="newsletter_edition_preview_html",
            ),
            path(
                "<int:pk>/preview.txt",
                preview,
                {"kind": "text"},
                name="newsletter_edition_preview_text",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int, kind: str) -> HttpResponse:
        edition = get_object_or_404(Edition, pk=pk)
        if not self.has_view_permission(request, edition):
            return HttpResponse(status=403)
        rendered = mail.render_edition(edition)
        message = mail.edition_message(
            rendered, to=request.user.email, unsubscribe_token=PREVIEW_TOKEN
        )
        if kind == "text":
            return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
        html = message.alternatives[0][0]
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        # The mail's own inline styles, as a mail client shows them; still no script.
        response._csp_replace = {"style-src": ["'unsafe-inline'"]}
        return response

    @admin.action(description="Send a test of the selected editions to me")
    def send_test_to_me(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            services.edition_send_test(edition=edition, email=request.user.email)
        self.message_user(request, f"A test is on its way to {request.user.email}.")

    @admin.action(description="Schedule the selected editions for their send time")
    def schedule(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            if services.edition_schedule(edition=edition):
                when = f"{edition.send_at:%Y-%m-%d %H:%M} UTC"
                self.message_user(request, f"“{edition}” is scheduled for {when}.")
            else:
                self.message_user(
                    request,
                    f"“{edition}” was not scheduled: it needs a send time and must be a draft.",
                    level=messages.WARNING,
                )

    @admin.action(description="Put the selected scheduled editions back to draft")
    def unschedule(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        changed = sum(services.edition_unschedule(edition=edition) for edition in queryset)
        self.message_user(request, f"{changed} edition(s) back to draft.")


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    readonly_fields = ["given_at", "source", "text"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "subscribed_at", "unsubscribed_at", "user"]
    list_filter = ["status"]
    search_fields = ["email"]
    readonly_fields = ["email", "user", "status", "subscribed_at", "unsubscribed_at"]
    fields = readonly_fields
    inlines = [ConsentInline]
    list_select_related = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "edition", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "edition"]
    list_select_related = ["edition", "subscriber"]
    search_fields = ["subscriber__email"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
