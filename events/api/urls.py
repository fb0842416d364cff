"""Routes of the events API (mounted under /api/v1/ by config.urls).

Calendar files end in `.ics` without a trailing slash, as calendar apps expect, so
they are plain paths rather than router actions."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from events.api import views

SLUG = "<slug:slug>"

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")
router.register("series", views.SeriesViewSet, basename="series")
router.register("me/reminders", views.ReminderViewSet, basename="reminder")

urlpatterns = [
    path("events/calendar.ics", views.AllEventsCalendarView.as_view(), name="events-calendar"),
    path(f"events/{SLUG}/calendar.ics", views.EventCalendarView.as_view(), name="event-calendar"),
    path(f"series/{SLUG}/calendar.ics", views.SeriesCalendarView.as_view(), name="series-calendar"),
    re_path(
        r"^calendar/(?P<token>[^/]+)\.ics$",
        views.MemberCalendarView.as_view(),
        name="member-calendar",
    ),
    path("me/calendar-feed/", views.CalendarFeedView.as_view(), name="me-calendar-feed"),
    *router.urls,
]
