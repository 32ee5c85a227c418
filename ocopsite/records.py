"""Records: the site's facts as flat, typed rows, one table per kind (open data, statistics,
the expiry report, the feed and JSON-LD read these, not the object graph).

Every row has a stable ``id`` (an entry's slug; a recognition is ``<product>/<n>``, n
counting from the oldest; a commune is its national code), the current commune's code and
name, the former (pre-2025) address as written, and the sources. Dates are ISO strings or
None; validity is decided once, on the build date (``today``). ``SCHEMA_VERSION`` changes
whenever a field is renamed or removed (fields may be added within a version); the open
data's JSON Schema (``outputs/opendata.py``) is written from these classes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from . import models
from .site import Site

#: The version of the rows' shape (see the module docstring).
SCHEMA_VERSION = 1


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class RecognitionRow:
    """One OCOP star recognition of a product (a first award, a renewal or an upgrade).

    ``date`` is the decision day (None when only the year or nothing is known; ``year``
    then says what is known); ``valid_until`` is the last day in force (36 months), counted
    from 1 January for a year-only date and None when the date is unknown; ``state`` on the
    build date is ``valid``, ``upcoming``, ``expired`` or ``unknown``.
    """

    id: str
    product: str
    stars: int
    date: str | None
    year: int | None
    date_precision: str
    kind: str | None
    decision: str | None
    batch: str | None
    criteria: str | None
    score: int | None
    valid_until: str | None
    state: str


@dataclass(frozen=True)
class ProductRow:
    """One OCOP product. ``stars`` are those of the recognition in force (None when none
    is); ``last_stars`` those of the latest recognition, in force or not; ``status`` is
    ``valid``, ``upcoming``, ``unknown`` or ``expired``; ``valid_until`` the last day in force
    (ISO) of the recognition in force, else of the latest dated one (so an expired product
    says when it lapsed); ``price_vnd`` in đồng. Dates known only to their year count from 1
    January (``first_day_precision`` says ``year``)."""

    id: str
    name: str
    url: str
    summary: str | None
    group: str | None
    stars: int | None
    last_stars: int
    status: str
    valid_until: str | None
    first_recognised: int | None
    commune_code: int | None
    commune: str | None
    former_commune: str | None
    former_district: str | None
    producer: str | None
    producer_name: str | None
    price_vnd: int | None
    price_unit: str | None
    gtin: str | None
    lat: float | None
    lon: float | None
    recognitions: int
    #: The last day the product changed: its latest recognition before the build date, or
    #: ``updated`` in its front matter, whichever is later (None when no day is known).
    changed: str | None
    #: The first day it was recognised (None when no date is known).
    first_day: str | None
    #: ``day``, or ``year`` when ``first_day`` stands for a year only (None with no date).
    first_day_precision: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ProducerRow:
    """One producer (chủ thể OCOP): legal form (``type``), where it is, the years it was
    named a model or start-up cooperative, its public contact, its products."""

    id: str
    name: str
    url: str
    type: str | None
    commune_code: int | None
    commune: str | None
    former_commune: str | None
    former_district: str | None
    address: str | None
    founded: int | None
    model_cooperative: int | None
    startup_cooperative: int | None
    phone: str | None
    email: str | None
    website: str | None
    products: tuple[str, ...]
    current_products: int
    lat: float | None
    lon: float | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CommuneRow:
    """One current commune or ward (from 1 July 2025), with what the site has there."""

    id: int
    slug: str
    name: str
    type: str
    url: str
    former_units: tuple[str, ...]
    products: int
    current_products: int
    producers: int
    crafts: int


@dataclass(frozen=True)
class CraftRow:
    """One village craft (làng nghề): its trade, title, recognition and place."""

    id: str
    name: str
    url: str
    craft: str
    recognition_type: str | None
    status: str
    recognition_year: int | None
    decision: str | None
    commune_code: int | None
    commune: str | None
    former_commune: str | None
    former_district: str | None
    products: tuple[str, ...]
    lat: float | None
    lon: float | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class FairRow:
    """One trade fair: its days, place, organiser and who took part."""

    id: str
    name: str
    url: str
    start: str
    end: str
    upcoming: bool
    venue: str | None
    city: str | None
    commune_code: int | None
    commune: str | None
    organiser: str | None
    booths: int | None
    products: tuple[str, ...]
    producers: tuple[str, ...]
    lat: float | None
    lon: float | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class OutletRow:
    """One point of sale (điểm bán): its kind, place, opening hours (schema.org
    ``openingHours`` strings: ``Mo-Sa 07:30-17:00``), public contact and the products it
    carries."""

    id: str
    name: str
    url: str
    type: str | None
    address: str | None
    commune_code: int | None
    commune: str | None
    hours: tuple[str, ...]
    phone: str | None
    email: str | None
    website: str | None
    products: tuple[str, ...]
    lat: float | None
    lon: float | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Records:
    """Every table of a site on its build date (``today``)."""

    today: dt.date
    products: tuple[ProductRow, ...]
    recognitions: tuple[RecognitionRow, ...]
    producers: tuple[ProducerRow, ...]
    communes: tuple[CommuneRow, ...]
    crafts: tuple[CraftRow, ...]
    fairs: tuple[FairRow, ...]
    outlets: tuple[OutletRow, ...] = ()

    @functools.cached_property
    def recognitions_of(self) -> dict[str, list[RecognitionRow]]:
        """Return each product's recognitions (product id → rows, oldest first)."""
        out: dict[str, list[RecognitionRow]] = {}
        for r in self.recognitions:
            out.setdefault(r.product, []).append(r)
        return out


