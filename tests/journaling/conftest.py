"""Fixtures for the journal tests: a member's journal full of words no one else may
ever see."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from journaling.models import Commitment, EntryTag, JournalEntry, MemberTag, Tombstone
from tests.journaling.factories import (
    CommitmentFactory,
    JournalEntryFactory,
    MemberTagFactory,
    TombstoneFactory,
)
from tests.strategies.factories import ExerciseFactory

SECRET = "zanzibar-marmalade"


@dataclass
class Journal:
    entry: JournalEntry
    commitment: Commitment
    tag: MemberTag
    tombstone: Tombstone


@pytest.fixture
def exercise(db):
    return ExerciseFactory()


@pytest.fixture
def journal(member, exercise) -> Journal:
    """The member's journal; every text in it contains `SECRET`."""
    tag = MemberTagFactory(owner=member, name=f"{SECRET} tag")
    commitment = CommitmentFactory(
        owner=member,
        strategy=exercise.strategy,
        exercise=exercise,
        text=f"{SECRET} commitment",
    )
    entry = JournalEntryFactory(
        owner=member,
        title=f"{SECRET} title",
        body=f"Body about {SECRET}.",
        strategy=exercise.strategy,
        exercise=exercise,
        commitment=commitment,
        mood_before=3,
        mood_after=7,
        tags=[tag],
    )
    tombstone = TombstoneFactory(owner=member)
    return Journal(entry=entry, commitment=commitment, tag=tag, tombstone=tombstone)


def journal_snapshot() -> tuple:
    """Every journal row, to compare before and after a request that must change nothing."""
    return (
        list(JournalEntry.objects.order_by("id").values()),
        list(Commitment.objects.order_by("id").values()),
        list(MemberTag.objects.order_by("id").values()),
        list(EntryTag.objects.order_by("id").values()),
        list(Tombstone.objects.order_by("id").values()),
    )
