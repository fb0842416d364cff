"""Operation ids are what generated clients call their methods: a change is a breaking
change for every client, so each one is listed here and a change must be made on
purpose (edit the list in the same commit, and say so in the release note)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings

from core.schema import AutoSchema

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

OPERATION_IDS = {
    ("get", "/api/v1/"): "api_root",
    ("post", "/api/v1/auth/login/"): "auth_login",
    ("post", "/api/v1/auth/logout/"): "auth_logout",
    ("post", "/api/v1/auth/logout-all/"): "auth_logout_all",
    ("post", "/api/v1/auth/password-reset/"): "auth_password_reset",
    ("post", "/api/v1/auth/password-reset/confirm/"): "auth_password_reset_confirm",
    ("post", "/api/v1/auth/register/"): "auth_register",
    ("post", "/api/v1/auth/verify-email/"): "auth_verify_email",
    ("post", "/api/v1/auth/verify-email/resend/"): "auth_verify_email_resend",
    ("get", "/api/v1/calendar/{token}.ics"): "calendar_private_feed",
    ("post", "/api/v1/comments/unsubscribe/"): "comments_unsubscribe",
    ("get", "/api/v1/events/"): "events_list",
    ("get", "/api/v1/events/{slug}/"): "events_retrieve",
    ("get", "/api/v1/events/{slug}/calendar.ics"): "events_calendar",
    ("post", "/api/v1/events/{slug}/reminders/"): "events_reminders_create",
    ("get", "/api/v1/events/calendar.ics"): "events_calendar_all",
    ("get", "/api/v1/events/next/"): "events_next",
    ("get", "/api/v1/events/upcoming/"): "events_upcoming",
    ("get", "/api/v1/exercises/"): "exercises_list",
    ("get", "/api/v1/exercises/{slug}/"): "exercises_retrieve",
    ("get", "/api/v1/guides/"): "guides_list",
    ("get", "/api/v1/guides/{slug}/"): "guides_retrieve",
    ("get", "/api/v1/guides/{slug}/comments/"): "guides_comments_list",
    ("post", "/api/v1/guides/{slug}/comments/"): "guides_comments_create",
    ("get", "/api/v1/guides/{slug}/comments/{id}/"): "guides_comments_retrieve",
    ("patch", "/api/v1/guides/{slug}/comments/{id}/"): "guides_comments_partial_update",
    ("delete", "/api/v1/guides/{slug}/comments/{id}/"): "guides_comments_destroy",
    ("post", "/api/v1/guides/{slug}/comments/{id}/flag/"): "guides_comments_flag",
    ("get", "/api/v1/help/"): "help",
    ("get", "/api/v1/journal/changes/"): "journal_changes_list",
    ("get", "/api/v1/journal/commitments/"): "journal_commitments_list",
    ("post", "/api/v1/journal/commitments/"): "journal_commitments_create",
    ("get", "/api/v1/journal/commitments/{id}/"): "journal_commitments_retrieve",
    ("put", "/api/v1/journal/commitments/{id}/"): "journal_commitments_update",
    ("patch", "/api/v1/journal/commitments/{id}/"): "journal_commitments_partial_update",
    ("delete", "/api/v1/journal/commitments/{id}/"): "journal_commitments_destroy",
    ("post", "/api/v1/journal/commitments/{id}/check-in/"): "journal_commitments_check_in",
    ("get", "/api/v1/journal/entries/"): "journal_entries_list",
    ("post", "/api/v1/journal/entries/"): "journal_entries_create",
    ("get", "/api/v1/journal/entries/{id}/"): "journal_entries_retrieve",
    ("put", "/api/v1/journal/entries/{id}/"): "journal_entries_update",
    ("patch", "/api/v1/journal/entries/{id}/"): "journal_entries_partial_update",
    ("delete", "/api/v1/journal/entries/{id}/"): "journal_entries_destroy",
    ("get", "/api/v1/journal/export/"): "journal_export",
    ("get", "/api/v1/journal/insights/"): "journal_insights_retrieve",
    ("get", "/api/v1/me/"): "me_retrieve",
    ("patch", "/api/v1/me/"): "me_update",
    ("delete", "/api/v1/me/"): "me_destroy",
    ("post", "/api/v1/me/delete/"): "me_delete",
    ("get", "/api/v1/me/calendar-feed/"): "me_calendar_feed_retrieve",
    ("post", "/api/v1/me/calendar-feed/"): "me_calendar_feed_rotate",
    ("delete", "/api/v1/me/calendar-feed/"): "me_calendar_feed_destroy",
    ("get", "/api/v1/me/devices/"): "me_devices_list",
    ("delete", "/api/v1/me/devices/{id}/"): "me_devices_destroy",
    ("post", "/api/v1/me/email/"): "me_email",
    ("get", "/api/v1/me/export/"): "me_export",
    ("post", "/api/v1/me/password/"): "me_password_change",
    ("get", "/api/v1/me/newsletter/"): "me_newsletter_retrieve",
    ("put", "/api/v1/me/newsletter/"): "me_newsletter_update",
    ("get", "/api/v1/me/notifications/"): "me_notifications_retrieve",
    ("put", "/api/v1/me/notifications/"): "me_notifications_update",
    ("get", "/api/v1/me/reminders/"): "me_reminders_list",
    ("get", "/api/v1/me/reminders/{id}/"): "me_reminders_retrieve",
    ("delete", "/api/v1/me/reminders/{id}/"): "me_reminders_destroy",
    ("get", "/api/v1/me/saved/"): "me_saved_list",
    ("post", "/api/v1/me/saved/"): "me_saved_create",
    ("get", "/api/v1/me/saved/{id}/"): "me_saved_retrieve",
    ("delete", "/api/v1/me/saved/{id}/"): "me_saved_delete",
    ("get", "/api/v1/me/saved/lookup/"): "me_saved_lookup",
    ("get", "/api/v1/me/interests/"): "me_interests_retrieve",
    ("put", "/api/v1/me/interests/"): "me_interests_update",
    ("get", "/api/v1/me/recommendations/"): "me_recommendations",
    ("get", "/api/v1/me/home/"): "me_home",
    ("post", "/api/v1/newsletter/confirm/"): "newsletter_confirm",
    ("get", "/api/v1/newsletter/editions/"): "newsletter_editions_list",
    ("get", "/api/v1/newsletter/editions/{slug}/"): "newsletter_editions_retrieve",
    ("post", "/api/v1/newsletter/erase/"): "newsletter_erase",
    ("post", "/api/v1/newsletter/subscriptions/"): "newsletter_subscriptions",
    ("post", "/api/v1/newsletter/unsubscribe/"): "newsletter_unsubscribe",
    ("get", "/api/v1/people/{slug}/"): "people_retrieve",
    ("get", "/api/v1/prompts/"): "prompts_list",
    ("get", "/api/v1/prompts/{id}/"): "prompts_retrieve",
    ("get", "/api/v1/search/"): "search",
    ("get", "/api/v1/series/"): "series_list",
    ("get", "/api/v1/series/{slug}/"): "series_retrieve",
    ("get", "/api/v1/series/{slug}/calendar.ics"): "series_calendar",
    ("get", "/api/v1/strategies/"): "strategies_list",
    ("get", "/api/v1/strategies/{slug}/"): "strategies_retrieve",
    ("get", "/api/v1/tags/"): "tags_list",
    ("get", "/api/v1/tags/{slug}/"): "tags_retrieve",
}

# The ids that break `<resource>_<action>` on purpose, each kept by an
# `@extend_schema(operation_id=...)` in its app's `api/schema.py`; what core/schema.py
# would derive is on the right.
HAND_WRITTEN_IDS = {
    "calendar_private_feed": "calendar",
    "events_calendar_all": "events_calendar",  # taken by one event's calendar
    "events_reminders_create": "events_reminders",
    "journal_changes_list": "journal_changes",
    "journal_insights_retrieve": "journal_insights",
    "me_calendar_feed_rotate": "me_calendar_feed_create",
    "me_password_change": "me_password",
    "me_saved_delete": "me_saved_destroy",
}


@pytest.fixture(scope="module")
def generator() -> SchemaGenerator:
    return SchemaGenerator()


def test_every_operation_id_is_listed(generator):
    schema = generator.get_schema(request=None, public=True)
    ids = {
        (method, path): operation["operationId"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in HTTP_METHODS
    }
    assert ids == OPERATION_IDS


def test_only_the_listed_ids_are_written_by_hand(generator):
    generator._initialise_endpoints()
    overridden = {}
    for path, path_regex, method, callback in generator.endpoints:
        if not path.startswith("/api/v1/"):
            continue
        view = generator.create_view(callback, method)
        schema = view.schema
        schema.path, schema.path_regex, schema.method = path, path_regex, method
        schema.path_prefix = f"^{spectacular_settings.SCHEMA_PATH_PREFIX}"
        derived = AutoSchema.get_operation_id(schema)
        if schema.get_operation_id() != derived:
            overridden[schema.get_operation_id()] = derived
    assert overridden == HAND_WRITTEN_IDS
