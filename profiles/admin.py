"""Editors learn what helps, never who it helped.

"Engagement per guide" and "per strategy" list, for each piece of content, how many
members saved it (the guide itself, or any of its strategies, exercises), how many
members recorded a mood before and after journaling about it, and the average lift
(after minus before) of those entries. The average shows only once
`MIN_MEMBERS_FOR_AVERAGE` different members contributed, so no figure is one member's
mood. No member's name, text or row is reachable from these pages: they have no change
form, no actions, and interests and saved items are not registered at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import URLPattern, path

from journaling.models import JournalEntry
from profiles.models import GuideEngagement, SavedItem, StrategyEngagement

MIN_MEMBERS_FOR_AVERAGE = 3
PAIRED = Q(mood_before__isnull=False, mood_after__isnull=False)


def _scalar(queryset: QuerySet, output_field: object) -> Subquery:
    return Subquery(queryset, output_field=output_field)


class EngagementAdmin(admin.ModelAdmin):
    list_display = ["title", "members_saved", "members_with_moods", "average_lift"]
    list_display_links = None
    search_fields = ["title", "slug"]
    actions = None
    show_full_result_count = False
    # The journal's link to content: entries by strategy, its exercises or prompts.
    entry_links: tuple[str, ...] = ()
    save_links: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .only("id", "title", "slug")
            .annotate(
                saved_by=self._distinct_members(SavedItem, self.save_links),
                mood_members=self._distinct_members(JournalEntry, self.entry_links, PAIRED),
                lift=self._average_lift(),
            )
        )

    def _link(self, paths: tuple[str, ...]) -> Q:
        condition = Q()
        for link in paths:
            condition |= Q(**{link: OuterRef("pk")})
        return condition

    def _distinct_members(self, model: type, paths: tuple[str, ...], *extra: Q) -> Coalesce:
        counted = (
            model.objects.filter(self._link(paths), *extra)
            .order_by()
            .values(group=F("owner_id") * 0)
            .annotate(n=Count("owner_id", distinct=True))
            .values("n")
        )
        return Coalesce(_scalar(counted, IntegerField()), 0)

    def _average_lift(self) -> Subquery:
        averaged = (
            JournalEntry.objects.filter(self._link(self.entry_links), PAIRED)
            .order_by()
            .values(group=F("owner_id") * 0)
            .annotate(v=Avg(F("mood_after") - F("mood_before"), output_field=FloatField()))
            .values("v")
        )
        return _scalar(averaged, FloatField())

    def get_urls(self) -> list[URLPattern]:
        # The changelist and nothing else: no add, change, history or delete pages.
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="{}_{}_changelist".format(*info),
            )
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="members who saved it", ordering="saved_by")
    def members_saved(self, obj: object) -> int:
        return obj.saved_by

    @admin.display(description="members who recorded moods", ordering="mood_members")
    def members_with_moods(self, obj: object) -> int:
        return obj.mood_members

    @admin.display(description="average mood lift", ordering="lift")
    def average_lift(self, obj: object) -> str:
        if obj.mood_members < MIN_MEMBERS_FOR_AVERAGE or obj.lift is None:
            return f"(fewer than {MIN_MEMBERS_FOR_AVERAGE} members)"
        return f"{obj.lift:+.1f}"


@admin.register(GuideEngagement)
class GuideEngagementAdmin(EngagementAdmin):
    ordering = ["title", "id"]
    entry_links = ("strategy__guide", "exercise__strategy__guide", "prompt__strategy__guide")
    save_links = ("guide", "strategy__guide", "exercise__strategy__guide")


@admin.register(StrategyEngagement)
class StrategyEngagementAdmin(EngagementAdmin):
    ordering = ["title", "id"]
    entry_links = ("strategy", "exercise__strategy", "prompt__strategy")
    save_links = ("strategy", "exercise__strategy")
