"""Drafts of live guides and the kept history: an editor changes a published guide (its
text, a strategy, an exercise), saves it as a draft that the public never sees,
previews and compares it, then publishes it now or at a time; every published version
is kept with who and when, shown as a diff, and can be restored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from strategies import drafts
from strategies.models import Exercise, Guide, GuideDraft, Strategy
from tests.strategies.admin_forms import form_data_from
from tests.strategies.factories import ExerciseFactory, GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(content_editor) -> Client:
    client = Client()
    client.force_login(content_editor)
    return client


@pytest.fixture
def live_guide():
    guide = GuideFactory(title="Live title", slug="live", body_markdown="Live body.")
    strategy = StrategyFactory(guide=guide, title="Live strategy", slug="live-strategy", position=1)
    ExerciseFactory(strategy=strategy, slug="live-exercise", instructions_markdown="Old steps.")
    return guide


def public(api_client, path: str) -> dict:
    response = api_client.get(path)
    assert response.status_code == 200, path
    return response.json()


def guide_form(client: Client, guide: Guide) -> dict:
    return form_data_from(client.get(f"/admin/strategies/guide/{guide.pk}/change/"))


def save_guide_draft(client: Client, guide: Guide, **changes) -> None:
    data = {**guide_form(client, guide), **changes, "_savedraft": "Save as draft"}
    response = client.post(f"/admin/strategies/guide/{guide.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_draft_is_never_public_until_published(editor_client, api_client, live_guide):
    form = guide_form(editor_client, live_guide)
    form.update(
        {
            "title": "Draft title",
            "body_markdown": "Draft **body**.",
            "strategies-0-title": "Draft strategy",
            # A strategy only the draft has.
            "strategies-TOTAL_FORMS": "2",
            "strategies-1-title": "New strategy",
            "strategies-1-slug": "new-strategy",
            "strategies-1-position": "2",
            "strategies-1-summary": "",
            "strategies-1-smallest_step": "",
            "strategies-1-body_markdown": "",
            "_savedraft": "Save as draft",
        }
    )
    response = editor_client.post(f"/admin/strategies/guide/{live_guide.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]

    # The public sees the live version, whatever the cache holds.
    detail = public(api_client, "/api/v1/guides/live/")
    assert detail["title"] == "Live title"
    assert [s["title"] for s in detail["strategies"]] == ["Live strategy"]
    assert api_client.get("/api/v1/strategies/new-strategy/").status_code == 404
    assert api_client.get("/api/v1/search/?q=draft").json()["count"] == 0
    assert Guide.objects.get(pk=live_guide.pk).title == "Live title"
    assert not Strategy.objects.filter(slug="new-strategy").exists()

    # Editors see the draft: in the form, the preview, and compared with the live version.
    page = editor_client.get(f"/admin/strategies/guide/{live_guide.pk}/change/").content.decode()
    assert "This guide has an unpublished draft" in page
    assert 'value="Draft title"' in page
    preview = editor_client.get(f"/admin/strategies/guide/{live_guide.pk}/preview/").content
    assert b"<h1>Draft title</h1>" in preview
    assert b"<strong>body</strong>" in preview
    assert b"New strategy" in preview
    assert b"Unpublished draft" in preview
    live_preview = editor_client.get(f"/admin/strategies/guide/{live_guide.pk}/preview/?live=1")
    assert b"<h1>Live title</h1>" in live_preview.content
    diff = editor_client.get(f"/admin/strategies/guide/{live_guide.pk}/draft/diff/")
    diff = diff.content.decode()
    assert "<del>Live</del>" in diff
    assert "<ins>Draft</ins>" in diff
    assert "Strategy “New strategy” (added)" in diff

    # Published now: the public sees it at once, and the history says who.
    response = editor_client.post(f"/admin/strategies/guide/{live_guide.pk}/draft/publish/")
    assert response.status_code == 302
    detail = public(api_client, "/api/v1/guides/live/")
    assert detail["title"] == "Draft title"
    assert [s["title"] for s in detail["strategies"]] == ["Draft strategy", "New strategy"]
    assert not GuideDraft.objects.exists()
    latest = Version.objects.get_for_object(live_guide).select_related("revision__user").first()
    assert latest.revision.user.email == "content-editor@example.com"


def test_an_exercise_change_can_be_drafted_and_scheduled(editor_client, api_client, live_guide):
    strategy = live_guide.strategies.get()
    page = editor_client.get(f"/admin/strategies/strategy/{strategy.pk}/change/")
    data = {**form_data_from(page), "_savedraft": "Save as draft"}
    data["exercises-0-instructions_markdown"] = "New *steps*."
    response = editor_client.post(f"/admin/strategies/strategy/{strategy.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert public(api_client, "/api/v1/exercises/live-exercise/")["instructions_html"] == (
        "<p>Old steps.</p>"
    )

    later = timezone.now() + timedelta(hours=2)
    local = timezone.localtime(later)
    response = editor_client.post(
        f"/admin/strategies/guide/{live_guide.pk}/draft/publish/",
        {"publish_at_0": f"{local:%Y-%m-%d}", "publish_at_1": f"{local:%H:%M:%S}"},
    )
    assert response.status_code == 302
    draft = GuideDraft.objects.get()
    assert abs(draft.publish_at - later) < timedelta(seconds=1)

    assert drafts.publish_due_drafts(now=timezone.now()) == 0  # not yet
    assert public(api_client, "/api/v1/exercises/live-exercise/")["instructions_html"] == (
        "<p>Old steps.</p>"
    )
    assert drafts.publish_due_drafts(now=later + timedelta(minutes=1)) == 1
    assert public(api_client, "/api/v1/exercises/live-exercise/")["instructions_html"] == (
        "<p>New <em>steps</em>.</p>"
    )
    assert not GuideDraft.objects.exists()


def test_a_schedule_in_the_past_is_refused(editor_client, live_guide):
    save_guide_draft(editor_client, live_guide, title="Draft title")
    response = editor_client.post(
        f"/admin/strategies/guide/{live_guide.pk}/draft/publish/",
        {"publish_at_0": "2020-01-01", "publish_at_1": "09:00:00"},
        follow=True,
    )
    assert "Choose a time in the future" in response.content.decode()
    assert GuideDraft.objects.get().publish_at is None
    assert Guide.objects.get(pk=live_guide.pk).title == "Live title"


def test_a_draft_can_be_discarded(editor_client, api_client, live_guide):
    save_guide_draft(editor_client, live_guide, title="Draft title")
    response = editor_client.post(f"/admin/strategies/guide/{live_guide.pk}/draft/discard/")
    assert response.status_code == 302
    assert not GuideDraft.objects.exists()
    assert public(api_client, "/api/v1/guides/live/")["title"] == "Live title"


def test_saving_a_form_that_shows_the_draft_publishes_it(editor_client, api_client, live_guide):
    save_guide_draft(editor_client, live_guide, title="Draft title")
    data = {**guide_form(editor_client, live_guide), "summary": "Edited on top."}
    response = editor_client.post(f"/admin/strategies/guide/{live_guide.pk}/change/", data)
    assert response.status_code == 302
    detail = public(api_client, "/api/v1/guides/live/")
    assert (detail["title"], detail["summary"]) == ("Draft title", "Edited on top.")
    assert not GuideDraft.objects.exists()


def test_an_old_version_is_shown_as_a_diff_and_restored(editor_client, api_client, live_guide):
    url = f"/admin/strategies/guide/{live_guide.pk}/change/"
    for title in ("First edit", "Second edit"):
        data = {**guide_form(editor_client, live_guide), "title": title}
        assert editor_client.post(url, data).status_code == 302
    versions = list(Version.objects.get_for_object(live_guide))
    assert len(versions) == 2
    newest, oldest = versions

    history = editor_client.get(f"{url.removesuffix('change/')}history/").content.decode()
    assert history.count("<td>content-editor@example.com</td>") == 2
    assert f"/history/{oldest.pk}/diff/" in history

    diff = editor_client.get(f"/admin/strategies/guide/{live_guide.pk}/history/{newest.pk}/diff/")
    assert "<del>First</del>" in diff.content.decode()
    assert "<ins>Second</ins>" in diff.content.decode()

    # Restore: reversion's form shows the old version; saving it makes it live again.
    revert_url = f"/admin/strategies/guide/{live_guide.pk}/history/{oldest.pk}/"
    form = form_data_from(editor_client.get(revert_url))
    assert form["title"] == "First edit"
    assert editor_client.post(revert_url, form).status_code == 302
    assert public(api_client, "/api/v1/guides/live/")["title"] == "First edit"
    assert len(Version.objects.get_for_object(live_guide)) == 3


def test_drafts_and_history_need_the_change_right(member, editor, live_guide):
    client = Client()
    client.force_login(editor)  # staff without content permissions
    for url in ("draft/diff/", "preview/", "history/"):
        assert client.get(f"/admin/strategies/guide/{live_guide.pk}/{url}").status_code == 403
    response = client.post(f"/admin/strategies/guide/{live_guide.pk}/draft/publish/")
    assert response.status_code == 403
    assert Exercise.objects.get(slug="live-exercise").instructions_markdown == "Old steps."
