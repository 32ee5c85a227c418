"""Assemble entries into a ``Site``: one small builder per content kind, then one link step
that resolves references, builds reverse lists and maps old communes to current ones.

Pure: nothing is read or written. Every problem is collected; the caller fails once with
all. After ``assemble`` returns, the site is never changed: relation lists are tuples, and
later stages (media, plan, render) keep their results beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import models
from .config import SiteConfig
from .errors import ContentError, Msg, msg
from .geography import Commune, Geography, PlaceError
from .kinds import KINDS, RESERVED_PRODUCT_SLUGS, RESERVED_SLUGS, url_of
from .vietnamese import slugify, sort_key


@dataclass(eq=False)
class Node:
    """Common parts of everything that gets a page: kind, slug, URL path and its entry."""

    kind: str
    slug: str
    url: str
    entry: models.Entry | None

    @property
    def body(self) -> str:
        """Return the Markdown body (empty when the entry has none)."""
        return self.entry.body if self.entry else ""

    @property
    def photos(self) -> tuple[models.Photo, ...]:
        """Return the entry's photos that passed the reader's checks."""
        return self.entry.photos if self.entry else ()

    @property
    def name(self) -> str:
        """Return the display name (``name``, or ``title`` for plain pages)."""
        return self.meta.name  # type: ignore[attr-defined]


@dataclass(eq=False)
class Product(Node):
    """An OCOP product with its resolved producer, commune and derived star status.

    ``recognitions`` are newest first (those whose date is unknown last); ``current`` is
    the latest one in force on the build date; ``status`` is ``valid``, ``upcoming`` (only
    recognitions dated after the build date), ``unknown`` (none in force, and one whose date
    is not known: it is never shown as current) or ``expired``.
    """

    meta: models.ProductMeta = None  # type: ignore[assignment]
    recognitions: tuple[models.Recognition, ...] = ()
    current: models.Recognition | None = None
    status: str = "expired"
    commune: Commune | None = None
    producer: Producer | None = None
    crafts: tuple[Craft, ...] = ()
    fairs: tuple[Fair, ...] = ()
    outlets: tuple[Outlet, ...] = ()

    @property
    def stars(self) -> int | None:
        """Return the stars of the latest still-valid recognition, or None if none is in force."""
        return self.current.stars if self.current else None

    @property
    def latest(self) -> models.Recognition:
        """Return the most recent recognition, valid or not."""
        return self.recognitions[0]

    @property
    def badge(self) -> models.Recognition:
        """Return the recognition a badge shows: the current one, else (date unknown) the
        highest undated one, else the most recent."""
        if self.current:
            return self.current
        if self.status == "unknown":
            return max((r for r in self.recognitions if r.date.precision == "unknown"), key=lambda r: r.stars)
        return self.latest


@dataclass(eq=False)
class Producer(Node):
    """A producer (chủ thể OCOP) and its products."""

    meta: models.ProducerMeta = None  # type: ignore[assignment]
    commune: Commune | None = None
    products: tuple[Product, ...] = ()
    fairs: tuple[Fair, ...] = ()


@dataclass(eq=False)
class Craft(Node):
    """A village craft (làng nghề) and its related products."""

    meta: models.CraftMeta = None  # type: ignore[assignment]
    commune: Commune | None = None
    products: tuple[Product, ...] = ()


@dataclass(eq=False)
class Fair(Node):
    """A trade fair; ``start``/``end`` are local dates (Asia/Ho_Chi_Minh); ``upcoming`` is
    True when it has not ended by the build date."""

    meta: models.FairMeta = None  # type: ignore[assignment]
    upcoming: bool = False
    commune: Commune | None = None
    products: tuple[Product, ...] = ()
    producers: tuple[Producer, ...] = ()

    @property
    def start(self) -> dt.date:
        """Return the first day."""
        return models._day(self.meta.start)

    @property
    def end(self) -> dt.date:
        """Return the last day (the first day when no end is given)."""
        return models._day(self.meta.end) if self.meta.end else self.start


@dataclass(eq=False)
class Outlet(Node):
    """A point of sale (điểm bán) and the products it carries."""

    meta: models.OutletMeta = None  # type: ignore[assignment]
    commune: Commune | None = None
    products: tuple[Product, ...] = ()


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
    """One current commune with what the site knows of it (``meta`` from its optional file)."""

    commune: Commune = None  # type: ignore[assignment]
    meta: models.CommuneMeta | None = None
    products: tuple[Product, ...] = ()
    producers: tuple[Producer, ...] = ()
    crafts: tuple[Craft, ...] = ()
    fairs: tuple[Fair, ...] = ()
    outlets: tuple[Outlet, ...] = ()

    @property
    def name(self) -> str:
        """Return the commune's full name (``Xã Cẩm Bình``)."""
        return self.commune.name


