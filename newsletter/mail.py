"""The newsletter's messages: an edition rendered once, then addressed to each reader.

Links go to the front end's pages when it has them (`FRONTEND_URL_<KIND>`), else to the
API on `SITE_URL`; the text part is plain text, the editors' Markdown rendered to it.
Rendering the templates is the slow part, so an edition is rendered once per batch with
a placeholder where each reader's unsubscribe link goes; `edition_message` swaps in the
link and sets the RFC 8058 headers (`List-Unsubscribe` names the API's own unsubscribe
endpoint, which takes the one-click POST without signing in). Every message of a
delivery has the same `Message-ID`, so should a crash make a worker send one again,
mail systems that de-duplicate by it show it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from core.markdown import markdown_to_text
from core.references import page_url
from newsletter.models import Edition

PLACEHOLDER = "https://unsubscribe.invalid/placeholder"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def one_click_url(token: str) -> str:
    return f"{absolute(reverse('newsletter-unsubscribe'))}?token={token}"


def unsubscribe_page_url(token: str) -> str:
    return settings.NEWSLETTER_UNSUBSCRIBE_URL.format(token=token)


@dataclass(frozen=True)
class RenderedEdition:
    edition_id: int
    subject: str
    text: str
    html: str


def edition_context(edition: Edition) -> dict:
    exercises = [
        {
            "title": link.exercise.title,
            "duration_minutes": link.exercise.duration_minutes,
            "instructions_html": link.exercise.instructions_html,
            "instructions_text": markdown_to_text(link.exercise.instructions_markdown),
            "url": page_url({}, link.exercise),
        }
        for link in edition.edition_exercises.select_related("exercise").order_by("position", "id")
    ]
    guide = edition.guide
    event = edition.event
    return {
        "edition": edition,
        "intro_text": markdown_to_text(edition.intro_markdown),
        "exercises": exercises,
        "guide": guide,
        "guide_url": guide and page_url({}, guide),
        "event": event,
        "event_url": event and page_url({}, event),
        "archive_url": absolute(reverse("edition-detail", kwargs={"slug": edition.slug})),
        "unsubscribe_url": PLACEHOLDER,
    }


def render_edition(edition: Edition) -> RenderedEdition:
    context = edition_context(edition)
    return RenderedEdition(
        edition_id=edition.pk,
        subject=edition.subject,
        text=render_to_string("newsletter/edition.txt", context),
        html=render_to_string("newsletter/edition.html", context),
    )


def _message_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def edition_message(
    rendered: RenderedEdition,
    *,
    to: str,
    unsubscribe_token: str,
    delivery_id: int | None = None,
    subject_prefix: str = "",
    connection=None,
) -> EmailMultiAlternatives:
    page = unsubscribe_page_url(unsubscribe_token)
    headers = {
        "List-Unsubscribe": f"<{one_click_url(unsubscribe_token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Soul Gym <soul-gym.{_message_domain()}>",
    }
    if delivery_id is not None:
        headers["Message-ID"] = (
            f"<edition-{rendered.edition_id}.delivery-{delivery_id}@{_message_domain()}>"
        )
    message = EmailMultiAlternatives(
        subject=subject_prefix + rendered.subject,
        body=rendered.text.replace(PLACEHOLDER, page),
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(rendered.html.replace(PLACEHOLDER, escape(page)), "text/html")
    return message


def confirmation_message(*, email: str, link: str, token: str) -> EmailMultiAlternatives:
    return EmailMultiAlternatives(
        subject="Confirm your Soul Gym subscription",
        body=(
            "Someone, hopefully you, asked to receive the Soul Gym, Breakthrough's free "
            "exercises by email, at this address.\n\n"
            f"To confirm, open {link}\nor send this token to the app: {token}\n\n"
            "If it was not you, ignore this message: nothing is sent unless you confirm, "
            "and we keep nothing about this address.\n\n-- \nBreakthrough"
        ),
        to=[email],
    )
