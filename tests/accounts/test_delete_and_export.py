import pytest

from accounts.models import User
from tests.accounts.factories import PASSWORD
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_delete_needs_the_password(member_client, member):
    response = member_client.delete("/api/v1/me/", {"password": "wrong"})

    assert response.status_code == 400
    assert User.objects.filter(pk=member.pk).exists()


def test_delete_removes_the_account_and_every_token(member, other_member):
    phone, laptop = client_for(member), client_for(member)

    response = phone.delete("/api/v1/me/", {"password": PASSWORD})

    assert response.status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(pk=other_member.pk).exists()
    assert phone.get("/api/v1/me/").status_code == 401
    assert laptop.get("/api/v1/me/").status_code == 401


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
