"""iCalendar (RFC 5545) files of trade fairs, with the ``icalendar`` library.

All-day fairs are ``VALUE=DATE`` events with an exclusive ``DTEND``; timed fairs carry
``TZID=Asia/Ho_Chi_Minh`` and a ``VTIMEZONE``. ``DTSTAMP`` comes from the content (the
fair's ``updated`` day, else its first day), never from the clock, so files are stable.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar

from ..models import TIMEZONE

PRODID = "-//OCOP site generator//ocopsite//VI"


def _event(fair, canonical: str, host: str) -> icalendar.Event:
    meta = fair.meta
    event = icalendar.Event()
    event.add("uid", f"{fair.slug}@{host}")
    stamp_day = meta.updated or fair.start
    event.add("dtstamp", dt.datetime(stamp_day.year, stamp_day.month, stamp_day.day, tzinfo=TIMEZONE).astimezone(dt.timezone.utc))
    event.add("summary", meta.name)
    if isinstance(meta.start, dt.datetime):
        event.add("dtstart", meta.start)
        if isinstance(meta.end, dt.datetime):
            event.add("dtend", meta.end)
        elif meta.end is not None:  # a timed start with a last day: until that day ends
            last = meta.end + dt.timedelta(days=1)
            event.add("dtend", dt.datetime(last.year, last.month, last.day, tzinfo=TIMEZONE))
    else:
        event.add("dtstart", fair.start)
        event.add("dtend", fair.end + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
    place = ", ".join(x for x in (meta.venue, meta.city) if x)
    if place:
        event.add("location", place)
    if meta.summary:
        event.add("description", meta.summary)
    event.add("url", canonical)
    return event


def calendar(fairs: list, canonical_of, calendar_name: str, base_url: str) -> bytes:
    """Return an iCalendar file (CRLF line endings) with one event per fair."""
    host = urlsplit(base_url).hostname or "localhost"
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_name)
    for fair in sorted(fairs, key=lambda f: (f.start, f.slug)):
        cal.add_component(_event(fair, canonical_of(fair), host))
    if any(isinstance(f.meta.start, dt.datetime) for f in fairs):
        cal.add_missing_timezones(first_date=dt.date(2000, 1, 1), last_date=dt.date(2038, 1, 1))
    return cal.to_ical()
