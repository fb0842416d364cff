"""Routes of the comments API (mounted under /api/v1/ by config.urls). A guide's
comments live under the guide: `/guides/{slug}/comments/`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from comments.api import views
from core.routing import SLUG_PATTERN

router = SimpleRouter()
router.register(
    rf"guides/(?P<slug>{SLUG_PATTERN})/comments", views.CommentViewSet, basename="guide-comment"
)

urlpatterns = [
    path("me/notifications/", views.NotificationSettingsView.as_view(), name="me-notifications"),
    path("comments/unsubscribe/", views.UnsubscribeView.as_view(), name="comments-unsubscribe"),
    *router.urls,
]
