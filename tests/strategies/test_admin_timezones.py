"""Each editor works in their own zone: a New York editor and a Tokyo editor type the
same wall-clock time for a guide's publication, on both sides of New York's change to
summer time, and each gets their own instant back, named with its zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from strategies.models import Guide
from tests.accounts.factories import UserFactory
from tests.strategies.admin_forms import guide_form, strategy_inline

pytestmark = pytest.mark.django_db

# New York moves to summer time (EST -> EDT) at 02:00 on Sunday 8 March 2026; Tokyo
# has no daylight-saving time.
CASES = [
    ("America/New_York", "2026-03-07", datetime(2026, 3, 7, 14, 0, tzinfo=UTC), "EST"),
    ("America/New_York", "2026-03-09", datetime(2026, 3, 9, 13, 0, tzinfo=UTC), "EDT"),
    ("Asia/Tokyo", "2026-03-07", datetime(2026, 3, 7, 0, 0, tzinfo=UTC), "JST"),
    ("Asia/Tokyo", "2026-03-09", datetime(2026, 3, 9, 0, 0, tzinfo=UTC), "JST"),
]


def editor_in(zone: str) -> Client:
    user = UserFactory(email=f"{zone.replace('/', '-').lower()}@example.com", is_staff=True)
    user.timezone = zone
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="strategies"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("zone", "day", "instant", "abbreviation"), CASES)
def test_a_publication_time_is_typed_and_shown_in_the_editors_zone(
    zone, day, instant, abbreviation
):
    client = editor_in(zone)
    data = guide_form(
        status="published",
        published_at_0=day,
        published_at_1="09:00",
        **{"strategies-TOTAL_FORMS": "1"},
        **strategy_inline(0),
    )
    response = client.post("/admin/strategies/guide/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    guide = Guide.objects.get(slug="new-guide")
    assert guide.published_at == instant

    change = client.get(f"/admin/strategies/guide/{guide.pk}/change/").content.decode()
    assert 'value="09:00:00"' in change  # the wall clock typed, given back
    assert f"Times in your zone: <strong>{zone}</strong>" in change
    changelist = client.get("/admin/strategies/guide/").content.decode()
    assert f"09:00 {abbreviation}" in changelist


def test_the_same_guide_reads_differently_for_each_editor():
    new_york, tokyo = editor_in("America/New_York"), editor_in("Asia/Tokyo")
    data = guide_form(
        status="published",
        published_at_0="2026-03-09",
        published_at_1="09:00",
        **{"strategies-TOTAL_FORMS": "1"},
        **strategy_inline(0),
    )
    assert new_york.post("/admin/strategies/guide/add/", data).status_code == 302
    # 13:00 UTC is 22:00 in Tokyo the same day.
    assert "March 9, 2026, 22:00 JST" in tokyo.get("/admin/strategies/guide/").content.decode()
    # Django's "Now" shortcut reads the offset of the active zone from the page.
    index = tokyo.get("/admin/").content.decode()
    assert 'data-admin-utc-offset="32400"' in index


def test_the_api_stays_in_utc_for_an_editor(api_client):
    client = editor_in("Asia/Tokyo")
    data = guide_form(
        status="published",
        published_at_0="2026-03-09",
        published_at_1="09:00",
        **{"strategies-TOTAL_FORMS": "1"},
        **strategy_inline(0),
    )
    assert client.post("/admin/strategies/guide/add/", data).status_code == 302
    body = client.get("/api/v1/guides/new-guide/", HTTP_ACCEPT="application/json").json()
    assert body["published_at"] == "2026-03-09T00:00:00Z"
