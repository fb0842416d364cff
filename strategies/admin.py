"""The editors' admin: guides with their strategies and related guides inline, ordered
by drag and drop; exercises and prompts inline on a strategy.

Changelists run a fixed number of queries whatever the page size: the columns read
only what `get_queryset()` joins or annotates.
"""

from __future__ import annotations

from datetime import timedelta

from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableAdminBase,
    SortableStackedInline,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from reversion.admin import VersionAdmin

from core.widgets import MarkdownAdminMixin
from strategies import admin_preview, drafts, history, services
from strategies.admin_drafts import DraftableAdminMixin, GuideDraftViewsMixin
from strategies.models import (
    Exercise,
    Guide,
    GuideDraft,
    GuideRelation,
    GuideSource,
    Person,
    Prompt,
    Strategy,
    Tag,
)

NO_VALUE = "—"

# Before the ModelAdmins: reversion must follow each guide's children.
history.register()


class FriendlySlugForm(forms.ModelForm):
    """Says which slug clashes and what to do, instead of "already exists"."""

    slug_noun = "item"

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        others = type(self.instance).objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash := others.first():
            raise ValidationError(
                f"Another {self.slug_noun} (“{clash}”) already uses the address “{slug}”. "
                "Change the slug: add a word, or a number at the end.",
                code="unique",
            )
        return slug


class GuideForm(FriendlySlugForm):
    slug_noun = "guide"

    class Meta:
        model = Guide
        fields = ["slug"]  # the admin adds the rest from its fieldsets


class StrategyForm(FriendlySlugForm):
    slug_noun = "strategy"

    class Meta:
        model = Strategy
        fields = ["slug"]  # the admin adds the rest from its fieldsets


class ExerciseForm(FriendlySlugForm):
    slug_noun = "exercise"

    class Meta:
        model = Exercise
        fields = ["slug"]  # the admin adds the rest from its fieldsets


# Review is due this many days ahead in the "Review due soon" filter.
REVIEW_SOON_DAYS = 30


def _preview_link(model_name: str, pk: int | None) -> str:
    """The editors' rendered preview (drafts included), in a tab of its own."""
    if not pk:
        return NO_VALUE
    url = reverse(f"admin:strategies_{model_name}_preview", args=[pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">Preview</a>', url)


def _api_link(view_name: str, slug: str | None) -> str:
    if not slug:
        return NO_VALUE
    url = reverse(view_name, kwargs={"slug": slug}) + "?preview=true"
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)


# --- Inlines ---------------------------------------------------------------------------------


class StrategyInlineFormSet(CustomInlineFormSet):
    """A published guide must keep at least one strategy."""

    def clean(self) -> None:
        super().clean()
        if self.instance.status != Guide.Status.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk or form.has_changed())
        ]
        if not kept:
            raise ValidationError(
                "A published guide needs at least one strategy. Add a strategy below, or "
                "set the status to Draft and publish once the strategies are written.",
                code="no_strategy",
            )


