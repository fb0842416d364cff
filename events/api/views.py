"""Views of the events API: events, series, calendars, members' reminders and feed.

Public reads go through the shared response cache (`core.http_cache`), which renews
its version at the second an event starts or ends. What the schema says beyond
inference is in `events.api.schema`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.etags import content_etag, none_match
from core.filters import StableOrderingFilter
from core.http_cache import (
    PRIVATE_NO_CACHE,
    PRIVATE_NO_STORE,
    PrivateNoStoreMixin,
    PublicCacheMixin,
)
from core.markdown import markdown_to_text
from core.pagination import CursorPagination
from core.references import web_url
from core.responses import created_response
from core.routing import SLUG_PATTERN
from events import calendars, selectors, services
from events.api import schema
from events.api.filters import EventFilter, EventFilterBackend
from events.api.schema import CalendarSchema
from events.api.serializers import (
    CalendarFeedSerializer,
    EventDetailSerializer,
    EventSerializer,
    ReminderSerializer,
    SeriesDetailSerializer,
    SeriesSerializer,
)
from events.models import Event, Reminder, Series


class ClockMixin:
    """One clock reading per request, shared by filters, querysets and serializers."""

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        self.now = timezone.now()
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": self.now}


# --- Events and series --------------------------------------------------------------------


@schema.event_viewset
class EventViewSet(PublicCacheMixin, ClockMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = [EventFilterBackend, StableOrderingFilter]
    filterset_class = EventFilter
    ordering_fields = ["starts_at", "ends_at", "title", "updated_at"]

    @property
    def ordering(self) -> list[str]:
        if self.request.query_params.get("when") == "past":
            return ["-starts_at", "-id"]
        return ["starts_at", "id"]

    def get_queryset(self) -> QuerySet[Event]:
        if self.action == "retrieve":
            return selectors.event_detail_list(self.now)
        return selectors.event_list()

    def get_serializer_class(self):
        if self.action in ("retrieve", "next"):
            return EventDetailSerializer
        if self.action == "reminders":
            return ReminderSerializer
        return EventSerializer

    @action(detail=False, methods=["get"], filter_backends=[])
    def upcoming(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.upcoming_event_list(self.now))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def next(self, request: Request) -> Response:
        event = selectors.next_event_get(self.now)
        if event is None:
            raise NotFound("No event is live or scheduled right now.")
        return Response(self.get_serializer(event).data)

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        filter_backends=[],
        pagination_class=None,
    )
    def reminders(self, request: Request, slug: str) -> Response:
        event = selectors.event_get(slug)
        if event is None:
            raise NotFound
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reminder, created = services.reminder_create(
            owner=request.user,
            event=event,
            minutes_before=serializer.validated_data["minutes_before"],
        )
        return created_response(
            request,
            self.get_serializer(reminder).data,
            created=created,
            url_name="reminder-detail",
            pk=reminder.pk,
            headers={"Cache-Control": PRIVATE_NO_STORE},
        )


@schema.series_viewset
class SeriesViewSet(PublicCacheMixin, ClockMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["title", "created_at"]
    ordering = ["title", "id"]

    def get_queryset(self) -> QuerySet[Series]:
        if self.action == "retrieve":
            return selectors.series_detail_list(self.now)
        return selectors.series_list()

    def get_serializer_class(self):
        return SeriesDetailSerializer if self.action == "retrieve" else SeriesSerializer


# --- Calendar files -------------------------------------------------------------------------


class ICalendarRenderer(BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data if isinstance(data, bytes) else str(data).encode()


class AlwaysFirstRenderer(BaseContentNegotiation):
    """Calendar apps send all sorts of `Accept` headers: a calendar URL always answers
    with a calendar."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@dataclass(frozen=True)
class CalendarFile:
    """What one calendar address serves. A feed is subscribed to (it names its source
    and refresh interval); otherwise it is a one-off attachment to import."""

    events: Iterable[Event]
    uid: str
    name: str
    filename: str
    description: str = ""
    feed: bool = True


