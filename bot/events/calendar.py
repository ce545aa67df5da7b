"""The calendar entry sent with a booking: an RFC 5545 `.ics` file phones can open.

Times are written in UTC (phones show them in their own zone); the UID is stable per event
and booking, so opening a second copy updates the entry instead of adding another.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from icalendar import Event as CalendarEvent

PRODID = "-//Welcome Bot//events//EN"


def ics(*, uid: str, title: str, starts_at: dt.datetime, ends_at: dt.datetime, place: str,
        address: str, description: str, now: dt.datetime) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", now.astimezone(dt.UTC))
    entry.add("dtstart", starts_at.astimezone(dt.UTC))
    entry.add("dtend", ends_at.astimezone(dt.UTC))
    entry.add("summary", title)
    entry.add("location", f"{place}, {address}")
    if description:
        entry.add("description", description)
    calendar.add_component(entry)
    return bytes(calendar.to_ical()).decode("utf-8")


def map_link(address: str) -> str:
    """A link that opens the address in the phone's map (OpenStreetMap: no account, no
    tracking cookies)."""
    from urllib.parse import quote

    return f"https://www.openstreetmap.org/search?query={quote(address)}"
