"""A short, published thread under the sample guide for `make run`, so a newcomer sees
what a conversation looks like. Its writers are sample accounts that cannot sign in
(no usable password, addresses under `.invalid`). Every text is our own.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from comments.models import Comment, CommentStatus, ModerationSettings
from strategies.models import Guide, Strategy

GUIDE_SLUG = "four-things-to-do-when-therapy-isnt-working"
MEMBERS = {
    "ines": "Inès",
    "sam": "Sam",
    "kofi": "Kofi",
}
# (key, writer, replying to, strategy slug, text, days ago)
THREAD = [
    (
        "first",
        "ines",
        None,
        "take-action",
        (
            "The five-minute start worked for me this morning. I set a timer to tidy *one* "
            "shelf and ended up doing the whole room. The hard part was the first minute, "
            "not the other four."
        ),
        6,
    ),
    (
        "second",
        "sam",
        "first",
        None,
        (
            "Same here. I use it for emails I keep putting off: five minutes, then I am "
            "allowed to stop. I rarely stop."
        ),
        5,
    ),
    (
        "third",
        "kofi",
        "second",
        None,
        (
            "Thank you both. I tried it with a walk: five minutes out the door, and I came "
            "back forty minutes later feeling lighter."
        ),
        4,
    ),
]


def _member(key: str, name: str) -> tuple[User, bool]:
    email = f"sample-{key}@breakthrough.invalid"
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User(email=email, display_name=name, email_verified_at=timezone.now())
    user.set_unusable_password()
    user.save()
    return user, True


def load() -> int:
    created = int(ModerationSettings.objects.get_or_create(pk=ModerationSettings.SINGLETON_ID)[1])
    guide = Guide.objects.filter(slug=GUIDE_SLUG).first()
    if guide is None or Comment.objects.filter(guide=guide).exists():
        return created
    members = {}
    for key, name in MEMBERS.items():
        members[key], new = _member(key, name)
        created += new
    now = timezone.now()
    written: dict[str, Comment] = {}
    for key, writer, replying_to, strategy_slug, text, days_ago in THREAD:
        answered = written.get(replying_to) if replying_to else None
        thread = (answered.parent or answered) if answered else None
        strategy = (
            Strategy.objects.filter(guide=guide, slug=strategy_slug).first()
            if strategy_slug
            else (thread.strategy if thread else None)
        )
        comment = Comment.objects.create(
            guide=guide,
            strategy=strategy,
            parent=thread,
            author=members[writer],
            reply_to_name=answered.author.display_name if answered and answered.parent else "",
            body_markdown=text,
            status=CommentStatus.APPROVED,
            published_at=now - timedelta(days=days_ago),
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(days=days_ago))
        written[key] = comment
        created += 1
    return created
