"""Validators shared by several apps."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    """Accept IANA zone names only (`Europe/Paris`, `America/New_York`, `UTC`)."""
    if value not in _known_timezones():
        raise ValidationError(
            "%(value)s is not a known IANA time zone, such as Europe/Paris.",
            code="invalid_timezone",
            params={"value": value},
        )
