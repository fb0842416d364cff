"""The sample content has one sent edition in the archive, loaded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from newsletter.models import Edition, EditionStatus

pytestmark = pytest.mark.django_db


def test_the_sample_has_one_sent_edition_with_the_sample_guides_exercises(api_client):
    call_command("load_sample_content", verbosity=0)
    call_command("load_sample_content", verbosity=0)

    edition = Edition.objects.get()
    assert edition.status == EditionStatus.SENT
    assert edition.guide is not None
    assert edition.edition_exercises.count() == 3
    archive = api_client.get("/api/v1/newsletter/editions/").json()
    assert [e["slug"] for e in archive["results"]] == [edition.slug]
    detail = api_client.get(archive["results"][0]["url"]).json()
    assert len(detail["exercises"]) == 3
