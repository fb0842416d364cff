"""Views of the events API: events, series, calendars, members' reminders and feed.

Public reads go through the shared response cache (`core.http_cache`), which renews
its version at the second an event starts or ends.
"""

from __future__ import annotations

import hashlib

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.http_cache import PublicCacheMixin
from core.pagination import CursorPagination
from core.schema import AutoSchema
from events import calendars, selectors, services
from events.filters import EventFilter, StableOrderingFilter
from events.models import Event, Reminder, Series
from events.serializers import (
    CalendarFeedSerializer,
    EventDetailSerializer,
    EventSerializer,
    ReminderSerializer,
    SeriesDetailSerializer,
    SeriesSerializer,
)

PRIVATE_NO_STORE = "private, no-store"
CACHING_NOTE = (
    " Answers carry `ETag` and `Last-Modified` (send `If-None-Match` for a 304); "
    "`Cache-Control: max-age` never reaches past the next start or end of an event."
)


class ClockMixin:
    """One clock reading per request, shared by filters, querysets and serializers."""

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        self.now = timezone.now()
        request.events_now = self.now
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": self.now}


# --- Events and series --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        operation_id="events_list",
        tags=["events"],
        summary="List events",
        description="Live-stream events, upcoming, called off, live or past by the clock (`when`). "
        "Default order: soonest first; with `when=past`, latest first." + CACHING_NOTE,
    ),
    retrieve=extend_schema(
        operation_id="events_retrieve",
        tags=["events"],
        summary="One event, with local times and calendar links",
        description="Start and end in UTC and in the event's own zone, whether it is live, "
        "and ready links for Google and Outlook calendars and our .ics file." + CACHING_NOTE,
    ),
)
@extend_validation_errors(
    ["cancelled", "already_started"], field_name="event", actions=["reminders"]
)
@extend_validation_errors(["unique"], field_name="minutes_before", actions=["reminders"])
class EventViewSet(PublicCacheMixin, ClockMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = EventFilter
    ordering_fields = ["starts_at", "ends_at", "title", "updated_at"]

    @property
    def ordering(self) -> list[str]:
        if self.request.query_params.get("when") == "past":
            return ["-starts_at", "-id"]
        return ["starts_at", "id"]

    def get_queryset(self) -> QuerySet[Event]:
        if self.action in ("retrieve", "next"):
            return selectors.event_detail_queryset(self.now)
        return selectors.event_list_queryset()

    def get_serializer_class(self):
        if self.action in ("retrieve", "next"):
            return EventDetailSerializer
        if self.action == "reminders":
            return ReminderSerializer
        return EventSerializer

    @extend_schema(
        operation_id="events_upcoming",
        tags=["events"],
        summary="The next events, soonest first",
        description="Events still to come that are going ahead (cancelled and postponed "
        "ones left out)." + CACHING_NOTE,
        responses=EventSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def upcoming(self, request: Request) -> Response:
        queryset = self.get_queryset().upcoming(self.now).order_by("starts_at", "id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="events_next",
        tags=["events"],
        summary="The event live now, or else the next one",
        description='What a "next live talk" banner needs. 404 when nothing is live or '
        "scheduled." + CACHING_NOTE,
        responses={200: EventDetailSerializer},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def next(self, request: Request) -> Response:
        event = selectors.next_event(self.now)
        if event is None:
            raise NotFound("No event is live or scheduled right now.")
        return Response(self.get_serializer(event).data)

    @extend_schema(
        operation_id="events_reminders_create",
        tags=["me"],
        summary="Ask to be emailed before this event starts",
        description="`minutes_before` is 15, 60 or 1440. One reminder per event and offset; "
        "a second identical request is a 400. Not for cancelled or started events.",
        request=ReminderSerializer,
        responses={201: ReminderSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated],
        filter_backends=[],
        pagination_class=None,
    )
    def reminders(self, request: Request, slug: str) -> Response:
        event = get_object_or_404(Event.objects.all(), slug=slug)
        serializer = ReminderSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        reminder = services.reminder_create(
            owner=request.user,
            event=event,
            minutes_before=serializer.validated_data["minutes_before"],
        )
        return Response(
            ReminderSerializer(reminder, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": PRIVATE_NO_STORE},
        )


@extend_schema_view(
    list=extend_schema(
        operation_id="series_list",
        tags=["events"],
        summary="List series (recurring shows)",
        description=CACHING_NOTE.strip(),
    ),
    retrieve=extend_schema(
        operation_id="series_retrieve",
        tags=["events"],
        summary="One series, with its next events",
        description=CACHING_NOTE.strip(),
    ),
)
class SeriesViewSet(PublicCacheMixin, ClockMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["title", "created_at"]
    ordering = ["title", "id"]

    def get_queryset(self) -> QuerySet[Series]:
        queryset = selectors.series_queryset()
        if self.action == "retrieve":
            upcoming = (
                Event.objects.happening()
                .filter(ends_at__gt=self.now)
                .defer("search_vector", "description_markdown", "description_html")
                .order_by("starts_at", "id")
            )
            queryset = queryset.prefetch_related(
                Prefetch("events", queryset=upcoming[:5], to_attr="upcoming")
            )
        return queryset

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


ICS_RESPONSES = {
    (200, "text/calendar"): OpenApiResponse(
        OpenApiTypes.STR, description="An iCalendar (RFC 5545) document."
    ),
    304: OpenApiResponse(description="Not modified since the `ETag` you sent."),
}


class CalendarSchema(AutoSchema):
    """Calendar files are documented as `text/calendar`, their errors as JSON."""

    def _get_response_for_code(self, serializer, status_code, media_types=None, *args):
        if str(status_code)[0] in "45":
            media_types = ["application/json"]
        return super()._get_response_for_code(serializer, status_code, media_types, *args)


class CalendarFileMixin:
    """Serves `text/calendar; charset=utf-8`; errors still come as JSON. Calendars are
    public (or reached by a secret address), so credentials are ignored."""

    renderer_classes = [ICalendarRenderer]
    parser_classes = []
    content_negotiation_class = AlwaysFirstRenderer
    authentication_classes = []
    permission_classes = [AllowAny]
    schema = CalendarSchema()
    filename = "calendar.ics"

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        self.request.accepted_renderer = ORJSONRenderer()
        self.request.accepted_media_type = ORJSONRenderer.media_type
        return response

    def calendar_response(self, body: bytes, *, filename: str, attachment: bool = False):
        disposition = "attachment" if attachment else "inline"
        return Response(
            body, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'}
        )

    def url_for(self, event: Event) -> str:
        # Reversed once per request: a feed asks for thousands of these.
        if not hasattr(self, "_event_url_prefix"):
            self._event_url_prefix = self.request.build_absolute_uri(reverse("event-list"))
        return f"{self._event_url_prefix}{event.slug}/"


class PublicCalendarView(PublicCacheMixin, ClockMixin, CalendarFileMixin, APIView):
    pass


class EventCalendarView(PublicCalendarView):
    @extend_schema(
        operation_id="events_calendar",
        tags=["calendars"],
        summary="This event as an iCalendar file (add to calendar)",
        description="One VEVENT with its VTIMEZONE, served as an attachment; calendars "
        "that import it again update their copy (same UID, higher SEQUENCE).",
        responses=ICS_RESPONSES,
    )
    def get(self, request: Request, slug: str) -> Response:
        event = get_object_or_404(Event.objects.defer("search_vector"), slug=slug)
        body = calendars.build_calendar(
            [event],
            url_for=self.url_for,
            uid=f"event-{event.uid}@breakthrough",
            name=event.title,
            feed=False,
        )
        return self.calendar_response(body, filename=f"{event.slug}.ics", attachment=True)


class SeriesCalendarView(PublicCalendarView):
    @extend_schema(
        operation_id="series_calendar",
        tags=["calendars"],
        summary="A series' events as a calendar feed",
        description="Every event of the series not yet ended, and those of the last 90 "
        "days; cancelled ones stay with `STATUS:CANCELLED` so calendars drop them.",
        responses=ICS_RESPONSES,
    )
    def get(self, request: Request, slug: str) -> Response:
        series = get_object_or_404(Series.objects.all(), slug=slug)
        body = calendars.build_calendar(
            selectors.feed_events(self.now, series=series),
            url_for=self.url_for,
            uid=f"series-{series.pk}@breakthrough",
            name=series.title,
            description=series.description_markdown[:500],
            source_url=request.build_absolute_uri(),
        )
        return self.calendar_response(body, filename=f"{series.slug}.ics")


class AllEventsCalendarView(PublicCalendarView):
    @extend_schema(
        operation_id="events_calendar_all",
        tags=["calendars"],
        summary="Every event as a calendar feed",
        description="All events not yet ended, and those of the last 90 days, for "
        "calendar apps to subscribe to (they refresh hourly).",
        responses=ICS_RESPONSES,
    )
    def get(self, request: Request) -> Response:
        body = calendars.build_calendar(
            selectors.feed_events(self.now),
            url_for=self.url_for,
            uid="all-events@breakthrough",
            name="Breakthrough live events",
            description="Live talks and streams from Breakthrough.",
            source_url=request.build_absolute_uri(),
        )
        return self.calendar_response(body, filename="breakthrough-events.ics")


class MemberCalendarView(ClockMixin, CalendarFileMixin, APIView):
    """A member's private feed, reached by its secret token alone (no sign-in, so
    calendar apps can poll it). Never stored in the shared cache."""

    @extend_schema(
        operation_id="calendar_private_feed",
        tags=["calendars"],
        summary="Your private feed: the events you set reminders for",
        description="The address comes from `/api/v1/me/calendar-feed/`; a rotated or "
        "deleted address is a 404.",
        auth=[],
        responses=ICS_RESPONSES,
    )
    def get(self, request: Request, token: str) -> Response:
        feed = selectors.feed_by_token(token)
        if feed is None:
            raise NotFound("No calendar has this address. It may have been revoked.")
        body = calendars.build_calendar(
            selectors.member_feed_events(feed, self.now),
            url_for=self.url_for,
            uid=f"member-{feed.pk}@breakthrough",
            name="My Breakthrough events",
            description="Events you asked to be reminded of.",
            source_url=request.build_absolute_uri(),
        )
        etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        sent = request.headers.get("If-None-Match", "")
        if etag in {tag.strip().removeprefix("W/") for tag in sent.split(",")}:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = self.calendar_response(body, filename="my-events.ics")
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response


# --- The member's own reminders and feed ----------------------------------------------------


class PrivateMixin:
    permission_classes = [IsAuthenticated]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response


@extend_schema_view(
    list=extend_schema(
        operation_id="me_reminders_list", tags=["me"], summary="Your event reminders"
    ),
    retrieve=extend_schema(
        operation_id="me_reminders_retrieve", tags=["me"], summary="One of your reminders"
    ),
    destroy=extend_schema(
        operation_id="me_reminders_destroy", tags=["me"], summary="Cancel a reminder"
    ),
)
class ReminderViewSet(
    PrivateMixin,
    ClockMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReminderSerializer
    pagination_class = CursorPagination
    filter_backends = []

    def get_queryset(self) -> QuerySet[Reminder]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Reminder.objects.none()
        return selectors.reminders_of(self.request.user)

    def perform_destroy(self, instance) -> None:
        services.reminder_delete(reminder=instance)


class CalendarFeedView(PrivateMixin, APIView):
    """The address of your private calendar feed: read it, rotate it, revoke it."""

    @extend_schema(
        operation_id="me_calendar_feed_retrieve",
        tags=["me"],
        summary="Your private calendar address (null until you create one)",
        responses={200: CalendarFeedSerializer},
    )
    def get(self, request: Request) -> Response:
        feed = getattr(request.user, "calendar_feed", None)
        return Response(CalendarFeedSerializer.for_feed(feed, {"request": request}))

    @extend_schema(
        operation_id="me_calendar_feed_rotate",
        tags=["me"],
        summary="Create your private calendar address, or replace it with a new one",
        description="The previous address stops working at once.",
        request=None,
        responses={200: CalendarFeedSerializer},
    )
    def post(self, request: Request) -> Response:
        feed = services.calendar_feed_rotate(owner=request.user)
        return Response(CalendarFeedSerializer.for_feed(feed, {"request": request}))

    @extend_schema(
        operation_id="me_calendar_feed_destroy",
        tags=["me"],
        summary="Revoke your private calendar address",
        responses={204: OpenApiResponse(description="The address no longer works.")},
    )
    def delete(self, request: Request) -> Response:
        services.calendar_feed_revoke(owner=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
