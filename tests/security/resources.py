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

from tests.factories import PASSWORD, GuideFactory, StrategyFactory, UserFactory


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
    from strategies.models import SavedItem

    item = SavedItem.objects.create(owner=world.owner, guide=world.guide)
    world.ids["saved_item"] = str(item.pk)
    world.other_guide = GuideFactory()


# One builder per app with private records; each adds to `world.ids`.
WORLD_BUILDERS: list[Callable[[World], None]] = [_saved_items]


@dataclass(frozen=True)
class Expectation:
    """The owner's status for one operation; `params` fills the path from the owner's
    records, `body` is a valid request body."""

    owner_status: int
    params: Callable[[World], dict[str, str]] | None = None
    body: Callable[[World], dict[str, Any]] | None = None


def _saved_item(world: World) -> dict[str, str]:
    return {"id": world.ids["saved_item"]}


EXPECTATIONS: dict[str, Expectation] = {
    # accounts
    "GET /api/v1/me/": Expectation(200),
    "PATCH /api/v1/me/": Expectation(200, body=lambda w: {"display_name": "Renamed"}),
    "DELETE /api/v1/me/": Expectation(204, body=lambda w: {"password": PASSWORD}),
    "GET /api/v1/me/export/": Expectation(200),
    "POST /api/v1/me/password/": Expectation(
        200, body=lambda w: {"password": PASSWORD, "new_password": "a brand new passphrase"}
    ),
    "POST /api/v1/auth/logout/": Expectation(204),
    "POST /api/v1/auth/logout-all/": Expectation(204),
    # strategies: saved items
    "GET /api/v1/me/saved/": Expectation(200),
    "POST /api/v1/me/saved/": Expectation(201, body=lambda w: {"guide": w.other_guide.slug}),
    "DELETE /api/v1/me/saved/{id}/": Expectation(204, params=_saved_item),
}

# Tables whose rows change on every authenticated request (knox refreshes a token's
# expiry) or hold no personal data of the owner.
VOLATILE_MODELS = {"knox.authtoken", "sessions.session", "admin.logentry"}


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
