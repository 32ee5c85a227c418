"""Plan: the site → a list of page specs (output path, URL, language, template, and the
page's inputs as plain data). Templates see only their spec, never the whole site.

The planner decides every page there is: one per entry, one per section index, the
paginated catalogue and its star and group pages, the 404 page. A page's
``data`` holds everything its template reads (a ``page`` view with the title, description,
breadcrumbs, share card, JSON-LD and CSP, plus the page's own views), so the renderer can
key its cache on the data's digest.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import hashlib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import models
from .i18n import OG_LOCALES, Formats, NATIVE_NAMES, _, translations
from .kinds import KINDS, LANGUAGES, booklet_url, digital_link, digital_link_path, LIST_SECTIONS, TOP_PAGES, group_slug, prefix, section, section_url, segment, translate_path, url_of
from .media import Media
from .outputs import structured
from .search import CATALOGUE, INDEX_DIR
from .site import Node, Product, Site
from .vietnamese import sort_key
from .views import View, Views


@dataclass(frozen=True)
class PageSpec:
    """One page to render: ``path`` inside ``output/``, its ``url`` path, ``lang``, the
    ``template`` name, and ``data`` (the template's context: a ``page`` view and more)."""

    path: str
    url: str
    lang: str
    template: str
    data: View


@dataclass(frozen=True)
class Unit:
    """Pages planned together: ``id`` (the same from one build to the next), ``key`` (a
    hash of everything its pages are made from, or None when it is planned every build)
    and ``make()``, which returns its page specs. A build whose last output has the unit
    with the same key keeps its pages without planning them (``pipeline.write_site``)."""

    id: str
    key: str | None
    make: Callable[[], list[PageSpec]]


def _hash(*parts: Any) -> str:
    return hashlib.blake2b("\0".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def content_security_policy(video_hosts: list[str], inline_scripts: list[str] = (), wasm: bool = False,
                            image_host: str | None = None) -> str:
    """Return a page's Content-Security-Policy: only the site's own files, no inline style,
    no inline script but the given ones (the page's JSON-LD), allowed by their sha256;
    frames only from the allowed video hosts. ``wasm`` lets the page compile WebAssembly
    (Pagefind's search, on the pages that search), still from the site's own files;
    ``image_host`` allows images from one more host (the map's tiles, when configured)."""
    hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'" for text in inline_scripts)
    frames = " ".join(f"https://{h}" for h in video_hosts) or "'none'"
    compile_wasm = " 'wasm-unsafe-eval'" if wasm else ""
    return (
        f"default-src 'self'; script-src 'self'{compile_wasm}{hashes}; style-src 'self'; "
        f"img-src 'self' data:{' https://' + image_host if image_host else ''}; font-src 'self'; "
        f"connect-src 'self'; frame-src {frames}; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def crumb(label: str, url: str | None = None) -> dict:
    """Return one breadcrumb (``url`` None for the current page)."""
    return dict(label=label, url=url)


class Planner:
    """Turns one language of a site into units of pages (``units()``) or page specs
    (``plan()``).

    With a ``page_key`` (a hash of the templates, assets and site-wide data) and ``facts``
    (each entry's facts digest: what lists, indexes and cards show of it, by ``memo.node_key``),
    every unit gets a key from them and from the context keys of the entries it shows
    (``media.keys``); without, every unit is planned."""

    def __init__(self, site: Site, media: Media, lang: str = LANGUAGES[0], records: Any = None,
                 page_key: str | None = None, facts: dict[str, str] | None = None) -> None:
        self.site, self.media, self.lang, self.records = site, media, lang, records
        self.page_key, self.facts = (page_key, facts) if page_key is not None and facts is not None and media.keys else (None, None)
        self.config = site.config
        #: This language's catalogue: the planner's own strings are message ids translated here.
        self.t = translations(lang).gettext
        self.views = Views(media, site.config.base_path, site.today, lang)
        self.chip_links: set[str] = set()
        self.lists: set[str] = set()
        self._chips: list[View] | None = None
        self.home = crumb(self.t(_("Trang chủ")), prefix(lang))
        if records is None:  # a planner on its own (tests, tools): the site's records
            from .pipeline import site_records

            self.records = records = site_records(site)
        self.rows = {r.id: r for r in records.products}

    def abs_url(self, path: str) -> str:
        """Return the absolute URL of a site-relative path."""
        return self.config.base_url + path.lstrip("/")

    def spec(self, url: str, template: str, title: str, description: str, crumbs: list[dict] | None, kind: str,
             *, image: Any = None, schema: list[dict] = (), lastmod: Any = None, indexed: bool = True,
             path: str | None = None, menu: str = "", search: bool = False, image_host: str | None = None,
             **data: Any) -> PageSpec:
        """Return the spec of one page; JSON-LD gets the breadcrumbs, and the CSP allows it.
        ``menu`` is the menu entry the page belongs to (``product`` …); the page's
        ``alternates`` are its URLs in every language of the site (the language switcher,
        ``hreflang``). ``search`` pages run the search script (their CSP allows WebAssembly)."""
        items = list(schema)
        if kind != "404":
            trail = crumbs or [crumb(title)]
            items.append(structured.breadcrumbs([(c["label"], self.abs_url(c["url"] or url)) for c in trail]))
        jsonld = structured.dumps(structured.graph(items)) if items else None
        if image is None and indexed:  # home, lists, plain pages: the site's own card
            image = self.media.site_card
        alternates = [] if kind in ("404", "gs1") else [
            dict(lang=lang, url=translate_path(url, lang), name=NATIVE_NAMES[lang]) for lang in self.config.languages]
        page = dict(title=title, url=url, description=description, crumbs=crumbs, kind=kind, lastmod=lastmod,
                    lang=self.lang, og_locale=OG_LOCALES[self.lang], alternates=alternates, menu=menu,
                    image=dict(url=image.url, width=image.width, height=image.height, alt=image.alt) if image else None,
                    indexed=indexed, jsonld=jsonld and str(jsonld),
                    csp=content_security_policy(self.config.video_hosts, [str(jsonld)] if jsonld else [], wasm=search,
                                                image_host=image_host))
        return PageSpec(path or url.lstrip("/") + "index.html", url, self.lang, template, View(page=page, **data))

    def plan(self) -> Iterator[PageSpec]:
        """Yield every page of the site in this language, in a stable order."""
        for unit in self.units():
            yield from unit.make()

    def units(self) -> Iterator[Unit]:
        """Yield every unit of pages of the site in this language, in a stable order.
        Raises ``ValueError`` at the end if a chip leads to an empty list."""
        every = self.all_facts
        fairs = self.keys_of(self.site.fairs)
        yield self.unit("home", lambda: [self.home_page()], every, fairs)
        yield from self.catalogue()
        yield from self.products()
        yield from self.producers()
        yield from self.communes()
        yield from self.crafts()
        yield from self.fairs()
        yield from self.outlets()
        yield from self.pages()
        yield self.unit("search", lambda: [self.search_page()], every)
        yield self.unit("stats", lambda: [self.stats_page()], every)
        yield self.unit("data", lambda: [self.data_page()], every)
        yield self.unit("map", lambda: [self.map_page()], every)
        yield self.unit("check", lambda: [self.check_page()])
        yield self.unit("enquiry", lambda: [self.enquiry_page()])
        if self.lang == LANGUAGES[0]:  # the same resolver serves both languages
            yield from self.digital_links()
        if self.lang == LANGUAGES[0]:  # static hosts serve one 404 page, in both languages
            yield self.unit("404", lambda: [self.spec("/404.html", "404.html", self.t(_("Không tìm thấy trang")), "", None, "404",
                                                      indexed=False, path="404.html")])
        self.check_links()

    # --- unit keys -------------------------------------------------------------------------

    def unit(self, name: str, make: Callable[[], list[PageSpec]], *parts: Any) -> Unit:
        """Return a unit of this language keyed by ``parts`` (with the page key)."""
        uid = f"{self.lang}:{name}"
        return Unit(uid, _hash(self.page_key, uid, *parts) if self.page_key is not None else None, make)

    def entry_unit(self, node: Node, make: Callable[[], list[PageSpec]]) -> Unit:
        """Return the unit of an entry's own pages, keyed by its context key and media."""
        where = (node.kind, node.slug)
        if self.page_key is None:
            return self.unit(f"{node.kind}/{node.slug}", make)
        card = self.media.cards.get(where)
        return self.unit(f"{node.kind}/{node.slug}", make, self.media.keys.of(node), card and card.url, self.media.qr.get(where))

    def facts_of(self, nodes: Iterable[Node]) -> str:
        """Return a hash of the facts digests of ``nodes``, in order (what a list shows)."""
        if self.facts is None:
            return ""
        return _hash(*(self.facts[f"{n.kind}/{n.slug}"] for n in nodes))

    def keys_of(self, nodes: Iterable[Node]) -> str:
        """Return a hash of the context keys of ``nodes`` (whose whole views a page shows)."""
        if self.page_key is None:
            return ""
        return _hash(*(self.media.keys.of(n) for n in nodes))

    @functools.cached_property
    def all_facts(self) -> str:
        """Return a hash of the facts of every entry (what indexes, counts and the map show)."""
        return self.facts_of(self.site.nodes())

    # --- one method per section ----------------------------------------------------------

    def home_page(self) -> PageSpec:
        """Return the home page: counts, featured products, groups, next fairs, crafts."""
        site, v, cfg, lang = self.site, self.views, self.config, self.lang
        by_stars = site.products_by_stars()
        featured = [p for p in site.current_products if p.stars >= cfg.featured_min_stars][: cfg.featured_count]
        title, description = cfg.text("title", lang), cfg.text("description", lang)
        return self.spec(
            self.home["url"], "home.html", title, description, None, "home",
            schema=[structured.website(title, self.abs_url(prefix(lang)), lang, description)],
            counts=View(current=len(site.current_products), four_plus=len(by_stars[4]) + len(by_stars[5]),
                        producers=len(site.producers), crafts=len(site.crafts)),
            stars=[self.chip(section_url("stars", lang) + f"{n}/", View(n=n, count=len(items))) for n, items in by_stars.items() if items],
            featured=v.cards(featured),
            groups=[self._group_chip(g, items) for g, items in site.products_by_group().items() if items],
            fairs=[v.fair(f) for f in site.upcoming_fairs()[:3]],
            recent_fairs=[v.fair(f) for f in site.past_fairs()[:2]],
            crafts=[View(tile=v.tile(c), craft=c.meta.craft) for c in sorted(site.crafts, key=lambda c: c.meta.status != "recognised")[:6]],
            crafts_count=len(site.crafts), today=site.today,
        )

    def group_url(self, group: models.ProductGroup) -> str:
        """Return the URL of a product group's list in this language."""
        return section_url("group", self.lang) + f"{group_slug(group, self.lang)}/"

    def _group_chip(self, group: models.ProductGroup, items: list) -> View:
        return self.chip(self.group_url(group), View(slug=group.slug, label=group.label, count=len(items)))

    def chip(self, url: str, view: View) -> View:
        """Return a filter chip's view with its ``url``, remembering the link: every chip must
        lead to a list that is not empty (``check_links``)."""
        self.chip_links.add(url)
        return View(url=url, **{k: view[k] for k in view})

    def check_links(self) -> None:
        """Raise ``ValueError`` if a chip links to a list that was not planned or is empty,
        or if an indexable page has no share picture (both are the planner's own rules)."""
        if missing := sorted(self.chip_links - self.lists):
            raise ValueError(f"filter chips lead to empty or missing lists: {', '.join(missing)}")

    def catalogue(self) -> Iterator[PageSpec]:
        """Yield the paginated lists: current products, expired ones, by star, by group."""
        site, t, lang = self.site, self.t, self.lang
        products_url = section_url("product", lang)
        parent = [crumb(t(_("Sản phẩm OCOP")), products_url)]
        expired_count = len(site.expired_products)
        valid, lapsed = {"status": "valid"}, {"status": "lapsed"}
        yield from self.listing(products_url, t(_("Sản phẩm OCOP")), site.current_products, [],
                                t(_("Tất cả sản phẩm OCOP còn hiệu lực của tỉnh.")), valid, filter="all", expired_count=expired_count)
        yield from self.listing(f"{products_url}{segment('expired', lang)}/", t(_("Sản phẩm đã hết hạn công nhận")), site.expired_products, parent,
                                t(_("Sản phẩm từng được công nhận OCOP nhưng chứng nhận đã quá 36 tháng và chưa được đánh giá lại, hoặc chưa rõ năm công nhận.")),
                                lapsed, filter="expired", expired_count=expired_count)
        for n, items in site.products_by_stars().items():
            if not items:  # no page, and no chip, for an empty choice
                continue
            yield from self.listing(section_url("stars", lang) + f"{n}/", t(_("Sản phẩm OCOP {n} sao")).format(n=n), items, parent,
                                    t(_("Các sản phẩm OCOP {n} sao còn hiệu lực.")).format(n=n), valid | {"stars": str(n)},
                                    filter=f"stars-{n}", expired_count=expired_count)
        for group, items in site.products_by_group().items():
            if not items:
                continue
            label = t(group.label)
            yield from self.listing(self.group_url(group), label, items, parent,
                                    t(_("Sản phẩm OCOP nhóm {group}.")).format(group=label), valid | {"group": group.value},
                                    filter=f"group-{group.slug}", expired_count=expired_count)

    def listing(self, base: str, title: str, items: list, parents: list[dict], description: str, preset: dict[str, str],
                **data: Any) -> Iterator[Unit]:
        """Yield the pages of one list, a unit each, keyed by what the page shows: its rows'
        facts, its place in the list, the chips. Page 1 is at ``base``, page n at
        ``base/trang/n/`` (``page/n/`` in English). An empty list is one page that says so.
        Page 1 also carries the combined filters (``preset``: the facet values this list
        stands for), which the search script runs over the search catalogue."""
        size = self.config.page_size
        count = max(1, math.ceil(len(items) / size))
        step = segment("page", self.lang)
        url_for = lambda n: base if n == 1 else f"{base}{step}/{n}/"  # noqa: E731
        chips = self._filter_chips()
        if items:
            self.lists.add(base)
        shape = (title, description, repr(parents), repr(sorted(preset.items())), repr(sorted(data.items())), count, len(items),
                 "|".join(c.url for c in chips))
        for n in range(1, count + 1):
            rows = items[(n - 1) * size : n * size]

            def make(n: int = n, rows: list = rows) -> list[PageSpec]:
                pager = View(items=self.views.cards(rows), number=n, count=count, total=len(items),
                             prev_url=url_for(n - 1) if n > 1 else None, next_url=url_for(n + 1) if n < count else None)
                page_title = self.t(_("{title} — trang {n}")).format(title=title, n=n) if n > 1 else title
                browse = View(catalogue=self.catalogue_url, fixed={"kind": "product"}, preset=preset) if n == 1 else None
                return [self.spec(url_for(n), "products.html", page_title, description, [self.home, *parents, crumb(title)], "list",
                                  menu="product", pager=pager, heading=title, chips=chips, browse=browse, **data)]

            yield self.unit(f"list:{url_for(n)}", make, *shape, self.facts_of(rows))

    def _filter_chips(self) -> list[View]:
        if self._chips is None:
            by_stars, by_group = self.site.products_by_stars(), self.site.products_by_group()
            chips = [self.chip(section_url("stars", self.lang) + f"{n}/", View(key=f"stars-{n}", label=self.t(_("{n} sao")).format(n=n)))
                     for n in (5, 4, 3) if by_stars[n]]
            self._chips = chips + [self.chip(self.group_url(g), View(key=f"group-{g.slug}", label=self.t(g.label)))
                                   for g in models.ProductGroup if by_group[g]]
        return self._chips

    def entry(self, node: Node, template: str, parent: dict, description: str, name: str, view: View,
              schema: list[dict], extra_crumbs: list[dict] = (), lastmod: Any = None, **context: Any) -> PageSpec:
        """Return the spec of an entry's page (share card from the media stage); ``context``:
        more values for its template."""
        crumbs = [self.home, parent, *extra_crumbs, crumb(view.name)]
        meta_updated = getattr(node.meta, "updated", None) if node.meta else None
        meta_updated = min(meta_updated, self.site.today) if meta_updated else None  # never a lastmod in the future
        return self.spec(self.views.url(node), template, view.name, description, crumbs, node.kind,
                         image=self.media.cards.get((node.kind, node.slug)), schema=schema,
                         lastmod=lastmod or meta_updated, menu=node.kind, **{name: view}, **context)

    def products(self) -> Iterator[Unit]:
        """Yield each product's page (which prints as its A6 sheet), a unit each."""
        parent = crumb(self.t(_("Sản phẩm OCOP")), section_url("product", self.lang))
        for p in self.site.products:
            yield self.entry_unit(p, lambda p=p: [self.product_page(p, parent)])

    def product_page(self, p: Product, parent: dict) -> PageSpec:
        """Return a product's page."""
        t = self.t
        card = self.media.cards.get((p.kind, p.slug))
        group = [crumb(t(p.meta.group.label), self.group_url(p.meta.group))] if p.meta.group else []
        view = self.views.product(p)
        row = self.rows[p.slug]
        data = structured.product(row, self.records.recognitions_of.get(p.slug, []), view.name, view.summary, self.abs_url(view.url),
                                  card and self.abs_url(card.url), p.producer and self.abs_url(self.views.url(p.producer)),
                                  view.commune.name if view.commune else None, self.site.today, t,
                                  digital_link=digital_link(self.config.base_url, row.gtin) if row.gtin else None)
        changed = dt.date.fromisoformat(row.changed) if row.changed else None
        return self.entry(p, "product.html", parent, view.summary, "product", view, [data], group, changed,
                          gtin=row.gtin, digital_link=digital_link_path(row.gtin) if row.gtin else None)

    @functools.cached_property
    def province(self) -> str:
        """Return the province's name (from the geography package, e.g. ``Hà Tĩnh``)."""
        from .geography import load_geography

        return load_geography(self.config.province_code).province.name

    def index(self, kind: str, title: str, template: str, description: str, **data: Any) -> PageSpec:
        """Return a section's index page."""
        url = section_url(kind, self.lang)
        return self.spec(url, template, title, description, [self.home, crumb(title)], "list", menu=kind, **data)

    def producers(self) -> Iterator[Unit]:
        """Yield the producer index and each producer's page."""
        yield self.unit("producers", lambda: [self.producer_index()], self.all_facts)
        parent = crumb(self.t(_("Chủ thể OCOP")), section_url("producer", self.lang))
        for p in self.site.producers:
            yield self.entry_unit(p, lambda p=p: [self.producer_page(p, parent)])

    def producer_index(self) -> PageSpec:
        """Return the producer index: producers by legal form, in the order of the criteria."""
        v, t = self.views, self.t
        unknown = t(_("Chưa rõ loại hình"))
        groups: dict[str, list[View]] = {}
        for p in self.site.producers:
            label = t(p.meta.type.label) if p.meta.type else unknown
            groups.setdefault(label, []).append(View(tile=v.tile(p), products=len(p.products), current=sum(1 for x in p.products if x.current)))
        order = [t(ty.label) for ty in models.ProducerType] + [unknown]
        shelves = [View(label=label, count=len(groups[label]), items=groups[label]) for label in order if label in groups]
        return self.index("producer", t(_("Chủ thể OCOP")), "producers.html",
                          t(_("Doanh nghiệp, hợp tác xã, tổ hợp tác và hộ kinh doanh có sản phẩm OCOP.")),
                          shelves=shelves, total=len(self.site.producers))

    def producer_page(self, p: Node, parent: dict) -> PageSpec:
        """Return a producer's page."""
        view = self.views.producer(p)
        schema = [structured.organization(p, view.name, view.summary, self.abs_url(view.url), self.province)]
        return self.entry(p, "producer.html", parent, view.summary, "producer", view, schema)

    def communes(self) -> Iterator[Unit]:
        """Yield the commune index and the page of every current commune."""
        yield self.unit("communes", lambda: [self.commune_index()], self.all_facts)
        parent = crumb(self.t(_("Xã, phường")), section_url("commune", self.lang))
        for c in self.site.communes:
            yield self.entry_unit(c, lambda c=c: [self.commune_page(c, parent)])

    def commune_index(self) -> PageSpec:
        """Return the index of the current communes, with their counts."""
        v, t, communes = self.views, self.t, self.site.communes
        rows = [View(url=v.url(c), name=v.commune_name(c.commune), products=len(c.products), crafts=len(c.crafts)) for c in communes]
        description = t(_("{n} xã, phường của tỉnh từ ngày 01/07/2025 và sản phẩm OCOP của từng nơi.")).format(n=len(communes))
        return self.index("commune", t(_("Xã, phường")), "communes.html", description, communes=rows)

    def commune_page(self, c: Node, parent: dict) -> PageSpec:
        """Return a commune's page."""
        view = self.views.commune_page(c)
        summary = view.summary or self.t(_("Sản phẩm OCOP, chủ thể và làng nghề của {name}.")).format(name=view.name)
        schema = [structured.place(view.name, self.abs_url(view.url), self.province, summary)]
        return self.entry(c, "commune.html", parent, summary, "commune", view, schema)

    def crafts(self) -> Iterator[Unit]:
        """Yield the craft index and each village craft's page."""
        yield self.unit("crafts", lambda: [self.craft_index()], self.all_facts)
        parent = crumb(self.t(_("Làng nghề")), section_url("craft", self.lang))
        for c in self.site.crafts:
            yield self.entry_unit(c, lambda c=c: [self.craft_page(c, parent)])

    def craft_index(self) -> PageSpec:
        """Return the craft index: crafts by the state of their recognition."""
        v, t = self.views, self.t
        labels = {"recognised": t(_("Đã được công nhận")), "proposed": t(_("Đã đề nghị công nhận")),
                  "unconfirmed": t(_("Chưa xác nhận được quyết định"))}
        groups: dict[str, list[View]] = {}
        for c in self.site.crafts:
            groups.setdefault(c.meta.status, []).append(View(
                tile=v.tile(c), craft=c.meta.craft, recognition_year=c.meta.recognition_year, products=len(c.products),
                recognition_type=c.meta.recognition_type.label if c.meta.recognition_type else None))
        shelves = [View(label=labels[s], count=len(groups[s]), items=groups[s]) for s in labels if s in groups]
        return self.index("craft", t(_("Làng nghề")), "crafts.html", t(_("Nghề và làng nghề truyền thống của tỉnh.")),
                          shelves=shelves, total=len(self.site.crafts))

    def craft_page(self, c: Node, parent: dict) -> PageSpec:
        """Return a village craft's page."""
        view = self.views.craft(c)
        schema = [structured.place(view.name, self.abs_url(view.url), self.province, view.summary)]
        return self.entry(c, "craft.html", parent, view.summary, "craft", view, schema)

    def fairs(self) -> Iterator[Unit]:
        """Yield the fair index (upcoming, then past by year) and each fair's page."""
        yield self.unit("fairs", lambda: [self.fair_index()], self.all_facts, self.keys_of(self.site.fairs))
        parent = crumb(self.t(_("Hội chợ, lễ hội")), section_url("fair", self.lang))
        for f in self.site.fairs:
            yield self.entry_unit(f, lambda f=f: [self.fair_page(f, parent)])
            products, province = booklet_products(self.site, f)
            # a booklet shows its products' facts (name, stars, producer, price, photo), not their stories
            yield self.unit(f"booklet/{f.slug}", lambda f=f, products=products, province=province: self.booth_kit(f, products, province),
                            self.keys_of([f]), self.facts_of(products))

    def fair_index(self) -> PageSpec:
        """Return the fair index."""
        v, site = self.views, self.site
        past: dict[int, list[View]] = {}
        for f in site.past_fairs():
            past.setdefault(f.start.year, []).append(v.fair(f))
        return self.index("fair", self.t(_("Hội chợ, lễ hội")), "fairs.html",
                          self.t(_("Hội chợ và lễ hội giới thiệu sản phẩm OCOP: sắp diễn ra và đã diễn ra.")),
                          upcoming=[v.fair(f) for f in site.upcoming_fairs()], past=[View(year=y, fairs=items) for y, items in past.items()])

    def fair_page(self, f: Node, parent: dict) -> PageSpec:
        """Return a fair's page."""
        card = self.media.cards.get((f.kind, f.slug))
        view = self.views.fair(f)
        schema = [structured.event(f, view.name, view.summary, self.abs_url(view.url), card and self.abs_url(card.url), self.province)]
        return self.entry(f, "fair.html", parent, view.summary, "fair", view, schema, booklet=booklet_url(f.slug, self.lang),
                          pdf=booklet_pdf(f, self.lang))

    def outlets(self) -> Iterator[Unit]:
        """Yield the index of points of sale (by commune) and each one's page."""
        yield self.unit("outlets", lambda: [self.outlet_index()], self.keys_of(self.site.outlets))
        parent = crumb(self.t(_("Điểm bán")), section_url("outlet", self.lang))
        for o in self.site.outlets:
            yield self.entry_unit(o, lambda o=o: [self.outlet_page(o, parent)])

    def outlet_index(self) -> PageSpec:
        """Return the index of points of sale, grouped by current commune (those whose commune
        is not known last)."""
        t, v = self.t, self.views
        groups: dict[Any, list[View]] = {}
        for o in self.site.outlets:
            groups.setdefault(o.commune.code if o.commune else None, []).append(v.outlet(o))
        by_code = {c.commune.code: c for c in self.site.communes}
        order = sorted((code for code in groups if code is not None), key=lambda code: sort_key(by_code[code].name))
        order += [None] if None in groups else []
        shelves = [View(commune=v.link(by_code[code]) if code is not None else None, items=groups[code]) for code in order]
        return self.index("outlet", t(_("Điểm bán sản phẩm OCOP")), "outlets.html",
                          t(_("Cửa hàng, điểm giới thiệu sản phẩm OCOP và chợ bán sản phẩm OCOP của tỉnh, theo xã, phường.")),
                          shelves=shelves, total=len(self.site.outlets), catalogue_url=section_url("product", self.lang))

    def outlet_page(self, o: Node, parent: dict) -> PageSpec:
        """Return a point of sale's page."""
        view = self.views.outlet(o)
        schema = [structured.store(o, view.name, view.summary, self.abs_url(view.url), self.province)]
        return self.entry(o, "outlet.html", parent, view.summary or "", "outlet", view, schema)

    def booth_kit(self, f: Node, products: list[Product], province: bool) -> list[PageSpec]:
        """Return a fair's booth kit: its product booklet (a page that prints as an A5
        booklet, one product a half page, with QR codes and page numbers), for a fair that
        has not ended the same booklet as a PDF (``render.Renderer`` makes it with
        WeasyPrint: about a second a booklet, spent only where a booth is still to be
        staffed), and the service worker that keeps the fair's page and booklet for a phone
        offline (its scope is the fair's folder, nothing else)."""
        t, v = self.t, self.views
        fair = v.fair(f)
        url = booklet_url(f.slug, self.lang)
        pdf = booklet_pdf(f, self.lang)
        items = [v.booklet_item(p) for p in products]
        title = t(_("Tập giới thiệu sản phẩm: {fair}")).format(fair=fair.name)
        crumbs = [self.home, crumb(t(_("Hội chợ, lễ hội")), section_url("fair", self.lang)), crumb(fair.name, fair.url), crumb(t(_("Tập sản phẩm")))]
        files = {}  # what the PDF reads: the site path of each picture → its file in the media cache
        for item in items:
            for path in (item.photo and item.photo["path"], item.qr):
                if path:
                    files[path] = self.media.files[path.lstrip("/")]
        data = dict(fair=fair, items=items, province=province, pdf=pdf, today=self.site.today,
                    sw=fair.url + "sw.js", scope=fair.url)
        description = t(_("Các sản phẩm OCOP của tỉnh giới thiệu tại {fair}, có mã QR từng sản phẩm, để in hoặc xem khi không có mạng.")).format(fair=fair.name)
        page = self.spec(url, "booklet.html", title, description, crumbs, "booklet", indexed=False, menu="fair", printing=False, **data)
        paper = [self.spec(url, "booklet.html", title, description, crumbs, "booklet", indexed=False, path=pdf.lstrip("/"), menu="fair",
                           printing=True, files=files, **data)] if pdf else []
        offline = [fair.url, url, *(i.photo["path"] for i in items if i.photo), *(i.qr for i in items if i.qr)]  # site paths
        worker = self.spec(fair.url + "sw.js", "fair-sw.js", title, "", None, "sw", indexed=False, path=(fair.url + "sw.js").lstrip("/"),
                           files=offline, scope=fair.url, name=f"{self.lang}:{f.slug}")
        return [page, *paper, worker]

    def search_page(self) -> PageSpec:
        """Return the search page: a box and filters run by Pagefind in the browser; without
        JavaScript, links to the catalogue and its lists."""
        t, lang = self.t, self.lang
        url = f"{prefix(lang)}{segment('search', lang)}/"
        title = t(_("Tìm kiếm"))
        lists = [View(url=section_url("product", lang), label=t(_("Tất cả sản phẩm OCOP còn hiệu lực")))]
        lists += [View(url=c.url, label=c.label) for c in self._filter_chips()]
        browse = [View(url=section_url(k, lang), label=label) for k, label in (
            ("producer", t(_("Chủ thể OCOP"))), ("commune", t(_("Xã, phường"))), ("craft", t(_("Làng nghề"))), ("fair", t(_("Hội chợ, lễ hội"))))]
        return self.spec(url, "search.html", title, t(_("Tìm sản phẩm OCOP, chủ thể, xã phường, làng nghề và hội chợ của tỉnh.")),
                         [self.home, crumb(title)], "search", menu="search", search=True, lists=lists, browse=browse,
                         catalogue=self.catalogue_url)

    @property
    def catalogue_url(self) -> str:
        """Return the URL of this language's search catalogue (``search.catalogue``)."""
        return f"/{INDEX_DIR}/{self.lang}/{CATALOGUE}"

    def top_url(self, name: str) -> str:
        """Return the URL of one of the site's own top pages in this language (``stats`` →
        ``/thong-ke/``, ``/en/statistics/``)."""
        return f"{prefix(self.lang)}{segment(name, self.lang)}/"

    def stats_page(self) -> PageSpec:
        """Return the statistics page: counts by star, group, commune and year, the plan's
        targets against them, as tables with SVG charts."""
        from .stats import bar_chart, statistics

        t, stats = self.t, statistics(self.records, list(self.config.targets))
        title = t(_("Thống kê chương trình OCOP"))
        star_bars = [(t(_("{n} sao")).format(n=n), stats.by_stars[n]) for n in (3, 4, 5)]
        groups = [(t(models.ProductGroup(g).label) if g else t(_("Chưa rõ nhóm")), n) for g, n in stats.by_group]
        years = [(str(y), sum(k.values())) for y, k in stats.per_year]
        charts = View(
            stars=bar_chart(t(_("Sản phẩm còn hiệu lực theo hạng sao")),
                            t(_("{n} sản phẩm còn hiệu lực: {parts}.")).format(n=stats.current, parts=", ".join(f"{l}: {v}" for l, v in star_bars)), star_bars),
            groups=bar_chart(t(_("Sản phẩm còn hiệu lực theo nhóm")), ", ".join(f"{l}: {v}" for l, v in groups), groups),
            years=bar_chart(t(_("Số lần công nhận theo năm")), ", ".join(f"{l}: {v}" for l, v in years), years),
        )
        by_code = {c.commune.code: c for c in self.site.communes}
        communes = [View(url=url_of("commune", by_code[code].slug, self.lang), name=self.views.commune_name(by_code[code].commune), count=n)
                    for code, _name, n in stats.by_commune]
        targets = []
        for r, target in zip(stats.targets, self.config.targets):  # statistics keeps the config's order
            own = target.title_en if self.lang != LANGUAGES[0] else None
            targets.append(View(year=r.year, title=own or r.title, lang=None if own or self.lang == LANGUAGES[0] else LANGUAGES[0],
                                value=r.value, actual=r.actual, state=r.state, source=r.source, source_url=r.source_url))
        return self.spec(self.top_url("stats"), "stats.html", title,
                         t(_("Số sản phẩm OCOP còn hiệu lực theo hạng sao, nhóm và xã phường; số lần công nhận theo năm; mục tiêu của kế hoạch.")),
                         [self.home, crumb(title)], "stats", menu="stats", stats=View(**dataclasses.asdict(stats)), charts=charts, star_bars=star_bars,
                         groups=groups, communes=communes, targets=targets, data_url=self.top_url("data"), today=self.site.today)

    def data_page(self) -> PageSpec:
        """Return the open data page: the files, their schemas and licence."""
        from .outputs.opendata import GEOJSON, TABLES

        t = self.t
        title = t(_("Dữ liệu mở"))
        folder = f"/{segment('data', LANGUAGES[0])}/"  # the files are the same for every language
        files = [View(name="products.csv", url=folder + "products.csv", schema=None, rows=len(self.records.products),
                      what=t(_("Sản phẩm, một dòng mỗi sản phẩm (mở được bằng Excel, LibreOffice)")))]
        labels = {"products": t(_("Sản phẩm")), "producers": t(_("Chủ thể OCOP")), "crafts": t(_("Làng nghề")), "fairs": t(_("Hội chợ, lễ hội")),
                  "outlets": t(_("Điểm bán"))}
        files += [View(name=f"{name}.json", url=f"{folder}{name}.json", schema=f"{folder}{name}.schema.json",
                       rows=len(getattr(self.records, name)), what=labels[name]) for name in TABLES]
        files.append(View(name=GEOJSON, url=folder + GEOJSON, schema=None, rows=self.located, what=t(_("Vị trí các mục có tọa độ (GeoJSON)"))))
        licence = self.config.data_licence.model_dump() if self.config.data_licence else None
        return self.spec(self.top_url("data"), "data.html", title,
                         t(_("Tải danh sách sản phẩm, chủ thể, làng nghề và hội chợ OCOP dưới dạng CSV, JSON và GeoJSON.")),
                         [self.home, crumb(title)], "data", menu="stats", files=files, licence=licence, today=self.site.today,
                         stats_url=self.top_url("stats"), map_url=self.top_url("map"))

    @functools.cached_property
    def located(self) -> int:
        """Return how many entries have coordinates (the points of ``map.geojson``)."""
        return sum(1 for rows in (self.records.products, self.records.producers, self.records.crafts, self.records.fairs, self.records.outlets)
                   for r in rows if r.lat is not None)

    def map_page(self) -> PageSpec:
        """Return the map page: the entries with coordinates on a Leaflet map (tiles only
        when the config names a tile server), and every entry listed by commune."""
        from .outputs.opendata import GEOJSON

        t, v = self.t, self.views
        title = t(_("Bản đồ"))

        def keyed(nodes: Iterable[Node]) -> list[View]:  # map.js finds each point's link here, in the page's language
            return [View(url=(link := v.link(n)).url, name=link.name, lang=link.lang, key=f"{n.kind}/{n.slug}") for n in nodes]

        def row(commune: View | None, products: Iterable, producers: Iterable, crafts: Iterable, fairs: Iterable, outlets: Iterable) -> View:
            return View(commune=commune, products=keyed(products), producers=keyed(producers), crafts=keyed(crafts), fairs=keyed(fairs),
                        outlets=keyed(outlets))

        site = self.site
        rows = [row(v.link(c), c.products, c.producers, c.crafts, c.fairs, c.outlets) for c in site.communes
                if c.products or c.producers or c.crafts or c.fairs or c.outlets]
        nowhere = [[n for n in nodes if n.commune is None] for nodes in (site.products, site.producers, site.crafts, site.fairs, site.outlets)]
        if any(nowhere):  # every entry is listed, also those whose commune is not known
            rows.append(row(None, *nowhere))
        cfg = self.config.map
        return self.spec(self.top_url("map"), "map.html", title, t(_("Sản phẩm, chủ thể, làng nghề và hội chợ OCOP theo xã, phường.")),
                         [self.home, crumb(title)], "map", menu="stats", rows=rows, located=self.located,
                         image_host=cfg.tiles.split("/")[2] if cfg.tiles else None,
                         geojson=f"/{segment('data', LANGUAGES[0])}/{GEOJSON}", tiles=cfg.tiles, attribution=cfg.attribution)

    @property
    def lookup_url(self) -> str:
        """Return the URL of this language's product lookup (``outputs.lookup``)."""
        from .outputs.lookup import LOOKUP_FILE

        return self.top_url("check") + LOOKUP_FILE

    def check_page(self) -> PageSpec:
        """Return the check-a-product page: a barcode, decision number or name gives the
        product's state, its recognitions with their sources and its producer, answered in
        the browser from the lookup file; without JavaScript, links to the catalogue and the
        open data."""
        t = self.t
        title = t(_("Kiểm tra sản phẩm OCOP"))
        return self.spec(self.top_url("check"), "check.html", title,
                         t(_("Nhập mã vạch, số quyết định hoặc tên sản phẩm để biết sản phẩm còn hiệu lực OCOP, đã hết hạn hay không có trong danh sách.")),
                         [self.home, crumb(title)], "check", menu="search", lookup=self.lookup_url,
                         catalogue_url=section_url("product", self.lang), expired_url=section_url("product", self.lang) + segment("expired", self.lang) + "/",
                         data_url=self.top_url("data"))

    def enquiry_page(self) -> PageSpec:
        """Return the enquiry list's page: the products a visitor shortlisted (kept in the
        browser), compared side by side, and one message to send by e-mail, SMS, Zalo or a
        call, to the producers' public contacts or the office."""
        t = self.t
        title = t(_("Danh sách hỏi hàng"))
        return self.spec(self.top_url("enquiry"), "enquiry.html", title,
                         t(_("Các sản phẩm bạn đã chọn để hỏi mua: so sánh và gửi một tin nhắn cho chủ thể.")),
                         [self.home, crumb(title)], "enquiry", menu="product", indexed=False, lookup=self.lookup_url,
                         catalogue_url=section_url("product", self.lang))

    def digital_links(self) -> Iterator[Unit]:
        """Yield, for each product with a GTIN, the page its GS1 Digital Link resolves to
        (``/01/<14-digit GTIN>/``): it sends the browser on to the product page."""
        for p in self.site.products:
            row = self.rows[p.slug]
            if row.gtin:
                yield self.unit(f"gs1/{p.slug}", lambda p=p, gtin=row.gtin: [self.spec(
                    digital_link_path(gtin), "gs1.html", self.views.text(p).name, "", None, "gs1",
                    indexed=False, target=self.views.url(p), gtin=gtin, traceability=p.meta.traceability)], self.keys_of([p]))

    def pages(self) -> Iterator[Unit]:
        """Yield the plain pages."""
        for pg in self.site.pages:
            yield self.entry_unit(pg, lambda pg=pg: [self.plain_page(pg)])

    def plain_page(self, pg: Node) -> PageSpec:
        """Return a plain page."""
        updated = min(pg.meta.updated, self.site.today) if pg.meta.updated else None
        doc = self.views.page(pg)
        return self.spec(doc.url, "page.html", doc.name, doc.summary, [self.home, crumb(doc.name)], "page",
                         lastmod=updated, menu="page", doc=doc)


def booklet_pdf(fair: Node, lang: str) -> str | None:
    """Return the URL path of a fair's booklet PDF (``<booklet>/<slug>.pdf``), or None for a
    fair that has ended (its booklet prints from the browser; see ``Planner.booth_kit``)."""
    return f"{booklet_url(fair.slug, lang)}{fair.slug}.pdf" if fair.upcoming else None


def booklet_products(site: Site, fair: Node) -> tuple[list[Product], bool]:
    """Return the products of a fair's booklet and whether they stand for the province: the
    fair's own products, then the current products of its producers; when the fair names
    none, the province's current products (what its delegation brings), with True."""
    seen = list(fair.products)
    for producer in fair.producers:
        seen += [p for p in producer.products if p.current and p not in seen]
    return (seen, False) if seen else (list(site.current_products), True)


def units(site: Site, media: Media, records: Any = None, page_key: str | None = None,
          facts: dict[str, str] | None = None) -> Iterator[Unit]:
    """Yield every unit of pages of ``site``, language by language (see ``Planner``).
    Raises ``ValueError`` at the end if a planner's rule was broken."""
    for lang in site.config.languages:
        yield from Planner(site, media, lang, records, page_key, facts).units()


def plan(site: Site, media: Media, records: Any = None) -> Iterator[PageSpec]:
    """Yield every page spec of ``site``, language by language (``languages`` in the
    config), one at a time (the renderer takes them as they come, so the whole plan is never
    held in memory); the statistics, open data and map pages need the ``records``. Raises
    ``ValueError`` at the end if a planner's rule was broken."""
    for lang in site.config.languages:
        yield from Planner(site, media, lang, records).plan()


def site_data(site: Site, lang: str = LANGUAGES[0]) -> View:
    """Return what every page of a language may show of the site as a whole: its title and
    tagline in ``lang``, the menu and footer pages, the URLs of the sections (``urls.product``
    → ``/en/products/``), the office. Templates get it as ``config``; a change here
    re-renders every page of the language."""
    cfg = site.config
    from .geography import load_geography

    views = Views(None, cfg.base_path, site.today, lang)  # type: ignore[arg-type]
    pages = [View(url=views.url(p), name=views.text(p).name, menu=p.meta.menu, menu_title=views.text(p).menu_title)
             for p in site.pages]
    urls = {name: section_url(name, lang) for name in (*KINDS, *LIST_SECTIONS) if section(name, lang)}
    urls |= {"home": prefix(lang), "expired": f"{urls['product']}{segment('expired', lang)}/"}
    urls |= {name: f"{prefix(lang)}{segment(name, lang)}/" for name in TOP_PAGES}
    office = cfg.office.model_dump() | {"role": cfg.text("office_role", lang)} if cfg.office else None
    return View(
        title=cfg.text("title", lang), tagline=cfg.text("tagline", lang), description=cfg.text("description", lang),
        base_url=cfg.base_url, base_path=cfg.base_path, lang=lang, home=prefix(lang),
        province=load_geography(cfg.province_code).province.name,
        nav=[p for p in pages if p.menu is not None], footer=pages, urls=urls,
        video_hosts=list(cfg.video_hosts), featured_min_stars=cfg.featured_min_stars, office=office,
        contact_url=next((views.url(p) for p in site.pages if p.meta.office), None),
    )
