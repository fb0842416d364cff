"""The POST bodies of the guide change form, for tests that submit it."""

from __future__ import annotations

INLINE_PREFIXES = ("strategies", "relations", "sources")


def guide_form(**overrides) -> dict:
    data = {
        "title": "New guide",
        "slug": "new-guide",
        "author": "",
        "summary": "",
        "body_markdown": "Body",
        "disclaimer_markdown": "Not treatment.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "reviewed_by": "",
        "last_reviewed": "",
        "next_review_due": "",
    }
    for prefix in INLINE_PREFIXES:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def strategy_inline(index: int, **fields) -> dict:
    values = {"title": "A strategy", "slug": "a-strategy", "position": str(index + 1), **fields}
    return {f"strategies-{index}-{key}": value for key, value in values.items()}


def form_data_from(response) -> dict:
    """The POST body a browser would send back unchanged from a rendered change form:
    the main form, every inline row and the inlines' management forms."""
    from datetime import date, datetime, time

    from django import forms
    from django.utils import timezone

    context = response.context
    data: dict = {}
    all_forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        all_forms.append(formset.management_form)
        all_forms.extend(formset.forms)
    for form in all_forms:
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            value = form[name].value()
            if isinstance(field, forms.FileField):
                continue
            if isinstance(field, forms.SplitDateTimeField):
                if isinstance(value, datetime):
                    local = timezone.localtime(value) if timezone.is_aware(value) else value
                    data[f"{key}_0"], data[f"{key}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
                else:
                    data[f"{key}_0"], data[f"{key}_1"] = "", ""
                continue
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif isinstance(value, date | time):
                data[key] = value.isoformat()
            else:
                data[key] = "" if value is None else str(value)
    return data
