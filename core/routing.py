"""URL patterns for router lookups, so every app's `lookup_value_regex` reads the same.

A viewset sets `lookup_value_regex` to one of these (`SLUG_PATTERN` for public content
addressed by slug, `ANY_SEGMENT` for members' records addressed by UUID, so a malformed id
reaches the view and gets that view's 404 instead of the catch-all's)."""

from __future__ import annotations

from django.urls.converters import SlugConverter

# The same as Django's `<slug:...>` converter, for paths written with `path()`.
SLUG_PATTERN = SlugConverter.regex
ANY_SEGMENT = "[^/]+"
