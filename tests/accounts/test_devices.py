"""Device tokens: `Authorization: Bearer` works like `Token`, and a member can list
their live tokens (`GET /api/v1/me/devices/`) and revoke one of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

DEVICES = "/api/v1/me/devices/"


def login(client: APIClient, email: str, **extra) -> str:
    response = client.post(
        "/api/v1/auth/login/", {"email": email, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "Token"])
def test_both_schemes_authenticate(api_client, member, scheme):
    token = login(api_client, member.email)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {token}")
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer a b"])
def test_a_bad_bearer_header_is_401(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    assert api_client.get("/api/v1/me/").status_code == 401


def test_devices_lists_live_tokens_with_their_labels(api_client, member):
    phone = login(api_client, member.email, device="Ada's phone")
    laptop_client = APIClient(HTTP_USER_AGENT="Breakthrough/2.1 (Android 14)")
    login(laptop_client, member.email)
    expired = login(api_client, member.email, device="Old tablet")
    AuthToken.objects.filter(token_key=expired[:15]).update(
        expiry=timezone.now() - timedelta(minutes=1)
    )

    response = bearer(phone).get(DEVICES)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows = response.json()["results"]
    assert [row["device"] for row in rows] == ["Breakthrough/2.1 (Android 14)", "Ada's phone"]
    current = rows[1]
    assert set(current) == {"id", "device", "created_at", "last_used_at", "expires_at", "current"}
    assert (current["current"], rows[0]["current"]) == (True, False)
    assert current["created_at"].endswith("Z")
    assert current["expires_at"] > current["last_used_at"] >= current["created_at"][:16]
    for row in rows:
        assert row["id"] not in phone
        assert phone[:15] not in response.content.decode()


def test_revoking_a_device_logs_it_out(api_client, member, other_member):
    phone = login(api_client, member.email, device="Phone")
    laptop = login(api_client, member.email, device="Laptop")
    stranger = bearer(login(api_client, other_member.email))
    rows = bearer(laptop).get(DEVICES).json()["results"]
    phone_id = next(row["id"] for row in rows if row["device"] == "Phone")

    assert stranger.delete(f"{DEVICES}{phone_id}/").status_code == 404
    assert bearer(phone).get("/api/v1/me/").status_code == 200
    assert bearer(laptop).delete(f"{DEVICES}{phone_id}/").status_code == 204
    assert bearer(phone).get("/api/v1/me/").status_code == 401
    assert bearer(laptop).get("/api/v1/me/").status_code == 200
    assert bearer(laptop).delete(f"{DEVICES}{phone_id}/").status_code == 404


def test_a_device_label_is_at_most_100_characters(api_client, member):
    response = api_client.post(
        "/api/v1/auth/login/",
        {"email": member.email, "password": PASSWORD, "device": "x" * 101},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "device"


@pytest.mark.parametrize("count", [2, 12])
def test_listing_devices_takes_a_fixed_number_of_queries(
    api_client, member, django_assert_max_num_queries, count
):
    from accounts.services import issue_token

    # Through the service: the login rate would stop a dozen logins in a row.
    tokens = [issue_token(user=member, device=f"Device {n}")[1] for n in range(count)]
    client = bearer(tokens[-1])
    # The token with its user, the member's other tokens (knox), the page (no count).
    with django_assert_max_num_queries(3):
        response = client.get(f"{DEVICES}?page_size=20")
    assert len(response.json()["results"]) == count


def test_devices_come_in_cursor_pages_newest_first(member):
    """A personal, time-ordered list: cursor pages like the other `/me/` lists."""
    from accounts.services import issue_token

    tokens = [issue_token(user=member, device=f"Device {n}")[1] for n in range(5)]
    client = bearer(tokens[0])
    first = client.get(DEVICES, {"page_size": 3}).json()
    assert set(first) == {"next", "previous", "results"}
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["next"] is None
    names = [row["device"] for row in first["results"] + second["results"]]
    assert names == [f"Device {n}" for n in reversed(range(5))]
