"""Writes on a member's profile."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from core.errors import DomainError
from profiles.models import MAX_INTERESTS, Interest, SavedItem
from strategies.models import Tag


class TooManyInterestsError(DomainError):
    default_code = "too_many"
    default_detail = f"Pick at most {MAX_INTERESTS} topics."


@transaction.atomic
def interests_set(*, owner: object, tags: Iterable[Tag]) -> list[Interest]:
    """Make the member's interests exactly `tags`: new ones are added, missing ones
    removed, kept ones keep their row (and the date they were first picked)."""
    wanted = {tag.pk: tag for tag in tags}
    if len(wanted) > MAX_INTERESTS:
        raise TooManyInterestsError(field="tags")
    current = Interest.objects.select_for_update().filter(owner=owner)
    current.exclude(tag_id__in=wanted).delete()
    kept = set(current.filter(tag_id__in=wanted).values_list("tag_id", flat=True))
    Interest.objects.bulk_create(
        [Interest(owner=owner, tag=tag) for pk, tag in wanted.items() if pk not in kept],
        ignore_conflicts=True,  # a second device sending the same list at once
    )
    return list(Interest.objects.filter(owner=owner).select_related("tag"))


def saved_item_create(
    *, owner: object, target_field: str, target: object
) -> tuple[SavedItem, bool]:
    """Save one guide, strategy, exercise or event once; saving it again returns the
    existing item (`created` is False)."""
    lookup = {"owner": owner, target_field: target}
    try:
        with transaction.atomic():
            return SavedItem.objects.get_or_create(**lookup)
    except IntegrityError:
        # Two devices saved the same thing at the same moment: the other one won.
        return SavedItem.objects.get(**lookup), False


def profile_erase(*, owner: object) -> None:
    """Everything this app holds about the member (account deletion)."""
    SavedItem.objects.filter(owner=owner).delete()
    Interest.objects.filter(owner=owner).delete()