@dataclass(frozen=True)
class Site:
    """Everything later stages need; tuples in Vietnamese collation order (fairs newest first)."""

    config: SiteConfig
    today: dt.date
    products: tuple[Product, ...]
    producers: tuple[Producer, ...]
    crafts: tuple[Craft, ...]
    fairs: tuple[Fair, ...]
    pages: tuple[Page, ...]
    communes: tuple[CommunePage, ...]
    outlets: tuple[Outlet, ...] = ()

    # Computed once: the site never changes after assembly, and lists ask for these often.
    @functools.cached_property
    def current_products(self) -> list[Product]:
        """Return the products with a recognition in force on the build date."""
        return [p for p in self.products if p.current]

    @functools.cached_property
    def expired_products(self) -> list[Product]:
        """Return the products with no recognition in force: expired, or of unknown date."""
        return [p for p in self.products if p.status in ("expired", "unknown")]

    def products_by_stars(self) -> dict[int, list[Product]]:
        """Return current products keyed by current stars (5, 4, 3)."""
        return self._by_stars

    def products_by_group(self) -> dict[models.ProductGroup, list[Product]]:
        """Return current products keyed by product group, in the criteria's order."""
        return self._by_group

    @functools.cached_property
    def _by_stars(self) -> dict[int, list[Product]]:
        out: dict[int, list[Product]] = {5: [], 4: [], 3: []}
        for p in self.current_products:
            out[p.stars].append(p)
        return out

    @functools.cached_property
    def _by_group(self) -> dict[models.ProductGroup, list[Product]]:
        out: dict[models.ProductGroup, list[Product]] = {g: [] for g in models.ProductGroup}
        for p in self.current_products:
            if p.meta.group is not None:
                out[p.meta.group].append(p)
        return out

    def upcoming_fairs(self) -> list[Fair]:
        """Return fairs that have not ended, soonest first."""
        return sorted((f for f in self.fairs if f.upcoming), key=lambda f: (f.start, f.slug))

    def past_fairs(self) -> list[Fair]:
        """Return fairs that have ended, latest first."""
        return [f for f in self.fairs if not f.upcoming]

    def nodes(self) -> Iterator[Node]:
        """Yield every node that has a page, kind by kind."""
        yield from self.products
        yield from self.producers
        yield from self.communes
        yield from self.crafts
        yield from self.fairs
        yield from self.outlets
        yield from self.pages


# --- the assembler: problems, places and references ---------------------------------------


