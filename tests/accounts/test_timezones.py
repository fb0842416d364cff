"""A member's time zone is a canonical IANA name. Names whose meaning depends on the
host (`localtime`, `Factory`) or that are legacy POSIX-style rules (`EST5EDT`) are
refused, whatever the server's tz database happens to contain."""

from __future__ import annotations

import pytest

from tests.accounts.test_register import GOOD_PASSWORD

pytestmark = pytest.mark.django_db

REFUSED = [
    "localtime",
    "Factory",
    "EST5EDT",
    "CST6CDT",
    "EST",
    "posixrules",
    "posix/Europe/Paris",
    "right/UTC",
    "US/Eastern",
    "Japan",
    "Etc/GMT+5",
]
ACCEPTED = ["UTC", "Europe/Paris", "America/New_York", "America/Argentina/Buenos_Aires"]


@pytest.mark.parametrize("zone", REFUSED)
def test_profile_refuses_a_host_dependent_zone(member_client, member, zone):
    response = member_client.patch("/api/v1/me/", {"timezone": zone}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "timezone"
    member.refresh_from_db()
    assert member.timezone == "UTC"


@pytest.mark.parametrize("zone", ACCEPTED)
def test_profile_accepts_canonical_names(member_client, zone):
    response = member_client.patch("/api/v1/me/", {"timezone": zone}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["timezone"] == zone


@pytest.mark.parametrize("zone", ["localtime", "Factory", "EST5EDT"])
def test_registration_refuses_a_host_dependent_zone(api_client, zone):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "new@example.com", "password": GOOD_PASSWORD, "timezone": zone},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "timezone"
