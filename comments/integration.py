"""What the comments app plugs into the rest of the project, from `ready()`: the
personal-data export and account deletion (the member's comments, the threads they
follow, their reports and their notice switch).

Comments do not use `track_content_models`: most writes (a held comment, a report) change
nothing the public sees, so `comments.services` renews the public content version only
when a published comment appears, changes or goes.
"""

from __future__ import annotations

from rest_framework import serializers

from accounts import personal_data
from comments import services
from comments.models import Comment, CommentStatus, Flag, NoticePreference, ThreadFollow


class CommentExportSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    guide = serializers.CharField(help_text="The guide's slug.")
    strategy = serializers.CharField(allow_null=True)
    parent = serializers.UUIDField(allow_null=True)
    body_markdown = serializers.CharField()
    status = serializers.ChoiceField(choices=CommentStatus.choices)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class FollowExportSerializer(serializers.Serializer):
    thread = serializers.UUIDField()
    guide = serializers.CharField()
    followed_at = serializers.DateTimeField()


class CommentsExportSerializer(serializers.Serializer):
    comments = CommentExportSerializer(many=True)
    followed_threads = FollowExportSerializer(many=True)
    reported_comments = serializers.ListField(child=serializers.UUIDField())
    reply_notices = serializers.BooleanField()


def export_member_data(user) -> dict:
    comments = (
        Comment.objects.filter(author=user)
        .select_related("guide", "strategy")
        .order_by("created_at", "id")
    )
    follows = ThreadFollow.objects.filter(member=user).select_related("thread__guide")
    preference = NoticePreference.objects.filter(member=user).first()
    data = {
        "comments": [
            {
                "id": c.pk,
                "guide": c.guide.slug,
                "strategy": c.strategy.slug if c.strategy else None,
                "parent": c.parent_id,
                "body_markdown": c.body_markdown,
                "status": c.status,
                "created_at": c.created_at,
                "edited_at": c.edited_at,
            }
            for c in comments
        ],
        "followed_threads": [
            {"thread": f.thread_id, "guide": f.thread.guide.slug, "followed_at": f.created_at}
            for f in follows.order_by("created_at", "id")
        ],
        "reported_comments": list(
            Flag.objects.filter(member=user)
            .order_by("created_at", "id")
            .values_list("comment_id", flat=True)
        ),
        "reply_notices": preference.reply_notices if preference else True,
    }
    return CommentsExportSerializer(data).data


def register() -> None:
    personal_data.register(
        personal_data.PersonalDataSection(
            key="comments",
            schema=CommentsExportSerializer,
            export=export_member_data,
            erase=services.member_erase,
        )
    )
