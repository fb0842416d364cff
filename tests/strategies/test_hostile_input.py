"""Odd input gets a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/guides/?q=%00",
        "/api/v1/guides/?tag=%00",
        "/api/v1/strategies/?guide=a%00b",
        "/api/v1/search/?q=%00",
        "/api/v1/search/?q=joy&type=%00",
        "/api/v1/guides/?updated_since=%00",
    ],
)
def test_nul_characters_in_parameters_are_400(api_client, tree, path):
    response = api_client.get(path)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/guides/a%00b/",
        "/api/v1/strategies/%00/",
        "/api/v1/people/%00/",
        "/api/v1/prompts/99999999999999999999999/",
        "/api/v1/guides/" + "x" * 300 + "/",
    ],
)
def test_odd_identifiers_are_404(api_client, tree, path):
    assert api_client.get(path).status_code == 404


def test_saving_with_a_nul_slug_is_400(member_client, tree):
    response = member_client.post("/api/v1/me/saved/", {"guide": "a\x00b"}, format="json")
    assert response.status_code == 400