class _Assembler:
    def __init__(self, config: SiteConfig, geography: Geography, today: dt.date, broken: set[tuple[str, str]]) -> None:
        self.config, self.geo, self.today, self.broken = config, geography, today, broken
        self.problems: list[ContentError] = []
        self.drafts: set[tuple[str, str]] = set()

    def error(self, entry: models.Entry, field_path: tuple, message: Msg, hint: Msg | str = "", severity: str = "error") -> None:
        self.problems.append(
            ContentError(entry.path, *entry.position(*field_path), ".".join(map(str, field_path)), message, hint, severity)
        )

    def warn(self, entry: models.Entry, field_path: tuple, message: Msg, hint: Msg | str = "") -> None:
        self.error(entry, field_path, message, hint, "warning")

    def locate(self, entry: models.Entry, required: bool) -> Commune | None:
        """Resolve ``commune`` and/or ``former_address`` to one current commune."""
        meta = entry.meta
        chosen = None
        if meta.commune:
            try:
                chosen, note = self.geo.commune_match(meta.commune)
            except PlaceError as exc:
                self.error(entry, ("commune",), exc.message, exc.hint)
                return None
            if note:
                self.warn(entry, ("commune",), note, msg("write it as '{name}' if that is the place", name=chosen.name))
        former = getattr(meta, "former_address", None)
        if former and former.commune:
            try:
                candidates, note = self.geo.former_match(former.commune, former.district)
            except PlaceError as exc:
                self.error(entry, ("former_address", "commune"), exc.message, exc.hint)
                return chosen
            if note:
                self.warn(entry, ("former_address", "commune"), note, msg("check the old commune's name; tones tell places apart"))
            names = ", ".join(f"{c.name} ({c.slug})" for c in candidates)
            if chosen is None and len(candidates) > 1:
                self.error(entry, ("former_address", "commune"), msg("'{former}' was split in 2025 between {communes}", former=former.commune, communes=names),
                           msg("add 'commune:' with the one where this entry is"))
                return None
            if chosen is not None and chosen not in candidates:
                self.error(entry, ("commune",), msg("{commune} does not contain the former commune '{former}', which is now in {communes}",
                                                    commune=chosen.name, former=former.commune, communes=names),
                           msg("correct 'commune:' or 'former_address:'"))
                return chosen
            chosen = chosen or candidates[0]
        if chosen is None:
            if required:
                hint = msg("write the current commune after 'commune:', or add 'former_address:' with the old commune and district")
                if "commune" in meta.model_fields_set:  # `commune:` written, left empty
                    self.error(entry, ("commune",), msg("is empty"), hint)
                else:
                    self.error(entry, (), msg("has no commune"), hint)
            elif not (former and former.district) and "commune" not in meta.model_fields_set:
                self.warn(entry, (), msg("has no commune"),
                          msg("add 'commune:' so it appears on its commune's page, or leave 'commune:' empty if it is not known"))
        return chosen

    def references(self, entry: models.Entry, field_name: str, table: dict[str, Any], what: str) -> list[Any]:
        """Resolve a list field of slugs, warning about repeated items; unknown ones are reported."""
        seen: set[str] = set()
        found = []
        for i, ref in enumerate(getattr(entry.meta, field_name)):
            if slugify(ref) in seen:
                self.warn(entry, (field_name, i), msg("'{name}' is listed twice", name=ref), msg("remove the repeated line"))
                continue
            seen.add(slugify(ref))
            if (node := self.resolve(entry, field_name, i, ref, table, what)) is not None:
                found.append(node)
        return found

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
            self.warn(entry, where, _DRAFT_REFERENCE[what](slug), msg("it is linked once it is published"))
            return None
        close = difflib.get_close_matches(slug, list(table), n=1, cutoff=0.6)
        hint = msg("did you mean '{value}'?", value=close[0]) if close else _REFERENCE_HINT[what]
        self.error(entry, where, _UNKNOWN_REFERENCE[what](slug), hint)
        return None


#: What a reference to an unpublished or unknown entry is told, by the kind referred to.
_DRAFT_REFERENCE: dict[str, Callable[[str], Msg]] = {
    "producer": lambda slug: msg("the producer '{slug}' is a draft or not yet published, so it is not linked yet", slug=slug),
    "product": lambda slug: msg("the product '{slug}' is a draft or not yet published, so it is not linked yet", slug=slug),
}
_UNKNOWN_REFERENCE: dict[str, Callable[[str], Msg]] = {
    "producer": lambda slug: msg("no producer has the slug '{slug}'", slug=slug),
    "product": lambda slug: msg("no product has the slug '{slug}'", slug=slug),
}
_REFERENCE_HINT = {
    "producer": msg("use the folder name of a producer under content/"),
    "product": msg("use the folder name of a product under content/"),
}


# --- one builder per kind: an entry → its node (references are linked later) --------------


def _producer(a: _Assembler, e: models.Entry) -> Producer:
    return Producer("producer", e.slug, url_of("producer", e.slug), e, meta=e.meta, commune=a.locate(e, required=False))


def _product(a: _Assembler, e: models.Entry) -> Product | None:
    if e.slug in RESERVED_PRODUCT_SLUGS:
        a.error(e, (), msg("the name '{slug}' is reserved for a page of the catalogue", slug=e.slug), msg("rename the folder"))
        return None
    typed = e.meta.recognitions
    # Newest first; on the same date the higher star wins (an upgrade decided that day).
    recs = tuple(sorted((models.Recognition(**dict(r)) for r in typed), key=lambda r: (r.date, r.stars), reverse=True))
    dates = [r.date for r in typed]
    for i, r in enumerate(typed):
        if dates.index(r.date) != i and r.date.precision != "unknown":
            a.warn(e, ("recognitions", i, "date"), msg("has the same date as another recognition"),
                   msg("check the dates; on the same day the higher star is taken as current"))
        if r.date.value > a.today:
            a.warn(e, ("recognitions", i, "date"), msg("is after the build date {date}", date=a.today.isoformat()),
                   msg("check the year; it is shown as not yet in force"))
    valid = [r for r in recs if r.is_valid(a.today)]
    if valid:
        status = "valid"
    elif any(r.date.value > a.today for r in recs):
        status = "upcoming"
    else:
        status = "unknown" if any(r.date.precision == "unknown" for r in recs) else "expired"
    return Product("product", e.slug, url_of("product", e.slug), e, meta=e.meta, recognitions=recs,
                   current=valid[0] if valid else None, status=status, commune=a.locate(e, required=True))


