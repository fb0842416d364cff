"""A request that says its body is chunked is refused with 411 before any view runs,
so nothing is written from a body Django would have read as empty. (Through
gunicorn: tests/ops/test_chunked_bodies.py.)"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("encoding", ["chunked", "gzip, chunked"])
def test_a_chunked_patch_is_411_and_changes_nothing(member_client, member, encoding):
    response = member_client.generic(
        "PATCH",
        "/api/v1/me/",
        b'{"display_name": "Ada"}',
        content_type="application/json",
        HTTP_TRANSFER_ENCODING=encoding,
    )
    assert response.status_code == 411, response.content
    assert response.json()["errors"][0]["code"] == "length_required"
    member.refresh_from_db()
    assert member.display_name != "Ada"


def test_a_body_with_a_length_is_read(member_client, member):
    response = member_client.patch("/api/v1/me/", {"display_name": "Ada"}, format="json")
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.display_name == "Ada"
