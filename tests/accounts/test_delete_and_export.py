import pytest

from accounts.models import User
from tests.accounts.factories import PASSWORD
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def _delete(client, password, how):
    # `POST /me/delete/` is the documented way; `DELETE /me/` with a body is kept.
    if how == "post":
        return client.post("/api/v1/me/delete/", {"password": password}, format="json")
    return client.delete("/api/v1/me/", {"password": password}, format="json")


@pytest.mark.parametrize("how", ["post", "delete"])
def test_delete_needs_the_password(member_client, member, how):
    response = _delete(member_client, "wrong", how)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "password"
    assert User.objects.filter(pk=member.pk).exists()
    assert member_client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("how", ["post", "delete"])
def test_delete_removes_the_account_and_every_token(member, other_member, how):
    phone, laptop = client_for(member), client_for(member)

    response = _delete(phone, PASSWORD, how)

    assert response.status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(pk=other_member.pk).exists()
    assert phone.get("/api/v1/me/").status_code == 401
    assert laptop.get("/api/v1/me/").status_code == 401


def test_the_schema_describes_the_password_a_delete_needs(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    post = schema["paths"]["/api/v1/me/delete/"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert component["required"] == ["password"]
    assert schema["paths"]["/api/v1/me/"]["delete"]["deprecated"] is True


def test_export_holds_the_account_and_every_registered_section(member_client, member):
    from accounts.personal_data import registered_sections

    response = member_client.get("/api/v1/me/export/")

    assert response.status_code == 200
    body = response.json()
    assert body["account"]["email"] == member.email
    for section in registered_sections():
        assert section.key in body
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
