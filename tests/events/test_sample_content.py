"""The sample events `make run` loads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from events import sample_content
from events.models import Event, Series
from strategies import sample_content as strategies_sample

pytestmark = pytest.mark.django_db


def test_loads_the_series_the_2020_talk_and_upcoming_talks_once():
    strategies_sample.load()
    created = sample_content.load()
    assert created >= 5
    assert sample_content.load() == 0  # idempotent

    series = Series.objects.get(slug="live-with-rabbi-simon-jacobson")
    assert series.title == "Live with Rabbi Simon Jacobson"
    talk = Event.objects.get(slug="the-kabbalah-of-psychology-the-study-of-the-soul")
    assert talk.title == "The Kabbalah of Psychology: The Study of the Soul"
    assert talk.starts_at == datetime(2020, 2, 20, 1, 30, tzinfo=UTC)
    assert talk.local_start.strftime("%A %d %B %Y %H:%M") == "Wednesday 19 February 2020 20:30"
    assert [g.slug for g in talk.guides.all()] == ["four-things-to-do-when-therapy-isnt-working"]
    assert talk.strategies.count() == 2

    upcoming = Event.objects.filter(series=series).upcoming(timezone.now())
    assert upcoming.count() == sample_content.UPCOMING
    for event in upcoming:
        assert event.local_start.strftime("%a %H:%M") == "Wed 20:30"
        assert event.guides.exists()
        assert event.strategies.exists()


def test_loads_without_the_strategies_sample_too():
    assert sample_content.load() >= 5
    assert not Event.objects.filter(guides__isnull=False).exists()
