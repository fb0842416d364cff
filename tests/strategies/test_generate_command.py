"""`manage.py generate_strategies`: bulk content for measurements."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from strategies.models import Exercise, Guide, GuideRelation, Prompt, Strategy

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("generate_strategies", *args, stdout=out)
    return out.getvalue()


def test_generates_the_requested_shape():
    output = run("--guides", "12", "--strategies-per-guide", "3", "--prefix", "t")
    assert "12 guides" in output
    assert Guide.objects.filter(slug__startswith="t-").count() == 12
    assert Strategy.objects.count() == 36
    assert Exercise.objects.count() == 72
    assert Prompt.objects.count() == 72
    assert GuideRelation.objects.count() == 36
    guide = Guide.objects.filter(status="published").first()
    assert guide.body_html.startswith("<p>")
    assert guide.search_vector  # computed by the database


def test_running_again_replaces_instead_of_adding():
    run("--guides", "5", "--prefix", "t")
    run("--guides", "5", "--prefix", "t", "--seed", "2")
    assert Guide.objects.count() == 5
    run("--prefix", "t", "--delete")
    assert Guide.objects.count() == 0


def test_generated_content_is_served(api_client):
    run("--guides", "20", "--prefix", "t")
    response = api_client.get("/api/v1/guides/", {"page_size": 100})
    public = Guide.objects.published().count()
    assert response.json()["count"] == public


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError):
        run("--guides", "0")
    with pytest.raises(CommandError):
        run("--prefix", "no spaces")
