"""The visibility race, played out with real concurrent transactions.

A sequence number is taken when a row is written but becomes visible only at commit.
If a member's second writer could take a higher number and commit first, a device
syncing in between would get a token past the first writer's number and miss it for
ever. The member's change lock makes the second writer wait; these tests hold
transactions open in threads to show the wait, and that the feed misses nothing.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from accounts.models import User
from journaling import services
from journaling.models import JournalEntry
from tests.accounts.factories import UserFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db(transaction=True)

FEED = "/api/v1/journal/changes/"
WAIT = 10


class HeldWrite(threading.Thread):
    """Creates an entry in a transaction that stays open until `release()`."""

    def __init__(self, owner_id: int, body: str) -> None:
        super().__init__(daemon=True)
        self.owner_id = owner_id
        self.body = body
        self.written = threading.Event()
        self.releasing = threading.Event()
        self.seq: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                owner = User.objects.get(pk=self.owner_id)
                entry, _ = services.entry_create(owner=owner, body=self.body)
                self.seq = JournalEntry.objects.get(pk=entry.pk).change_seq
                self.written.set()
                self.releasing.wait(WAIT)
        except BaseException as exc:  # reported to the test thread
            self.error = exc
            self.written.set()
        finally:
            connection.close()

    def release(self) -> None:
        self.releasing.set()
        self.join(WAIT)
        assert not self.is_alive()
        assert self.error is None, self.error


def feed_bodies(client, since: str) -> tuple[list[str], str]:
    page = client.get(f"{FEED}?since={since}").json()
    return [row["body"] for row in page["entries"]], page["next_token"]


def test_a_members_second_writer_waits_and_nothing_is_skipped():
    member = UserFactory()
    client = client_for(member)
    _, token = feed_bodies(client, "0")

    first = HeldWrite(member.pk, "first")
    first.start()
    assert first.written.wait(WAIT)
    second = HeldWrite(member.pk, "second")
    second.start()
    time.sleep(0.3)
    # The second writer cannot take a number while the first is uncommitted.
    assert not second.written.is_set()
    assert feed_bodies(client, token) == ([], token)

    first.release()
    assert second.written.wait(WAIT)
    assert second.seq > first.seq
    # The first is committed, the second is not: the token stops at the first.
    bodies, token_after_first = feed_bodies(client, token)
    assert bodies == ["first"]
    assert int(token_after_first) == first.seq

    second.release()
    bodies, _ = feed_bodies(client, token_after_first)
    assert bodies == ["second"]


def test_different_members_never_wait_for_each_other():
    member, other = UserFactory(), UserFactory()
    held = HeldWrite(member.pk, "held")
    held.start()
    assert held.written.wait(WAIT)
    try:
        free = HeldWrite(other.pk, "free")
        free.start()
        assert free.written.wait(2), "another member's write waited for this member's lock"
        free.release()
        # The other member's later number is visible first; the held member's feed,
        # read now, still cannot pass over the held write.
        other_bodies, _ = feed_bodies(client_for(other), "0")
        assert other_bodies == ["free"]
        member_bodies, member_token = feed_bodies(client_for(member), "0")
        assert member_bodies == []
    finally:
        held.release()
    assert feed_bodies(client_for(member), member_token)[0] == ["held"]
