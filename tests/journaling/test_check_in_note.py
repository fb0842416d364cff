"""A check-in's note: named `note` in the request and the response, and kept by a
later check-in that does not send one."""

from __future__ import annotations

import pytest

from tests.journaling.factories import CommitmentFactory
from tests.strategies.factories import StrategyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/journal/commitments/"


def check_in(client, commitment, body):
    response = client.post(f"{URL}{commitment.pk}/check-in/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["commitment"]


def test_a_second_check_in_without_a_note_keeps_the_first_note(member_client, member):
    commitment = CommitmentFactory(owner=member, strategy=StrategyFactory())
    first = check_in(member_client, commitment, {"status": "partly", "note": "Ten minutes."})
    assert first["note"] == "Ten minutes."
    assert "check_in_note" not in first

    second = check_in(member_client, commitment, {"status": "done", "entry": {"body": "Done."}})
    assert (second["status"], second["note"]) == ("done", "Ten minutes.")
    detail = member_client.get(f"{URL}{commitment.pk}/").json()
    assert detail["note"] == "Ten minutes."


def test_an_empty_note_clears_it(member_client, member):
    commitment = CommitmentFactory(owner=member, strategy=StrategyFactory())
    check_in(member_client, commitment, {"status": "done", "note": "Ten minutes."})
    cleared = check_in(member_client, commitment, {"status": "done", "note": ""})
    assert cleared["note"] == ""
    assert cleared["version"] == 3


def test_repeating_a_check_in_without_a_note_changes_nothing(member_client, member):
    commitment = CommitmentFactory(owner=member, strategy=StrategyFactory())
    first = check_in(member_client, commitment, {"status": "done", "note": "Ten minutes."})
    again = check_in(member_client, commitment, {"status": "done"})
    assert again["version"] == first["version"]
    assert again["checked_in_at"] == first["checked_in_at"]
