"""Who may reach a journal: the owner, and no one else, on every route and method.

Anonymous requests get 401; another member and an editor get 404 for every id and
see none of the owner's rows in any list, filter, search, feed, insight or export;
none of those requests changes a row. Every answer is `private, no-store`.
"""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import client_for
from tests.journaling.conftest import SECRET, journal_snapshot

pytestmark = pytest.mark.django_db

ENTRY_BODY = {"title": "Overwritten", "body": "Overwritten.", "mood_before": 1}
COMMITMENT_BODY = {"text": "Overwritten"}
CHECK_IN_BODY = {"status": "done", "entry": {"body": "Overwritten."}}


def detail_requests(journal) -> list[tuple[str, str, dict | None]]:
    entry = f"/api/v1/journal/entries/{journal.entry.pk}/"
    commitment = f"/api/v1/journal/commitments/{journal.commitment.pk}/"
    return [
        ("get", entry, None),
        ("put", entry, ENTRY_BODY),
        ("patch", entry, ENTRY_BODY),
        ("delete", entry, None),
        ("get", commitment, None),
        ("put", commitment, COMMITMENT_BODY),
        ("patch", commitment, COMMITMENT_BODY),
        ("delete", commitment, None),
        ("post", f"{commitment}check-in/", CHECK_IN_BODY),
    ]


COLLECTION_REQUESTS = [
    ("get", "/api/v1/journal/entries/", None),
    ("post", "/api/v1/journal/entries/", ENTRY_BODY),
    ("get", "/api/v1/journal/commitments/", None),
    ("post", "/api/v1/journal/commitments/", COMMITMENT_BODY),
    ("get", "/api/v1/journal/changes/", None),
    ("get", "/api/v1/journal/insights/", None),
    ("get", "/api/v1/journal/export/?format=json", None),
    ("get", "/api/v1/journal/export/?format=markdown", None),
    ("get", "/api/v1/journal/export/?format=csv", None),
]

READS_OF_EVERYTHING = [
    "/api/v1/journal/entries/",
    f"/api/v1/journal/entries/?q={SECRET}",
    "/api/v1/journal/entries/?tag=zanzibar-marmalade%20tag",
    "/api/v1/journal/entries/?has_commitment=true",
    "/api/v1/journal/entries/?mood_after_min=7",
    "/api/v1/journal/commitments/",
    "/api/v1/journal/changes/",
    "/api/v1/journal/changes/?since=0&limit=1000",
    "/api/v1/journal/insights/?period=all",
    "/api/v1/journal/export/?format=json",
    "/api/v1/journal/export/?format=markdown",
    "/api/v1/journal/export/?format=csv",
]


def call(client, method: str, url: str, body: dict | None):
    return (
        getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    )


def content_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_anonymous_gets_401_everywhere_and_changes_nothing(api_client, journal):
    before = journal_snapshot()
    for method, url, body in [*COLLECTION_REQUESTS, *detail_requests(journal)]:
        response = call(api_client, method, url, body)
        assert response.status_code == 401, (method, url, response.status_code)
        assert response["Cache-Control"] == "private, no-store", (method, url)
        assert SECRET not in content_of(response)
    assert journal_snapshot() == before


@pytest.fixture(params=["other_member", "editor", "superuser"])
def outsider(request, db):
    if request.param == "superuser":
        from tests.accounts.factories import UserFactory

        return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    return request.getfixturevalue(request.param)


