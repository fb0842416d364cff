"""Sample events for `make run`: the weekly series, its February 2020 talk, and a few
talks dated relative to today so that "upcoming" is never empty.

`load()` is idempotent: the series and the 2020 talk are looked up by slug, and
upcoming talks are added only while the series has fewer than `UPCOMING` of them.
Links to the sample guide and its strategies are made when the strategies sample has
been loaded (it runs first), and skipped otherwise. Every text is our own.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import sample_images
from events.models import Event, Series, Weekday
from events.services import weekly_starts
from strategies.models import Guide, Person, Strategy

ZONE = "America/New_York"
UPCOMING = 3
GUIDE_SLUG = "four-things-to-do-when-therapy-isnt-working"
HOST = {
    "slug": "simon-jacobson",
    "name": "Rabbi Simon Jacobson",
    "bio": "Hosts the weekly live series Live with Rabbi Simon Jacobson.",
}
STREAM_URL = "https://live.example.org/simon-jacobson"
PODCAST_URL = "https://podcast.example.org/live-with-rabbi-simon-jacobson"

SERIES = {
    "slug": "live-with-rabbi-simon-jacobson",
    "title": "Live with Rabbi Simon Jacobson",
    "description_markdown": (
        "A weekly hour, streamed live on Wednesday evenings from New York. Each session "
        "takes one question people actually struggle with (feeling stuck, losing heart, "
        "wanting more from therapy) and looks at it through psychology and through "
        "spiritual tradition, then ends with something concrete to try that week.\n\n"
        "Questions from viewers are taken during the stream."
    ),
}

FEBRUARY_2020 = {
    "slug": "the-kabbalah-of-psychology-the-study-of-the-soul",
    "title": "The Kabbalah of Psychology: The Study of the Soul",
    "local_start": datetime(2020, 2, 19, 20, 30, tzinfo=ZoneInfo(ZONE)),  # a Wednesday
    "description_markdown": (
        "Modern psychology set out to study the psyche, a Greek word for the soul, and "
        "then mostly left the soul out. This talk asks what changes when it is brought "
        "back in: a person seen not only as a set of symptoms to manage but as someone "
        "with a purpose to uncover.\n\n"
        "It pairs naturally with the guide on what to do when therapy seems to stall."
    ),
    "reflection_prompt": (
        "Which part of you has your work on yourself left out so far, and what would "
        "it look like to include it this week?"
    ),
    "recording_url": "https://live.example.org/recordings/the-kabbalah-of-psychology",
    "strategies": ["think-differently", "beyond-therapy"],
}

# Topics for upcoming talks, picked by the week of the year so reruns agree.
TOPICS = [
    (
        "Act First, Think Later: Breaking a Stuck Pattern",
        (
            "Why waiting to feel ready keeps us where we are, and how doing one small, "
            "uncomfortable piece of the thing changes the feeling that blocked it."
        ),
        "take-action",
        "What is the smallest piece of the thing you avoid that you could do tomorrow?",
    ),
    (
        "Joy as a Discipline",
        (
            "Singing, dancing and helping someone else are usually treated as rewards for "
            "when life improves. This session treats them as practices that make it improve."
        ),
        "pursue-and-practice-joy",
        "When did you last do something purely for joy, and what stopped you since?",
    ),
    (
        "When Talking Is Not Enough",
        (
            "Therapy is one tool among several. A look at when to add medical care, a "
            "support group or a spiritual practice, and how to tell which one is missing."
        ),
        "beyond-therapy",
        "Which kind of help have you never tried, and what makes you hesitate?",
    ),
    (
        "A New Light on an Old Problem",
        (
            "Sometimes the problem is not effort but the frame. How a fresh perspective, "
            "from another person or another tradition, can move what years of effort did not."
        ),
        "think-differently",
        "Whose view of your situation have you never asked for?",
    ),
]


def _links(event: Event, strategy_slugs: list[str]) -> None:
    guide = Guide.objects.filter(slug=GUIDE_SLUG).first()
    if guide is not None:
        event.guides.add(guide)
    strategies = list(Strategy.objects.filter(slug__in=strategy_slugs))
    if strategies:
        event.strategies.add(*strategies)


@transaction.atomic
def load() -> int:
    created = 0
    host, new = Person.objects.get_or_create(
        slug=HOST["slug"], defaults={"name": HOST["name"], "bio": HOST["bio"]}
    )
    created += new
    if not host.photo:
        # An illustrated portrait drawn here (core.sample_images), not a real person's.
        host.photo = ContentFile(sample_images.portrait(host.slug), name=f"{host.slug}.jpg")
        host.photo_alt = f"An illustrated portrait of {host.name}."
        host.save(update_fields=["photo", "photo_alt"])
    series, new = Series.objects.get_or_create(
        slug=SERIES["slug"],
        defaults={
            "title": SERIES["title"],
            "description_markdown": SERIES["description_markdown"],
            "host": host,
            "timezone": ZONE,
            "default_duration": timedelta(hours=1),
            "stream_url": STREAM_URL,
            "podcast_url": PODCAST_URL,
            "schedule_weekday": Weekday.WEDNESDAY,
            "schedule_time": time(20, 30),
        },
    )
    created += new

    if not Event.objects.filter(slug=FEBRUARY_2020["slug"]).exists():
        starts_at = FEBRUARY_2020["local_start"]
        event = Event.objects.create(
            series=series,
            slug=FEBRUARY_2020["slug"],
            title=FEBRUARY_2020["title"],
            description_markdown=FEBRUARY_2020["description_markdown"],
            reflection_prompt=FEBRUARY_2020["reflection_prompt"],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            timezone=ZONE,
            location="Online",
            stream_url=STREAM_URL,
            podcast_url=PODCAST_URL,
            recording_url=FEBRUARY_2020["recording_url"],
        )
        event.hosts.add(host)
        _links(event, FEBRUARY_2020["strategies"])
        created += 1

    now = timezone.now()
    upcoming = Event.objects.filter(series=series).upcoming(now)
    missing = UPCOMING - upcoming.count()
    if missing > 0:
        latest = upcoming.order_by("-starts_at").values_list("starts_at", flat=True).first()
        for start in weekly_starts(series, after=latest or now, count=missing):
            local_date = start.astimezone(ZoneInfo(ZONE)).date()
            title, description, strategy, prompt = TOPICS[
                local_date.isocalendar().week % len(TOPICS)
            ]
            event, new = Event.objects.get_or_create(
                slug=f"{series.slug}-{local_date:%Y-%m-%d}",
                defaults={
                    "series": series,
                    "title": title,
                    "description_markdown": description,
                    "reflection_prompt": prompt,
                    "starts_at": start,
                    "ends_at": start + series.default_duration,
                    "timezone": ZONE,
                    "location": "Online",
                    "stream_url": STREAM_URL,
                    "podcast_url": PODCAST_URL,
                },
            )
            if new:
                event.hosts.add(host)
                _links(event, [strategy])
                created += 1
    return created