class StrategyInline(MarkdownAdminMixin, SortableStackedInline):
    model = Strategy
    form = StrategyForm
    formset = StrategyInlineFormSet
    extra = 0
    fields = ["title", "slug", "summary", "smallest_step", "body_markdown", "tags"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["tags"]
    show_change_link = True


class GuideRelationInline(SortableTabularInline):
    model = GuideRelation
    fk_name = "from_guide"
    extra = 0
    fields = ["to_guide"]
    autocomplete_fields = ["to_guide"]
    verbose_name = "related guide"
    verbose_name_plural = 'Related guides ("go deeper into this subject"), in display order'


class GuideSourceInline(SortableTabularInline):
    model = GuideSource
    extra = 0
    fields = ["title", "url"]
    verbose_name = "source"
    verbose_name_plural = "Sources (what the guide draws on), in display order"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # a link typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ExerciseInline(MarkdownAdminMixin, SortableStackedInline):
    model = Exercise
    form = ExerciseForm
    extra = 0
    fields = ["title", "slug", "duration_minutes", "instructions_markdown"]
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True


class PromptInline(SortableTabularInline):
    model = Prompt
    extra = 0
    fields = ["text"]


# --- Guides --------------------------------------------------------------------------------


class VisibilityFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("scheduled", "Scheduled"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.published(now)
        if self.value() == "scheduled":
            return queryset.filter(status=Guide.Status.PUBLISHED, published_at__gt=now)
        if self.value() == "draft":
            return queryset.filter(status=Guide.Status.DRAFT)
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    """Guides whose editorial review is due, in the editor's own calendar."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("due", "Review due"),
            ("soon", f"Review due within {REVIEW_SOON_DAYS} days"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.filter(next_review_due__lte=today)
        if self.value() == "soon":
            return queryset.filter(next_review_due__lte=today + timedelta(days=REVIEW_SOON_DAYS))
        if self.value() == "never":
            return queryset.filter(last_reviewed__isnull=True)
        return queryset


@admin.register(Guide)
class GuideAdmin(
    MarkdownAdminMixin,
    GuideDraftViewsMixin,
    DraftableAdminMixin,
    SortableAdminBase,
    VersionAdmin,
):
    form = GuideForm
    inlines = [StrategyInline, GuideRelationInline, GuideSourceInline]
    list_display = [
        "title",
        "visibility",
        "published_at",
        "author",
        "strategy_count",
        "review_due",
        "preview",
    ]
    # Explicit: the annotated count groups rows, and grouped queries drop Meta.ordering.
    ordering = ["-published_at", "-id"]
    list_select_related = ["author"]
    list_filter = [
        VisibilityFilter,
        ReviewFilter,
        "status",
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["author", "tags", "reviewed_by"]
    readonly_fields = ["preview", "api_preview", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "author",
                    "tags",
                    "summary",
                    "cover_image",
                    "cover_image_alt",
                ]
            },
        ),
        ("Text (Markdown)", {"fields": ["body_markdown", "disclaimer_markdown"]}),
        (
            "Editorial review",
            {
                "fields": ["reviewed_by", "last_reviewed", "next_review_due"],
                "description": (
                    "Who checked the content and when; readers see the reviewer, the date "
                    "and the sources below. The guide list filters those due for review."
                ),
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "preview",
                    "api_preview",
                    "created_at",
                    "updated_at",
                ],
                "description": (
                    "The public sees a guide once its status is Published and its publication "
                    "time has come; a time in the future schedules it. Publishing without a "
                    "time means now. Preview shows the guide as readers will see it."
                ),
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_strategies=Count("strategies"),
                has_draft=Exists(GuideDraft.objects.filter(guide=OuterRef("pk"))),
            )
        )

    @admin.display(description="strategies", ordering="n_strategies")
    def strategy_count(self, guide: Guide) -> int:
        return guide.n_strategies

    @admin.display(description="visibility")
    def visibility(self, guide: Guide) -> str:
        if guide.status == Guide.Status.DRAFT:
            state = "Draft"
        else:
            state = "Live" if guide.is_public else "Scheduled"
        if getattr(guide, "has_draft", False):
            state += ", changes in draft"
        return state

    @admin.display(description="review due", ordering="next_review_due")
    def review_due(self, guide: Guide) -> str:
        if guide.next_review_due is None:
            return NO_VALUE
        overdue = guide.next_review_due <= timezone.localdate()
        return f"{guide.next_review_due:%Y-%m-%d}" + (" (due)" if overdue else "")

    @admin.display(description="preview")
    def preview(self, guide: Guide) -> str:
        return _preview_link("guide", guide.pk)

    @admin.display(description="API (JSON)")
    def api_preview(self, guide: Guide) -> str:
        return _api_link("guide-detail", guide.slug if guide.pk else None)

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<int:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="strategies_guide_preview",
        )
        return [preview, *super().get_urls()]

    def draft_guide_id(self, object_id: str) -> int | None:
        return int(object_id) if str(object_id).isdigit() else None

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The guide as readers will see it: its draft, if it has one (`?live=1`: the
        live version)."""
        guide = get_object_or_404(Guide, pk=object_id)
        if not self.has_view_or_change_permission(request, guide):
            raise PermissionDenied
        draft = None if "live" in request.GET else GuideDraft.objects.filter(guide=guide).first()
        context = {**self.admin_site.each_context(request), "draft": draft}
        with drafts.draft_applied(draft):
            return admin_preview.guide_preview(request, guide, context=context)

    @admin.action(description="Publish selected guides", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        outcome = services.guides_publish(guides=queryset)
        if outcome.published:
            self.message_user(request, f"Published {_titles(outcome.published)}.")
        if outcome.scheduled:
            when = ", ".join(
                f"“{guide}” on {timezone.localtime(guide.published_at):%Y-%m-%d %H:%M %Z}"
                for guide in outcome.scheduled
            )
            self.message_user(request, f"Scheduled: {when}.")
        if outcome.refused:
            self.message_user(
                request,
                f"Not published, each needs a strategy first: {_titles(outcome.refused)}.",
                level=messages.WARNING,
            )

    @admin.action(description="Unpublish selected guides (back to draft)", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = services.guides_unpublish(guides=queryset)
        self.message_user(request, f"Moved {count} guide(s) back to draft.")


def _titles(guides: list[Guide]) -> str:
    return ", ".join(f"“{guide}”" for guide in guides)


# --- Strategies, exercises, prompts ---------------------------------------------------------


@admin.register(Strategy)
class StrategyAdmin(MarkdownAdminMixin, DraftableAdminMixin, SortableAdminBase, VersionAdmin):
    form = StrategyForm
    inlines = [ExerciseInline, PromptInline]
    list_display = ["title", "guide", "position", "exercise_count", "prompt_count", "preview"]
    readonly_fields = ["preview", "api_preview", "created_at", "updated_at"]
    ordering = ["guide__title", "position", "id"]
    list_select_related = ["guide"]
    list_filter = ["guide__status", ("tags", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug", "summary", "guide__title"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["guide", "tags"]
    fields = [
        "guide",
        "position",
        "title",
        "slug",
        "summary",
        "smallest_step",
        "body_markdown",
        "tags",
        "preview",
        "api_preview",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_exercises=Count("exercises", distinct=True),
                n_prompts=Count("prompts", distinct=True),
            )
        )

    @admin.display(description="exercises", ordering="n_exercises")
    def exercise_count(self, strategy: Strategy) -> int:
        return strategy.n_exercises

    @admin.display(description="prompts", ordering="n_prompts")
    def prompt_count(self, strategy: Strategy) -> int:
        return strategy.n_prompts

    @admin.display(description="preview")
    def preview(self, strategy: Strategy) -> str:
        return _preview_link("strategy", strategy.pk)

    @admin.display(description="API (JSON)")
    def api_preview(self, strategy: Strategy) -> str:
        return _api_link("strategy-detail", strategy.slug if strategy.pk else None)

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<int:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="strategies_strategy_preview",
        )
        return [preview, *super().get_urls()]

    def draft_guide_id(self, object_id: str) -> int | None:
        if not str(object_id).isdigit():
            return None
        pk = int(object_id)
        guide_id = Strategy.objects.filter(pk=pk).values_list("guide_id", flat=True).first()
        if guide_id is None:  # a strategy that only the draft has
            draft = GuideDraft.objects.containing(Strategy, pk).first()
            return draft.guide_id if draft else None
        return guide_id

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        guide_id = self.draft_guide_id(str(object_id))
        draft = None
        if guide_id is not None and "live" not in request.GET:
            draft = GuideDraft.objects.filter(guide=guide_id).first()
        context = {**self.admin_site.each_context(request), "draft": draft}
        with drafts.draft_applied(draft):
            strategy = get_object_or_404(Strategy, pk=object_id)
            if not self.has_view_or_change_permission(request, strategy):
                raise PermissionDenied
            return admin_preview.strategy_preview(request, strategy, context=context)


@admin.register(Exercise)
class ExerciseAdmin(MarkdownAdminMixin, admin.ModelAdmin):
    form = ExerciseForm
    list_display = ["title", "strategy", "position", "duration_minutes", "updated_at"]
    fields = ["strategy", "position", "title", "slug", "duration_minutes", "instructions_markdown"]
    list_select_related = ["strategy"]
    list_filter = ["strategy__guide__status"]
    search_fields = ["title", "slug", "instructions_markdown", "strategy__title"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["strategy"]


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ["short_text", "strategy", "position", "updated_at"]
    list_select_related = ["strategy"]
    list_filter = ["strategy__guide__status"]
    search_fields = ["text", "strategy__title"]
    autocomplete_fields = ["strategy"]

    @admin.display(description="text", ordering="text")
    def short_text(self, prompt: Prompt) -> str:
        return Truncator(prompt.text).chars(80)


# --- Tags and people ------------------------------------------------------------------------


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "slug", "bio"]
    prepopulated_fields = {"slug": ("name",)}
