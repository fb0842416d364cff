"""The shared cache serves members too, but only after their credentials are checked."""

import pytest
from rest_framework.test import APIClient

from tests.strategies.factories import GuideFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/guides/"


def test_a_member_gets_the_stored_answer_without_a_query(member_client, django_assert_num_queries):
    GuideFactory.create_batch(3)
    first = member_client.get(URL)
    assert first.status_code == 200

    # The token's second use: loaded once (the token with its member), no content read.
    with django_assert_num_queries(1):
        again = member_client.get(URL)
    # From then on the token is checked in memory and the shared cache: no query at all.
    with django_assert_num_queries(0):
        third = member_client.get(URL)
    assert third.content == first.content

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Cache-Control"].startswith("private")


def test_a_bad_token_is_still_a_401_when_the_answer_is_stored(api_client):
    GuideFactory()
    assert api_client.get(URL).status_code == 200  # stored by an anonymous read
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = client.get(URL)

    assert response.status_code == 401


def test_members_and_anonymous_readers_share_one_stored_answer(api_client, member_client):
    GuideFactory()
    anonymous = api_client.get(URL)

    member = member_client.get(URL)

    assert member.content == anonymous.content
    assert member["ETag"] == anonymous["ETag"]
    assert member_client.get(URL, HTTP_IF_NONE_MATCH=anonymous["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "conditions",
    [{"HTTP_IF_NONE_MATCH": "*"}, {"HTTP_IF_MODIFIED_SINCE": "Fri, 01 Jan 9000 00:00:00 GMT"}],
)
def test_a_query_the_view_refuses_is_never_a_304(api_client, conditions):
    GuideFactory()

    response = api_client.get(f"{URL}?page_size=many", **conditions)

    assert response.status_code == 400
    # Once answered with a 200, the same conditions give the 304.
    assert api_client.get(URL, **conditions).status_code == 304
