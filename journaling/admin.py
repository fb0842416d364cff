"""The admin sees that members journal, never what they write.

Entries, commitments, tags and tombstones are not registered at all, so no admin URL
can show them. The one page, "journal activity per member", lists counts and dates
per member: it has no change form, no actions (so no bulk export or delete), and its
search looks at email addresses only.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, IntegerField, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import URLPattern, path

from journaling.models import Commitment, JournalActivity, JournalEntry


def _count_of(model: type, **filters: object) -> Coalesce:
    counted = (
        model.objects.filter(owner=OuterRef("owner"), **filters)
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _entry_date(aggregate: type) -> Subquery:
    dates = (
        JournalEntry.objects.filter(owner=OuterRef("owner"))
        .order_by()
        .values("owner")
        .annotate(day=aggregate("entry_date"))
        .values("day")
    )
    return Subquery(dates)


@admin.register(JournalActivity)
class JournalActivityAdmin(admin.ModelAdmin):
    list_display = [
        "member",
        "entries",
        "first_entry_date",
        "last_entry_date",
        "commitments",
        "commitments_kept",
    ]
    list_display_links = None
    list_select_related = ["owner"]
    search_fields = ["owner__email"]
    search_help_text = "Search by the member's email address."
    ordering = ["owner__email"]
    actions = None
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                entry_count=_count_of(JournalEntry),
                commitment_count=_count_of(Commitment),
                kept_count=_count_of(
                    Commitment, status__in=[Commitment.Status.DONE, Commitment.Status.PARTLY]
                ),
                first_entry=_entry_date(Min),
                last_entry=_entry_date(Max),
            )
        )

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

    @admin.display(description="member", ordering="owner__email")
    def member(self, obj: JournalActivity) -> str:
        return obj.owner.email

    @admin.display(description="entries", ordering="entry_count")
    def entries(self, obj: JournalActivity) -> int:
        return obj.entry_count

    @admin.display(description="first entry", ordering="first_entry")
    def first_entry_date(self, obj: JournalActivity) -> object:
        return obj.first_entry

    @admin.display(description="last entry", ordering="last_entry")
    def last_entry_date(self, obj: JournalActivity) -> object:
        return obj.last_entry

    @admin.display(description="commitments", ordering="commitment_count")
    def commitments(self, obj: JournalActivity) -> int:
        return obj.commitment_count

    @admin.display(description="kept (done or partly)", ordering="kept_count")
    def commitments_kept(self, obj: JournalActivity) -> int:
        return obj.kept_count
