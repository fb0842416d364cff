"""The editors' admin site: apps in the order editors work (Content, Events, Newsletter,
Comments, Members, then the rest), "View site" pointing at the front end (or the API
docs), and the staff-only Markdown preview that the Markdown widget calls.

Installed through `core.apps.BreakthroughAdminConfig`, so `admin.site` and
`@admin.register` everywhere mean this site.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from core.markdown import render_markdown

# By app label, so an app that is not installed (yet) simply takes no place.
APP_ORDER = ["strategies", "events", "newsletter", "comments", "accounts"]


class BreakthroughAdminSite(admin.AdminSite):
    # The app sidebar took a quarter of a 1,280 px screen and pushed changelist columns
    # out of sight; the index and the breadcrumbs lead everywhere it did.
    enable_nav_sidebar = False

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = super().get_app_list(request, app_label)
        rank = {label: index for index, label in enumerate(APP_ORDER)}
        return sorted(apps, key=lambda app: (rank.get(app["app_label"], len(rank)), app["name"]))

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        context["site_url"] = settings.FRONTEND_URL or reverse("swagger-ui")
        return context

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "markdown-preview/",
                self.admin_view(markdown_preview),
                name="markdown-preview",
            )
        ]
        return own + super().get_urls()


@require_POST
def markdown_preview(request: HttpRequest) -> JsonResponse:
    """`POST text=...`: the sanitised HTML the API will serve for that Markdown."""
    return JsonResponse({"html": render_markdown(request.POST.get("text", ""))})
