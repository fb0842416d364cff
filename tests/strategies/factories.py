"""factory_boy factories for editorial content: tags, people, guides, strategies,
exercises and prompts."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from strategies.models import Exercise, Guide, Person, Prompt, Strategy, Tag


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"person-{n}")
    bio = "Writes and teaches."


class GuideFactory(factory.django.DjangoModelFactory):
    """A published, due guide unless told otherwise (`status`, `published_at`)."""

    class Meta:
        model = Guide

    title = factory.Sequence(lambda n: f"Guide {n}")
    slug = factory.Sequence(lambda n: f"guide-{n}")
    summary = "A short summary."
    body_markdown = "Some **body** text."
    author = factory.SubFactory(PersonFactory)
    status = Guide.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    guide = factory.SubFactory(GuideFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Strategy {n}")
    slug = factory.Sequence(lambda n: f"strategy-{n}")
    summary = "What this strategy is about."
    body_markdown = "How to *do* it."
    smallest_step = "Do one small thing."


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    strategy = factory.SubFactory(StrategyFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Exercise {n}")
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    instructions_markdown = "Step one, then step two."
    duration_minutes = 10


class PromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prompt

    strategy = factory.SubFactory(StrategyFactory)
    position = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"What would change if you tried {n}?")