def recognition_state(r: models.Recognition, today: dt.date) -> str:
    """Return a recognition's state on ``today``: ``unknown`` (no date), ``upcoming``,
    ``valid`` or ``expired`` (36 months to the day; a bare year counts from 1 January)."""
    if r.date.precision == "unknown":
        return "unknown"
    if r.date.value > today:
        return "upcoming"
    return "valid" if r.is_valid(today) else "expired"


def _place(node: Any) -> dict[str, Any]:
    commune, meta = getattr(node, "commune", None), node.meta
    former = getattr(meta, "former_address", None)
    return dict(commune_code=commune.code if commune else None, commune=commune.name if commune else None,
                former_commune=former.commune if former else None, former_district=former.district if former else None)


def _position(meta: Any) -> dict[str, float | None]:
    location = getattr(meta, "location", None)
    return dict(lat=location.lat if location else None, lon=location.lon if location else None)


def product_rows(p: Any, today: dt.date, url_of: Any) -> tuple[ProductRow, tuple[RecognitionRow, ...]]:
    """Return a product's row and its recognition rows (oldest first)."""
    meta = p.meta
    dated = sorted(p.recognitions, key=lambda r: (r.date.value, r.stars))
    recognitions = tuple(RecognitionRow(
        id=f"{p.slug}/{n}", product=p.slug, stars=r.stars,
        date=_iso(r.date.value) if r.date.precision == "day" else None,
        year=r.date.year if r.date.precision != "unknown" else None, date_precision=r.date.precision,
        kind=r.kind, decision=r.decision, batch=r.batch, criteria=r.criteria, score=r.score,
        valid_until=_iso(r.last_valid_day) if r.date.precision != "unknown" else None,
        state=recognition_state(r, today)) for n, r in enumerate(dated, 1))
    known = [r.date.year for r in p.recognitions if r.date.precision != "unknown"]
    dated_ = [r for r in p.recognitions if r.date.precision != "unknown"]
    days = [r.date.value for r in dated_]
    first = min(dated_, key=lambda r: (r.date.value, r.date.precision != "day")) if dated_ else None
    in_force = p.current or (max(dated_, key=lambda r: (r.date.value, r.stars)) if dated_ else None)
    changed = min(max(days + ([meta.updated] if meta.updated else [])), today) if days or meta.updated else None
    row = ProductRow(
        id=p.slug, name=p.name, url=url_of(p), summary=meta.summary, group=meta.group.value if meta.group else None,
        stars=p.current.stars if p.current else None, last_stars=p.badge.stars, status=p.status,
        valid_until=_iso(in_force.last_valid_day) if in_force else None,
        first_recognised=min(known) if known else None, **_place(p),
        producer=p.producer.slug if p.producer else None, producer_name=p.producer.name if p.producer else None,
        price_vnd=meta.price.amount if meta.price else None, price_unit=meta.price.unit if meta.price else None,
        gtin=getattr(meta, "gtin", None), **_position(meta), recognitions=len(p.recognitions),
        changed=_iso(changed), first_day=_iso(min(min(days), today)) if days else None,
        first_day_precision=first.date.precision if first else None, sources=tuple(meta.sources))
    return row, recognitions


