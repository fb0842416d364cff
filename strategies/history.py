"""The kept history of editorial content, with django-reversion: every save of a guide
or strategy through the admin, and every published draft, is a revision holding the
whole tree (the guide, its strategies with their exercises and prompts, related guides,
sources), with who and when. Any revision can be compared with the one before it, and
restored from the guide's history page (reversion's own revert view).

`register()` runs when the admin is loaded (before the ModelAdmins, which would
otherwise register the models without following their children).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

import reversion
from django.apps import apps
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Revision, Version

from strategies.drafts import NOT_SERIALIZED, Snapshot
from strategies.models import Exercise, Guide, GuideRelation, GuideSource, Prompt, Strategy

FOLLOW = {
    Guide: ["strategies", "relations", "sources"],
    Strategy: ["exercises", "prompts"],
    Exercise: [],
    Prompt: [],
    GuideRelation: [],
    GuideSource: [],
}
# Shown in a diff for what they are, not as fields of their own.
HIDDEN_FIELDS = {"created_at", "updated_at", "body_html", "disclaimer_html", "instructions_html"}


def register() -> None:
    for model, follow in FOLLOW.items():
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow, exclude=sorted(NOT_SERIALIZED))


def revision_snapshot(revision: Revision) -> Snapshot:
    rows: Snapshot = []
    for version in revision.version_set.all():
        rows.extend(json.loads(version.serialized_data))
    return rows


def previous_version(version: Version) -> Version | None:
    return (
        Version.objects.get_for_object_reference(version._model, version.object_id)
        .filter(pk__lt=version.pk)
        .select_related("revision")
        .first()
    )


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: SafeString
    new: SafeString


@dataclass(frozen=True)
class RowChange:
    kind: str  # "added", "removed", "changed"
    label: str  # "Strategy “Take action”"
    fields: list[FieldChange]


def _label(row: dict) -> str:
    model = apps.get_model(row["model"])
    fields = row["fields"]
    name = fields.get("title") or fields.get("text") or fields.get("to_guide") or row["pk"]
    return f"{model._meta.verbose_name.capitalize()} “{name}”"


def _words(value: object) -> list[str]:
    text = "" if value is None else str(value)
    return text.replace("\n", " ¶\n").split(" ")


def _mark(old: object, new: object) -> tuple[SafeString, SafeString]:
    """Word-level differences: deletions in <del> on the left, additions in <ins>."""
    before, after = _words(old), _words(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after).get_opcodes():
        a, b = escape(" ".join(before[i1:i2])), escape(" ".join(after[j1:j2]))
        if op == "equal":
            left.append(a)
            right.append(b)
            continue
        if a:
            left.append(f"<del>{a}</del>")
        if b:
            right.append(f"<ins>{b}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 (escaped above)


def snapshot_diff(old: Snapshot, new: Snapshot) -> list[RowChange]:
    """What changed from `old` to `new`, row by row, field by field."""
    before = {(row["model"], row["pk"]): row for row in old}
    after = {(row["model"], row["pk"]): row for row in new}
    changes: list[RowChange] = []
    for key in [*after, *(k for k in before if k not in after)]:
        old_row, new_row = before.get(key), after.get(key)
        row = new_row or old_row
        old_fields = old_row["fields"] if old_row else {}
        new_fields = new_row["fields"] if new_row else {}
        fields = []
        for name in dict.fromkeys([*new_fields, *old_fields]):
            if name in HIDDEN_FIELDS or old_fields.get(name) == new_fields.get(name):
                continue
            left, right = _mark(old_fields.get(name), new_fields.get(name))
            fields.append(FieldChange(name.replace("_", " "), left, right))
        if old_row is None:
            changes.append(RowChange("added", _label(row), fields))
        elif new_row is None:
            changes.append(RowChange("removed", _label(row), []))
        elif fields:
            changes.append(RowChange("changed", _label(row), fields))
    return changes
