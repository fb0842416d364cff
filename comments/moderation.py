"""Which comments wait for an editor, and why.

A self-help thread is also where someone in distress may write, so the rules lean to
holding: in pre-moderation everything waits; in post-moderation a comment is published
at once unless it is its author's first, or it matches the editors' watch-word list.
A watch-word of the "danger" kind also puts the comment first in the queue and makes the
API's answer to its author carry the help resources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from comments.models import (
    Comment,
    CommentStatus,
    HeldReason,
    ModerationMode,
    ModerationSettings,
    WatchWord,
    WatchWordKind,
)


@dataclass(frozen=True)
class Verdict:
    status: str
    held_reasons: list[str] = field(default_factory=list)
    watch_word_hits: list[str] = field(default_factory=list)
    danger: bool = False

    @property
    def held(self) -> bool:
        return self.status == CommentStatus.PENDING


def _pattern(phrase: str) -> re.Pattern[str]:
    # Whole words, any case, any run of spaces between the words of a phrase.
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def watch_word_hits(text: str) -> tuple[list[str], bool]:
    """The listed phrases `text` contains, and whether one of them is a danger sign."""
    hits, danger = [], False
    for word in WatchWord.objects.order_by("phrase", "id"):
        if word.phrase.strip() and _pattern(word.phrase).search(text):
            hits.append(word.phrase)
            danger = danger or word.kind == WatchWordKind.DANGER
    return hits, danger


def is_first_comment(author) -> bool:
    """A member with no published comment yet (anywhere) is new to the threads."""
    return not Comment.objects.filter(
        author=author, status=CommentStatus.APPROVED, published_at__isnull=False
    ).exists()


def judge(*, text: str, author, settings: ModerationSettings | None = None) -> Verdict:
    settings = settings or ModerationSettings.current()
    reasons: list[str] = []
    if settings.mode == ModerationMode.PRE:
        reasons.append(HeldReason.PRE_MODERATION)
    if is_first_comment(author):
        reasons.append(HeldReason.FIRST_COMMENT)
    hits, danger = watch_word_hits(text)
    if hits:
        reasons.append(HeldReason.WATCH_WORD)
    status = CommentStatus.PENDING if reasons else CommentStatus.APPROVED
    return Verdict(status=status, held_reasons=reasons, watch_word_hits=hits, danger=danger)
