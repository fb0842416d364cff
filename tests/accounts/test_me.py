import pytest

pytestmark = pytest.mark.django_db


def test_me_shows_only_the_caller(member_client, member, other_member):
    body = member_client.get("/api/v1/me/").json()

    assert body["id"] == member.id
    assert body["email"] == member.email
    assert other_member.email not in str(body)


def test_patch_changes_profile_fields(member_client, member):
    response = member_client.patch(
        "/api/v1/me/", {"display_name": "Ada", "timezone": "America/New_York"}
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.display_name, member.timezone) == ("Ada", "America/New_York")


def test_patch_ignores_read_only_fields(member_client, member):
    response = member_client.patch(
        "/api/v1/me/",
        {"email": "hijack@example.com", "is_staff": True, "id": 999, "date_joined": "2000-01-01"},
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.email == "owner@example.com"
    assert member.is_staff is False
    assert member.date_joined.year != 2000


def test_unknown_timezone_is_refused(member_client, member):
    response = member_client.patch("/api/v1/me/", {"timezone": "Nowhere/Land"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "timezone"
    member.refresh_from_db()
    assert member.timezone == "UTC"


def test_put_is_not_offered(member_client):
    response = member_client.put("/api/v1/me/", {"display_name": "x"})

    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_me_is_never_cached(member_client):
    assert member_client.get("/api/v1/me/")["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"interests": ["therapy"]}, "interests"),
        ({"display_name": "Ada", "displayname": "Ada"}, "displayname"),
        ({"owner": 1}, "owner"),
    ],
)
def test_patch_refuses_fields_it_does_not_know(member_client, member, body, field):
    response = member_client.patch("/api/v1/me/", body, format="json")

    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert (error["code"], error["attr"]) == ("unknown_field", "non_field_errors")
    assert f"`{field}`" in error["detail"]
    member.refresh_from_db()
    assert member.display_name != "Ada"


def test_patch_points_interests_to_their_own_endpoint(member_client):
    response = member_client.patch("/api/v1/me/", {"interests": []}, format="json")

    assert "/api/v1/me/interests/" in response.json()["errors"][0]["detail"]
