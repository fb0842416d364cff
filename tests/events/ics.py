"""Helpers that read a calendar response back, with `icalendar` and with our own
strict look at the raw bytes (so a bug shared by the library's writer and reader
cannot hide)."""

from __future__ import annotations

import re

from icalendar import Calendar

CONTENT_TYPE = "text/calendar; charset=utf-8"


def check_raw_format(body: bytes) -> None:
    """RFC 5545 section 3.1: CRLF line ends, lines of at most 75 octets, balanced
    BEGIN/END, and a VTIMEZONE for every TZID used."""
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines), "bare LF inside the file"
    for line in lines:
        assert len(line) <= 75, line
    stack = []
    for line in lines:
        if line.startswith(b"BEGIN:"):
            stack.append(line[6:])
        elif line.startswith(b"END:"):
            assert stack.pop() == line[4:]
    assert stack == []
    unfolded = re.sub(rb"\r\n[ \t]", b"", body)
    used = set(re.findall(rb";TZID=([^:;]+)[:;]", unfolded))
    defined = set(re.findall(rb"\r\nTZID:([^\r]+)", unfolded))
    assert used <= defined, (used, defined)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == CONTENT_TYPE
    body = response.content
    check_raw_format(body)
    calendar = Calendar.from_ical(body)
    calendar.validate()
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Breakthrough//Events 1.0//EN"
    return calendar


def events_by_summary(calendar: Calendar) -> dict:
    return {str(event["SUMMARY"]): event for event in calendar.events}
