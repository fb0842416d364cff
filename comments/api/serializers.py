"""Serializers of the comments API. A comment's author is shown by display name and
avatar initial only: never an email, never an account id."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from comments.models import BODY_MAX_LENGTH, REMOVED_TEXT, Comment, CommentStatus, HeldReason
from comments.services import display_name
from core.serializers import RefuseUnknownFieldsMixin
from strategies.api.help import HelpSerializer


class _RefSerializer(serializers.Serializer):
    """`{slug, title, url}`, the one shape of a reference to public content."""

    view_name = ""

    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse(
            self.view_name, kwargs={"slug": obj.slug}, request=self.context.get("request")
        )


class CommentStrategyRefSerializer(_RefSerializer):
    view_name = "strategy-detail"


class CommentGuideRefSerializer(_RefSerializer):
    view_name = "guide-detail"


class CommentAuthorSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, help_text="The member's display name.")
    initial = serializers.CharField(read_only=True, help_text="One capital letter for an avatar.")


def _author(comment: Comment) -> dict | None:
    if comment.status == CommentStatus.REMOVED or comment.author_id is None:
        return None
    name = display_name(comment.author)
    return {"name": name, "initial": name[:1].upper()}


class _CommentFieldsSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    author = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    strategy = CommentStrategyRefSerializer(read_only=True, allow_null=True)
    reply_to_name = serializers.CharField(
        read_only=True,
        help_text="In a reply to a reply: the name of the member it answers (else empty).",
    )
    removed = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @extend_schema_field(CommentAuthorSerializer(allow_null=True))
    def get_author(self, comment: Comment) -> dict | None:
        """Null for a removed comment."""
        return _author(comment)

    def get_body_html(self, comment: Comment) -> str:
        """Sanitised HTML; `[removed]` for a comment taken back that has replies."""
        if comment.status == CommentStatus.REMOVED:
            return f"<p>{REMOVED_TEXT}</p>"
        return comment.body_html

    def get_removed(self, comment: Comment) -> bool:
        return comment.status == CommentStatus.REMOVED


class CommentReplySerializer(_CommentFieldsSerializer):
    pass


class CommentSerializer(_CommentFieldsSerializer):
    """A published thread: the top-level comment and its published replies, oldest
    first."""

    replies = serializers.SerializerMethodField()

    @extend_schema_field(CommentReplySerializer(many=True))
    def get_replies(self, comment: Comment) -> list[dict]:
        return CommentReplySerializer(
            getattr(comment, "public_replies", []), many=True, context=self.context
        ).data


class OwnCommentSerializer(_CommentFieldsSerializer):
    """The author's own view of what they wrote, whatever its status."""

    status = serializers.ChoiceField(choices=CommentStatus.choices, read_only=True)
    held_reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=HeldReason.choices),
        read_only=True,
        help_text="Why it waits for an editor (empty once published).",
    )
    parent = serializers.UUIDField(read_only=True, source="parent_id", allow_null=True)
    editable_until = serializers.DateTimeField(read_only=True)

    def get_removed(self, comment: Comment) -> bool:
        return False


class CommentWrittenSerializer(serializers.Serializer):
    """The answer to a new or edited comment: the comment as its author sees it, and,
    when what it says suggests its author may be in danger, where to find help now.
    The request bodies below inherit these read-only fields, so a client that sends
    back what it got is not refused for it (and changes nothing with it)."""

    comment = OwnCommentSerializer(read_only=True)
    detail = serializers.CharField(read_only=True)
    help = HelpSerializer(read_only=True, allow_null=True)


class CommentWriteSerializer(RefuseUnknownFieldsMixin, CommentWrittenSerializer):
    body = serializers.CharField(
        max_length=BODY_MAX_LENGTH,
        write_only=True,
        help_text=f"Markdown (paragraphs, emphasis, links, lists, quotes, code), up to "
        f"{BODY_MAX_LENGTH} characters. Headings, tables, images and raw HTML are removed.",
    )
    strategy = serializers.SlugField(
        required=False,
        allow_null=True,
        write_only=True,
        max_length=200,
        help_text="The slug of the guide's strategy this comment is about. A reply takes "
        "its thread's.",
    )
    parent = serializers.UUIDField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="The id of the published comment this answers. A reply to a reply joins "
        "the same thread and names whom it answers.",
    )


class CommentEditSerializer(RefuseUnknownFieldsMixin, CommentWrittenSerializer):
    body = serializers.CharField(
        max_length=BODY_MAX_LENGTH, write_only=True, help_text="The new Markdown text."
    )


class CommentFlagSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)


class FollowedThreadSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True, source="thread_id")
    guide = CommentGuideRefSerializer(read_only=True, source="thread.guide")
    excerpt = serializers.SerializerMethodField()
    followed_at = serializers.DateTimeField(read_only=True, source="created_at")

    def get_excerpt(self, follow) -> str:
        """The first words of the thread's opening comment."""
        thread = follow.thread
        if thread.status == CommentStatus.REMOVED:
            return REMOVED_TEXT
        text = " ".join(thread.body_markdown.split())
        return text if len(text) <= 120 else text[:119] + "…"


class JSONBooleanField(serializers.BooleanField):
    """`true` or `false` only (DRF's own field also takes 0, 1, "yes" and "on")."""

    def to_internal_value(self, data: object) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        return False  # unreachable: fail() raises


class NotificationSettingsSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    reply_notices = JSONBooleanField(
        help_text="Email me when a reply is published in a thread I follow (at most one "
        "mail an hour)."
    )
    threads = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=1000,
        write_only=True,
        help_text="PUT: the ids of exactly the threads to follow (leave out to keep them "
        "as they are). A thread not followed yet must be a published top-level comment.",
    )
    followed_threads = FollowedThreadSerializer(many=True, read_only=True)


class CommentUnsubscribeSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=200,
        required=False,
        help_text="The token of the link in a reply notice. A one-click unsubscribe "
        "(RFC 8058) sends it in the query string instead, with the form body "
        "`List-Unsubscribe=One-Click`.",
    )


class CommentUnsubscribedSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
    scope = serializers.ChoiceField(
        choices=[("thread", "thread"), ("all", "all")],
        read_only=True,
        help_text="`thread`: no more notices of that thread; `all`: no more reply notices.",
    )
