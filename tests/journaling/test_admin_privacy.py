"""Editors and staff never read a journal in the admin: not in a list, a form, a
search, a confirmation page or an export. They see counts and dates per member."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.journaling.conftest import SECRET

pytestmark = pytest.mark.django_db

ACTIVITY = "/admin/journaling/journalactivity/"


@pytest.fixture(params=["editor", "superuser"])
def admin_client(request, editor) -> Client:
    if request.param == "superuser":
        user = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    else:
        user = editor
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["journaling", "accounts", "strategies"]
            )
        )
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    text = response.content.decode()
    assert SECRET not in text, url
    return text


def test_activity_list_shows_counts_and_dates_only(admin_client, journal, member):
    text = page(admin_client, ACTIVITY)
    assert member.email in text
    assert str(journal.entry.entry_date.year) in text
    assert "Journal activity" in text or "journal activity" in text
    # Searching for words of the journal finds nothing; the email finds the member.
    assert member.email not in page(admin_client, f"{ACTIVITY}?q=zanzibar")
    assert member.email in page(admin_client, f"{ACTIVITY}?q=owner@")


def test_no_admin_page_shows_journal_records(admin_client, journal, member):
    pk = journal.entry.owner_id
    for url in [
        f"{ACTIVITY}{pk}/change/",
        f"{ACTIVITY}{pk}/",
        f"{ACTIVITY}{pk}/history/",
        f"{ACTIVITY}{pk}/delete/",
        f"{ACTIVITY}add/",
        "/admin/journaling/journalentry/",
        f"/admin/journaling/journalentry/{journal.entry.pk}/change/",
        "/admin/journaling/commitment/",
        "/admin/journaling/membertag/",
        "/admin/journaling/tombstone/",
        "/admin/journaling/entrytag/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert SECRET not in response.content.decode()


def test_admin_index_and_app_pages(admin_client, journal):
    page(admin_client, "/admin/")
    page(admin_client, "/admin/journaling/")


def test_member_pages_in_the_admin_hold_no_journal_text(admin_client, journal, member):
    page(admin_client, f"/admin/accounts/user/{member.pk}/change/")
    page(admin_client, "/admin/accounts/user/?q=marmalade")
    # The "are you sure?" page lists what deleting the member takes with them.
    page(admin_client, f"/admin/accounts/user/{member.pk}/delete/")
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [member.pk]},
    )
    assert SECRET not in response.content.decode()


def test_deleting_linked_content_shows_no_journal_text(admin_client, journal):
    strategy = journal.entry.strategy
    page(admin_client, f"/admin/strategies/strategy/{strategy.pk}/delete/")
    page(admin_client, f"/admin/strategies/exercise/{journal.entry.exercise.pk}/delete/")


def test_activity_list_offers_no_actions_and_no_export(admin_client, journal):
    text = page(admin_client, ACTIVITY)
    assert 'name="action"' not in text
    response = admin_client.post(
        ACTIVITY, {"action": "delete_selected", "_selected_action": [journal.entry.owner_id]}
    )
    assert SECRET not in response.content.decode()
    assert journal.entry.__class__.objects.filter(pk=journal.entry.pk).exists()


def test_an_editor_without_the_permission_does_not_see_the_page(editor, journal):
    client = Client()
    client.force_login(editor)
    assert client.get(ACTIVITY).status_code == 403
    assert "journal" not in client.get("/admin/").content.decode().lower()


def test_model_names_in_the_admin_never_carry_text(journal):
    for obj in (journal.entry, journal.commitment, journal.tag, journal.tombstone):
        assert SECRET not in str(obj)
