"""factory_boy factories for comments: published comments by verified members."""

from __future__ import annotations

import factory
from django.utils import timezone

from comments.models import Comment, CommentStatus, ModerationMode, ModerationSettings, WatchWord
from tests.accounts.factories import UserFactory
from tests.strategies.factories import GuideFactory


class VerifiedMemberFactory(UserFactory):
    email_verified_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    """A published top-level comment unless told otherwise (`status`, `parent`)."""

    class Meta:
        model = Comment

    guide = factory.LazyAttribute(lambda o: o.parent.guide if o.parent else GuideFactory())
    parent = None
    author = factory.SubFactory(VerifiedMemberFactory)
    body_markdown = factory.Sequence(lambda n: f"Comment number {n}.")
    status = CommentStatus.APPROVED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == CommentStatus.APPROVED else None
    )


class WatchWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchWord

    phrase = factory.Sequence(lambda n: f"watchword{n}")


def moderation(mode: str = ModerationMode.POST, flag_threshold: int = 3) -> ModerationSettings:
    settings = ModerationSettings.current()
    settings.mode, settings.flag_threshold = mode, flag_threshold
    settings.save()
    return settings
