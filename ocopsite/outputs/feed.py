"""Atom feed (RFC 4287) of newly recognised products, with ``feedgen``.

Ids are the products' canonical URLs (stable); ``updated`` comes from content (the latest
recognition date, or the entry's ``updated`` day), never from the clock.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from ..models import TIMEZONE

FEED_SIZE = 50


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=TIMEZONE)


#: What the feed says after the stars, by product status.
STATUS_NOTES = {"valid": "", "upcoming": " (chưa có hiệu lực)", "unknown": " (chưa rõ năm công nhận)", "expired": " (đã hết hạn)"}


def atom(products: list, canonical_of, title: str, base_url: str, feed_url: str, language: str) -> bytes:
    """Return the Atom feed of the ``FEED_SIZE`` most recently changed products, from their
    records (``records.ProductRow``; products with no known day are left out)."""
    dated = [p for p in products if p.changed]
    newest = sorted(dated, key=lambda p: (p.changed, p.id), reverse=True)[:FEED_SIZE]
    fg = FeedGenerator()
    fg.id(base_url)
    fg.title(title)
    fg.author({"name": title})
    fg.link(href=base_url, rel="alternate")
    fg.link(href=feed_url, rel="self")
    fg.language(language)
    fg.updated(_moment(max((dt.date.fromisoformat(p.changed) for p in newest), default=dt.date(2000, 1, 1))))
    for p in reversed(newest):  # feedgen prepends: add oldest first so the newest is on top
        entry = fg.add_entry()
        entry.id(canonical_of(p))
        stars = f"OCOP {p.last_stars} sao" + STATUS_NOTES[p.status]
        entry.title(f"{p.name} — {stars}")
        entry.link(href=canonical_of(p), rel="alternate")
        entry.updated(_moment(dt.date.fromisoformat(p.changed)))
        entry.published(_moment(dt.date.fromisoformat(p.first_day or p.changed)))
        entry.summary(p.summary or stars)
    return fg.atom_str(pretty=True)
