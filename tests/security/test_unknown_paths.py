"""Unknown paths under /api/ are JSON 404s, with or without a final slash; a known
route missing its slash is redirected to it, and nothing else is."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/events/%C3%B5%C3%AE/calendar.ics",  # not a slug: no route matches
        "/api/v1/series/a%20b/calendar.ics",
    ],
)
def test_an_unknown_path_without_a_slash_is_a_json_404_not_a_redirect(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_known_route_without_its_slash_is_redirected(api_client):
    response = api_client.get("/api/v1/guides?page=2")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/guides/?page=2"


def test_a_write_without_the_slash_is_not_redirected(api_client):
    # A redirected POST would lose its body: say plainly that this path is unknown.
    response = api_client.post("/api/v1/auth/login", {}, format="json")

    assert response.status_code == 404
