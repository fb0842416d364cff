"""Routes of the strategies API (mounted under /api/v1/ by config.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from strategies.api import views

router = SimpleRouter()
router.register("guides", views.GuideViewSet, basename="guide")
router.register("strategies", views.StrategyViewSet, basename="strategy")
router.register("exercises", views.ExerciseViewSet, basename="exercise")
router.register("prompts", views.PromptViewSet, basename="prompt")
router.register("tags", views.TagViewSet, basename="tag")
router.register("people", views.PersonViewSet, basename="person")

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("help/", views.HelpView.as_view(), name="help"),
    *router.urls,
]
