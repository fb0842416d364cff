"""Whatever an editor (or a stolen editor account) types, no script, event handler or
`javascript:` link reaches a client through `*_html` or a search snippet."""

from __future__ import annotations

import pytest

from tests.strategies.factories import ExerciseFactory, GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db

HOSTILE = """\
Hello <script>alert("body")</script> world.

<img src="x" onerror="alert('img')">

<svg onload="alert('svg')"><circle r="1"/></svg>

<iframe src="https://evil.example/"></iframe>

<a href="javascript:alert('link')">raw link</a> and <a href="JaVaScRiPt:alert(1)">mixed</a>

[markdown link](javascript:alert('md'))

[entity link](javascript&#58;alert('entity'))

![image](javascript:alert('image'))

<p style="background:url(javascript:alert(1))" onclick="alert('click')">styled</p>

<form action="https://evil.example/"><input name="q"></form>

<object data="evil.swf"></object><embed src="evil.swf">

[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<div onmouseover="alert('hover')">hover</div>

[fine link](https://example.org/ok)
"""

FORBIDDEN = (
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "javascript",
    "<iframe",
    "<svg",
    "<form",
    "<input",
    "<object",
    "<embed",
    "style=",
    "data:text/html",
)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, f"{needle!r} survived in {html!r}"


def test_guide_body_and_disclaimer_are_sanitised(api_client):
    GuideFactory(slug="hostile", body_markdown=HOSTILE, disclaimer_markdown=HOSTILE)
    detail = api_client.get("/api/v1/guides/hostile/").json()
    assert_clean(detail["body_html"])
    assert_clean(detail["disclaimer_html"])
    # The Markdown itself is returned as written: clients must not render it unescaped.
    assert "<script>" in detail["body_markdown"]


def test_safe_markup_and_links_survive(api_client):
    GuideFactory(slug="hostile", body_markdown=HOSTILE + "\n\n**bold** and *em*")
    html = api_client.get("/api/v1/guides/hostile/").json()["body_html"]
    assert '<a href="https://example.org/ok" rel="noopener noreferrer">fine link</a>' in html
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html


def test_strategy_and_exercise_html_are_sanitised(api_client):
    strategy = StrategyFactory(slug="hostile-strategy", body_markdown=HOSTILE)
    ExerciseFactory(strategy=strategy, slug="hostile-exercise", instructions_markdown=HOSTILE)
    detail = api_client.get("/api/v1/strategies/hostile-strategy/").json()
    assert_clean(detail["body_html"])
    assert_clean(detail["exercises"][0]["instructions_html"])
    exercise = api_client.get("/api/v1/exercises/hostile-exercise/").json()
    assert_clean(exercise["instructions_html"])


def test_editing_the_markdown_renders_again(api_client):
    guide = GuideFactory(slug="edited", body_markdown="First")
    guide.body_markdown = "<script>x()</script>Second"
    guide.save(update_fields=["body_markdown"])
    html = api_client.get("/api/v1/guides/edited/").json()["body_html"]
    assert "Second" in html
    assert_clean(html)


def test_search_snippets_escape_everything_but_mark(api_client):
    GuideFactory(
        slug="hostile",
        title="Courage",
        summary="",
        body_markdown='courage <script>alert("x")</script> <img src=x onerror=alert(1)> courage',
    )
    hits = api_client.get("/api/v1/search/", {"q": "courage"}).json()["results"]
    snippet = next(hit["snippet"] for hit in hits if hit["slug"] == "hostile")
    assert "<mark>courage</mark>" in snippet.lower()
    without_marks = snippet.replace("<mark>", "").replace("</mark>", "")
    # Left as inert text at most: no tag can open, so no attribute can run.
    assert "<" not in without_marks
    assert "&lt;img" in without_marks


def test_marker_characters_in_content_cannot_open_a_mark(api_client):
    GuideFactory(slug="markers", title="Patience", body_markdown="\ue000patience\ue001 \ue000")
    hits = api_client.get("/api/v1/search/", {"q": "patience"}).json()["results"]
    snippet = next(hit["snippet"] for hit in hits if hit["slug"] == "markers")
    assert snippet.count("<mark>") == snippet.count("</mark>")
