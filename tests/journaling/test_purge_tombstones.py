"""`manage.py purge_journal_tombstones`: old tombstones go, recent ones stay."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from procrastinate.contrib.django import app

from journaling.models import MemberChangeLock, Tombstone, TombstonePurge
from tests.journaling.factories import TombstoneFactory
from tests.workers import run_workers

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("purge_journal_tombstones", *args, stdout=out)
    return out.getvalue()


def test_purges_past_the_retention_and_records_each_members_watermark(member, other_member):
    now = timezone.now()
    old = TombstoneFactory(owner=member, deleted_at=now - timedelta(days=181))
    older = TombstoneFactory(owner=member, deleted_at=now - timedelta(days=400))
    recent = TombstoneFactory(owner=member, deleted_at=now - timedelta(days=179))
    TombstoneFactory(owner=other_member, deleted_at=now - timedelta(days=10))
    expected_through = max(
        Tombstone.objects.filter(pk__in=[old.pk, older.pk]).values_list("change_seq", flat=True)
    )

    assert "Deleted 2 tombstones" in run()

    assert list(Tombstone.objects.filter(owner=member)) == [recent]
    assert TombstonePurge.objects.get().purged_count == 2
    watermarks = dict(MemberChangeLock.objects.values_list("owner_id", "purged_through"))
    assert watermarks == {member.pk: expected_through, other_member.pk: 0}


def test_dry_run_and_nothing_to_do(member):
    TombstoneFactory(owner=member, deleted_at=timezone.now() - timedelta(days=30))
    assert "Would delete 1" in run("--days", "7", "--dry-run")
    assert Tombstone.objects.count() == 1
    assert "No tombstone" in run()
    assert not TombstonePurge.objects.exists()


def test_days_must_be_positive():
    with pytest.raises(CommandError):
        run("--days", "0")


def test_the_workers_purge_every_night(queue, member):
    from journaling import tasks

    old = TombstoneFactory(owner=member, deleted_at=timezone.now() - timedelta(days=181))
    recent = TombstoneFactory(owner=member, deleted_at=timezone.now() - timedelta(days=1))
    crons = {task.periodic_id: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert crons["purge_tombstones"] == "43 3 * * *"
    tasks.purge_tombstones.defer(timestamp=0)
    run_workers()
    assert list(Tombstone.objects.filter(owner=member)) == [recent]
    assert not Tombstone.objects.filter(pk=old.pk).exists()
    assert TombstonePurge.objects.get().purged_count == 1
