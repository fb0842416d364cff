"""Who owns what: the explicit half of the access matrix.

`build_world()` gives the owner one record of every private kind (and marks each with a
secret string that must never reach anyone else). `EXPECTATIONS` says, for every
operation that refuses anonymous requests, what its owner gets and which of the owner's
records its path names. `test_every_private_operation_has_an_expectation` fails for a
private operation missing here, so a new route cannot slip past the matrix.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from tests.accounts.factories import PASSWORD, UserFactory
from tests.strategies.factories import GuideFactory, StrategyFactory, TagFactory


@dataclass
class World:
    owner: Any
    other: Any
    staff: Any
    ids: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)

    def secret(self, label: str) -> str:
        value = f"{label}-{secrets.token_hex(6)}"
        self.secrets.append(value)
        return value


def build_world() -> World:
    world = World(
        owner=UserFactory(email="owner@example.com"),
        other=UserFactory(email="stranger@example.com"),
        staff=UserFactory(email="staff@example.com", is_staff=True, is_superuser=True),
    )
    world.owner.display_name = world.secret("owner-name")
    world.owner.save(update_fields=["display_name"])
    world.secrets.append(world.owner.email)
    world.guide = GuideFactory()
    world.strategy = StrategyFactory(guide=world.guide)
    for builder in WORLD_BUILDERS:
        builder(world)
    return world


def _saved_items(world: World) -> None:
    from profiles.models import Interest, SavedItem

    item = SavedItem.objects.create(owner=world.owner, guide=world.guide)
    world.ids["saved_item"] = str(item.pk)
    world.secrets.append(str(item.pk))
    world.other_guide = GuideFactory()
    # A topic only the owner picked, named so that any leak of it shows.
    world.interest_tag = TagFactory(name=world.secret("owner-interest"))
    Interest.objects.create(owner=world.owner, tag=world.interest_tag)
    world.public_tag = TagFactory()


def _journal(world: World) -> None:
    from tests.journaling.factories import (
        CommitmentFactory,
        JournalEntryFactory,
        MemberTagFactory,
    )

    tag = MemberTagFactory(owner=world.owner, name=world.secret("owner-tag"))
    entry = JournalEntryFactory(
        owner=world.owner,
        title=world.secret("owner-title"),
        body=world.secret("owner-body"),
        tags=[tag],
    )
    commitment = CommitmentFactory(owner=world.owner, text=world.secret("owner-commitment"))
    world.ids.update(entry=str(entry.pk), commitment=str(commitment.pk))
    world.secrets += [str(entry.pk), str(commitment.pk)]


def _events(world: World) -> None:
    from tests.events.factories import CalendarFeedFactory, EventFactory, ReminderFactory

    world.event = EventFactory()
    reminder = ReminderFactory(owner=world.owner, event=world.event, minutes_before=60)
    feed = CalendarFeedFactory(owner=world.owner)
    world.ids.update(reminder=str(reminder.pk), feed_token=feed.token)
    world.secrets += [feed.token]


def _devices(world: World) -> None:
    from accounts.services import issue_token

    instance, _ = issue_token(user=world.owner, device=world.secret("owner-device"))
    world.ids["device"] = str(instance.device.pk)
    world.secrets.append(str(instance.device.pk))


def _home(world: World) -> None:
    """What the owner's home screen shows and nobody else's may: a commitment due today
    and an entry written on this date last year."""
    from django.utils import timezone

    from tests.journaling.factories import CommitmentFactory, JournalEntryFactory

    today = timezone.localdate()
    CommitmentFactory(owner=world.owner, text=world.secret("owner-today"), due_date=today)
    JournalEntryFactory(
        owner=world.owner,
        body=world.secret("owner-last-year"),
        entry_date=today.replace(year=today.year - 1, day=min(today.day, 28)),
    )


def _newsletter(world: World) -> None:
    from tests.newsletter.factories import SubscriberFactory

    subscriber = SubscriberFactory(email=world.owner.email, user=world.owner)
    world.secrets.append(subscriber.unsubscribe_token)


def _comments(world: World) -> None:
    """The owner (verified, and known to the threads) wrote a comment a minute ago that
    is still waiting for an editor; a third member wrote a published one the owner may
    report."""
    from django.utils import timezone

    from comments.models import CommentStatus
    from tests.comments.factories import CommentFactory, VerifiedMemberFactory

    world.owner.email_verified_at = timezone.now()
    world.owner.save(update_fields=["email_verified_at"])
    CommentFactory(author=world.owner, guide=world.guide)
    held = CommentFactory(
        author=world.owner,
        guide=world.guide,
        status=CommentStatus.PENDING,
        body_markdown=world.secret("owner-held-comment"),
    )
    world.ids["comment"] = str(held.pk)
    world.public_comment = CommentFactory(guide=world.guide, author=VerifiedMemberFactory())


# One builder per app with private records; each adds to `world.ids` and `world.secrets`.
WORLD_BUILDERS: list[Callable[[World], None]] = [
    _saved_items,
    _journal,
    _events,
    _devices,
    _home,
    _newsletter,
    _comments,
]


@dataclass(frozen=True)
class Expectation:
    """The owner's status for one operation; `params` fills the path from the owner's
    records, `body` is a valid request body."""

    owner_status: int
    params: Callable[[World], dict[str, str]] | None = None
    body: Callable[[World], dict[str, Any]] | None = None
    # The path names a public record (an event), not one of the owner's: anyone may
    # act on it for themselves, so a stranger gets no 404 there.
    public_path: bool = False


def _ids(name: str, key: str = "id") -> Callable[[World], dict[str, str]]:
    return lambda world: {key: world.ids[name]}


def _event(world: World) -> dict[str, str]:
    return {"slug": world.event.slug}


def _own_comment(world: World) -> dict[str, str]:
    return {"slug": world.guide.slug, "id": world.ids["comment"]}


def _public_comment(world: World) -> dict[str, str]:
    return {"slug": world.guide.slug, "id": str(world.public_comment.pk)}


ENTRY_BODY = {"title": "Rewritten", "body": "Rewritten words.", "mood_before": 3}
COMMITMENT_BODY = {"text": "Walk for five minutes", "due_date": "2026-01-15"}

EXPECTATIONS: dict[str, Expectation] = {
    # accounts
    "GET /api/v1/me/": Expectation(200),
    "PATCH /api/v1/me/": Expectation(200, body=lambda w: {"display_name": "Renamed"}),
    "DELETE /api/v1/me/": Expectation(204, body=lambda w: {"password": PASSWORD}),
    "POST /api/v1/me/delete/": Expectation(204, body=lambda w: {"password": PASSWORD}),
    "GET /api/v1/me/export/": Expectation(200),
    "POST /api/v1/me/password/": Expectation(
        200, body=lambda w: {"password": PASSWORD, "new_password": "a brand new passphrase"}
    ),
    "POST /api/v1/me/email/": Expectation(
        202, body=lambda w: {"email": "moving@example.com", "password": PASSWORD}
    ),
    "POST /api/v1/auth/verify-email/resend/": Expectation(202),
    "POST /api/v1/auth/logout/": Expectation(204),
    "POST /api/v1/auth/logout-all/": Expectation(204),
    "GET /api/v1/me/devices/": Expectation(200),
    "DELETE /api/v1/me/devices/{id}/": Expectation(204, params=_ids("device")),
    # profiles: saved items, interests, recommendations, home
    "GET /api/v1/me/saved/": Expectation(200),
    "POST /api/v1/me/saved/": Expectation(201, body=lambda w: {"guide": w.other_guide.slug}),
    "GET /api/v1/me/saved/{id}/": Expectation(200, params=_ids("saved_item")),
    "DELETE /api/v1/me/saved/{id}/": Expectation(204, params=_ids("saved_item")),
    "GET /api/v1/me/saved/lookup/": Expectation(200),
    "GET /api/v1/me/interests/": Expectation(200),
    "PUT /api/v1/me/interests/": Expectation(200, body=lambda w: {"tags": [w.public_tag.slug]}),
    "GET /api/v1/me/recommendations/": Expectation(200),
    "GET /api/v1/me/home/": Expectation(200),
    # journaling
    "GET /api/v1/journal/entries/": Expectation(200),
    "POST /api/v1/journal/entries/": Expectation(201, body=lambda w: dict(ENTRY_BODY)),
    "GET /api/v1/journal/entries/{id}/": Expectation(200, params=_ids("entry")),
    "PUT /api/v1/journal/entries/{id}/": Expectation(
        200, params=_ids("entry"), body=lambda w: dict(ENTRY_BODY)
    ),
    "PATCH /api/v1/journal/entries/{id}/": Expectation(
        200, params=_ids("entry"), body=lambda w: {"mood_after": 7}
    ),
    "DELETE /api/v1/journal/entries/{id}/": Expectation(204, params=_ids("entry")),
    "GET /api/v1/journal/commitments/": Expectation(200),
    "POST /api/v1/journal/commitments/": Expectation(
        201, body=lambda w: {**COMMITMENT_BODY, "strategy": w.strategy.slug}
    ),
    "GET /api/v1/journal/commitments/{id}/": Expectation(200, params=_ids("commitment")),
    "PUT /api/v1/journal/commitments/{id}/": Expectation(
        200,
        params=_ids("commitment"),
        body=lambda w: {**COMMITMENT_BODY, "strategy": w.strategy.slug},
    ),
    "PATCH /api/v1/journal/commitments/{id}/": Expectation(
        200, params=_ids("commitment"), body=lambda w: {"text": "Walk for ten minutes"}
    ),
    "DELETE /api/v1/journal/commitments/{id}/": Expectation(204, params=_ids("commitment")),
    "POST /api/v1/journal/commitments/{id}/check-in/": Expectation(
        200,
        params=_ids("commitment"),
        body=lambda w: {"status": "done", "entry": {"body": "Did it, briefly."}},
    ),
    "GET /api/v1/journal/changes/": Expectation(200),
    "GET /api/v1/journal/insights/": Expectation(200),
    "GET /api/v1/journal/export/": Expectation(200),
    # events: reminders and the private calendar feed
    "POST /api/v1/events/{slug}/reminders/": Expectation(
        201, params=_event, body=lambda w: {"minutes_before": 15}, public_path=True
    ),
    "GET /api/v1/me/reminders/": Expectation(200),
    "GET /api/v1/me/reminders/{id}/": Expectation(200, params=_ids("reminder")),
    "DELETE /api/v1/me/reminders/{id}/": Expectation(204, params=_ids("reminder")),
    "GET /api/v1/me/calendar-feed/": Expectation(200),
    # newsletter: the member's own subscription
    "GET /api/v1/me/newsletter/": Expectation(200),
    "PUT /api/v1/me/newsletter/": Expectation(200, body=lambda w: {"subscribed": False}),
    "POST /api/v1/me/calendar-feed/": Expectation(200),
    "DELETE /api/v1/me/calendar-feed/": Expectation(204),
    # comments: writing under a public guide, one's own comments, reports, notices
    "POST /api/v1/guides/{slug}/comments/": Expectation(
        202,
        params=lambda w: {"slug": w.guide.slug},
        body=lambda w: {"body": "A second thought"},
        public_path=True,
    ),
    "GET /api/v1/guides/{slug}/comments/{id}/": Expectation(200, params=_own_comment),
    "PATCH /api/v1/guides/{slug}/comments/{id}/": Expectation(
        202, params=_own_comment, body=lambda w: {"body": "Put better"}
    ),
    "DELETE /api/v1/guides/{slug}/comments/{id}/": Expectation(204, params=_own_comment),
    "POST /api/v1/guides/{slug}/comments/{id}/flag/": Expectation(
        200, params=_public_comment, public_path=True
    ),
    "GET /api/v1/me/notifications/": Expectation(200),
    "PUT /api/v1/me/notifications/": Expectation(
        200, body=lambda w: {"reply_notices": False, "threads": []}
    ),
}


# Tables whose rows change on every authenticated request (knox refreshes a token's
# expiry), come and go with tokens (a device per token), or hold no personal data of
# the owner.
VOLATILE_MODELS = {"knox.authtoken", "accounts.device", "sessions.session", "admin.logentry"}


def _row(values: dict[str, Any]) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in values.items()))


def personal_rows(user: Any) -> dict[str, list[tuple]]:
    """Every row that points at `user` through a foreign key, in every model of every
    app (so a new app's private tables are covered without an edit here), plus the
    user row and the user's tokens."""
    user_model = get_user_model()
    rows: dict[str, list[tuple]] = {
        "user": [_row(user_model._base_manager.filter(pk=user.pk).values().first() or {})]
    }
    for model in apps.get_models():
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is user_model:
                key = f"{model._meta.label_lower}.{fk.name}"
                query = model._base_manager.filter(**{fk.name: user.pk}).values()
                rows[key] = sorted(_row(values) for values in query)
    return rows


def table_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in VOLATILE_MODELS and model is not Session
    }
