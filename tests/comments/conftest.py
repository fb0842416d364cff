"""Fixtures of the comments tests: a verified member, and a published guide."""

from __future__ import annotations

import pytest

from tests.comments.factories import VerifiedMemberFactory
from tests.helpers import client_for
from tests.strategies.factories import GuideFactory, StrategyFactory


@pytest.fixture
def writer(db):
    return VerifiedMemberFactory(email="writer@example.com", display_name="ada")


@pytest.fixture
def writer_client(writer):
    return client_for(writer)


@pytest.fixture
def guide(db):
    return GuideFactory(slug="a-guide")


@pytest.fixture
def strategy(guide):
    return StrategyFactory(guide=guide, slug="a-strategy")
