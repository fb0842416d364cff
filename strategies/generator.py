"""Bulk, deterministic test content: many guides with strategies, exercises, prompts,
tags, authors and related guides, for measuring query counts and throughput.

Rows are inserted with `bulk_create` (a few queries per table, not one per row), so
`save()` does not run: HTML is rendered here, and the public cache version is bumped
at the end. Every generated slug starts with `<prefix>-`, which is how a later run
finds and replaces the previous one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.http_cache import bump_content_version
from core.markdown import render_markdown
from strategies.models import Exercise, Guide, GuideRelation, Person, Prompt, Strategy, Tag

WORDS = [
    "courage",
    "patience",
    "habit",
    "morning",
    "letter",
    "garden",
    "friend",
    "silence",
    "river",
    "practice",
    "breath",
    "promise",
    "kindness",
    "doubt",
    "anger",
    "calm",
    "focus",
    "gratitude",
    "effort",
    "patience",
    "story",
    "change",
    "window",
    "bridge",
    "season",
    "lesson",
    "family",
    "work",
    "rest",
    "music",
    "journey",
    "trust",
    "fear",
    "hope",
    "step",
    "balance",
    "healing",
    "growth",
    "meaning",
    "purpose",
    "light",
    "weight",
    "path",
    "door",
    "voice",
]
JOY_WORDS = ("joy", "joyful", "delight", "gladness")
BATCH_SIZE = 1000


@dataclass(frozen=True)
class GeneratedCounts:
    people: int
    tags: int
    guides: int
    strategies: int
    exercises: int
    prompts: int
    relations: int

    def __str__(self) -> str:
        return ", ".join(f"{value} {name}" for name, value in vars(self).items())


def _sentence(rng: random.Random, words: int = 12, *, joy: bool = False) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    if joy:
        chosen[rng.randrange(words)] = rng.choice(JOY_WORDS)
    return " ".join(chosen).capitalize() + "."


def _paragraphs(rng: random.Random, count: int, *, joy: bool = False) -> str:
    return "\n\n".join(
        " ".join(_sentence(rng, joy=joy and i == 0) for _ in range(3)) for i in range(count)
    )


def delete_generated(prefix: str) -> None:
    """Remove every row an earlier run made with this prefix (cascades to children)."""
    Guide.objects.filter(slug__startswith=f"{prefix}-").delete()
    Tag.objects.filter(slug__startswith=f"{prefix}-").delete()
    Person.objects.filter(slug__startswith=f"{prefix}-").delete()


@transaction.atomic
def generate(
    *,
    guides: int,
    strategies_per_guide: int = 4,
    exercises_per_strategy: int = 2,
    prompts_per_strategy: int = 2,
    related_per_guide: int = 3,
    tags: int = 30,
    people: int = 20,
    draft_ratio: float = 0.05,
    scheduled_ratio: float = 0.02,
    joy_ratio: float = 0.05,
    seed: int = 1,
    prefix: str = "gen",
) -> GeneratedCounts:
    """Replace the content generated under `prefix` with a fresh set."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable test data, not secrets
    now = timezone.now()
    delete_generated(prefix)

    authors = Person.objects.bulk_create(
        Person(name=f"Author {i}", slug=f"{prefix}-author-{i}", bio=_sentence(rng))
        for i in range(people)
    )
    topics = Tag.objects.bulk_create(
        Tag(name=f"{prefix} topic {i}", slug=f"{prefix}-topic-{i}") for i in range(tags)
    )

    guide_rows = []
    for i in range(guides):
        roll = rng.random()
        if roll < draft_ratio:
            status, published_at = Guide.Status.DRAFT, None
        elif roll < draft_ratio + scheduled_ratio:
            status, published_at = Guide.Status.PUBLISHED, now + timedelta(days=rng.randint(1, 60))
        else:
            status = Guide.Status.PUBLISHED
            published_at = now - timedelta(minutes=rng.randint(1, 3 * 365 * 24 * 60))
        body = _paragraphs(rng, 4, joy=rng.random() < joy_ratio)
        guide_rows.append(
            Guide(
                title=f"{_sentence(rng, 5)[:-1]} {i}",
                slug=f"{prefix}-guide-{i}",
                summary=_sentence(rng, 20),
                body_markdown=body,
                body_html=render_markdown(body),
                disclaimer_html=render_markdown(
                    Guide._meta.get_field("disclaimer_markdown").default
                ),
                author=rng.choice(authors) if authors else None,
                status=status,
                published_at=published_at,
            )
        )
    created_guides = Guide.objects.bulk_create(guide_rows, batch_size=BATCH_SIZE)

    Guide.tags.through.objects.bulk_create(
        (
            Guide.tags.through(guide_id=guide.pk, tag_id=tag.pk)
            for guide in created_guides
            for tag in rng.sample(topics, k=min(2, len(topics)))
        ),
        batch_size=BATCH_SIZE,
    )

    relations = []
    for guide in created_guides:
        others = rng.sample(created_guides, k=min(related_per_guide + 1, len(created_guides)))
        targets = [other for other in others if other.pk != guide.pk][:related_per_guide]
        relations.extend(
            GuideRelation(from_guide=guide, to_guide=target, position=position)
            for position, target in enumerate(targets, start=1)
        )
    GuideRelation.objects.bulk_create(relations, batch_size=BATCH_SIZE)

    strategy_rows = []
    for guide in created_guides:
        for position in range(1, strategies_per_guide + 1):
            joy = rng.random() < joy_ratio
            title = _sentence(rng, 3, joy=joy)[:-1].title()
            body = _paragraphs(rng, 2, joy=joy)
            strategy_rows.append(
                Strategy(
                    guide=guide,
                    position=position,
                    title=title,
                    slug=f"{guide.slug}-s{position}",
                    summary=_sentence(rng, 16, joy=joy),
                    body_markdown=body,
                    body_html=render_markdown(body),
                    smallest_step=_sentence(rng, 8),
                )
            )
    created_strategies = Strategy.objects.bulk_create(strategy_rows, batch_size=BATCH_SIZE)

    Strategy.tags.through.objects.bulk_create(
        (
            Strategy.tags.through(strategy_id=strategy.pk, tag_id=rng.choice(topics).pk)
            for strategy in created_strategies
            if topics
        ),
        batch_size=BATCH_SIZE,
    )

    exercise_rows, prompt_rows = [], []
    for strategy in created_strategies:
        for position in range(1, exercises_per_strategy + 1):
            instructions = _paragraphs(rng, 1)
            exercise_rows.append(
                Exercise(
                    strategy=strategy,
                    position=position,
                    title=_sentence(rng, 4)[:-1],
                    slug=f"{strategy.slug}-e{position}",
                    instructions_markdown=instructions,
                    instructions_html=render_markdown(instructions),
                    duration_minutes=rng.choice([5, 10, 15, 20, 30]),
                )
            )
        prompt_rows.extend(
            Prompt(strategy=strategy, position=position, text=_sentence(rng, 10)[:-1] + "?")
            for position in range(1, prompts_per_strategy + 1)
        )
    Exercise.objects.bulk_create(exercise_rows, batch_size=BATCH_SIZE)
    Prompt.objects.bulk_create(prompt_rows, batch_size=BATCH_SIZE)

    transaction.on_commit(bump_content_version)
    return GeneratedCounts(
        people=len(authors),
        tags=len(topics),
        guides=len(created_guides),
        strategies=len(created_strategies),
        exercises=len(exercise_rows),
        prompts=len(prompt_rows),
        relations=len(relations),
    )
