"""What the OpenAPI schema of the events API says that inference cannot see: summaries,
descriptions, the `text/calendar` answers, the validation errors of the custom actions,
and the few operation ids and tags that differ from what `core.schema` derives. Each
decorator here is applied to one view in `events.api.views`."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors

from core.schema import AutoSchema
from events.api.serializers import (
    CalendarFeedSerializer,
    EventDetailSerializer,
    EventSerializer,
    ReminderSerializer,
)

CACHING_NOTE = (
    " Answers carry `ETag` and `Last-Modified` (send `If-None-Match` for a 304); "
    "`Cache-Control: max-age` never reaches past the next start or end of an event."
)

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


def event_viewset(view: type) -> type:
    view = extend_validation_errors(["unique"], field_name="minutes_before", actions=["reminders"])(
        view
    )
    view = extend_validation_errors(
        ["cancelled", "already_started"], field_name="event", actions=["reminders"]
    )(view)
    return extend_schema_view(
        list=extend_schema(
            summary="List events",
            description="Live-stream events, upcoming, called off, live or past by the clock "
            "(`when`). Default order: soonest first; with `when=past`, latest first."
            + CACHING_NOTE,
        ),
        retrieve=extend_schema(
            summary="One event, with local times and calendar links",
            description="Start and end in UTC and in the event's own zone, whether it is live, "
            "and ready links for Google and Outlook calendars and our .ics file." + CACHING_NOTE,
        ),
        upcoming=extend_schema(
            summary="The next events, soonest first",
            description="Events still to come that are going ahead (cancelled and postponed "
            "ones left out)." + CACHING_NOTE,
            responses=EventSerializer(many=True),
        ),
        next=extend_schema(
            summary="The event live now, or else the next one",
            description='What a "next live talk" banner needs. 404 when nothing is live or '
            "scheduled." + CACHING_NOTE,
            responses={200: EventDetailSerializer},
        ),
        reminders=extend_schema(
            # The reminder is the member's: listed under "me", and it creates one.
            operation_id="events_reminders_create",
            tags=["me"],
            summary="Ask to be emailed before this event starts",
            description="`minutes_before` is 15, 60 or 1440. One reminder per event and "
            "offset: asking again for one you have answers it with a 200 and creates "
            "nothing. Not for cancelled or started events.",
            request=ReminderSerializer,
            responses={
                201: OpenApiResponse(ReminderSerializer, description="Created."),
                200: OpenApiResponse(ReminderSerializer, description="You had it already."),
            },
        ),
    )(view)


# Series are shown with events in the docs, not under a tag of their own.
series_viewset = extend_schema_view(
    list=extend_schema(
        tags=["events"],
        summary="List series (recurring shows)",
        description=CACHING_NOTE.strip(),
    ),
    retrieve=extend_schema(
        tags=["events"],
        summary="One series, with its next events",
        description=CACHING_NOTE.strip(),
    ),
)


def _calendar_schema(summary: str, description: str, **extra: object):
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=description,
            responses=ICS_RESPONSES,
            **extra,
        )
    )


event_calendar = _calendar_schema(
    "This event as an iCalendar file (add to calendar)",
    "One VEVENT with its VTIMEZONE, served as an attachment; calendars that import it "
    "again update their copy (same UID, higher SEQUENCE).",
)
series_calendar = _calendar_schema(
    "A series' events as a calendar feed",
    "Every event of the series not yet ended, and those of the last 90 days; cancelled "
    "ones stay with `STATUS:CANCELLED` so calendars drop them.",
)
all_events_calendar = _calendar_schema(
    "Every event as a calendar feed",
    "All events not yet ended, and those of the last 90 days, for calendar apps to "
    "subscribe to (they refresh hourly).",
    operation_id="events_calendar_all",  # events_calendar is one event's file
)
member_calendar = _calendar_schema(
    "Your private feed: the events you set reminders for",
    "The address comes from `/api/v1/me/calendar-feed/`; a rotated or deleted address is a 404.",
    operation_id="calendar_private_feed",  # derived, it would be "calendar" alone
    auth=[],
)

_REMINDERS_DESCRIPTION = (
    "Reminders you asked for with `POST /api/v1/events/{slug}/reminders/`: each is mailed "
    "`minutes_before` the event starts, once. Private to you, never cached."
)
reminder_viewset = extend_schema_view(
    list=extend_schema(summary="Your event reminders", description=_REMINDERS_DESCRIPTION),
    retrieve=extend_schema(summary="One of your reminders", description=_REMINDERS_DESCRIPTION),
    destroy=extend_schema(summary="Cancel a reminder", description=_REMINDERS_DESCRIPTION),
)

calendar_feed_view = extend_schema_view(
    get=extend_schema(
        summary="Your private calendar address (null until you create one)",
        responses={200: CalendarFeedSerializer},
    ),
    post=extend_schema(
        operation_id="me_calendar_feed_rotate",  # a POST that replaces any existing one
        summary="Create your private calendar address, or replace it with a new one",
        description="The previous address stops working at once.",
        request=None,
        responses={200: CalendarFeedSerializer},
    ),
    delete=extend_schema(
        summary="Revoke your private calendar address",
        responses={204: OpenApiResponse(description="The address no longer works.")},
    ),
)
