"""Every list and detail runs a fixed number of queries: the same at `page_size` 10 and
100, and the same for a detail with one child or thirty. Counts are for an anonymous
reader with a cold cache (the shared cache lives in memory during tests)."""

from __future__ import annotations

import itertools

import pytest

from core.http_cache import content_version
from strategies.extensions import detail_extras, search_sources
from strategies.models import Exercise, Guide, GuideRelation, GuideSource, Prompt, Strategy, Tag
from tests.strategies.factories import (
    ExerciseFactory,
    GuideFactory,
    PromptFactory,
    StrategyFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Queries per list page: the count, the rows (with their to-one relations joined), then
# one per prefetched to-many relation.
LIST_QUERIES = {
    "/api/v1/guides/": 3,  # count, guides + author + strategy count, tags
    "/api/v1/guides/?q=topic": 3,  # same, ranked
    "/api/v1/guides/?tag=qc-topic-1&ordering=title": 3,
    # A repeated filter is one `IN` (through an `EXISTS` for tags): no more queries.
    "/api/v1/guides/?tag=qc-topic-1&tag=qc-topic-2&tag=qc-topic-3": 3,
    "/api/v1/strategies/?tag=qc-topic-1&tag=qc-topic-2&author=qc-author-1&author=qc-author-2": 3,
    "/api/v1/exercises/?tag=qc-topic-1&tag=qc-topic-2": 2,
    "/api/v1/prompts/?tag=qc-topic-1&tag=qc-topic-2": 2,
    "/api/v1/strategies/": 3,  # count, strategies + guide, tags
    "/api/v1/strategies/?q=joy": 3,
    "/api/v1/exercises/": 2,  # count, exercises + strategy + guide
    "/api/v1/exercises/?q=courage": 2,
    "/api/v1/prompts/": 2,  # count, prompts + strategy + guide
    "/api/v1/tags/": 2,  # count, tags with both counts as subqueries
}


_requests = itertools.count()


def _measure(assert_max, expected: int, client, path, **params):
    """Run one request under `django_assert_max_num_queries(expected)`; return the
    response and how many queries it ran. The content version is issued first, as on a
    running server: renewing it (once per change, not per request) is not measured."""
    content_version()
    with assert_max(expected) as captured:
        response = _get(client, path, **params)
    return response, len(captured.captured_queries)


def _get(client, path, **params):
    # A parameter the API ignores makes each URL new to the shared response cache, so
    # the database is measured.
    response = client.get(path, {**params, "_": next(_requests)})
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize(("path", "expected"), LIST_QUERIES.items())
def test_list_queries_do_not_grow_with_page_size(
    api_client, bulk_content, path, expected, django_assert_max_num_queries
):
    first, small = _measure(django_assert_max_num_queries, expected, api_client, path, page_size=10)
    second, large = _measure(
        django_assert_max_num_queries, expected, api_client, path, page_size=100
    )
    assert small == large
    # The larger page really is larger, so the equality above means something.
    if second.json()["count"] > 10:
        assert len(second.json()["results"]) > len(first.json()["results"])


def test_bulk_content_fills_a_page_of_100_everywhere(api_client, bulk_content):
    for path in ("/api/v1/guides/", "/api/v1/strategies/", "/api/v1/exercises/"):
        assert len(_get(api_client, path, page_size=100).json()["results"]) == 100, path
    assert len(_get(api_client, "/api/v1/prompts/", page_size=100).json()["results"]) == 100
    assert len(_get(api_client, "/api/v1/tags/", page_size=100).json()["results"]) == 100


def _grow_guide(guide: Guide, children: int) -> None:
    for n in range(children):
        strategy = StrategyFactory(guide=guide, slug=f"{guide.slug}-strategy-{n}")
        strategy.tags.add(TagFactory(slug=f"{guide.slug}-tag-{n}"))
        ExerciseFactory(strategy=strategy, slug=f"{guide.slug}-exercise-{n}")
        PromptFactory(strategy=strategy)
        guide.tags.add(TagFactory(slug=f"{guide.slug}-guide-tag-{n}"))
        GuideRelation.objects.create(
            from_guide=guide, to_guide=GuideFactory(slug=f"{guide.slug}-related-{n}"), position=n
        )
        GuideSource.objects.create(
            guide=guide, position=n, title=f"Source {n}", url=f"https://example.org/{n}"
        )


@pytest.fixture
def small_and_large_guides(db):
    small, large = GuideFactory(slug="small"), GuideFactory(slug="large")
    _grow_guide(small, 1)
    _grow_guide(large, 30)
    big_strategy = Strategy.objects.filter(guide=large).first()
    for n in range(30):
        ExerciseFactory(strategy=big_strategy, slug=f"more-exercise-{n}")
        PromptFactory(strategy=big_strategy)
    return small, large


def _detail_paths(small: Guide, large: Guide) -> list[tuple[str, str, int]]:
    small_strategy, large_strategy = (
        Strategy.objects.filter(guide=guide).order_by("id").first() for guide in (small, large)
    )
    small_exercise, large_exercise = (
        Exercise.objects.filter(strategy=s).first() for s in (small_strategy, large_strategy)
    )
    small_prompt, large_prompt = (
        Prompt.objects.filter(strategy=s).first() for s in (small_strategy, large_strategy)
    )
    small_tag, large_tag = Tag.objects.order_by("id")[:2]
    extras_guide = len(detail_extras("guide"))
    extras_strategy = len(detail_extras("strategy"))
    return [
        # guide + author + reviewer, tags, sources, strategies, related guides; then each
        # registered extra
        (f"/api/v1/guides/{small.slug}/", f"/api/v1/guides/{large.slug}/", 5 + 2 * extras_guide),
        # ...and with each strategy's body: its exercises, its prompts (two more)
        (
            f"/api/v1/guides/{small.slug}/?include=strategies.body",
            f"/api/v1/guides/{large.slug}/?include=strategies.body",
            7 + 2 * extras_guide,
        ),
        # strategy + guide + author, tags, exercises, prompts; then each extra
        (
            f"/api/v1/strategies/{small_strategy.slug}/",
            f"/api/v1/strategies/{large_strategy.slug}/",
            4 + 2 * extras_strategy,
        ),
        (
            f"/api/v1/exercises/{small_exercise.slug}/",
            f"/api/v1/exercises/{large_exercise.slug}/",
            1,
        ),
        (f"/api/v1/prompts/{small_prompt.pk}/", f"/api/v1/prompts/{large_prompt.pk}/", 1),
        (f"/api/v1/tags/{small_tag.slug}/", f"/api/v1/tags/{large_tag.slug}/", 1),
        # person, their public guides
        (
            f"/api/v1/people/{small.author.slug}/",
            f"/api/v1/people/{large.author.slug}/",
            2,
        ),
    ]


def test_detail_queries_do_not_grow_with_children(
    api_client, small_and_large_guides, django_assert_max_num_queries
):
    small, large = small_and_large_guides
    # One author with 31 guides, to make the person page large too.
    Guide.objects.filter(slug__startswith="large").update(author=large.author)
    for small_path, large_path, expected in _detail_paths(small, large):
        _, few = _measure(django_assert_max_num_queries, expected, api_client, small_path)
        _, many = _measure(django_assert_max_num_queries, expected, api_client, large_path)
        assert few == many, small_path


def test_guide_detail_really_has_thirty_children(api_client, small_and_large_guides):
    detail = _get(api_client, "/api/v1/guides/large/").json()
    assert len(detail["strategies"]) == 30
    included = _get(api_client, "/api/v1/guides/large/", include="strategies.body").json()
    assert len(included["strategies"]) == 30
    assert sum(len(strategy["exercises"]) for strategy in included["strategies"]) == 60
    assert len(detail["related_guides"]) == 30
    assert len(detail["tags"]) == 30
    assert len(detail["sources"]) == 30


def test_unified_search_runs_two_queries_per_source(
    api_client, bulk_content, django_assert_max_num_queries
):
    counts = [
        _measure(
            django_assert_max_num_queries,
            # The hits and their count from each source, and two that date the content
            # version on a cache miss.
            2 * len(search_sources()) + 2,
            api_client,
            "/api/v1/search/",
            q="courage",
            limit=limit,
        )[1]
        for limit in (10, 50)
    ]
    assert counts[0] == counts[1]


@pytest.mark.parametrize("path", ["/api/v1/guides/", "/api/v1/strategies/", "/api/v1/exercises/"])
def test_editor_preview_lists_are_fixed_cost(
    editor_client, bulk_content, path, django_assert_max_num_queries
):
    # Token authentication adds a constant few queries; preview skips the shared cache.
    counts = [
        _measure(
            django_assert_max_num_queries,
            8,
            editor_client,
            path,
            preview="true",
            page_size=size,
        )[1]
        for size in (10, 100)
    ]
    assert counts[0] == counts[1]
