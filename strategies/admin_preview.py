"""The editors' preview: a guide or a strategy rendered as a reader will see it (the
sanitised HTML, strategies, exercises, prompts, disclaimer, cover image and whatever
other apps add to a detail page, such as upcoming events), from what is in the
database at the moment of the call. `strategies.drafts` calls it with a pending draft
applied, so an unsaved revision previews the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Prefetch
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from strategies.extensions import attach_detail_extras, detail_extras
from strategies.models import Exercise, Guide, Prompt, Strategy


@dataclass(frozen=True)
class ExtraSection:
    title: str  # "Upcoming events"
    items: list[Model]


def _strategies_with_children(queryset) -> list[Strategy]:
    return list(
        queryset.order_by("position", "id").prefetch_related(
            Prefetch("exercises", queryset=Exercise.objects.order_by("position", "id")),
            Prefetch("prompts", queryset=Prompt.objects.order_by("position", "id")),
        )
    )


def _extras(target: str, obj: Model) -> list[ExtraSection]:
    attach_detail_extras(target, obj)
    return [
        ExtraSection(extra.field.replace("_", " ").capitalize(), getattr(obj, extra.attribute))
        for extra in detail_extras(target)
    ]


def guide_preview(request: HttpRequest, guide: Guide, *, context: dict) -> HttpResponse:
    guide = Guide.objects.select_related("author", "reviewed_by").get(pk=guide.pk)
    response = TemplateResponse(
        request,
        "admin/strategies/guide_preview.html",
        {
            **context,
            "guide": guide,
            "strategies": _strategies_with_children(guide.strategies.all()),
            "extras": _extras("guide", guide),
            "sources": list(guide.sources.all()),
        },
    )
    # Rendered now: a draft's preview is rendered before its changes are rolled back.
    return response.render()


def strategy_preview(request: HttpRequest, strategy: Strategy, *, context: dict) -> HttpResponse:
    strategies = _strategies_with_children(
        Strategy.objects.filter(pk=strategy.pk).select_related("guide__author")
    )
    strategy = strategies[0]
    response = TemplateResponse(
        request,
        "admin/strategies/strategy_preview.html",
        {
            **context,
            "guide": strategy.guide,
            "strategy": strategy,
            "strategies": strategies,
            "extras": _extras("strategy", strategy),
        },
    )
    return response.render()
