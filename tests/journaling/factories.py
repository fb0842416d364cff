"""factory_boy factories for the journal. Rows made here skip the services (and so the
idempotency digest), but the database trigger still numbers every change."""

from __future__ import annotations

import factory

from journaling.models import Commitment, JournalEntry, MemberTag, Tombstone
from tests.accounts.factories import UserFactory


class MemberTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberTag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag {n}")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    owner = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Do small thing {n}")
    due_date = factory.Faker("date_between", start_date="-30d", end_date="today")


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Entry {n}")
    body = factory.Sequence(lambda n: f"Wrote some thoughts, number {n}.")
    entry_date = factory.Faker("date_between", start_date="-30d", end_date="today")

    @factory.post_generation
    def tags(self, create: bool, extracted: list[MemberTag] | None, **kwargs: object) -> None:
        if create and extracted:
            self.tags.add(*extracted)


class TombstoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tombstone

    owner = factory.SubFactory(UserFactory)
    kind = Tombstone.Kind.ENTRY
    object_id = factory.Faker("uuid4", cast_to=None)
