"""Assemble entries into a ``Site``: resolve references, communes, taxonomies and URLs.

Pure: no file is written. Every problem is collected; the caller fails once with all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import models
from .config import SiteConfig
from .errors import ContentError
from .geography import Commune, Geography, PlaceError
from .vietnamese import slugify, sort_key

#: URL sections (Vietnamese first). A page slug may not take one of these.
SECTIONS = {
    "product": "san-pham",
    "producer": "chu-the",
    "commune": "xa-phuong",
    "craft": "lang-nghe",
    "fair": "hoi-cho",
    "stars": "sao",
    "group": "nhom",
}
RESERVED_SLUGS = set(SECTIONS.values()) | {"assets", "anh", "404", "sitemap", "robots", "en"}
#: Product slugs taken by the catalogue's own pages (/san-pham/het-han/, /san-pham/trang/2/).
RESERVED_PRODUCT_SLUGS = {"het-han", "trang"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


@dataclass(frozen=True)
class ImageJob:
    """A photo to publish: absolute ``source`` path inside the project, and its ``alt``."""

    source: Path
    alt: str
    owner: str  # the entry's path, for messages


@dataclass(eq=False)
class Node:
    """Common parts of everything that gets a page: slug, URL path, entry and photos."""

    slug: str
    url: str
    entry: models.Entry | None
    photos: list[ImageJob] = field(default_factory=list)

    @property
    def body(self) -> str:
        """Return the Markdown body (empty when the entry has none)."""
        return self.entry.body if self.entry else ""


@dataclass(eq=False)
class Product(Node):
    """An OCOP product with its resolved producer, commune and derived star status."""

    meta: models.ProductMeta = None  # type: ignore[assignment]
    commune: Commune | None = None
    producer: Producer | None = None
    recognitions: list[models.Recognition] = field(default_factory=list)
    current: models.Recognition | None = None
    crafts: list[Craft] = field(default_factory=list)
    fairs: list[Fair] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the product name."""
        return self.meta.name

    @property
    def stars(self) -> int | None:
        """Return the stars of the latest still-valid recognition, or None if all expired."""
        return self.current.stars if self.current else None

    status: str = "expired"
    """``valid`` (a recognition in force), ``upcoming`` (only recognitions dated after the
    build date) or ``expired``; set by ``assemble``."""

    @property
    def latest(self) -> models.Recognition:
        """Return the most recent recognition, valid or not."""
        return self.recognitions[0]


@dataclass(eq=False)
class Producer(Node):
    """A producer (chủ thể OCOP) and its products."""

    meta: models.ProducerMeta = None  # type: ignore[assignment]
    commune: Commune | None = None
    products: list[Product] = field(default_factory=list)
    fairs: list[Fair] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the producer's name."""
        return self.meta.name


@dataclass(eq=False)
class Craft(Node):
    """A village craft (làng nghề) and its related products."""

    meta: models.CraftMeta = None  # type: ignore[assignment]
    commune: Commune | None = None
    products: list[Product] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the craft's name."""
        return self.meta.name


@dataclass(eq=False)
class Fair(Node):
    """A trade fair; ``start``/``end`` are local dates (Asia/Ho_Chi_Minh)."""

    meta: models.FairMeta = None  # type: ignore[assignment]
    commune: Commune | None = None
    products: list[Product] = field(default_factory=list)
    producers: list[Producer] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the fair's name."""
        return self.meta.name

    @property
    def start(self) -> dt.date:
        """Return the first day."""
        return models._day(self.meta.start)

    @property
    def end(self) -> dt.date:
        """Return the last day (the first day when no end is given)."""
        return models._day(self.meta.end) if self.meta.end else self.start

    def is_upcoming(self, today: dt.date) -> bool:
        """Return True if the fair has not ended by ``today``."""
        return self.end >= today


@dataclass(eq=False)
class Page(Node):
    """A plain page (about the programme, contact …)."""

    meta: models.PageMeta = None  # type: ignore[assignment]

    @property
    def name(self) -> str:
        """Return the page title."""
        return self.meta.title


