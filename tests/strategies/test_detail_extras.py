"""Other apps add fields to guide and strategy details through
`strategies.extensions.register_detail_extra`, without strategies importing them."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from strategies import extensions
from strategies.extensions import DetailExtra

pytestmark = pytest.mark.django_db


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField()


class Note:
    def __init__(self, text: str) -> None:
        self.text = text


@pytest.fixture
def notes(monkeypatch):
    loaded = []

    def load(obj):
        loaded.append(obj)
        return [Note(f"about {obj.slug}")]

    extras = [
        *extensions._detail_extras,
        DetailExtra(target="guide", field="notes", serializer_class=NoteSerializer, load=load),
        DetailExtra(target="strategy", field="notes", serializer_class=NoteSerializer, load=load),
    ]
    monkeypatch.setattr(extensions, "_detail_extras", extras)
    return loaded


def test_guide_and_strategy_details_carry_registered_extras(api_client, tree, notes):
    guide = api_client.get("/api/v1/guides/public-guide/").json()
    assert guide["notes"] == [{"text": "about public-guide"}]
    strategy = api_client.get("/api/v1/strategies/public-strategy-1/").json()
    assert strategy["notes"] == [{"text": "about public-strategy-1"}]
    assert [obj.slug for obj in notes] == ["public-guide", "public-strategy-1"]


def test_lists_do_not_load_extras(api_client, tree, notes):
    assert "notes" not in api_client.get("/api/v1/guides/").json()["results"][0]
    assert notes == []
