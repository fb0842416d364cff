"""The editors' admin: every page renders, changelists run a bounded number of
queries, actions publish and unpublish, and validation speaks an editor's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from strategies.models import Exercise, Guide, GuideRelation, Person, Prompt, Strategy, Tag
from tests.strategies.admin_forms import guide_form, strategy_inline
from tests.strategies.factories import GuideFactory, StrategyFactory

pytestmark = pytest.mark.django_db

MODELS = {
    "guide": Guide,
    "strategy": Strategy,
    "exercise": Exercise,
    "prompt": Prompt,
    "tag": Tag,
    "person": Person,
}


@pytest.fixture
def admin_client(content_editor) -> Client:
    client = Client()
    client.force_login(content_editor)
    return client


@pytest.mark.parametrize("name", MODELS)
def test_changelist_and_forms_render(admin_client, tree, name):
    base = f"/admin/strategies/{name}/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}?q=guide").status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 200
    for obj in MODELS[name].objects.all()[:3]:
        assert admin_client.get(f"{base}{obj.pk}/change/").status_code == 200, obj


def test_guide_changelist_filters_render(admin_client, tree):
    for query in (
        "status__exact=draft",
        "visibility=live",
        "visibility=scheduled",
        "visibility=draft",
        f"tags__id__exact={tree['tag'].pk}",
        f"author__id__exact={tree['guide'].author_id}",
        f"published_at__year={timezone.now().year}",
    ):
        response = admin_client.get(f"/admin/strategies/guide/?{query}")
        assert response.status_code == 200, query


def test_visibility_filter_sorts_guides(admin_client, tree):
    live = admin_client.get("/admin/strategies/guide/?visibility=live").content.decode()
    assert "Public guide" in live
    assert "Draft guide" not in live
    scheduled = admin_client.get("/admin/strategies/guide/?visibility=scheduled").content.decode()
    assert "Scheduled guide" in scheduled
    assert "Public guide" not in scheduled


@pytest.mark.parametrize("name", ["guide", "strategy", "exercise", "prompt"])
def test_changelist_queries_are_bounded(admin_client, django_assert_max_num_queries, name):
    def measure() -> int:
        with django_assert_max_num_queries(20) as captured:
            assert admin_client.get(f"/admin/strategies/{name}/").status_code == 200
        return len(captured.captured_queries)

    from strategies.generator import generate

    generate(guides=3, strategies_per_guide=1, prefix="few", tags=3, people=2)
    few = measure()
    generate(guides=40, strategies_per_guide=2, prefix="many", tags=20, people=10)
    assert measure() == few


def test_people_cannot_use_the_admin_without_staff_and_permissions(member, editor, tree):
    client = Client()
    client.force_login(member)
    assert client.get("/admin/strategies/guide/").status_code == 302  # to the login page
    client.force_login(editor)  # staff, but no content permissions yet
    assert client.get("/admin/strategies/guide/").status_code == 403


def test_saved_items_are_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/strategies/saveditem/").status_code == 404


def test_change_form_has_preview_links(admin_client, tree):
    draft, strategy = tree["draft"], tree["strategies"][0]
    page = admin_client.get(f"/admin/strategies/guide/{draft.pk}/change/").content.decode()
    assert f'href="/admin/strategies/guide/{draft.pk}/preview/"' in page
    assert "/api/v1/guides/draft-guide/?preview=true" in page
    page = admin_client.get(f"/admin/strategies/strategy/{strategy.pk}/change/").content.decode()
    assert f'href="/admin/strategies/strategy/{strategy.pk}/preview/"' in page
    assert "/api/v1/strategies/public-strategy-1/?preview=true" in page


def test_related_guides_use_an_autocomplete(admin_client, tree):
    page = admin_client.get(f"/admin/strategies/guide/{tree['guide'].pk}/change/").content
    assert b"admin-autocomplete" in page
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "strategies",
            "model_name": "guiderelation",
            "field_name": "to_guide",
            "term": "Other",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Other public guide"]


# --- Actions ---------------------------------------------------------------------------------


def run_action(client, action: str, guides) -> str:
    response = client.post(
        "/admin/strategies/guide/",
        {"action": action, "_selected_action": [guide.pk for guide in guides]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_publish_action_publishes_guides_with_strategies(admin_client, tree):
    page = run_action(admin_client, "publish", [tree["draft"]])
    tree["draft"].refresh_from_db()
    assert tree["draft"].status == Guide.Status.PUBLISHED
    assert tree["draft"].published_at <= timezone.now()
    assert "Published" in page


def test_publish_action_keeps_a_future_date_as_a_schedule(admin_client, tree):
    later = timezone.now() + timedelta(days=3)
    Guide.objects.filter(pk=tree["draft"].pk).update(published_at=later)
    page = run_action(admin_client, "publish", [tree["draft"]])
    tree["draft"].refresh_from_db()
    assert tree["draft"].published_at == later
    assert "Scheduled" in page


def test_publish_action_refuses_a_guide_without_strategies(admin_client):
    empty = GuideFactory(slug="empty", status=Guide.Status.DRAFT, published_at=None)
    page = run_action(admin_client, "publish", [empty])
    empty.refresh_from_db()
    assert empty.status == Guide.Status.DRAFT
    assert "needs a strategy first" in page


def test_unpublish_action_hides_guides_at_once(
    admin_client, api_client, tree, django_capture_on_commit_callbacks
):
    assert api_client.get("/api/v1/guides/public-guide/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "unpublish", [tree["guide"]])
    assert api_client.get("/api/v1/guides/public-guide/").status_code == 404


# --- Validation ------------------------------------------------------------------------------


def test_a_draft_guide_can_be_saved_without_strategies(admin_client):
    response = admin_client.post("/admin/strategies/guide/add/", guide_form())
    assert response.status_code == 302
    assert Guide.objects.get(slug="new-guide").status == Guide.Status.DRAFT


def test_a_guide_cannot_be_published_without_a_strategy(admin_client):
    response = admin_client.post("/admin/strategies/guide/add/", guide_form(status="published"))
    assert response.status_code == 200
    assert "A published guide needs at least one strategy" in response.content.decode()
    assert not Guide.objects.filter(slug="new-guide").exists()


def test_publishing_with_a_strategy_and_no_date_means_now(admin_client, api_client):
    data = guide_form(status="published", **{"strategies-TOTAL_FORMS": "1"}, **strategy_inline(0))
    response = admin_client.post("/admin/strategies/guide/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    guide = Guide.objects.get(slug="new-guide")
    assert guide.published_at <= timezone.now()
    assert api_client.get("/api/v1/guides/new-guide/").json()["strategies"][0]["slug"] == (
        "a-strategy"
    )


def test_deleting_the_last_strategy_of_a_published_guide_is_refused(admin_client):
    guide = GuideFactory(slug="live")
    strategy = StrategyFactory(guide=guide, slug="only-one", position=1)
    data = guide_form(
        title=guide.title,
        slug="live",
        status="published",
        published_at_0=guide.published_at.strftime("%Y-%m-%d"),
        published_at_1=guide.published_at.strftime("%H:%M:%S"),
        **{"strategies-TOTAL_FORMS": "1", "strategies-INITIAL_FORMS": "1"},
        **strategy_inline(
            0, id=str(strategy.pk), guide=str(guide.pk), slug="only-one", DELETE="on"
        ),
    )
    response = admin_client.post(f"/admin/strategies/guide/{guide.pk}/change/", data)
    assert response.status_code == 200
    assert "A published guide needs at least one strategy" in response.content.decode()
    assert Strategy.objects.filter(pk=strategy.pk).exists()


def test_a_clashing_slug_is_explained(admin_client, tree):
    response = admin_client.post("/admin/strategies/guide/add/", guide_form(slug="public-guide"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Another guide (“Public guide”) already uses the address “public-guide”" in page


def test_a_clashing_strategy_slug_is_explained(admin_client, tree):
    data = guide_form(
        **{"strategies-TOTAL_FORMS": "1"}, **strategy_inline(0, slug="public-strategy-1")
    )
    response = admin_client.post("/admin/strategies/guide/add/", data)
    assert response.status_code == 200
    assert "Another strategy" in response.content.decode()


def test_a_guide_cannot_be_related_to_itself(admin_client, tree):
    guide = tree["other"]
    data = guide_form(
        title=guide.title,
        slug=guide.slug,
        status="published",
        published_at_0=guide.published_at.strftime("%Y-%m-%d"),
        published_at_1=guide.published_at.strftime("%H:%M:%S"),
        **{
            "strategies-TOTAL_FORMS": "1",
            "strategies-INITIAL_FORMS": "1",
            "relations-TOTAL_FORMS": "1",
        },
        **strategy_inline(
            0,
            id=str(guide.strategies.get().pk),
            guide=str(guide.pk),
            slug=guide.strategies.get().slug,
        ),
        **{"relations-0-to_guide": str(guide.pk), "relations-0-position": "1"},
    )
    response = admin_client.post(f"/admin/strategies/guide/{guide.pk}/change/", data)
    assert response.status_code == 200
    assert "A guide cannot be related to itself." in response.content.decode()
    assert not GuideRelation.objects.filter(from_guide=guide).exists()
