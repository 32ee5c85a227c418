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


def product_day(product) -> dt.date:
    """Return the day a product last changed: its latest recognition or ``updated``."""
    days = [r.date.value for r in product.recognitions]
    if product.meta.updated:
        days.append(product.meta.updated)
    return max(days)


def atom(products: list, canonical_of, title: str, base_url: str, feed_url: str, language: str = "vi") -> bytes:
    """Return the Atom feed of the ``FEED_SIZE`` most recently recognised products."""
    newest = sorted(products, key=lambda p: (product_day(p), p.slug), reverse=True)[:FEED_SIZE]
    fg = FeedGenerator()
    fg.id(base_url)
    fg.title(title)
    fg.author({"name": title})
    fg.link(href=base_url, rel="alternate")
    fg.link(href=feed_url, rel="self")
    fg.language(language)
    fg.updated(_moment(max((product_day(p) for p in newest), default=dt.date(2000, 1, 1))))
    for p in reversed(newest):  # feedgen prepends: add oldest first so the newest is on top
        entry = fg.add_entry()
        entry.id(canonical_of(p))
        stars = f"OCOP {p.latest.stars} sao" + ("" if p.current else " (đã hết hạn)")
        entry.title(f"{p.name} — {stars}")
        entry.link(href=canonical_of(p), rel="alternate")
        entry.updated(_moment(product_day(p)))
        entry.published(_moment(p.recognitions[-1].date.value))
        entry.summary(p.meta.summary or stars)
    return fg.atom_str(pretty=True)
