"""Fixtures shared by every test module (plain helpers live in tests/helpers.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.fast_cache import LOCAL as LOCAL_PUBLIC_CACHE
from tests.accounts.factories import UserFactory
from tests.helpers import client_for
from tests.workers import queue  # noqa: F401  (a fixture for tests that run workers)


def pytest_configure(config):
    """Without DATABASE_URL the suite runs on the embedded PostgreSQL under .data/: start
    it here (settings only describe it). xdist's controller runs this before its workers."""
    from django.conf import settings

    from config import embedded_db

    if embedded_db.wanted():
        settings.DATABASES["default"]["HOST"] = embedded_db.start()


@pytest.fixture(autouse=True)
def _clear_cache():
    from profiles.home import forget_recommendations

    # Throttle counters and cached public responses must not leak between tests.
    cache.clear()
    LOCAL_PUBLIC_CACHE.clear()
    forget_recommendations()
    yield
    cache.clear()
    LOCAL_PUBLIC_CACHE.clear()
    forget_recommendations()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def member(db):
    return UserFactory(email="owner@example.com")


@pytest.fixture
def other_member(db):
    return UserFactory(email="other@example.com")


@pytest.fixture
def editor(db):
    return UserFactory(email="editor@example.com", is_staff=True)


@pytest.fixture
def member_client(member) -> APIClient:
    return client_for(member)


@pytest.fixture
def other_client(other_member) -> APIClient:
    return client_for(other_member)


@pytest.fixture
def editor_client(editor) -> APIClient:
    return client_for(editor)
