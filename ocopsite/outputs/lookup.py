"""The product lookup: one compact JSON file per language, read in the browser by the
check-a-product page (barcode, decision number or name → valid, expired or unknown) and by
the enquiry list's compare view. No server is asked: the page answers from this file, so it
works from any static host, and offline once loaded.

Rows are lists by position (``COLUMNS``), to keep the file small at national scale (about
250 bytes a product); ``<`` is written ``\\u003c`` so no name can end a script.
"""

from __future__ import annotations

import json
from typing import Any

#: The file's name, in each language's check page folder (``/kiem-tra/``, ``/en/check/``).
LOOKUP_FILE = "products.json"

#: The columns of a row, in order (``check.js`` and ``enquiry.js`` read them by position).
#: ``status`` is the product's on the build date (``valid``, ``upcoming``, ``unknown`` or
#: ``expired``, ``records.ProductRow``); ``recognitions`` is a list of ``[decision, stars,
#: date (ISO, or the year, or ""), valid_until (ISO or ""), state]``, oldest first; ``price``
#: is ``[amount in đồng, unit]`` or null; ``packaging`` the producer's (``BuyerInfo``);
#: ``contact`` the public ``[phone, zalo, email]`` of the product or its producer, or null.
COLUMNS = ("id", "url", "name", "producer", "producer_url", "gtin", "status", "stars", "last_stars", "valid_until",
           "recognitions", "price", "packaging", "contact", "sources")


def lookup_row(product: Any, row: Any, recognitions: list, views: Any) -> list:
    """Return one product's lookup row (see ``COLUMNS``) in the language of ``views``, from
    its ``records.ProductRow`` and ``RecognitionRow``s."""
    base = views.base_path.rstrip("/")
    producer = product.producer
    contact = product.meta.contact or (producer.meta.contact if producer else None)
    buyer = producer.meta.buyer if producer else None
    return [
        row.id, base + views.url(product), views.text(product).name,
        views.text(producer).name if producer else None, base + views.url(producer) if producer else None,
        row.gtin, row.status, row.stars or 0, row.last_stars, row.valid_until or "",
        [[r.decision or "", r.stars, r.date or (str(r.year) if r.year else ""), r.valid_until or "", r.state] for r in recognitions],
        [row.price_vnd, row.price_unit] if row.price_vnd is not None else None,
        list(buyer.packaging) if buyer else [],
        [contact.phone, contact.zalo, contact.email] if contact and (contact.phone or contact.zalo or contact.email) else None,
        list(row.sources),
    ]


def lookup(site: Any, records: Any, views: Any) -> bytes:
    """Return the lookup file of one language: ``{"version", "today", "columns", "rows"}``,
    rows in the catalogue's order (``site.products``)."""
    rows, recognitions = {r.id: r for r in records.products}, records.recognitions_of
    data = {"version": 1, "today": records.today.isoformat(), "columns": COLUMNS,
            "rows": [lookup_row(p, rows[p.slug], recognitions.get(p.slug, []), views) for p in site.products]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").encode("utf-8")