@dataclass(eq=False)
class CommunePage(Node):
    """One current commune with what the site knows of it."""

    commune: Commune = None  # type: ignore[assignment]
    meta: models.CommuneMeta | None = None
    products: list[Product] = field(default_factory=list)
    producers: list[Producer] = field(default_factory=list)
    crafts: list[Craft] = field(default_factory=list)
    fairs: list[Fair] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Return the commune's full name (``Xã Cẩm Bình``)."""
        return self.commune.name


@dataclass
class Site:
    """Everything the render stage needs; lists are in Vietnamese collation order."""

    config: SiteConfig
    today: dt.date
    products: list[Product]
    producers: list[Producer]
    crafts: list[Craft]
    fairs: list[Fair]
    pages: list[Page]
    communes: list[CommunePage]
    images: dict[Path, models.Image] = field(default_factory=dict)
    #: Share card URL by card stem (``san-pham-<slug>``, ``hoi-cho-<slug>``), set by the build.
    cards: dict[str, str] = field(default_factory=dict)

    @property
    def current_products(self) -> list[Product]:
        """Return the products with a valid recognition today."""
        return [p for p in self.products if p.current]

    @property
    def expired_products(self) -> list[Product]:
        """Return the products whose every recognition has expired."""
        return [p for p in self.products if p.status == "expired"]

    def products_by_stars(self) -> dict[int, list[Product]]:
        """Return current products keyed by current stars (5, 4, 3)."""
        return {n: [p for p in self.current_products if p.stars == n] for n in (5, 4, 3)}

    def products_by_group(self) -> dict[models.ProductGroup, list[Product]]:
        """Return current products keyed by product group, in the criteria's order."""
        return {g: [p for p in self.current_products if p.meta.group == g] for g in models.ProductGroup}

    def upcoming_fairs(self) -> list[Fair]:
        """Return fairs that have not ended, soonest first."""
        return sorted((f for f in self.fairs if f.is_upcoming(self.today)), key=lambda f: (f.start, f.slug))

    def past_fairs(self) -> list[Fair]:
        """Return fairs that have ended, latest first."""
        return sorted((f for f in self.fairs if not f.is_upcoming(self.today)), key=lambda f: (f.start, f.slug), reverse=True)

    @property
    def image_jobs(self) -> list[ImageJob]:
        """Return every photo to publish, each source once, in a stable order."""
        seen: dict[Path, ImageJob] = {}
        for node in [*self.products, *self.producers, *self.crafts, *self.fairs, *self.communes]:
            for job in node.photos:
                seen.setdefault(job.source, job)
        return [seen[k] for k in sorted(seen)]


def url_of(kind: str, slug: str) -> str:
    """Return the site-relative URL path of an entry: ``/san-pham/cu-do-thanh-dat/``."""
    if kind == "page":
        return f"/{slug}/"
    return f"/{SECTIONS[kind]}/{slug}/"


