"""Setting a member's password in the admin: superusers only; it signs the member out
of every device, tells them by email and leaves a record in the admin log. Editors,
even with the right to change accounts, cannot, nor give themselves that power."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from knox.models import AuthToken

from tests.accounts.factories import UserFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db
NEW = "a fresh admin-set passphrase"


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_password(client: Client, member):
    return client.post(
        f"/admin/accounts/user/{member.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )


@pytest.fixture
def account_editor(db):
    editor = UserFactory(email="accounts-editor@example.com", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    return editor


def test_a_superuser_sets_it_and_the_member_is_signed_out_told_and_logged(
    member, django_capture_on_commit_callbacks
):
    api = client_for(member)
    assert api.get("/api/v1/me/").status_code == 200
    boss = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = set_password(admin_client(boss), member)

    assert response.status_code == 302, response.content[:500]
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert not AuthToken.objects.filter(user=member).exists()
    assert api.get("/api/v1/me/").status_code == 401
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert NEW not in message.body
    assert LogEntry.objects.filter(object_id=str(member.pk), user=boss).exists()


def test_an_editor_who_may_change_accounts_cannot_set_a_password(member, account_editor):
    client = admin_client(account_editor)
    assert client.get(f"/admin/accounts/user/{member.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/user/{member.pk}/password/").status_code == 403
    assert set_password(client, member).status_code == 403
    member.refresh_from_db()
    assert not member.check_password(NEW)
    assert mail.outbox == []


def test_an_editor_cannot_make_themselves_a_superuser_nor_move_an_email(account_editor, member):
    form = {"email": "mine@example.com", "display_name": "", "timezone": "UTC", "is_active": "on"}
    client = admin_client(account_editor)
    client.post(f"/admin/accounts/user/{member.pk}/change/", form)
    member.refresh_from_db()
    assert member.email == "owner@example.com"
    # The same form from a superuser does move it: the editor's was refused, not broken.
    boss = UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
    response = admin_client(boss).post(f"/admin/accounts/user/{member.pk}/change/", form)
    assert response.status_code == 302, response.content[:300]
    member.refresh_from_db()
    assert member.email == "mine@example.com"
    page = client.get(f"/admin/accounts/user/{account_editor.pk}/change/")
    assert page.status_code == 200
    client.post(
        f"/admin/accounts/user/{account_editor.pk}/change/",
        {
            "email": account_editor.email,
            "display_name": "",
            "timezone": "UTC",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    account_editor.refresh_from_db()
    assert not account_editor.is_superuser
