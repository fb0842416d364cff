"""The editors' admin in a real browser: headless Chromium opens the admin index, the
guide changelist and change form, the event change form, the preview page and a
revision diff at 1,280 px, saves a screenshot of each and checks it (a PNG 1,280 px
wide, not blank, the page's own text on it, no horizontal scrolling), and uses the two
scripts of our own: the Markdown widget's live preview and an event's "Now" in the
event's zone.

Screenshots go to `ADMIN_SCREENSHOTS_DIR` (default `.data/screenshots/`, not in git).
Skipped, saying why, when Chromium or Playwright is missing (`.ci/run` installs
Chromium).
"""

from __future__ import annotations

import os
import shutil
import zoneinfo
from datetime import datetime
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.test import Client
from PIL import Image, ImageStat

from events.models import Event
from strategies.models import Guide, GuideSource
from tests.accounts.factories import UserFactory
from tests.events.factories import EventFactory
from tests.strategies.factories import (
    ExerciseFactory,
    GuideFactory,
    PersonFactory,
    PromptFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH, HEIGHT = 1280, 900
SCREENSHOTS = Path(
    os.environ.get("ADMIN_SCREENSHOTS_DIR") or settings.BASE_DIR / ".data" / "screenshots"
)


def _playwright():
    if CHROMIUM is None:
        pytest.skip("No Chromium installed (apt-get install chromium): no admin screenshots.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright's Python package is not installed: no admin screenshots.")
    return sync_playwright


@pytest.fixture
def content():
    """What an editor's day looks like: a reviewed live guide with strategies and
    exercises, a few more guides, an event, and two saved versions of the guide."""
    editor = UserFactory(
        email="editor@example.com",
        is_staff=True,
        is_superuser=True,
        timezone="America/New_York",
    )
    reviewer = PersonFactory(name="Dr Ada Lovelace", slug="ada")
    guide = GuideFactory(
        title="How to get unstuck when everything feels heavy",
        slug="unstuck",
        summary="Small steps that work when big plans do not.",
        body_markdown="When you are stuck, **start small**.\n\n- Name it\n- Take one step",
        reviewed_by=reviewer,
        last_reviewed=datetime(2026, 11, 1).date(),
        next_review_due=datetime(2027, 5, 1).date(),
    )
    for position, title in enumerate(("Take action", "Reframe the story"), start=1):
        strategy = StrategyFactory(guide=guide, title=title, position=position)
        ExerciseFactory(strategy=strategy, title=f"Two minutes of {title.lower()}")
        PromptFactory(strategy=strategy, text=f"What would {title.lower()} look like today?")
    GuideSource.objects.create(
        guide=guide, title="A review of behavioural activation", url="https://example.org/ba"
    )
    for n in range(8):
        StrategyFactory(guide=GuideFactory(title=f"Another guide with a longer title, number {n}"))
    event = EventFactory(
        title="Live: getting unstuck together", guides=[guide], timezone="Europe/London"
    )
    client = Client()
    client.force_login(editor)
    url = f"/admin/strategies/guide/{guide.pk}/change/"
    from tests.strategies.admin_forms import form_data_from

    for title in ("How to get unstuck", "How to get unstuck when everything feels heavy"):
        data = {**form_data_from(client.get(url)), "title": title}
        assert client.post(url, data).status_code == 302
    version = reversion.models.Version.objects.get_for_object(guide).first()
    return {
        "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "guide": Guide.objects.get(pk=guide.pk),
        "event": Event.objects.get(pk=event.pk),
        "version": version,
    }


def _check_png(path: Path) -> None:
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width == WIDTH, (path, image.size)
        assert image.height >= HEIGHT // 2, (path, image.size)
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
        assert spread > 10, f"{path} looks blank (pixel spread {spread:.1f})"


def test_admin_pages_in_chromium(live_server, content):
    sync_playwright = _playwright()
    guide, event, version = content["guide"], content["event"], content["version"]
    pages = {
        "admin-index": ("/admin/", ["Content", "Events", "Members"]),
        "guide-changelist": ("/admin/strategies/guide/", ["review due", "Another guide"]),
        "guide-change-form": (
            f"/admin/strategies/guide/{guide.pk}/change/",
            ["Editorial review", "Markdown help", "Times in your zone", "Keeps your changes aside"],
        ),
        "event-change-form": (
            f"/admin/events/event/{event.pk}/change/",
            ["Times in the event", "Europe/London", "Starts (your zone)"],
        ),
        "guide-preview": (
            f"/admin/strategies/guide/{guide.pk}/preview/",
            ["start small", "Take action", "Reviewed by Dr Ada Lovelace", "Sources"],
        ),
        "revision-diff": (
            f"/admin/strategies/guide/{guide.pk}/history/{version.pk}/diff/",
            ["Before", "After", "everything feels heavy"],
        ),
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, timezone_id="America/New_York"
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": content["cookie"],
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for name, (path, _) in pages.items():
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            file = SCREENSHOTS / f"{name}.png"
            page.screenshot(path=str(file), full_page=True)
            seen[name] = {
                "text": page.inner_text("body"),
                # How far the page, or a changelist's table, reaches past what is shown.
                "overflow": page.evaluate(
                    """() => Math.max(...[document.documentElement,
                        ...document.querySelectorAll('#changelist .results')]
                        .map(element => element.scrollWidth - element.clientWidth))"""
                ),
                "file": file,
            }

        # The Markdown widget previews with the API's renderer, as the editor types.
        page.goto(f"{live_server.url}/admin/strategies/guide/{guide.pk}/change/")
        page.fill("#id_body_markdown", "Typed **live** <script>alert(1)</script>")
        preview = page.locator(".markdown-editor:has(#id_body_markdown) .markdown-preview")
        preview.locator("strong", has_text="live").wait_for()
        preview_html = preview.inner_html()

        # "Now" beside an event's start gives the event's clock (London), not New York's.
        page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
        page.wait_for_load_state("networkidle")
        page.click("#clocklink0")
        page.click("#clockbox0 >> text=Now")
        typed_time = page.input_value("#id_start_local_1")
        browser.close()

    for name, (_, expected) in pages.items():
        _check_png(seen[name]["file"])
        for text in expected:
            assert text.lower() in seen[name]["text"].lower(), (name, text)
    for name in pages:
        assert seen[name]["overflow"] <= 0, f"{name} scrolls sideways at {WIDTH} px"
    assert "<strong>live</strong>" in preview_html
    assert "<script" not in preview_html
    london = datetime.now(zoneinfo.ZoneInfo("Europe/London"))
    hours, minutes = (int(part) for part in typed_time.split(":")[:2])
    minutes_apart = (hours * 60 + minutes) - (london.hour * 60 + london.minute)
    assert abs((minutes_apart + 720) % 1440 - 720) <= 2, (typed_time, f"{london:%H:%M}")
    assert not errors, errors