def producer_row(p: Any, url_of: Any) -> ProducerRow:
    """Return a producer's row."""
    contact = p.meta.contact
    return ProducerRow(
        id=p.slug, name=p.name, url=url_of(p), type=p.meta.type.value if p.meta.type else None, **_place(p),
        address=p.meta.address, founded=p.meta.founded, model_cooperative=p.meta.model_cooperative,
        startup_cooperative=p.meta.startup_cooperative,
        phone=contact.phone if contact else None, email=contact.email if contact else None,
        website=contact.website if contact else None,
        products=tuple(x.slug for x in p.products), current_products=sum(1 for x in p.products if x.current),
        **_position(p.meta), sources=tuple(p.meta.sources))


def commune_row(c: Any, url_of: Any) -> CommuneRow:
    """Return a current commune's row."""
    return CommuneRow(
        id=c.commune.code, slug=c.slug, name=c.commune.name, type=c.commune.type, url=url_of(c),
        former_units=tuple(f"{f.name} ({f.district})" for f in c.commune.former), products=len(c.products),
        current_products=sum(1 for x in c.products if x.current), producers=len(c.producers), crafts=len(c.crafts))


def craft_row(c: Any, url_of: Any) -> CraftRow:
    """Return a village craft's row."""
    return CraftRow(
        id=c.slug, name=c.name, url=url_of(c), craft=c.meta.craft,
        recognition_type=c.meta.recognition_type.value if c.meta.recognition_type else None, status=c.meta.status,
        recognition_year=c.meta.recognition_year, decision=c.meta.decision, **_place(c),
        products=tuple(x.slug for x in c.products), **_position(c.meta), sources=tuple(c.meta.sources))


def fair_row(f: Any, url_of: Any) -> FairRow:
    """Return a trade fair's row."""
    return FairRow(
        id=f.slug, name=f.name, url=url_of(f), start=f.start.isoformat(), end=f.end.isoformat(), upcoming=f.upcoming,
        venue=f.meta.venue, city=f.meta.city, commune_code=f.commune.code if f.commune else None,
        commune=f.commune.name if f.commune else None, organiser=f.meta.organiser, booths=f.meta.booths,
        products=tuple(x.slug for x in f.products), producers=tuple(x.slug for x in f.producers),
        **_position(f.meta), sources=tuple(f.meta.sources))


#: schema.org's two-letter day names (``openingHours``) of ``models.WEEKDAYS``.
_DAYS = {"mon": "Mo", "tue": "Tu", "wed": "We", "thu": "Th", "fri": "Fr", "sat": "Sa", "sun": "Su"}


def opening_hours(hours: Any) -> tuple[str, ...]:
    """Return opening hours as schema.org ``openingHours`` strings: a run of three days or
    more as a range (``Mo-Sa 07:30-17:00``), else the days listed (``Mo,We 08:00-11:00``)."""
    def days(h: Any) -> str:
        return f"{_DAYS[h.days[0]]}-{_DAYS[h.days[-1]]}" if h.run else ",".join(_DAYS[d] for d in h.days)

    return tuple(f"{days(h)} {h.opens}-{h.closes}" for h in hours)


