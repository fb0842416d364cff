"""Drafts and history in the admin, for guides and strategies (`strategies.drafts`,
`strategies.history`).

On a change form, "Save as draft" runs the admin's ordinary save inside a rolled-back
transaction and keeps a snapshot of the guide's tree: the public sees no change. While a
guide has a draft, its change forms (and its strategies') show the draft, the preview
shows it, and a panel offers to compare it with the live version, publish it now or at
a time, or discard it; an ordinary "Save" publishes the draft with the form's changes.
History lists every saved version (who, when), each with its changes and a restore.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from reversion.models import Version

from core.widgets import ZonedSplitDateTime
from strategies import drafts, history
from strategies.models import Guide, GuideDraft

SAVE_DRAFT = "_savedraft"


class DraftScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        required=False,
        widget=ZonedSplitDateTime,
        help_text="Empty: publish now.",
    )

    def clean_publish_at(self):
        moment = self.cleaned_data["publish_at"]
        if moment is not None and moment <= timezone.now():
            raise forms.ValidationError("Choose a time in the future, or leave it empty.")
        return moment


class DraftableAdminMixin:
    """For a ModelAdmin of Guide or Strategy (with reversion's VersionAdmin after it)."""

    change_form_template = "admin/strategies/draftable_change_form.html"
    object_history_template = "admin/strategies/object_history.html"

    def draft_guide_id(self, object_id: str) -> int | None:
        raise NotImplementedError

    def _draft(self, object_id: str) -> GuideDraft | None:
        guide_id = self.draft_guide_id(object_id)
        if guide_id is None:
            return None
        return GuideDraft.objects.select_related("guide", "saved_by").filter(guide=guide_id).first()

    def message_user(self, request: HttpRequest, *args, **kwargs) -> None:
        # The admin's "was changed successfully" is not true of a draft.
        if not getattr(request, "_saving_draft", False):
            super().message_user(request, *args, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        draft = self._draft(object_id)
        saving_draft = request.method == "POST" and SAVE_DRAFT in request.POST
        guide_id = self.draft_guide_id(object_id)
        extra_context = {
            **(extra_context or {}),
            "draft": draft,
            "draft_guide_id": guide_id,
            "schedule_form": DraftScheduleForm(),
        }
        if draft is None and not saving_draft:
            return super().change_view(request, object_id, form_url, extra_context)
        if request.method == "POST" and not saving_draft:
            return self._save_publishing_draft(request, object_id, form_url, extra_context, draft)
        snapshot = None
        request._saving_draft = saving_draft
        try:
            with drafts.draft_applied(draft):
                response = super().change_view(request, object_id, form_url, extra_context)
                if saving_draft and response.status_code == 302:
                    snapshot = drafts.snapshot_of(Guide(pk=guide_id))
                elif hasattr(response, "render"):
                    response.render()  # while the draft is in the database
        finally:
            request._saving_draft = False
        if snapshot is None:
            return response
        GuideDraft.objects.update_or_create(
            guide_id=guide_id, defaults={"snapshot": snapshot, "saved_by": request.user}
        )
        guide = Guide.objects.get(pk=guide_id)
        self.log_change(request, guide, "Saved a draft.")
        self.message_user(
            request,
            "Saved as a draft: the public still sees the live version. Preview the draft, "
            "compare it with the live version, then publish it now or at a time.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.path)

    def _save_publishing_draft(self, request, object_id, form_url, extra_context, draft):
        """An ordinary save of a form that shows the draft publishes it, with the edits."""
        with transaction.atomic():
            drafts.apply_snapshot(draft.guide, draft.snapshot)
            response = super().change_view(request, object_id, form_url, extra_context)
            if response.status_code == 302:
                draft.delete()
                return response
            if hasattr(response, "render"):
                response.render()
            transaction.set_rollback(True)  # invalid: the errors are shown, nothing changes
        return response


class GuideDraftViewsMixin:
    """The URLs of a guide's draft panel and history diffs (GuideAdmin only)."""

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/draft/publish/",
                self.admin_site.admin_view(self.draft_publish_view),
                name="strategies_guide_draft_publish",
            ),
            path(
                "<int:object_id>/draft/discard/",
                self.admin_site.admin_view(self.draft_discard_view),
                name="strategies_guide_draft_discard",
            ),
            path(
                "<int:object_id>/draft/diff/",
                self.admin_site.admin_view(self.draft_diff_view),
                name="strategies_guide_draft_diff",
            ),
            path(
                "<int:object_id>/history/<int:version_id>/diff/",
                self.admin_site.admin_view(self.version_diff_view),
                name="strategies_guide_version_diff",
            ),
        ]
        return own + super().get_urls()

    def _guide_and_draft(self, request, object_id: int, *, change: bool):
        guide = get_object_or_404(Guide, pk=object_id)
        allowed = (
            self.has_change_permission(request, guide)
            if change
            else self.has_view_or_change_permission(request, guide)
        )
        if not allowed:
            raise PermissionDenied
        return guide, GuideDraft.objects.filter(guide=guide).first()

    def _back_to(self, guide: Guide) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:strategies_guide_change", args=[guide.pk]))

    def draft_publish_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        guide, draft = self._guide_and_draft(request, object_id, change=True)
        if draft is None:
            self.message_user(request, "There is no draft to publish.", messages.WARNING)
            return self._back_to(guide)
        form = DraftScheduleForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(e for field in form.errors.values() for e in field)
            self.message_user(request, f"Not scheduled: {errors}", messages.ERROR)
            return self._back_to(guide)
        if moment := form.cleaned_data["publish_at"]:
            draft.publish_at = moment
            draft.save(update_fields=["publish_at", "updated_at"])
            self.log_change(request, guide, "Scheduled the draft.")
            when = timezone.localtime(moment)
            self.message_user(
                request,
                f"The draft will replace the live version on {when:%Y-%m-%d at %H:%M %Z}.",
                messages.SUCCESS,
            )
            return self._back_to(guide)
        drafts.draft_publish(draft=draft, user=request.user)
        self.log_change(request, guide, "Published the draft.")
        self.message_user(request, "The draft is published: the public sees it now.")
        return self._back_to(guide)

    def draft_discard_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        guide, draft = self._guide_and_draft(request, object_id, change=True)
        if draft is not None:
            draft.delete()
            self.log_change(request, guide, "Discarded the draft.")
            self.message_user(request, "The draft is discarded; the live version is unchanged.")
        return self._back_to(guide)

    def draft_diff_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        guide, draft = self._guide_and_draft(request, object_id, change=False)
        if draft is None:
            self.message_user(request, "There is no draft to compare.", messages.WARNING)
            return self._back_to(guide)
        changes = history.snapshot_diff(drafts.snapshot_of(guide), draft.snapshot)
        return self._diff_page(request, guide, changes, "Draft compared with the live version")

    def version_diff_view(self, request, object_id: int, version_id: int) -> HttpResponse:
        guide, _ = self._guide_and_draft(request, object_id, change=False)
        version = get_object_or_404(
            Version.objects.get_for_object(guide).select_related("revision__user"),
            pk=version_id,
        )
        before = history.previous_version(version)
        old = history.revision_snapshot(before.revision) if before else []
        changes = history.snapshot_diff(old, history.revision_snapshot(version.revision))
        revision = version.revision
        title = f"Changes saved {timezone.localtime(revision.date_created):%Y-%m-%d %H:%M %Z}"
        if revision.user:
            title += f" by {revision.user}"
        return self._diff_page(
            request,
            guide,
            changes,
            title,
            restore_url=reverse("admin:strategies_guide_revision", args=[guide.pk, version.pk]),
            comment=revision.get_comment(),
        )

    def _diff_page(self, request, guide, changes, title, **context) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/strategies/revision_diff.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": guide,
                "title": title,
                "changes": changes,
                **context,
            },
        )
