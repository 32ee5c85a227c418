"""sitemaps.org 0.9 sitemaps: one ``urlset``, or an index with parts beyond 50,000 URLs."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from ..models import TIMEZONE

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # the protocol's limit per file


def w3c(day: dt.date) -> str:
    """Return a W3C datetime at the start of ``day`` in Vietnam: ``2024-10-15T00:00:00+07:00``."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=TIMEZONE).isoformat()


def _urlset(chunk: list[tuple[str, dt.date | None]]) -> bytes:
    """Return one ``urlset`` document (written directly: ElementTree took 0.3 s for
    40,000 URLs)."""
    parts = ['<?xml version=\'1.0\' encoding=\'utf-8\'?>\n', f'<urlset xmlns="{NS}">\n']
    for loc, lastmod in chunk:
        parts.append(f"  <url>\n    <loc>{escape(loc)}</loc>\n")
        if lastmod:
            parts.append(f"    <lastmod>{w3c(lastmod)}</lastmod>\n")
        parts.append("  </url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")


def _xml(root: ET.Element) -> bytes:
    ET.register_namespace("", NS)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemaps(urls: list[tuple[str, dt.date | None]], base_url: str, limit: int = MAX_URLS) -> dict[str, bytes]:
    """Return ``{file name: bytes}``: ``sitemap.xml`` alone, or, past ``limit`` URLs, an
    index ``sitemap.xml`` pointing to ``sitemap-1.xml``, ``sitemap-2.xml`` …

    ``urls`` are absolute ``(loc, lastmod)`` pairs; they are sorted for stable output.
    """
    urls = sorted(urls, key=lambda u: u[0])
    chunks = [urls[i : i + limit] for i in range(0, len(urls), limit)] or [[]]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0])}
    files = {}
    index = ET.Element(f"{{{NS}}}sitemapindex")
    for n, chunk in enumerate(chunks, 1):
        files[f"sitemap-{n}.xml"] = _urlset(chunk)
        entry = ET.SubElement(index, f"{{{NS}}}sitemap")
        ET.SubElement(entry, f"{{{NS}}}loc").text = f"{base_url}sitemap-{n}.xml"
        dates = [d for _u, d in chunk if d]
        if dates:
            ET.SubElement(entry, f"{{{NS}}}lastmod").text = w3c(max(dates))
    files["sitemap.xml"] = _xml(index)
    return files
