"""The content API is read-only for everyone: anonymous writes are 401, signed-in
writes (members and editors alike) are 405. Editors write in the admin."""

from __future__ import annotations

import pytest

from strategies.models import Guide

pytestmark = pytest.mark.django_db

COLLECTIONS = [
    "/api/v1/guides/",
    "/api/v1/strategies/",
    "/api/v1/exercises/",
    "/api/v1/prompts/",
    "/api/v1/tags/",
]
DETAILS = [
    "/api/v1/guides/public-guide/",
    "/api/v1/strategies/public-strategy-1/",
    "/api/v1/exercises/exercise-of-public-strategy-1/",
    "/api/v1/tags/therapy/",
    "/api/v1/people/{author}/",
]


def _details(tree) -> list[str]:
    return [path.format(author=tree["guide"].author.slug) for path in DETAILS]


def test_anonymous_writes_are_401(api_client, tree):
    for path in COLLECTIONS:
        assert api_client.post(path, {"title": "x"}, format="json").status_code == 401, path
    for path in _details(tree):
        for method in (api_client.put, api_client.patch, api_client.delete):
            assert method(path, {"title": "x"}, format="json").status_code == 401, path
    # Search and help are open to all and have no write method at all.
    assert api_client.post("/api/v1/search/", {"q": "x"}, format="json").status_code == 405
    assert api_client.delete("/api/v1/help/").status_code == 405


@pytest.mark.parametrize("who", ["member_client", "editor_client"])
def test_signed_in_writes_are_405(request, tree, who):
    client = request.getfixturevalue(who)
    for path in COLLECTIONS:
        assert client.post(path, {"title": "x"}, format="json").status_code == 405, path
    for path in _details(tree):
        for method in (client.put, client.patch, client.delete):
            assert method(path, {"title": "x"}, format="json").status_code == 405, path
    assert Guide.objects.filter(slug="public-guide").exists()


def test_people_have_no_public_list(api_client, tree):
    assert api_client.get("/api/v1/people/").status_code == 404
