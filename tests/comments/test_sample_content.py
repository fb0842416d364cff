"""The sample guide ships a short published thread, loaded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_the_sample_guide_has_a_short_published_thread(api_client):
    call_command("load_sample_content", verbosity=0)
    call_command("load_sample_content", verbosity=0)

    assert Comment.objects.count() == 3
    response = api_client.get(
        "/api/v1/guides/four-things-to-do-when-therapy-isnt-working/comments/"
    )
    [thread] = response.json()["results"]
    assert thread["strategy"]["slug"] == "take-action"
    assert [r["author"]["name"] for r in thread["replies"]] == ["Sam", "Kofi"]
    assert thread["replies"][1]["reply_to_name"] == "Sam"
