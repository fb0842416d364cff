"""The sample content `make run` loads: complete, public and idempotent."""

from __future__ import annotations

import pytest

from strategies import sample_content
from strategies.models import Exercise, Guide, Prompt, Strategy

pytestmark = pytest.mark.django_db

MAIN = "four-things-to-do-when-therapy-isnt-working"


def test_load_is_idempotent():
    created = sample_content.load()
    assert created > 0
    counts = [Model.objects.count() for Model in (Guide, Strategy, Exercise, Prompt)]
    assert sample_content.load() == 0
    assert [Model.objects.count() for Model in (Guide, Strategy, Exercise, Prompt)] == counts


def test_load_keeps_editors_changes():
    sample_content.load()
    Guide.objects.filter(slug=MAIN).update(title="Edited by an editor")
    sample_content.load()
    assert Guide.objects.get(slug=MAIN).title == "Edited by an editor"


def test_the_guide_as_a_reader_sees_it(api_client):
    sample_content.load()
    guide = api_client.get(f"/api/v1/guides/{MAIN}/").json()
    assert guide["title"] == "Four Things to Do When Therapy Isn't Working"
    assert guide["author"]["name"] == "The Breakthrough editors"
    assert guide["disclaimer_html"]
    assert guide["tags"]
    assert [s["title"] for s in guide["strategies"]] == [
        "Think Differently",
        "Beyond Therapy",
        "Take Action",
        "Pursue and Practice Joy",
    ]
    assert all(s["smallest_step"] for s in guide["strategies"])
    assert [g["title"] for g in guide["related_guides"]] == [
        "How to Have a Breakthrough",
        "How to Loosen Up",
        "Does Therapy Work?",
        "Is Psychology Good for Us?",
        "Soul to Soul",
        "Medicine, Psychology, and Spirituality",
    ]
    for strategy in guide["strategies"]:
        detail = api_client.get(strategy["url"]).json()
        assert len(detail["exercises"]) >= 2, strategy["title"]
        assert len(detail["prompts"]) >= 2, strategy["title"]
        assert all(e["duration_minutes"] for e in detail["exercises"])


def test_every_sample_guide_is_public_and_has_a_strategy(api_client):
    sample_content.load()
    listed = api_client.get("/api/v1/guides/").json()["results"]
    assert len(listed) == 7
    assert all(guide["strategy_count"] >= 1 for guide in listed)


def test_the_author_page(api_client):
    sample_content.load()
    person = api_client.get("/api/v1/people/breakthrough-editors/").json()
    assert person["bio"]
    assert len(person["guides"]) == 7


def test_the_management_command_loads_it_once():
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("load_sample_content", stdout=first)
    call_command("load_sample_content", stdout=second)
    assert "strategies.sample_content.load: 0 new rows" not in first.getvalue()
    assert "strategies.sample_content.load: 0 new rows" in second.getvalue()
    assert Guide.objects.filter(slug=MAIN).exists()
