"""Saved items moved from `strategies` to `profiles` keep every row, id and all."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from profiles.models import SavedItem
from tests.accounts.factories import UserFactory
from tests.strategies.factories import GuideFactory, StrategyFactory

BEFORE = [("strategies", "0002_constraint_messages_for_editors"), ("profiles", None)]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_saved_rows_survive_the_move():
    member = UserFactory()
    guide = GuideFactory()
    strategy = StrategyFactory(guide=guide)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        saved = [uuid.uuid4(), uuid.uuid4()]
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO strategies_saveditem (id, owner_id, guide_id, strategy_id, "
                "created_at) VALUES (%s, %s, %s, NULL, now()), (%s, %s, NULL, %s, now())",
                [saved[0], member.pk, guide.pk, saved[1], member.pk, strategy.pk],
            )
    finally:
        _migrate(latest)

    rows = {item.pk: item for item in SavedItem.objects.filter(owner=member)}
    assert set(rows) == set(saved)
    assert (rows[saved[0]].type, rows[saved[0]].guide_id) == ("guide", guide.pk)
    assert (rows[saved[1]].type, rows[saved[1]].strategy_id) == ("strategy", strategy.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('strategies_saveditem')")
        assert cursor.fetchone() == (None,)
