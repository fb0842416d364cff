"""Change tokens are the member's own: numbered per member, so they reveal nothing of
other members' activity, and a token the server never issued to this member (beyond
the member's last change) is refused with 410 instead of being echoed back, which
left the device waiting for changes it would never see."""

from __future__ import annotations

import pytest

from tests.journaling.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db

FEED = "/api/v1/journal/changes/"
ENTRIES = "/api/v1/journal/entries/"


def token(client, since: str | None = None) -> str:
    response = client.get(FEED + (f"?since={since}" if since else ""))
    assert response.status_code == 200, response.content
    return response.json()["next_token"]


def test_other_members_writes_do_not_move_my_tokens(member_client, other_client):
    member_client.post(ENTRIES, {"body": "one"}, format="json")
    first = token(member_client)
    for n in range(25):
        other_client.post(ENTRIES, {"body": f"theirs {n}"}, format="json")
    member_client.post(ENTRIES, {"body": "two"}, format="json")
    second = token(member_client, first)
    assert (first, second) == ("1", "2")


@pytest.mark.parametrize("beyond", [1, 2, 999_999_999_999])
def test_a_token_beyond_the_head_is_gone_not_echoed(member_client, member, beyond):
    JournalEntryFactory.create_batch(2, owner=member)
    head = int(token(member_client))
    response = member_client.get(f"{FEED}?since={head + beyond}")
    assert response.status_code == 410, response.content
    assert response.json()["errors"][0]["code"] == "change_token_unknown"
    assert response["Cache-Control"] == "private, no-store"
    assert token(member_client, str(head)) == str(head)


def test_a_member_without_a_journal_has_only_the_empty_token(member_client, other_member):
    JournalEntryFactory.create_batch(3, owner=other_member)
    assert token(member_client) == "0"
    assert member_client.get(f"{FEED}?since=3").status_code == 410
