"""The editors' preview: a guide or strategy rendered as readers will see it, with its
strategies, exercises, prompts, sources, disclaimer and upcoming events; staff with the
right only; and sanitised, whatever Markdown an editor typed."""

from __future__ import annotations

import pytest
from django.test import Client

from strategies.models import Guide, GuideSource
from tests.events.factories import EventFactory
from tests.strategies.factories import (
    ExerciseFactory,
    GuideFactory,
    PromptFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Hello **there**.\n\n<script>alert('body')</script>\n\n"
    '<img src="x" onerror="alert(1)"> [click](javascript:alert(2))\n\n'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
)


@pytest.fixture
def editor_client(content_editor) -> Client:
    client = Client()
    client.force_login(content_editor)
    return client


@pytest.fixture
def full_guide():
    guide = GuideFactory(
        title="Getting unstuck",
        slug="unstuck",
        status=Guide.Status.DRAFT,
        published_at=None,
        body_markdown="The **whole** idea.",
        disclaimer_markdown="Not *treatment*.",
    )
    strategy = StrategyFactory(
        guide=guide, title="Take action", body_markdown="Move *first*.", smallest_step="Stand up."
    )
    ExerciseFactory(strategy=strategy, title="Two-minute start", instructions_markdown="Go.")
    PromptFactory(strategy=strategy, text="What would you try first?")
    GuideSource.objects.create(guide=guide, title="A study", url="https://journal.example/1")
    EventFactory(title="Live talk on getting unstuck", guides=[guide])
    return guide


def test_a_guide_preview_shows_everything_a_reader_will_see(editor_client, full_guide):
    response = editor_client.get(f"/admin/strategies/guide/{full_guide.pk}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    for expected in (
        "<h1>Getting unstuck</h1>",
        "<strong>whole</strong>",
        "<h2>Take action</h2>",
        "<em>first</em>",
        "Stand up.",
        "Two-minute start",
        "What would you try first?",
        '<a href="https://journal.example/1" rel="noopener noreferrer">A study</a>',
        "Not <em>treatment</em>.",
        "Live talk on getting unstuck",
        "Draft: not public",
    ):
        assert expected in page, expected


def test_a_strategy_preview_shows_its_exercises_prompts_and_guide(editor_client, full_guide):
    strategy = full_guide.strategies.get()
    page = editor_client.get(f"/admin/strategies/strategy/{strategy.pk}/preview/").content
    page = page.decode()
    for expected in ("Getting unstuck", "<h2>Take action</h2>", "Two-minute start", "Not <em>"):
        assert expected in page, expected


def test_the_preview_is_sanitised(editor_client):
    guide = GuideFactory(body_markdown=HOSTILE, disclaimer_markdown=HOSTILE)
    strategy = StrategyFactory(guide=guide, body_markdown=HOSTILE)
    ExerciseFactory(strategy=strategy, instructions_markdown=HOSTILE)
    for url in (
        f"/admin/strategies/guide/{guide.pk}/preview/",
        f"/admin/strategies/strategy/{strategy.pk}/preview/",
    ):
        page = editor_client.get(url).content.decode().lower()
        assert "<strong>there</strong>" in page
        for unsafe in ("<script", "onerror", "javascript:", "<iframe", "<style", "alert("):
            assert unsafe not in page, (url, unsafe)


def test_only_editors_with_the_right_may_preview(member, editor, full_guide):
    url = f"/admin/strategies/guide/{full_guide.pk}/preview/"
    assert Client().get(url).status_code == 302  # to the login page
    client = Client()
    client.force_login(member)
    assert client.get(url).status_code == 302
    client.force_login(editor)  # staff without content permissions
    assert client.get(url).status_code == 403


def test_an_unknown_guide_is_a_404(editor_client):
    assert editor_client.get("/admin/strategies/guide/999999/preview/").status_code == 404


def test_the_changelists_link_to_the_preview(editor_client, full_guide):
    strategy = full_guide.strategies.get()
    page = editor_client.get("/admin/strategies/guide/").content.decode()
    assert f'href="/admin/strategies/guide/{full_guide.pk}/preview/"' in page
    page = editor_client.get("/admin/strategies/strategy/").content.decode()
    assert f'href="/admin/strategies/strategy/{strategy.pk}/preview/"' in page
