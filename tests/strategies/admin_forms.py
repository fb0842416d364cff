"""The POST bodies of the guide change form, for tests that submit it."""

from __future__ import annotations

INLINE_PREFIXES = ("strategies", "relations")


def guide_form(**overrides) -> dict:
    data = {
        "title": "New guide",
        "slug": "new-guide",
        "author": "",
        "summary": "",
        "body_markdown": "Body",
        "disclaimer_markdown": "Not treatment.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
    }
    for prefix in INLINE_PREFIXES:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def strategy_inline(index: int, **fields) -> dict:
    values = {"title": "A strategy", "slug": "a-strategy", "position": str(index + 1), **fields}
    return {f"strategies-{index}-{key}": value for key, value in values.items()}
