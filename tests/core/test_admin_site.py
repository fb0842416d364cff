"""The editors' admin site: apps in the order editors work, knox's token table for
superusers only, "View site" leading somewhere real, and the Markdown preview that the
widget calls (staff only, the API's own renderer and sanitiser)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser():
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def editor_with_rights():
    user = UserFactory(email="content@example.com", is_staff=True)
    user.user_permissions.set(Permission.objects.all())  # every model permission
    return user


def app_names(page: str) -> list[str]:
    return re.findall(
        r'<caption>\s*<a href="/admin/[a-z_]+/" class="section"[^>]*>([^<]+)</a>', page
    )


def test_apps_come_in_the_order_editors_work(superuser):
    names = app_names(signed_in(superuser).get("/admin/").content.decode())
    editors_apps = ["Content", "Events", "Newsletter", "Comments", "Members"]
    assert names[: len(editors_apps)] == editors_apps  # before every other app


def test_the_token_table_is_for_superusers_only(superuser, editor_with_rights):
    editor = signed_in(editor_with_rights)
    assert "Auth tokens" not in editor.get("/admin/").content.decode()
    assert editor.get("/admin/knox/authtoken/").status_code == 403
    root = signed_in(superuser)
    assert "Auth tokens" in root.get("/admin/").content.decode()
    assert root.get("/admin/knox/authtoken/").status_code == 200


def test_view_site_leads_to_the_api_docs_or_the_front_end(superuser, settings):
    client = signed_in(superuser)
    assert '<a href="/api/docs/">View site</a>' in client.get("/admin/").content.decode()
    settings.FRONTEND_URL = "https://app.example.org/"
    page = client.get("/admin/").content.decode()
    assert '<a href="https://app.example.org/">View site</a>' in page


def test_markdown_preview_renders_and_sanitises_like_the_api(editor_with_rights):
    client = signed_in(editor_with_rights)
    text = "**Bold** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=y>"
    response = client.post("/admin/markdown-preview/", {"text": text})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>Bold</strong>" in html
    for unsafe in ("<script", "javascript:", "onerror"):
        assert unsafe not in html


def test_markdown_preview_is_staff_only_and_post_only(member, editor_with_rights):
    assert Client().post("/admin/markdown-preview/", {"text": "x"}).status_code == 302
    assert signed_in(member).post("/admin/markdown-preview/", {"text": "x"}).status_code == 302
    assert signed_in(editor_with_rights).get("/admin/markdown-preview/").status_code == 405


def test_markdown_preview_needs_the_csrf_token(editor_with_rights):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_with_rights)
    assert client.post("/admin/markdown-preview/", {"text": "x"}).status_code == 403


def test_markdown_fields_get_the_widget_with_its_help(superuser):
    client = signed_in(superuser)
    for url in (
        "/admin/strategies/guide/add/",
        "/admin/strategies/strategy/add/",
        "/admin/strategies/exercise/add/",
        "/admin/events/event/add/",
        "/admin/newsletter/edition/add/",
    ):
        page = client.get(url).content.decode()
        assert 'class="markdown-editor"' in page, url
        assert 'data-preview-url="/admin/markdown-preview/"' in page, url
        assert "Markdown help" in page, url
        assert "core/markdown-widget.js" in page, url
