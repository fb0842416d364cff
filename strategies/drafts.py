"""Drafts of live guides: changes to a guide and everything in it (strategies,
exercises, prompts, related guides, sources) kept aside until an editor publishes them,
now or at a time, while the public goes on seeing the live version.

A draft is a *snapshot*: the whole tree as Django's serializer writes it (the format
django-reversion stores too). The admin makes one by running its ordinary save inside
a transaction that is then rolled back (`rolled_back()`), taking the snapshot just
before: every validation rule and the Markdown rendering of a real save apply, and
nothing of it reaches the database. Rows the draft adds keep the ids they were given
there: PostgreSQL never hands out a sequence value twice, rolled back or not, so
applying the snapshot again (to show the draft, to preview it, to publish it) recreates
the same rows, and forms rendered from a draft stay valid.

Publishing applies the snapshot for good, in one transaction, as one revision of the
history (`strategies.history`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import reversion
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from strategies.models import (
    Exercise,
    Guide,
    GuideDraft,
    GuideRelation,
    GuideSource,
    Prompt,
    Strategy,
)

# Stored by the database, never written back.
NOT_SERIALIZED = {"search_vector"}

Snapshot = list[dict]


def _serialize(objects: list[models.Model]) -> Snapshot:
    rows = serializers.serialize("python", objects)
    for row in rows:
        for name in NOT_SERIALIZED:
            row["fields"].pop(name, None)
    # JSON-safe values (dates, times, decimals) for the JSONField.
    return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))


def tree_objects(guide: Guide) -> list[models.Model]:
    """The guide and every row it owns, parents before children."""
    strategies = list(Strategy.objects.filter(guide=guide).order_by("position", "id"))
    return [
        Guide.objects.get(pk=guide.pk),
        *strategies,
        *Exercise.objects.filter(strategy__guide=guide).order_by("strategy_id", "position", "id"),
        *Prompt.objects.filter(strategy__guide=guide).order_by("strategy_id", "position", "id"),
        *GuideRelation.objects.filter(from_guide=guide).order_by("position", "id"),
        *GuideSource.objects.filter(guide=guide).order_by("position", "id"),
    ]


def snapshot_of(guide: Guide) -> Snapshot:
    """The guide's tree as it is in the database now (inside a draft's savepoint, the
    draft)."""
    return _serialize(tree_objects(guide))


def apply_snapshot(guide: Guide, snapshot: Snapshot) -> None:
    """Make the guide's tree what the snapshot says: rows it lacks are deleted, the
    others written (created with their ids where missing). Call inside a transaction."""
    keep = {(row["model"], row["pk"]) for row in snapshot}
    for obj in reversed(tree_objects(guide)[1:]):
        if (obj._meta.label_lower, obj.pk) not in keep:
            obj.delete()
    for deserialized in serializers.deserialize("python", snapshot):
        deserialized.save()


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone at the end (a savepoint inside a request's
    transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def draft_applied(draft: GuideDraft | None) -> Iterator[None]:
    """Inside, the database shows the draft (if any); afterwards, nothing happened."""
    with rolled_back():
        if draft is not None:
            apply_snapshot(draft.guide, draft.snapshot)
        yield


def draft_publish(*, draft: GuideDraft, user=None, comment: str = "") -> Guide:
    """The draft becomes the live version, as one revision of the guide's history."""
    guide = draft.guide
    with transaction.atomic(), reversion.create_revision():
        apply_snapshot(guide, draft.snapshot)
        guide.refresh_from_db()
        reversion.add_to_revision(guide)
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment or "Published the draft.")
        draft.delete()
    return guide


def publish_due_drafts(now: datetime | None = None) -> int:
    """Publish every draft whose time has come; returns how many."""
    published = 0
    for draft_id in GuideDraft.objects.due(now).values_list("pk", flat=True):
        with transaction.atomic():
            draft = (
                GuideDraft.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("guide", "saved_by")
                .filter(pk=draft_id)
                .first()
            )
            if draft is None:
                continue  # another worker has it, or it was discarded
            when = timezone.localtime(draft.publish_at, timezone.get_fixed_timezone(0))
            draft_publish(
                draft=draft,
                user=draft.saved_by,
                comment=f"Published the draft scheduled for {when:%Y-%m-%d %H:%M} UTC.",
            )
            published += 1
    return published
