"""Routes of the profile API (mounted under /api/v1/ by config.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from profiles.api import views

router = SimpleRouter()
router.register("me/saved", views.SavedItemViewSet, basename="saved-item")

urlpatterns = [
    path("me/interests/", views.InterestsView.as_view(), name="me-interests"),
    path("me/recommendations/", views.RecommendationsView.as_view(), name="me-recommendations"),
    path("me/home/", views.HomeView.as_view(), name="me-home"),
    *router.urls,
]
