"""Validators shared by several apps."""

from __future__ import annotations

import re
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
def known_timezones() -> frozenset[str]:
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name == "UTC" or name.split("/", 1)[0] in IANA_AREAS
    )


def is_canonical_timezone(value: str) -> bool:
    return value in known_timezones()


def validate_timezone(value: str) -> None:
    """Accept geographic IANA zone names only (`Europe/Paris`, `America/New_York`) and
    `UTC`."""
    if not is_canonical_timezone(value):
        raise ValidationError(
            "%(value)s is not a known IANA time zone, such as Europe/Paris.",
            code="invalid_timezone",
            params={"value": value},
        )


# C0 and C1 control characters and DEL: a line break in a one-line field ends a mail
# header or an iCalendar content line early; the others print as nothing.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same rule as the schema states it (ECMA-262): a value with none of them.
ONE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"


def validate_one_line(value: str) -> None:
    """Titles, names and other one-line text: no line breaks, tabs or other control
    characters."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Use one line of text: line breaks, tabs and control characters are not allowed.",
            code="control_characters",
        )


def one_line(value: str) -> str:
    """`value` safe for a mail header or a one-line calendar property, whatever it
    holds: runs of whitespace and control characters become one space."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split())