class _Assembler:
    def __init__(self, root: Path, config: SiteConfig, geography: Geography, today: dt.date) -> None:
        self.root, self.config, self.geo, self.today = root, config, geography, today
        self.problems: list[ContentError] = []
        self.broken: set[tuple[str, str]] = set()
        self.drafts: set[tuple[str, str]] = set()

    def error(self, entry: models.Entry, field_path: tuple, message: str, hint: str = "", severity: str = "error") -> None:
        self.problems.append(
            ContentError(entry.path, *entry.position(*field_path), ".".join(map(str, field_path)), message, hint, severity)
        )

    def warn(self, entry: models.Entry, field_path: tuple, message: str, hint: str = "") -> None:
        self.error(entry, field_path, message, hint, "warning")

    def locate(self, entry: models.Entry, required: bool) -> Commune | None:
        """Resolve ``commune`` and/or ``former_address`` to one current commune."""
        meta = entry.meta
        chosen = None
        if meta.commune:
            try:
                chosen = self.geo.commune(meta.commune)
            except PlaceError as exc:
                self.error(entry, ("commune",), exc.message, exc.hint)
                return None
        former = getattr(meta, "former_address", None)
        if former and former.commune:
            try:
                candidates = self.geo.former(former.commune, former.district)
            except PlaceError as exc:
                self.error(entry, ("former_address", "commune"), exc.message, exc.hint)
                return chosen
            names = ", ".join(f"{c.name} ({c.slug})" for c in candidates)
            if chosen is None and len(candidates) > 1:
                self.error(
                    entry, ("former_address", "commune"),
                    f"'{former.commune}' was split in 2025 between {names}",
                    "add 'commune:' with the one where this entry is",
                )
                return None
            if chosen is not None and chosen not in candidates:
                self.error(
                    entry, ("commune",),
                    f"{chosen.name} does not contain the former commune '{former.commune}', which is now in {names}",
                    "correct 'commune:' or 'former_address:'",
                )
                return chosen
            chosen = chosen or candidates[0]
        if chosen is None:
            if required:
                self.error(entry, (), "has no commune", "add 'commune:' (current) or 'former_address:' with the old commune and district")
            elif not (former and former.district) and "commune" not in meta.model_fields_set:
                self.warn(entry, (), "has no commune", "add 'commune:' so it appears on its commune's page, or leave 'commune:' empty if it is not known")
        return chosen

    def photos(self, entry: models.Entry) -> list[ImageJob]:
        """Check each ``images`` item is a photo file inside the entry's folder."""
        jobs = []
        folder = Path(entry.folder).resolve()
        refs = getattr(entry.meta, "images", [])
        limits = self.config.images
        if len(refs) > limits.max_per_entry:
            self.error(entry, ("images",), f"lists {len(refs)} photos, more than the limit of {limits.max_per_entry}", "keep the best ones; the limit is images.max_per_entry in site_config.yaml")
            return []
        listed: set[str] = set()
        names_in = functools.cache(lambda folder: {p.name for p in folder.iterdir()})  # one listing per folder
        for i, ref in enumerate(refs):
            src = ref.src
            if src in listed:
                self.warn(entry, ("images", i, "src"), f"'{src}' is listed twice", "remove the repeated photo")
                continue
            listed.add(src)
            where = ("images", i, "src")
            if "\x00" in src or src.startswith(("/", "\\")) or ":" in src or ".." in PurePosixPath(src.replace("\\", "/")).parts:
                self.error(entry, where, f"'{src}' is not a file name in this entry's folder", "put the photo next to index.md and write only its file name")
                continue
            path = folder / src
            if path.is_symlink() or not path.resolve().is_relative_to(folder):
                self.error(entry, where, f"'{src}' points outside this entry's folder", "copy the photo into the folder instead of linking it")
                continue
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                self.error(entry, where, f"'{src}' is not a photo", "use a .jpg, .png, .webp or .gif file")
                continue
            if not path.is_file():
                self.error(entry, where, f"'{src}' is not in the folder {entry.path.rsplit('/', 1)[0]}/", "check the file name; letter case matters")
                continue
            actual = names_in(path.parent)
            if path.name not in actual:  # Windows and macOS ignore case; the publishing server does not
                real = next((n for n in actual if n.lower() == path.name.lower()), "?")
                self.error(entry, where, f"'{src}' is written differently from the file '{real}'", f"write it exactly as '{real}'; letter case matters once published")
                continue
            if (size := path.stat().st_size) > limits.max_bytes:
                self.error(entry, where, f"'{src}' is {size:,} bytes, over the limit of {limits.max_bytes:,}", "save a smaller copy of the photo; the limit is images.max_bytes in site_config.yaml")
                continue
            jobs.append(ImageJob(path.resolve(), ref.alt, entry.path))
        return jobs

    def unique(self, entry: models.Entry, field_name: str) -> list[tuple[int, str]]:
        """Return ``(index, reference)`` of a list field, warning about repeated items."""
        seen: set[str] = set()
        items = []
        for i, ref in enumerate(getattr(entry.meta, field_name)):
            if slugify(ref) in seen:
                self.warn(entry, (field_name, i), f"'{ref}' is listed twice", "remove the repeated line")
                continue
            seen.add(slugify(ref))
            items.append((i, ref))
        return items

    def resolve(self, entry: models.Entry, field_name: str, index: int | None, slug: str, table: dict[str, Any], what: str) -> Any:
        """Resolve a slug reference (or a name that slugifies to one), or report it with
        the nearest valid slug."""
        slug = slugify(slug) or slug
        if slug in table:
            return table[slug]
        if (what, slug) in self.broken:
            return None
        where = (field_name,) if index is None else (field_name, index)
        if (what, slug) in self.drafts:
            self.warn(entry, where, f"the {what} '{slug}' is a draft or not yet published, so it is not linked yet", "it is linked once it is published")
            return None
        where = (field_name,) if index is None else (field_name, index)
        close = difflib.get_close_matches(slug, list(table), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"use the folder name of a {what} under content/"
        self.error(entry, where, f"no {what} has the slug '{slug}'", hint)
        return None


def assemble(
    root: Path,
    entries: Iterable[models.Entry],
    config: SiteConfig,
    geography: Geography,
    today: dt.date,
    broken: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> tuple[Site, list[ContentError]]:
    """Build the ``Site`` from read entries. Returns ``(site, problems)``.

    Drafts are dropped; references are checked both ways; old addresses are mapped to
    current communes; recognitions get their validity as of ``today``. References to
    ``broken`` entries (already reported by the reader) are not reported again.
    """
    a = _Assembler(root, config, geography, today)
    a.broken = broken
    by_kind: dict[str, list[models.Entry]] = {k: [] for k in ("product", "producer", "craft", "fair", "page", "commune")}
    for e in entries:
        scheduled = getattr(e.meta, "publish_date", None)
        if getattr(e.meta, "draft", False) or (scheduled and scheduled > today):
            a.drafts.add((e.kind, e.slug))
            continue
        by_kind[e.kind].append(e)

    producers = {}
    for e in by_kind["producer"]:
        producers[e.slug] = Producer(e.slug, url_of("producer", e.slug), e, a.photos(e), meta=e.meta, commune=a.locate(e, required=False))

    products = {}
    for e in by_kind["product"]:
        # Newest first; on the same date the higher star wins (an upgrade decided that day).
        recs = sorted(
            (models.Recognition(**dict(r)) for r in e.meta.recognitions),
            key=lambda r: (r.date, r.stars), reverse=True,
        )
        dates = [r.date for r in e.meta.recognitions]
        for i, r in enumerate(e.meta.recognitions):
            if dates.index(r.date) != i:
                a.warn(e, ("recognitions", i, "date"), "has the same date as another recognition", "check the dates; on the same day the higher star is taken as current")
        if e.slug in RESERVED_PRODUCT_SLUGS:
            a.error(e, (), f"the name '{e.slug}' is reserved for a page of the catalogue", "rename the folder")
            continue
        valid = [r for r in recs if r.is_valid(today)]
        future = [r for r in recs if r.date.value > today]
        for i, r in enumerate(e.meta.recognitions):
            if r.date.value > today:
                a.warn(e, ("recognitions", i, "date"), f"is after the build date {today.isoformat()}", "check the year; it is shown as not yet in force")
        p = Product(e.slug, url_of("product", e.slug), e, a.photos(e), meta=e.meta, recognitions=recs, current=valid[0] if valid else None)
        p.status = "valid" if valid else "upcoming" if future else "expired"
        p.commune = a.locate(e, required=True)
        if e.meta.producer:
            p.producer = a.resolve(e, "producer", None, e.meta.producer, producers, "producer")
            if p.producer:
                p.producer.products.append(p)
        elif "producer" not in e.meta.model_fields_set:  # `producer:` left empty = known to be unknown
            a.warn(e, (), "has no producer", "add 'producer:' with the slug of its producer, or leave 'producer:' empty if it is not known")
        products[e.slug] = p

    crafts = {}
    for e in by_kind["craft"]:
        c = Craft(e.slug, url_of("craft", e.slug), e, a.photos(e), meta=e.meta, commune=a.locate(e, required=False))
        for i, slug in a.unique(e, "products"):
            if prod := a.resolve(e, "products", i, slug, products, "product"):
                c.products.append(prod)
                prod.crafts.append(c)
        crafts[e.slug] = c

    fairs = {}
    for e in by_kind["fair"]:
        f = Fair(e.slug, url_of("fair", e.slug), e, a.photos(e), meta=e.meta)
        if e.meta.commune:
            f.commune = a.locate(e, required=False)
        for i, slug in a.unique(e, "products"):
            if prod := a.resolve(e, "products", i, slug, products, "product"):
                f.products.append(prod)
                prod.fairs.append(f)
        for i, slug in a.unique(e, "producers"):
            if prd := a.resolve(e, "producers", i, slug, producers, "producer"):
                f.producers.append(prd)
                prd.fairs.append(f)
        fairs[e.slug] = f

    pages = []
    for e in by_kind["page"]:
        if e.slug in RESERVED_SLUGS:
            a.error(e, (), f"the page name '{e.slug}' is reserved for a section of the site", "rename the file")
            continue
        pages.append(Page(e.slug, url_of("page", e.slug), e, meta=e.meta))

    commune_pages = {c.code: CommunePage(c.slug, url_of("commune", c.slug), None, commune=c) for c in geography.communes}
    by_slug = {c.slug: commune_pages[c.code] for c in geography.communes}
    for e in by_kind["commune"]:
        target = by_slug.get(e.slug)
        if target is None:
            close = difflib.get_close_matches(e.slug, list(by_slug), n=1, cutoff=0.6)
            hint = f"rename it to '{close[0]}.md'" if close else "name the file after a commune slug from the commune index"
            a.problems.append(ContentError(e.path, 0, 0, "", f"'{e.slug}' is not the slug of a current commune", hint))
            continue
        target.entry, target.meta, target.photos = e, e.meta, a.photos(e)
    for items, attr in ((products, "products"), (producers, "producers"), (crafts, "crafts"), (fairs, "fairs")):
        for node in items.values():
            if node.commune is not None:
                getattr(commune_pages[node.commune.code], attr).append(node)

    name_order = lambda n: (sort_key(n.name), n.slug)  # noqa: E731
    for node in [*producers.values(), *crafts.values(), *commune_pages.values()]:
        for attr in ("products", "producers", "crafts"):
            if hasattr(node, attr):
                getattr(node, attr).sort(key=name_order)
    for p in products.values():
        p.crafts.sort(key=name_order)
        p.fairs.sort(key=lambda f: (f.start, f.slug), reverse=True)
    site = Site(
        config=config,
        today=today,
        products=sorted(products.values(), key=name_order),
        producers=sorted(producers.values(), key=name_order),
        crafts=sorted(crafts.values(), key=name_order),
        fairs=sorted(fairs.values(), key=lambda f: (f.start, f.slug), reverse=True),
        pages=sorted(pages, key=lambda p: (p.meta.menu if p.meta.menu is not None else 10**6, sort_key(p.name))),
        communes=[commune_pages[c.code] for c in geography.communes],
    )
    for cp in site.communes:
        cp.fairs.sort(key=lambda f: (f.start, f.slug), reverse=True)
    _unreferenced_photos(a, [*by_kind["product"], *by_kind["producer"], *by_kind["craft"], *by_kind["fair"]])
    _body_images(a, [e for kind in by_kind.values() for e in kind])
    return site, a.problems


def _body_images(a: _Assembler, entries: list[models.Entry]) -> None:
    """Warn about Markdown images in a body: they are not published (photos go in ``images``)."""
    for e in entries:
        if "![" in e.body:
            a.warn(e, (), "a picture written in the text (![…](…)) is not shown", "list the photo under 'images:' instead")


def _unreferenced_photos(a: _Assembler, bundles: list[models.Entry]) -> None:
    """Warn about photos that sit in an entry's folder but are not listed in ``images``."""
    for e in bundles:
        listed = {ref.src for ref in getattr(e.meta, "images", [])}
        for f in sorted(Path(e.folder).iterdir()):
            if f.suffix.lower() in IMAGE_SUFFIXES and f.name not in listed and not f.name.startswith("."):
                a.warn(e, ("images",), f"the photo '{f.name}' is in the folder but not listed", "add it under 'images:' with an 'alt' text, or delete it")
