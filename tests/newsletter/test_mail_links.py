"""An edition's text part is plain text (the editors' Markdown rendered to it), and its
links go to the front end's pages when `FRONTEND_URL_<KIND>` is set, else to the API on
`SITE_URL`."""

from __future__ import annotations

from django.core import mail

from newsletter import tasks
from tests.events.factories import EventFactory
from tests.newsletter.factories import SubscriberFactory, due_edition
from tests.strategies.factories import ExerciseFactory, GuideFactory
from tests.workers import run_workers

FRONT = {
    "guide": "https://app.example/guides/{slug}",
    "exercise": "https://app.example/exercises/{slug}",
    "event": "https://app.example/events/{slug}",
}


def send_one() -> mail.EmailMultiAlternatives:
    SubscriberFactory()
    due_edition(
        intro_markdown="## This week\n\nOne **small** step; see [the guide](https://read.example/g).",
        exercises=[
            ExerciseFactory(slug="breathe", instructions_markdown="Breathe *slowly*, then rest.")
        ],
        guide=GuideFactory(slug="getting-unstuck"),
        event=EventFactory(slug="live-talk"),
    )
    tasks.send_due_editions.defer(timestamp=0)
    run_workers()
    [message] = mail.outbox
    return message


def test_the_text_part_is_plain_and_links_the_front_end(queue, settings):
    settings.WEB_URL_TEMPLATES = FRONT

    text = send_one().body

    for markup in ("**", "*slowly*", "](", "##"):
        assert markup not in text
    assert "This week\n\nOne small step; see the guide (https://read.example/g)." in text
    assert "Breathe slowly, then rest." in text
    for page in (
        "https://app.example/exercises/breathe",
        "https://app.example/guides/getting-unstuck",
        "https://app.example/events/live-talk",
    ):
        assert f"\n{page}\n" in text


def test_without_templates_the_links_are_the_api_on_site_url(queue, settings):
    settings.SITE_URL = "https://api.example"

    message = send_one()

    for path in ("exercises/breathe/", "guides/getting-unstuck/", "events/live-talk/"):
        assert f"\nhttps://api.example/api/v1/{path}\n" in message.body
    html, _ = message.alternatives[0]
    assert 'href="https://api.example/api/v1/guides/getting-unstuck/"' in html
