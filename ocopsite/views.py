"""Plain data for templates: what a page shows of each node.

Values are text, numbers, dates, lists, small dicts, and ``View`` objects: read-only data
with a digest of its content, computed once. Whatever is shared between pages (a product
card, a link to an entry) is a ``View``, so the renderer's keys serialise a card shown on
a hundred list pages once. Labels are message ids (Vietnamese source
text), translated when the template renders; URLs are site-relative paths of one language.
Dates that depend on the build date are decided here (``state`` of a recognition), so no
template reads the build date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from . import models
from .i18n import SOURCE_LANGUAGE, _, translations
from .kinds import group_slug, section_url, url_of
from .media import Media
from .site import CommunePage, Craft, Fair, Node, Outlet, Page, Producer, Product


class View:
    """Read-only template data: ``v.name`` or ``v["name"]``; ``digest()`` hashes the content.

    Raises ``AttributeError``/``KeyError`` for a missing field, so a template typo fails
    the build (the environment's undefined is strict).
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, **data: Any) -> None:
        self._data = data
        self._hash: str | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def __iter__(self):
        return iter(self._data)

    def __reduce__(self) -> tuple:
        return (_view, (self._data,))

    def __repr__(self) -> str:
        return f"View({self._data!r})"

    def digest(self) -> str:
        """Return a hex hash of the content (nested views count by their own digest; keys
        keep the order the code gives them, which is fixed)."""
        if self._hash is None:
            self._hash = hashlib.blake2b(_ENCODER.encode(self._data).encode(), digest_size=16).hexdigest()
        return self._hash


def _view(data: dict) -> View:
    return View(**data)


def _encode(value: Any) -> Any:
    """Serialise what JSON lacks: views by digest, dates in ISO form."""
    if isinstance(value, View):
        return "\x00" + value.digest()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not plain data: {type(value).__name__}")


#: One encoder for every digest (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(default=_encode, ensure_ascii=False, separators=(",", ":"))


