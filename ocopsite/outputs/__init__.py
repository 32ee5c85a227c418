"""Machine-readable outputs: sitemap, robots.txt, Atom feed, iCalendar files; JSON-LD is
built per page by the planner (``structured``)."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from ..kinds import url_of
from .calendar import calendar
from .feed import atom
from .sitemap import sitemaps

FEED_FILE = "feed.xml"
FAIRS_CALENDAR = "fairs.ics"
CALENDAR_FILE = "lich.ics"


def machine_outputs(site: Any, sitemap: list[tuple[str, Any]], records: Any) -> dict[str, bytes]:
    """Return ``{output path: bytes}`` of the feed (from the ``records``), the calendars, the
    sitemap(s) and robots.txt; ``sitemap`` lists the indexed pages as ``(URL path, lastmod
    or None)``."""
    config = site.config
    base = config.base_url

    def canonical(node: Any) -> str:
        return base + url_of(node.kind, node.slug).lstrip("/")

    files = {
        FEED_FILE: atom(records.products, lambda row: base + row.url.lstrip("/"), config.title, base, base + FEED_FILE, config.language),
        FAIRS_CALENDAR: calendar(site.fairs, canonical, _("Hội chợ OCOP"), base),
    }
    for f in site.fairs:
        files[url_of("fair", f.slug).lstrip("/") + CALENDAR_FILE] = calendar([f], canonical, f.name, base)
    files.update(sitemaps([(base + url.lstrip("/"), lastmod) for url, lastmod in sitemap], base))
    files["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n".encode()
    return files