def test_outsider_gets_404_for_every_id_and_changes_nothing(outsider, journal):
    client = client_for(outsider)
    before = journal_snapshot()
    for method, url, body in detail_requests(journal):
        response = call(client, method, url, body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response["Cache-Control"] == "private, no-store"
        assert SECRET not in content_of(response)
    assert journal_snapshot() == before


def test_outsider_sees_nothing_of_the_owner_anywhere(outsider, journal):
    client = client_for(outsider)
    owner_ids = {
        str(journal.entry.pk),
        str(journal.commitment.pk),
        str(journal.tombstone.object_id),
    }
    for url in READS_OF_EVERYTHING:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Cache-Control"] == "private, no-store"
        text = content_of(response)
        assert SECRET not in text, url
        assert not any(owner_id in text for owner_id in owner_ids), url


def test_outsider_cannot_link_the_owners_commitment(other_client, journal):
    before = journal_snapshot()
    response = other_client.post(
        "/api/v1/journal/entries/",
        {"body": "Mine.", "commitment": str(journal.commitment.pk)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "commitment"
    assert journal_snapshot() == before


def test_outsider_reusing_the_owners_id_gets_a_conflict_that_reveals_nothing(other_client, journal):
    before = journal_snapshot()
    for url, body in [
        ("/api/v1/journal/entries/", {"id": str(journal.entry.pk), "body": "Mine."}),
        ("/api/v1/journal/commitments/", {"id": str(journal.commitment.pk), "text": "x"}),
    ]:
        payload = {**body, "strategy": journal.entry.strategy.slug}
        response = other_client.post(url, payload, format="json")
        assert response.status_code == 409, response.content
        assert response.json()["errors"][0]["code"] == "id_conflict"
        assert SECRET not in response.content.decode()
    assert journal_snapshot() == before


def test_unknown_and_malformed_ids_are_404(member_client, journal):
    for url in [
        f"/api/v1/journal/entries/{uuid.uuid4()}/",
        "/api/v1/journal/entries/not-a-uuid/",
        "/api/v1/journal/entries/0.5/",
        "/api/v1/journal/commitments/0.5/check-in/",
        f"/api/v1/journal/commitments/{uuid.uuid4()}/",
        f"/api/v1/journal/commitments/{uuid.uuid4()}/check-in/",
    ]:
        method = "post" if url.endswith("check-in/") else "get"
        response = getattr(member_client, method)(url, {"status": "done"}, format="json")
        assert response.status_code == 404, url
        assert response["Cache-Control"] == "private, no-store", url


def test_owner_reaches_every_route(member_client, journal):
    entry = f"/api/v1/journal/entries/{journal.entry.pk}/"
    commitment = f"/api/v1/journal/commitments/{journal.commitment.pk}/"
    expected = [
        ("get", "/api/v1/journal/entries/", None, 200),
        ("get", entry, None, 200),
        ("patch", entry, {"title": "New title"}, 200),
        ("put", entry, {"body": "All new."}, 200),
        ("get", "/api/v1/journal/commitments/", None, 200),
        ("get", commitment, None, 200),
        ("patch", commitment, {"text": "Smaller"}, 200),
        (
            "put",
            commitment,
            {"text": "Smaller still", "strategy": journal.entry.strategy.slug},
            200,
        ),
        ("post", f"{commitment}check-in/", {"status": "done"}, 200),
        ("get", "/api/v1/journal/changes/", None, 200),
        ("get", "/api/v1/journal/insights/", None, 200),
        ("get", "/api/v1/journal/export/", None, 200),
        ("post", "/api/v1/journal/entries/", {"body": "Another."}, 201),
        ("post", "/api/v1/journal/commitments/", {"strategy": journal.entry.strategy.slug}, 201),
        ("delete", entry, None, 204),
        ("delete", commitment, None, 204),
    ]
    for method, url, body, status in expected:
        response = call(member_client, method, url, body)
        assert response.status_code == status, (method, url, response.content)
        assert response["Cache-Control"] == "private, no-store"


def test_methods_not_offered_are_405(member_client, journal):
    assert member_client.put("/api/v1/journal/entries/", {}, format="json").status_code == 405
    assert member_client.post("/api/v1/journal/changes/", {}, format="json").status_code == 405
    check_in = f"/api/v1/journal/commitments/{journal.commitment.pk}/check-in/"
    assert member_client.get(check_in).status_code == 405


def test_a_session_write_to_an_unknown_path_is_a_json_404_not_a_csrf_page(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.delete("/api/v1/journal/unknown/thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