class Views:
    """Build (once each) the views of a site's nodes in one language."""

    def __init__(self, media: Media, base_path: str, today: dt.date, lang: str) -> None:
        self.media, self.base_path, self.today, self.lang = media, base_path, today, lang
        self.t = translations(lang).gettext
        self._cards: dict[int, View] = {}
        self._links: dict[int, View] = {}
        self._communes: dict[int, View] = {}
        self._texts: dict[int, View] = {}

    # --- small pieces --------------------------------------------------------------------

    def url(self, node: Node) -> str:
        """Return the node's URL path in this language."""
        return url_of(node.kind, node.slug, self.lang)

    def text(self, node: Node) -> View:
        """Return the words of a node in this language: ``name``, ``summary``, ``body``,
        ``menu_title`` (pages), ``lang``, the language they are in, ``foreign`` when that
        is not this one, and ``original``, the entry's own name when this one differs. An entry with no
        translation into this language (``index.en.md``) gives its own words, with
        ``lang`` saying so; a commune's name is made from its type (``Kỳ Anh Commune``)."""
        if (v := self._texts.get(id(node))) is not None:
            return v
        meta = node.meta
        name, summary, body, lang = node.name, (getattr(meta, "summary", None) or "") if meta else "", node.body, SOURCE_LANGUAGE
        menu_title = getattr(meta, "menu_title", None) or name
        notes = list(getattr(meta, "notes", []) or []) if meta else []
        if isinstance(node, CommunePage):
            name = self.commune_name(node.commune)
        own = getattr(node.entry, "translations", {}).get(self.lang) if node.entry is not None and self.lang != SOURCE_LANGUAGE else None
        if own is not None:
            lang = self.lang
            name = own.meta.name or own.meta.title or name
            summary, body = own.meta.summary or summary, own.body if own.body.strip() else body
            menu_title = own.meta.menu_title or own.meta.name or own.meta.title or menu_title
            notes = list(own.meta.notes) or notes
        elif self.lang == SOURCE_LANGUAGE or isinstance(node, CommunePage) and node.entry is None:
            lang = self.lang  # nothing to translate: generated words only
        v = self._texts[id(node)] = View(name=name, summary=summary, body=body, menu_title=menu_title, notes=notes, lang=lang, foreign=lang != self.lang,
                                         original=node.name if name != node.name else "")
        return v

    def commune_name(self, commune: Any) -> str:
        """Return a current commune's name in this language: ``Xã Kỳ Anh`` / ``Kỳ Anh Commune``."""
        if self.lang == SOURCE_LANGUAGE:
            return commune.name
        pattern = _("Phường {name}") if commune.type == "phuong" else _("Xã {name}")
        return self.t(pattern).format(name=commune.short_name)

    def link(self, node: Node) -> View:
        """Return ``{url, name}`` of a node (cached)."""
        if (v := self._links.get(id(node))) is None:
            text = self.text(node)
            v = self._links[id(node)] = View(url=self.url(node), name=text.name, lang=text.lang if text.foreign else None)
        return v

    def group(self, group: models.ProductGroup | None) -> View | None:
        """Return a product group's ``slug``, ``label`` (a message id) and list ``url``."""
        if group is None:
            return None
        return dict(slug=group.slug, label=group.label, url=section_url("group", self.lang) + f"{group_slug(group, self.lang)}/")

    def links(self, nodes: Iterable[Node]) -> list[View]:
        """Return the links of several nodes."""
        return [self.link(n) for n in nodes]

    def image(self, img: models.Image | None) -> View | None:
        """Return a photo's derivatives with the base path applied (None stays None)."""
        if img is None:
            return None
        path = self.base_path.rstrip("/")
        srcset = {fmt: ", ".join(f"{path}{u} {w}w" for u, w in items) for fmt, items in img.variants.items()}
        return dict(alt=img.alt, width=img.width, height=img.height, src=path + img.src, srcset_webp=srcset["webp"], srcset_jpeg=srcset["jpeg"])

    def photos(self, node: Node) -> list[View]:
        """Return every processed photo of a node, in order."""
        return [self.image(self.media.images[p.source]) for p in node.photos if p.source in self.media.images]

    def commune(self, node: Any) -> View | None:
        """Return the link to a node's current commune page, or None."""
        c = getattr(node, "commune", None)
        if c is None:
            return None
        if (v := self._communes.get(c.code)) is None:
            v = self._communes[c.code] = View(url=url_of("commune", c.slug, self.lang), name=self.commune_name(c))
        return v

    def recognition(self, r: models.Recognition) -> View:
        """Return a recognition with its ``state`` on the build date: ``valid``, ``upcoming``,
        ``maybe_expired`` (a year-only date in its year of expiry), ``unknown`` (its date is not
        known) or ``expired``."""
        if r.date.precision == "unknown":
            state = "unknown"
        elif r.is_valid(self.today):
            state = "valid"
        elif r.date.value > self.today:
            state = "upcoming"
        elif r.date.precision == "year" and self.today.year == r.date.year + 3:
            state = "maybe_expired"
        else:
            state = "expired"
        return dict(stars=r.stars, date=r.date.value, precision=r.date.precision, year=r.date.year, decision=r.decision,
                    batch=r.batch, criteria=r.criteria, kind=r.kind, score=r.score, state=state,
                    last_valid_day=r.last_valid_day, valid_until=r.valid_until)

    # --- cards and pages -----------------------------------------------------------------

    def card(self, p: Product) -> View:
        """Return what a product card shows (cached: one card appears on many pages)."""
        if (v := self._cards.get(id(p))) is None:
            group, text = p.meta.group, self.text(p)
            v = self._cards[id(p)] = View(
                url=self.url(p), name=text.name, summary=text.summary, lang=text.lang, foreign=text.foreign, status=p.status, stars=p.stars,
                badge=self.recognition(p.badge), group=self.group(group), theme=group.value if group else "site",
                commune=self.commune_name(p.commune) if p.commune else None,
                cover=self.image(self.media.cover(p.photos)),
            )
        return v

    def cards(self, products: Iterable[Product]) -> list[View]:
        """Return the cards of several products."""
        return [self.card(p) for p in products]

    def entry_common(self, node: Node) -> dict[str, Any]:
        """Return what every entry page shows: name, URL, photos, body, sources, QR, share link."""
        meta, text = node.meta, self.text(node)
        return dict(
            name=text.name, original=text.original, summary=text.summary, lang=text.lang, foreign=text.foreign,
            url=self.url(node), slug=node.slug,
            photos=self.photos(node), body=text.body,
            sources=list(getattr(meta, "sources", []) or []) if meta else [],
            notes=text.notes,
            qr=self.media.qr.get((node.kind, node.slug)), former=_former(meta), theme=node.kind,
        )

    def tile(self, node: Any) -> View:
        """Return a small entry tile for showcase lists: name, link, photo or pictogram."""
        return View(url=self.url(node), name=self.text(node).name, cover=self.image(self.media.cover(node.photos)), theme=node.kind,
                    commune=self.commune_name(node.commune) if getattr(node, "commune", None) else None)

    def product(self, p: Product) -> View:
        """Return everything a product page shows."""
        meta = p.meta
        others = [o for o in p.producer.products if o is not p] if p.producer else []
        contact = meta.contact or (p.producer.meta.contact if p.producer else None)
        common = self.entry_common(p) | {"theme": self.card(p).theme}
        return View(
            **common, card=self.card(p), group=self.card(p).group, producer=self.link(p.producer) if p.producer else None, commune=self.commune(p),
            price=dict(amount=meta.price.amount, unit=meta.price.unit) if meta.price else None,
            standards=list(meta.standards), tags=list(meta.tags),
            where_to_buy=[dict(name=w.name, address=w.address, url=w.url, phone=w.phone) for w in meta.where_to_buy],
            shops=[dict(platform=s.platform, name=models.SHOP_PLATFORMS[s.platform][0], url=s.url) for s in meta.shops],
            outlets=[self.outlet_row(o) for o in p.outlets],
            traceability=meta.traceability,
            contact=_contact(contact), current=self.recognition(p.current) if p.current else None,
            latest=self.recognition(p.latest), status=p.status,
            recognitions=[self.recognition(r) for r in p.recognitions],
            crafts=self.links(p.crafts), fairs=self.links(p.fairs),
            others=self.cards(others[:8]), others_count=len(others),
        )

    def producer(self, p: Producer) -> View:
        """Return everything a producer page shows."""
        meta = p.meta
        return View(
            **self.entry_common(p), type=meta.type.label if meta.type else None,
            commune=self.commune(p), address=meta.address, founded=meta.founded,
            model_cooperative=meta.model_cooperative, startup_cooperative=meta.startup_cooperative,
            contact=_contact(meta.contact), products=self.cards(p.products), fairs=self.links(p.fairs),
            current=len([x for x in p.products if x.current]),
            buyer=meta.buyer.model_dump() if meta.buyer else None,
        )

    def commune_page(self, c: CommunePage) -> View:
        """Return everything a commune page shows, with the former units it absorbed."""
        return View(
            **self.entry_common(c),
            formed_from=[dict(name=f.name, district=f.district, partial=f.partial) for f in c.commune.former],
            products=self.cards([p for p in c.products if p.current]),
            past_products=self.cards([p for p in c.products if not p.current]),
            producers=self.links(c.producers), crafts=self.links(c.crafts), fairs=self.links(c.fairs),
            outlets=self.links(c.outlets),
        )

    def craft(self, c: Craft) -> View:
        """Return everything a village craft page shows."""
        meta = c.meta
        return View(
            **self.entry_common(c), craft=meta.craft,
            recognition_type=meta.recognition_type.label if meta.recognition_type else None,
            status=meta.status, recognition_year=meta.recognition_year, decision=meta.decision,
            commune=self.commune(c), products=self.cards(c.products),
        )

    def fair(self, f: Fair) -> View:
        """Return everything a fair page (and a fair in a list) shows."""
        meta = f.meta
        return View(
            **self.entry_common(f), upcoming=f.upcoming, start=f.start,
            end=f.end if meta.end else None, venue=meta.venue, city=meta.city, commune=self.commune(f),
            organiser=meta.organiser, booths=meta.booths, website=meta.website,
            products=self.cards(f.products), producers=self.links(f.producers),
        )

    def hours(self, hours: Iterable[models.OpeningHours]) -> list[View]:
        """Return opening hours for display: ``days`` as a message id pattern's parts
        (``first``/``last`` day keys of a run, or a list of day keys), ``opens``, ``closes``."""
        return [dict(days=list(h.days), run=h.run, opens=h.opens, closes=h.closes) for h in hours]

    def outlet_row(self, o: Outlet) -> View:
        """Return what a product page's where-to-buy section shows of a point of sale."""
        link = self.link(o)
        return View(url=link.url, name=link.name, lang=link.lang, type=o.meta.type.label if o.meta.type else None,
                    address=o.meta.address, commune=self.commune_name(o.commune) if o.commune else None,
                    hours=self.hours(o.meta.hours), phone=o.meta.contact.phone if o.meta.contact else None)

    def outlet(self, o: Outlet) -> View:
        """Return everything a point of sale's page (and its row in a list) shows."""
        meta = o.meta
        return View(
            **self.entry_common(o), type=meta.type.label if meta.type else None, address=meta.address,
            commune=self.commune(o), hours=self.hours(meta.hours), contact=_contact(meta.contact),
            location=dict(lat=meta.location.lat, lon=meta.location.lon) if meta.location else None,
            products=self.cards(o.products),
        )

    def booklet_item(self, p: Product) -> View:
        """Return what a fair booklet shows of a product: its card, producer, commune, price,
        recognition in force, QR code, and one photo file (the JPEG at most 640 px wide, so
        the offline copy and the PDF know which file to take) or None."""
        meta, cover = p.meta, self.media.cover(p.photos)
        photo = None
        if cover is not None:
            sizes = sorted(cover.variants["jpeg"], key=lambda v: v[1])
            url, width = ([v for v in sizes if v[1] <= 640] or sizes[:1])[-1]
            photo = dict(src=self.base_path.rstrip("/") + url, path=url, width=width, height=round(width * cover.height / cover.width),
                         alt=cover.alt)
        return View(card=self.card(p), producer=self.text(p.producer).name if p.producer else None,
                    commune=self.commune_name(p.commune) if p.commune else None,
                    price=dict(amount=meta.price.amount, unit=meta.price.unit) if meta.price else None,
                    current=self.recognition(p.current) if p.current else None, latest=self.recognition(p.latest),
                    qr=self.media.qr.get((p.kind, p.slug)), photo=photo)

    def page(self, p: Page) -> View:
        """Return what a plain page shows."""
        text = self.text(p)
        return View(name=text.name, url=self.url(p), summary=text.summary, body=text.body, lang=text.lang, foreign=text.foreign, office=p.meta.office,
                    sources=list(p.meta.sources), notes=text.notes)


def _former(meta: Any) -> View | None:
    former = getattr(meta, "former_address", None) if meta else None
    return dict(commune=former.commune, district=former.district) if former else None


def _contact(contact: models.Contact | None) -> View | None:
    if contact is None:
        return None
    return dict(phone=contact.phone, zalo=contact.zalo, email=contact.email, website=contact.website, facebook=contact.facebook)
