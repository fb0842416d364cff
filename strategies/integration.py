"""What the strategies app plugs into the rest of the project, from `ready()`:

- the public response cache: any change to content renews its version, and so does the
  moment a scheduled guide becomes due;
- unified search (`/api/v1/search/` finds guides, strategies and exercises).
"""

from __future__ import annotations

from datetime import datetime

from core.http_cache import register_schedule_source, track_content_models
from strategies import search
from strategies.models import (
    Exercise,
    Guide,
    GuideRelation,
    GuideSource,
    Person,
    Prompt,
    Strategy,
    Tag,
)


def next_guide_publication(now: datetime) -> datetime | None:
    return (
        Guide.objects.filter(status=Guide.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def register() -> None:
    track_content_models(
        [Guide, GuideRelation, GuideSource, Strategy, Exercise, Prompt, Tag, Person]
    )
    register_schedule_source(next_guide_publication)
    search.register_sources()