def outlet_row(o: Any, url_of: Any) -> OutletRow:
    """Return a point of sale's row."""
    contact = o.meta.contact
    return OutletRow(
        id=o.slug, name=o.name, url=url_of(o), type=o.meta.type.value if o.meta.type else None, address=o.meta.address,
        commune_code=o.commune.code if o.commune else None, commune=o.commune.name if o.commune else None,
        hours=opening_hours(o.meta.hours), phone=contact.phone if contact else None, email=contact.email if contact else None,
        website=contact.website if contact else None, products=tuple(x.slug for x in o.products),
        **_position(o.meta), sources=tuple(o.meta.sources))


def build_records(site: Site, url_of: Any, memo: Any = None, keys: Any = None) -> Records:
    """Return the records of ``site``; ``url_of(node)`` gives each entry's site-relative
    URL (the default language's). With a ``memo`` and the site's ``keys`` (``memo.Keys``),
    an entry whose context key is unchanged keeps its rows."""
    from .memo import node_key

    today = site.today

    def rows(node: Any, make: Any) -> Any:
        if memo is None:
            return _flat(make())
        kept = memo.get("record", node_key(node), keys.of(node))
        if kept is memo.MISSING:  # kept as plain tuples: a fraction of the memory and time of the rows
            return memo.put("record", node_key(node), keys.of(node), _flat(make()))
        return kept

    products, recognitions = [], []
    for p in site.products:
        row, recs = _rows(rows(p, lambda p=p: product_rows(p, today, url_of)))
        products.append(row)
        recognitions += recs
    producers = [_rows(rows(p, lambda p=p: producer_row(p, url_of))) for p in site.producers]
    communes = [_rows(rows(c, lambda c=c: commune_row(c, url_of))) for c in site.communes]
    crafts = [_rows(rows(c, lambda c=c: craft_row(c, url_of))) for c in site.crafts]
    fairs = [_rows(rows(f, lambda f=f: fair_row(f, url_of))) for f in site.fairs]
    outlets = [_rows(rows(o, lambda o=o: outlet_row(o, url_of))) for o in site.outlets]
    return Records(today, tuple(products), tuple(recognitions), tuple(producers), tuple(communes), tuple(crafts), tuple(fairs),
                   tuple(outlets))


_ROW_CLASSES = {c.__name__: c for c in (RecognitionRow, ProductRow, ProducerRow, CommuneRow, CraftRow, FairRow, OutletRow)}


def _flat(value: Any) -> Any:
    """Return rows (a row, or a product's row and recognition rows) as plain tuples."""
    if isinstance(value, tuple) and not dataclasses.is_dataclass(value):
        return tuple(_flat(v) for v in value)
    return (type(value).__name__, *(getattr(value, f.name) for f in dataclasses.fields(value)))


def _rows(flat: Any) -> Any:
    """Return the rows ``_flat`` made plain."""
    if flat and isinstance(flat[0], str):
        return _ROW_CLASSES[flat[0]](*flat[1:])
    return tuple(_rows(v) for v in flat)


def as_dict(row: Any) -> dict[str, Any]:
    """Return a row as a plain dict (tuples as lists), in its fields' order."""
    return {f.name: list(v) if isinstance(v := getattr(row, f.name), tuple) else v for f in dataclasses.fields(row)}


def json_schema(row_class: type) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of one row's JSON object, from its fields'
    types and the class docstring."""
    import typing

    def of(t: Any) -> dict[str, Any]:
        origin, args = typing.get_origin(t), typing.get_args(t)
        if t is type(None):
            return {"type": "null"}
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            kinds = [of(a) for a in args]
            return {"anyOf": kinds}
        if origin is tuple:
            return {"type": "array", "items": of(args[0])}
        return {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"}}[t]

    hints = typing.get_type_hints(row_class)
    fields = [f.name for f in dataclasses.fields(row_class)]
    return {"type": "object", "description": " ".join((row_class.__doc__ or "").split()),
            "properties": {name: of(hints[name]) for name in fields}, "required": fields, "additionalProperties": False}
