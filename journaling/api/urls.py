from django.urls import path
from rest_framework.routers import SimpleRouter

from journaling.api import views

router = SimpleRouter()
router.register("journal/entries", views.JournalEntryViewSet, basename="journal-entry")
router.register("journal/commitments", views.CommitmentViewSet, basename="journal-commitment")

urlpatterns = [
    *router.urls,
    path("journal/changes/", views.ChangeFeedView.as_view(), name="journal-changes"),
    path("journal/insights/", views.InsightsView.as_view(), name="journal-insights"),
    path("journal/export/", views.ExportView.as_view(), name="journal-export"),
]
