"""Validators shared by several apps."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError

# The areas of IANA's geographic zone names. Names outside them mean something that
# depends on the host (`localtime`, `Factory`, `posixrules`) or are legacy aliases and
# POSIX-style rules (`EST5EDT`, `US/Eastern`, `Japan`, `Etc/GMT+5`) that no client needs.
IANA_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name == "UTC" or name.split("/", 1)[0] in IANA_AREAS
    )


def is_canonical_timezone(value: str) -> bool:
    return value in _known_timezones()


def validate_timezone(value: str) -> None:
    """Accept geographic IANA zone names only (`Europe/Paris`, `America/New_York`) and
    `UTC`."""
    if not is_canonical_timezone(value):
        raise ValidationError(
            "%(value)s is not a known IANA time zone, such as Europe/Paris.",
            code="invalid_timezone",
            params={"value": value},
        )