def _craft(a: _Assembler, e: models.Entry) -> Craft:
    return Craft("craft", e.slug, url_of("craft", e.slug), e, meta=e.meta, commune=a.locate(e, required=False))


def _fair(a: _Assembler, e: models.Entry) -> Fair:
    fair = Fair("fair", e.slug, url_of("fair", e.slug), e, meta=e.meta, commune=a.locate(e, required=False) if e.meta.commune else None)
    fair.upcoming = fair.end >= a.today
    return fair


def _outlet(a: _Assembler, e: models.Entry) -> Outlet:
    return Outlet("outlet", e.slug, url_of("outlet", e.slug), e, meta=e.meta, commune=a.locate(e, required=False))


def _page(a: _Assembler, e: models.Entry) -> Page | None:
    if e.slug in RESERVED_SLUGS:
        a.error(e, (), msg("the page name '{slug}' is reserved for a section of the site", slug=e.slug), msg("rename the file"))
        return None
    return Page("page", e.slug, url_of("page", e.slug), e, meta=e.meta)


BUILDERS: dict[str, Callable[[_Assembler, models.Entry], Node | None]] = {
    "producer": _producer, "product": _product, "craft": _craft, "fair": _fair, "outlet": _outlet, "page": _page,
}
assert set(BUILDERS) | {"commune"} == set(KINDS), "every kind has a builder (communes come from geography)"


# --- assemble: build every node, then link -------------------------------------------------


