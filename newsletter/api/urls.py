"""Routes of the newsletter API (mounted under /api/v1/ by config.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from newsletter.api import views

router = SimpleRouter()
router.register("newsletter/editions", views.EditionViewSet, basename="edition")

urlpatterns = [
    path(
        "newsletter/subscriptions/",
        views.SubscriptionView.as_view(),
        name="newsletter-subscriptions",
    ),
    path("newsletter/confirm/", views.ConfirmView.as_view(), name="newsletter-confirm"),
    path("newsletter/unsubscribe/", views.UnsubscribeView.as_view(), name="newsletter-unsubscribe"),
    path("newsletter/erase/", views.EraseView.as_view(), name="newsletter-erase"),
    path("me/newsletter/", views.MemberNewsletterView.as_view(), name="me-newsletter"),
    *router.urls,
]
