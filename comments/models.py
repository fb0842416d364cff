"""Comments under guides: a moderated thread, one level of replies, and the notices
that tell a member someone answered.

A comment is written in a small Markdown subset and rendered once, on save, to
sanitised HTML (`core.markdown.render_member_markdown`). What the public sees is
decided by `status` alone (`comments.selectors`); how a comment gets there is in
`comments.moderation` and `comments.services`.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.markdown import render_member_markdown
from core.models import TimeStampedModel
from core.validators import validate_one_line
from strategies.models import Guide

BODY_MAX_LENGTH = 5000
REMOVED_TEXT = "[removed]"
# How long an author may edit a comment after writing it; then it is locked.
EDIT_WINDOW = timedelta(minutes=15)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ModerationMode(models.TextChoices):
    PRE = "pre", "Pre-moderation: every comment waits for an editor"
    POST = "post", "Post-moderation: published at once, hidden when flagged"


class ModerationSettings(models.Model):
    """The one row of moderation choices editors make in the admin."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    mode = models.CharField(
        max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    flag_threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="Post-moderation: a published comment is hidden for review after this "
        "many members have reported it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "moderation settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="comments_settings_singleton"),
            models.CheckConstraint(
                condition=Q(flag_threshold__gte=1), name="comments_settings_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return "Moderation settings"

    @classmethod
    def current(cls) -> ModerationSettings:
        return cls.objects.get_or_create(pk=cls.SINGLETON_ID)[0]


class WatchWordKind(models.TextChoices):
    REVIEW = "review", "Hold for review"
    DANGER = "danger", "Someone may be in danger: hold, show help, put first"


class WatchWord(models.Model):
    """A word or phrase that holds a comment for review wherever it appears (whole
    words, any case)."""

    phrase = models.CharField(max_length=100, validators=[validate_one_line])
    kind = models.CharField(
        max_length=6, choices=WatchWordKind.choices, default=WatchWordKind.REVIEW
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phrase", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"),
                name="comments_watchword_phrase_ci_unique",
                violation_error_message="This phrase is already on the list.",
            ),
        ]

    def __str__(self) -> str:
        return self.phrase


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Published"
    REJECTED = "rejected", "Rejected"
    HIDDEN = "hidden", "Hidden (flagged or by an editor)"
    REMOVED = "removed", "Removed (kept as [removed] for its replies)"


class HeldReason(models.TextChoices):
    PRE_MODERATION = "pre_moderation", "Every comment is reviewed first"
    FIRST_COMMENT = "first_comment", "A new member's first comment"
    WATCH_WORD = "watch_word", "Matches the watch-word list"
    FLAGGED = "flagged", "Reported by members"


class Comment(TimeStampedModel):
    """One comment under a guide, or a reply to one (`parent` is always a top-level
    comment: a reply to a reply attaches to its thread, naming whom it answers in
    `reply_to_name`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    guide = models.ForeignKey("strategies.Guide", on_delete=models.CASCADE, related_name="comments")
    strategy = models.ForeignKey(
        "strategies.Strategy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="The part of the guide this comment is about, if any.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # Null once the comment is removed, or its author's account deleted.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    reply_to_name = models.CharField(max_length=80, blank=True)
    body_markdown = models.TextField(max_length=BODY_MAX_LENGTH, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=8, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    held_reasons = models.JSONField(default=list, blank=True)
    watch_word_hits = models.JSONField(default=list, blank=True)
    danger = models.BooleanField(
        default=False, help_text="Matched a watch-word that suggests someone is in danger."
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["guide", "status", "created_at"], name="comments_guide_status_idx"
            ),
            models.Index(fields=["parent", "status", "created_at"], name="comments_parent_idx"),
            models.Index(fields=["status", "danger"], name="comments_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="removed") | (Q(body_markdown="") & Q(author__isnull=True)),
                name="comments_removed_is_empty",
            ),
        ]

    def __str__(self) -> str:
        text = REMOVED_TEXT if self.status == CommentStatus.REMOVED else self.body_markdown
        return text[:60] + ("…" if len(text) > 60 else "")

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_member_markdown(self.body_markdown)
        update_fields = kwargs.get("update_fields")
        if update_fields and "body_markdown" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    @property
    def editable_until(self) -> datetime:
        return self.created_at + EDIT_WINDOW


class Flag(models.Model):
    """A member's report of a comment; one per member and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_flags"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "member"], name="comments_flag_once"),
        ]

    def __str__(self) -> str:
        return f"Flag on {self.comment_id}"


class CommentingBlock(models.Model):
    """A member an editor stopped from commenting (their existing comments stay as
    moderated)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commenting_block"
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"Blocked member {self.member_id}"


class NoticePreference(models.Model):
    """A member's switch for reply notices, the token of the "no more reply notices"
    link, and when the last notice mail went (so a busy thread sends at most one an
    hour)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    reply_notices = models.BooleanField(default=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Notice preference of member {self.member_id}"


class ThreadFollow(models.Model):
    """A member follows a thread (a top-level comment and its replies): automatically
    when they comment in it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows"
    )
    thread = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="follows")
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="comments_follow_once"),
        ]

    def __str__(self) -> str:
        return f"Member {self.member_id} follows {self.thread_id}"


class ReplyNotice(models.Model):
    """An approved reply a follower is to be told about; sent in the member's next
    batch (`comments.notices`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reply_notices"
    )
    reply = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "reply"], name="comments_notice_once"),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(sent_at__isnull=True),
                name="comments_notice_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice to {self.recipient_id} of {self.reply_id}"


class ModerationQueueItem(Comment):
    """The moderation queue in the admin: comments waiting for an editor."""

    class Meta:
        proxy = True
        verbose_name = "comment to review"
        verbose_name_plural = "moderation queue"


class GuideCommentSummary(Guide):
    """Comment counts per guide, for the admin."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "comments per guide"