def assemble(
    entries: Iterable[models.Entry],
    config: SiteConfig,
    geography: Geography,
    today: dt.date,
    broken: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> tuple[Site, list[ContentError]]:
    """Build the ``Site`` from read entries. Returns ``(site, problems)``.

    Drafts and entries scheduled after ``today`` are dropped; references are checked;
    old addresses are mapped to current communes; recognitions get their validity as of
    ``today``. References to ``broken`` entries (already reported by the reader) are not
    reported again.
    """
    a = _Assembler(config, geography, today, set(broken))
    nodes: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    commune_files, checked_only, unpublished = [], [], []
    for e in entries:
        if isinstance(e.meta, models.Publishable) and e.meta.updated and e.meta.updated > today:
            a.warn(e, ("updated",), msg("is after the build date {date}", date=today.isoformat()),
                   msg("write the day the facts were last checked; it is shown as the build date"))
        if isinstance(e.meta, models.Publishable) and not e.meta.is_published(today):
            a.drafts.add((e.kind, e.slug))
            unpublished.append(e)
        elif e.kind == "commune":
            if not e.broken:
                commune_files.append(e)
        elif (node := BUILDERS[e.kind](a, e)) is not None:
            if e.broken:
                checked_only.append(node)
            else:
                nodes[e.kind][e.slug] = node
    for e in unpublished:  # checked as if published, so publishing one brings no new problem
        if (node := BUILDERS[e.kind](a, e)) is not None:
            checked_only.append(node)
    communes = _commune_pages(a, geography, commune_files)
    for node in checked_only:  # an entry with errors, or not yet published: its references are checked in the same run
        _references(a, node, nodes, lambda *_: None)
    site = _link(a, config, today, nodes, communes, [n for n in checked_only if n.kind == "page"])
    checked = [n.entry for n in site.nodes() if n.entry is not None] + [n.entry for n in checked_only]
    _removed_html(a, checked, frozenset(config.video_hosts))
    drafts = {e.path for e in unpublished if e.meta.draft}
    # A draft is unfinished by definition: its problems are notes saying what is left to do.
    problems = [dataclasses.replace(p, severity="note") if p.path in drafts else p for p in a.problems]
    return site, problems


def _removed_html(a: _Assembler, entries: list[models.Entry], video_hosts: frozenset[str]) -> None:
    """Warn about HTML and links in bodies that rendering removes (nothing is dropped silently)."""
    from .markup import removed_html

    for e in entries:
        for line, message, hint in removed_html(e.body, video_hosts):
            a.problems.append(ContentError(e.path, e.body_line + line - 1, 0, "", message, hint, "warning"))


def _commune_pages(a: _Assembler, geography: Geography, files: list[models.Entry]) -> dict[int, CommunePage]:
    """Return a page for every current commune, with its optional content file."""
    pages = {c.code: CommunePage("commune", c.slug, url_of("commune", c.slug), None, commune=c) for c in geography.communes}
    by_slug = {c.slug: pages[c.code] for c in geography.communes}
    for e in files:
        target = by_slug.get(e.slug)
        if target is None:
            close = difflib.get_close_matches(e.slug, list(by_slug), n=1, cutoff=0.6)
            hint = msg("rename it to '{name}'", name=f"{close[0]}.md") if close else msg("name the file after a commune slug from the commune index")
            a.problems.append(ContentError(e.path, 0, 0, "", msg("'{slug}' is not the slug of a current commune", slug=e.slug), hint))
            continue
        target.entry, target.meta = e, e.meta
    return pages


def _references(a: _Assembler, node: Node, nodes: dict[str, dict[str, Any]], add: Callable[[Node, str, Node], None]) -> None:
    """Resolve one node's references (product → producer; craft → products; fair →
    products, producers), reporting unknown ones; ``add(node, attribute, other)`` records
    each relation both ways."""
    e, products, producers = node.entry, nodes["product"], nodes["producer"]
    if node.kind == "product":
        if e.meta.producer:
            if producer := a.resolve(e, "producer", None, e.meta.producer, producers, "producer"):
                node.producer = producer
                add(producer, "products", node)
        elif "producer" not in e.meta.model_fields_set:  # `producer:` left empty = known to be unknown
            a.warn(e, (), msg("has no producer"), msg("add 'producer:' with the slug of its producer, or leave 'producer:' empty if it is not known"))
    for field_name, table, what, back in (("products", products, "product", node.kind + "s"), ("producers", producers, "producer", "fairs")):
        if node.kind in ("craft", "fair", "outlet") and hasattr(e.meta, field_name):
            for other in a.references(e, field_name, table, what):
                add(node, field_name, other)
                add(other, back, node)


def _link(a: _Assembler, config: SiteConfig, today: dt.date, nodes: dict[str, dict[str, Any]], communes: dict[int, CommunePage],
          unpublished_pages: Iterable[Page] = ()) -> Site:
    """Resolve references both ways, fill commune pages, sort, and freeze the lists
    (``unpublished_pages`` are only checked: drafts, scheduled pages and pages with errors)."""
    products, producers = nodes["product"], nodes["producer"]
    rel: dict[tuple[int, str], list] = {}  # (id(node), attribute) → related nodes, frozen at the end

    def add(node: Node, attr: str, other: Node) -> None:
        rel.setdefault((id(node), attr), []).append(other)

    for kind in ("product", "craft", "fair", "outlet"):
        for node in nodes[kind].values():
            _references(a, node, nodes, add)
    for kind, attr in (("product", "products"), ("producer", "producers"), ("craft", "crafts"), ("fair", "fairs"), ("outlet", "outlets")):
        for node in nodes[kind].values():
            if node.commune is not None:
                add(communes[node.commune.code], attr, node)

    by_name = lambda n: (sort_key(n.name), n.slug)  # noqa: E731
    by_date = lambda f: (f.start, f.slug)  # noqa: E731
    every = [n for kind in nodes.values() for n in kind.values()] + list(communes.values())
    for node in every:
        for attr in ("products", "producers", "crafts", "fairs", "outlets"):
            if hasattr(node, attr):
                items = rel.get((id(node), attr), [])
                setattr(node, attr, tuple(sorted(items, key=by_date, reverse=True) if attr == "fairs" else sorted(items, key=by_name)))
    gtins: dict[str, Any] = {}
    for product in sorted(products.values(), key=lambda p: p.entry.path):  # one GS1 Digital Link, one product
        if (gtin := product.meta.gtin) and gtins.setdefault(gtin.zfill(14), product) is not product:
            a.error(product.entry, ("gtin",), msg("is also the GTIN of {path}", path=gtins[gtin.zfill(14)].entry.path),
                    msg("each product packaging has its own GTIN: copy it again from this product's barcode"))
    pages = sorted(nodes["page"].values(), key=lambda p: (p.meta.menu if p.meta.menu is not None else 10**6, sort_key(p.name)))
    office = [p for p in pages if p.meta.office]
    for extra in [*office[1:], *(p for p in unpublished_pages if p.meta.office and office)]:  # the "contact" button must lead to one page
        a.error(extra.entry, ("office",), msg("another page is already the contact page ({path})", path=office[0].entry.path),
                msg("keep 'office: true' on one page only"))
    return Site(
        config=config, today=today,
        products=tuple(sorted(products.values(), key=by_name)),
        producers=tuple(sorted(producers.values(), key=by_name)),
        crafts=tuple(sorted(nodes["craft"].values(), key=by_name)),
        fairs=tuple(sorted(nodes["fair"].values(), key=by_date, reverse=True)),
        pages=tuple(pages),
        communes=tuple(communes[c.commune.code] for c in communes.values()),
        outlets=tuple(sorted(nodes["outlet"].values(), key=by_name)),
    )