class CalendarFileView(ClockMixin, APIView):
    """Serves `text/calendar; charset=utf-8`; errors still come as JSON. Calendars are
    public (or reached by a secret address), so credentials are ignored. Subclasses say
    what their address serves in `calendar_file()`. Each address is gzipped for a
    client that asks (a feed of thousands of events shrinks about thirteen times), by
    a decorator on the outermost `dispatch`, so the shared cache keeps the plain file
    and the per-process fast path the answer as each client got it."""

    renderer_classes = [ICalendarRenderer]
    parser_classes = []
    content_negotiation_class = AlwaysFirstRenderer
    authentication_classes = []
    permission_classes = [AllowAny]
    schema = CalendarSchema()

    def calendar_file(self, **kwargs: str) -> CalendarFile:
        raise NotImplementedError

    def get(self, request: Request, **kwargs: str) -> Response:
        file = self.calendar_file(**kwargs)
        # Reversed once per request: a feed asks for thousands of these.
        events_url = request.build_absolute_uri(reverse("event-list"))
        body = calendars.build_calendar(
            file.events,
            # The front end's page of the event when there is one, else the API's.
            url_for=lambda event: web_url("event", event.slug) or f"{events_url}{event.slug}/",
            uid=file.uid,
            name=file.name,
            description=file.description,
            source_url=request.build_absolute_uri() if file.feed else "",
            feed=file.feed,
        )
        disposition = "inline" if file.feed else "attachment"
        return Response(
            body, headers={"Content-Disposition": f'{disposition}; filename="{file.filename}"'}
        )

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        self.request.accepted_renderer = ORJSONRenderer()
        self.request.accepted_media_type = ORJSONRenderer.media_type
        return response


@schema.event_calendar
@method_decorator(gzip_page, name="dispatch")
class EventCalendarView(PublicCacheMixin, CalendarFileView):
    def calendar_file(self, *, slug: str) -> CalendarFile:
        event = selectors.event_get(slug)
        if event is None:
            raise NotFound
        return CalendarFile(
            [event],
            uid=f"event-{event.uid}@breakthrough",
            name=event.title,
            filename=f"{event.slug}.ics",
            feed=False,
        )


@schema.series_calendar
@method_decorator(gzip_page, name="dispatch")
class SeriesCalendarView(PublicCacheMixin, CalendarFileView):
    def calendar_file(self, *, slug: str) -> CalendarFile:
        series = selectors.series_get(slug)
        if series is None:
            raise NotFound
        return CalendarFile(
            selectors.feed_event_list(self.now, series=series),
            uid=f"series-{series.pk}@breakthrough",
            name=series.title,
            filename=f"{series.slug}.ics",
            description=markdown_to_text(series.description_markdown)[:500],
        )


@schema.all_events_calendar
@method_decorator(gzip_page, name="dispatch")
class AllEventsCalendarView(PublicCacheMixin, CalendarFileView):
    def calendar_file(self) -> CalendarFile:
        return CalendarFile(
            selectors.feed_event_list(self.now),
            uid="all-events@breakthrough",
            name="Breakthrough live events",
            filename="breakthrough-events.ics",
            description="Live talks and streams from Breakthrough.",
        )


@schema.member_calendar
@method_decorator(gzip_page, name="dispatch")
class MemberCalendarView(CalendarFileView):
    """A member's private feed, reached by its secret token alone (no sign-in, so
    calendar apps can poll it). Never stored in the shared cache; its entity tag is a
    hash of the file, so a poll that finds nothing new is a 304."""

    def calendar_file(self, *, token: str) -> CalendarFile:
        feed = selectors.calendar_feed_get(token)
        if feed is None:
            raise NotFound("No calendar has this address. It may have been revoked.")
        return CalendarFile(
            selectors.member_feed_event_list(feed, self.now),
            uid=f"member-{feed.pk}@breakthrough",
            name="My Breakthrough events",
            filename="my-events.ics",
            description="Events you asked to be reminded of.",
        )

    def get(self, request: Request, token: str) -> Response:
        response = super().get(request, token=token)
        etag = content_etag(response.data)
        if none_match(etag, request.headers.get("If-None-Match")):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        response["ETag"] = etag
        response["Cache-Control"] = PRIVATE_NO_CACHE
        return response


# --- The member's own reminders and feed ----------------------------------------------------


@schema.reminder_viewset
class ReminderViewSet(
    PrivateNoStoreMixin,
    ClockMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    serializer_class = ReminderSerializer
    pagination_class = CursorPagination
    filter_backends = []

    def get_queryset(self) -> QuerySet[Reminder]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Reminder.objects.none()
        return selectors.reminder_list(self.request.user)

    def perform_destroy(self, instance: Reminder) -> None:
        services.reminder_delete(reminder=instance)


@schema.calendar_feed_view
class CalendarFeedView(PrivateNoStoreMixin, APIView):
    """The address of your private calendar feed: read it, rotate it, revoke it."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        feed = getattr(request.user, "calendar_feed", None)
        return Response(CalendarFeedSerializer.for_feed(feed, {"request": request}))

    def post(self, request: Request) -> Response:
        feed = services.calendar_feed_rotate(owner=request.user)
        return Response(CalendarFeedSerializer.for_feed(feed, {"request": request}))

    def delete(self, request: Request) -> Response:
        services.calendar_feed_revoke(owner=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
