"""Reply notice mails quote the reply as plain text and send people to the guide's page
on the front end (where its comments are) when `FRONTEND_URL_GUIDE` is set, else to
the API's comments of the guide on `SITE_URL`."""

from __future__ import annotations

import pytest

from comments import notices, services
from comments.models import ModerationMode
from tests.comments.factories import CommentFactory, VerifiedMemberFactory, moderation
from tests.comments.test_reply_notices import reply_via_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(writer, guide):
    moderation(ModerationMode.POST)
    top = CommentFactory(author=writer, guide=guide)
    services.follow_thread(member=writer, thread=top)
    return top


def mailed_reply(thread, guide, mailoutbox) -> str:
    replier = VerifiedMemberFactory()
    CommentFactory(author=replier, guide=guide)
    reply_via_api(replier, thread, "It **helped** me: [this](https://help.example/x).")
    assert notices.send_due() == 1
    [message] = mailoutbox
    return message.body


def test_the_notice_quotes_plain_text_and_links_the_guide_page(
    settings, writer, thread, guide, mailoutbox
):
    settings.WEB_URL_TEMPLATES = {"guide": "https://app.example/guides/{slug}"}

    body = mailed_reply(thread, guide, mailoutbox)

    assert "It helped me: this (https://help.example/x)." in body
    assert "**" not in body
    assert "](" not in body
    assert f"Read the thread: https://app.example/guides/{guide.slug}\n" in body


def test_without_a_template_the_notice_links_the_api(settings, writer, thread, guide, mailoutbox):
    settings.SITE_URL = "https://api.example"

    body = mailed_reply(thread, guide, mailoutbox)

    assert f"Read the thread: https://api.example/api/v1/guides/{guide.slug}/comments/\n" in body
