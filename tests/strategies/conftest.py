"""Fixtures for the strategies tests: an editor with content permissions, a small
content tree with one of everything, and bulk content for query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from strategies.generator import generate
from strategies.models import Guide, GuideRelation
from tests.accounts.factories import UserFactory
from tests.helpers import client_for
from tests.strategies.factories import (
    ExerciseFactory,
    GuideFactory,
    PromptFactory,
    StrategyFactory,
    TagFactory,
)


@pytest.fixture
def content_editor(db):
    """Staff with every permission on the strategies models, as editors are set up."""
    user = UserFactory(email="content-editor@example.com", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="strategies"))
    return user


@pytest.fixture
def content_editor_client(content_editor):
    return client_for(content_editor)


@pytest.fixture
def tree(db):
    """A public guide with two strategies, each with an exercise and a prompt; its
    related guides are one public, one draft and one scheduled for tomorrow."""
    tag = TagFactory(name="Therapy", slug="therapy")
    guide = GuideFactory(title="Public guide", slug="public-guide")
    guide.tags.add(tag)
    strategies = [
        StrategyFactory(guide=guide, position=position, slug=f"public-strategy-{position}")
        for position in (1, 2)
    ]
    for strategy in strategies:
        strategy.tags.add(tag)
        ExerciseFactory(strategy=strategy, slug=f"exercise-of-{strategy.slug}")
        PromptFactory(strategy=strategy)

    draft = GuideFactory(
        title="Draft guide", slug="draft-guide", status=Guide.Status.DRAFT, published_at=None
    )
    scheduled = GuideFactory(
        title="Scheduled guide",
        slug="scheduled-guide",
        published_at=timezone.now() + timedelta(days=1),
    )
    hidden_tag = TagFactory(name="Unreleased", slug="unreleased")
    for hidden in (draft, scheduled):
        hidden.tags.add(tag, hidden_tag)
        strategy = StrategyFactory(guide=hidden, slug=f"strategy-of-{hidden.slug}")
        strategy.tags.add(hidden_tag)
        ExerciseFactory(strategy=strategy, slug=f"exercise-of-{hidden.slug}")
        PromptFactory(strategy=strategy, text=f"A question of {hidden.slug}?")
    other = GuideFactory(title="Other public guide", slug="other-public-guide")
    StrategyFactory(guide=other, slug="other-strategy")
    for position, target in enumerate([draft, other, scheduled], start=1):
        GuideRelation.objects.create(from_guide=guide, to_guide=target, position=position)
    return {
        "guide": guide,
        "strategies": strategies,
        "draft": draft,
        "scheduled": scheduled,
        "other": other,
        "tag": tag,
        "hidden_tag": hidden_tag,
    }


@pytest.fixture
def bulk_content(db):
    """More than 100 public rows in every list (and some hidden ones)."""
    return generate(
        guides=125,
        strategies_per_guide=1,
        exercises_per_strategy=1,
        prompts_per_strategy=1,
        related_per_guide=3,
        tags=110,
        people=5,
        seed=7,
        prefix="qc",
    )
