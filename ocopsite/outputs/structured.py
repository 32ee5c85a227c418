"""schema.org JSON-LD for each page kind.

Stars are an award, never an ``aggregateRating`` (that is for reviews); an ``Offer`` only
appears when the content has a real price. Serialised so that ``</script>`` in a value
cannot end the script element.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from ..i18n import _

COUNTRY = {"@type": "Country", "name": "VN"}


def dumps(data: Any) -> Markup:
    """Serialise JSON-LD safe for a ``<script>`` element (``<``, ``>``, ``&`` escaped)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def address(commune, province: str, street: str | None = None) -> dict:
    """Return a ``PostalAddress`` (commune as locality, the province as region)."""
    return _drop_empty({
        "@type": "PostalAddress", "streetAddress": street, "addressLocality": commune.name if commune else None,
        "addressRegion": province, "addressCountry": "VN",
    })


def breadcrumbs(crumbs: list[tuple[str, str]]) -> dict:
    """Return a ``BreadcrumbList`` of ``(name, absolute URL)`` pairs."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url} for i, (name, url) in enumerate(crumbs, 1)
        ],
    }


def organization(producer, name: str, description: str, url: str, province: str) -> dict:
    """Return an ``Organization`` (``LocalBusiness`` for a household business) with the
    ``name`` and ``description`` its page shows."""
    meta = producer.meta
    contact = meta.contact
    kind = "LocalBusiness" if meta.type and meta.type.value == "household_business" else "Organization"
    return _drop_empty({
        "@type": kind, "name": name, "url": url, "description": description,
        "address": address(producer.commune, province, meta.address),
        "telephone": contact.phone if contact else None, "email": contact.email if contact else None,
        "sameAs": [u for u in ((contact.website, contact.facebook) if contact else ()) if u],
        "foundingDate": str(meta.founded) if meta.founded else None,
    })


def product(row: Any, recognitions: list[Any], name: str, description: str, url: str, image: str | None,
            producer_url: str | None, commune: str | None, today: dt.date, t: Callable[[str], str] = str,
            digital_link: str | None = None) -> dict:
    """Return a ``Product`` from its record (``records.ProductRow`` and its
    ``RecognitionRow``s) with the ``name``, ``description`` and ``commune`` its page shows:
    the producer as brand and manufacturer, OCOP stars as ``award`` (a lapsed recognition
    says so), in the page's language (``t`` translates); its GTIN (``gtin13`` for 13 digits)
    and GS1 Digital Link when it has one."""
    awards = []
    for r in recognitions:
        if r.state == "unknown":
            awards.append(t(_("OCOP {stars} sao (chưa rõ năm công nhận)")).format(stars=r.stars))
        elif r.state == "upcoming":
            awards.append(t(_("OCOP {stars} sao ({year}), chưa có hiệu lực")).format(stars=r.stars, year=r.year))
        elif r.state == "valid":
            awards.append(t(_("OCOP {stars} sao ({year})")).format(stars=r.stars, year=r.year))
        else:
            awards.append(t(_("OCOP {stars} sao ({year}), đã hết hạn")).format(stars=r.stars, year=r.year))
    maker = {"@type": "Organization", "name": row.producer_name, "url": producer_url} if row.producer else None
    offer = _drop_empty({"@type": "Offer", "price": row.price_vnd, "priceCurrency": "VND", "url": url}) if row.price_vnd else None
    from ..models import ProductGroup

    gtin = {"gtin13" if len(row.gtin) == 13 else "gtin": row.gtin} if row.gtin else {}
    return _drop_empty({
        "@type": "Product", "name": name, "url": url, "image": [image] if image else None,
        "description": description, "brand": maker, "manufacturer": maker, "countryOfOrigin": COUNTRY,
        "award": awards, "offers": offer, "category": t(ProductGroup(row.group).label) if row.group else None,
        "additionalProperty": _drop_empty({"@type": "PropertyValue", "name": t(_("Địa phương")), "value": commune}) if commune else None,
        **gtin, "hasGS1DigitalLink": digital_link,
    })


def event_time(value: dt.date | dt.datetime) -> str:
    """Return an ISO 8601 date, or a date-time with the Vietnam offset (+07:00)."""
    return value.isoformat()


def event(f, name: str, description: str, url: str, image: str | None, province: str) -> dict:
    """Return an ``Event`` with its ``Place`` and ``PostalAddress``, and the ``name`` and
    ``description`` its page shows."""
    meta = f.meta
    return _drop_empty({
        "@type": "Event", "name": name, "url": url, "image": [image] if image else None, "description": description,
        "startDate": event_time(meta.start), "endDate": event_time(meta.end) if meta.end else None,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _drop_empty({
            "@type": "Place", "name": meta.venue or meta.city or province,
            "address": _drop_empty({
                "@type": "PostalAddress", "streetAddress": meta.venue, "addressLocality": meta.city,
                "addressRegion": province, "addressCountry": "VN",
            }),
        }),
        "organizer": {"@type": "Organization", "name": meta.organiser} if meta.organiser else None,
    })


def place(name: str, url: str, province: str, description: str | None = None) -> dict:
    """Return a ``Place`` inside the province (communes, village crafts)."""
    return _drop_empty({
        "@type": "Place", "name": name, "url": url, "description": description,
        "address": {"@type": "PostalAddress", "addressRegion": province, "addressCountry": "VN"},
        "containedInPlace": {"@type": "AdministrativeArea", "name": province},
    })


#: schema.org day names (``openingHoursSpecification.dayOfWeek``) of ``models.WEEKDAYS``.
SCHEMA_DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
               "sat": "Saturday", "sun": "Sunday"}


def store(outlet, name: str, description: str | None, url: str, province: str) -> dict:
    """Return a point of sale as a ``Store`` with its address, geo point, telephone and
    ``openingHoursSpecification`` (schema.org), and the products it carries as ``makesOffer``
    names are not given: its page lists them."""
    meta = outlet.meta
    contact = meta.contact
    return _drop_empty({
        "@type": "Store", "name": name, "url": url, "description": description,
        "address": address(outlet.commune, province, meta.address),
        "geo": {"@type": "GeoCoordinates", "latitude": meta.location.lat, "longitude": meta.location.lon} if meta.location else None,
        "telephone": contact.phone if contact else None, "email": contact.email if contact else None,
        "openingHoursSpecification": [{"@type": "OpeningHoursSpecification", "dayOfWeek": [SCHEMA_DAYS[d] for d in h.days],
                                       "opens": h.opens, "closes": h.closes} for h in meta.hours],
    })


def website(name: str, url: str, language: str, description: str) -> dict:
    """Return the home page's ``WebSite``."""
    return _drop_empty({"@type": "WebSite", "name": name, "url": url, "inLanguage": language, "description": description})


def graph(items: list[dict]) -> dict:
    """Wrap items in one ``@graph`` document."""
    return {"@context": "https://schema.org", "@graph": items}
