"""factory_boy factories for the events app. An event starts tomorrow unless told."""

from __future__ import annotations

from datetime import time, timedelta

import factory
from django.utils import timezone

from events.models import CalendarFeed, Event, Reminder, Series, Weekday
from tests.accounts.factories import UserFactory


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    title = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")
    description_markdown = "A weekly *live* show."
    timezone = "America/New_York"
    default_duration = timedelta(hours=1)
    stream_url = "https://live.example.org/show"
    podcast_url = "https://podcast.example.org/show"

    class Params:
        weekly = factory.Trait(schedule_weekday=Weekday.WEDNESDAY, schedule_time=time(20, 30))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    description_markdown = "We talk about **getting unstuck**."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    timezone = "America/New_York"
    location = "Online"
    stream_url = "https://live.example.org/stream"
    podcast_url = "https://podcast.example.org/episode"

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.hosts.add(*extracted)

    @factory.post_generation
    def guides(self, create, extracted, **kwargs):
        if create and extracted:
            self.guides.add(*extracted)

    @factory.post_generation
    def strategies(self, create, extracted, **kwargs):
        if create and extracted:
            self.strategies.add(*extracted)


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    owner = factory.SubFactory(UserFactory)
    event = factory.SubFactory(EventFactory)
    minutes_before = 60


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    owner = factory.SubFactory(UserFactory)
