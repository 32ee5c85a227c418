"""Plan: the site → a list of page specs (output path, URL, language, template, and the
page's inputs as plain data). Templates see only their spec, never the whole site.

The planner decides every page there is: one per entry, one per section index, the
paginated catalogue and its star and group pages, printable sheets, the 404 page. A page's
``data`` holds everything its template reads (a ``page`` view with the title, description,
breadcrumbs, share card, JSON-LD and CSP, plus the page's own views), so the renderer can
key its cache on the data's digest.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import models
from .i18n import _
from .kinds import KINDS, LANGUAGES, LIST_SECTIONS, prefix, section, section_url, url_of
from .media import Media
from .outputs import structured
from .outputs.feed import product_day
from .site import Node, Site
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


def content_security_policy(video_hosts: list[str], inline_scripts: list[str] = ()) -> str:
    """Return a page's Content-Security-Policy: only the site's own files, no inline style,
    no inline script but the given ones (the page's JSON-LD), allowed by their sha256;
    frames only from the allowed video hosts."""
    hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'" for text in inline_scripts)
    frames = " ".join(f"https://{h}" for h in video_hosts) or "'none'"
    return (
        f"default-src 'self'; script-src 'self'{hashes}; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self'; frame-src {frames}; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def crumb(label: str, url: str | None = None) -> dict:
    """Return one breadcrumb (``url`` None for the current page)."""
    return dict(label=label, url=url)


class Planner:
    """Turns one language of a site into page specs; ``plan()`` yields them all."""

    def __init__(self, site: Site, media: Media, lang: str = LANGUAGES[0]) -> None:
        self.site, self.media, self.lang = site, media, lang
        self.config = site.config
        self.views = Views(media, site.config.base_path, site.today, lang)
        self.chip_links: set[str] = set()
        self.lists: set[str] = set()
        self._chips: list[View] | None = None
        self.home = crumb(_("Trang chủ"), prefix(lang))

    def abs_url(self, path: str) -> str:
        """Return the absolute URL of a site-relative path."""
        return self.config.base_url + path.lstrip("/")

    def spec(self, url: str, template: str, title: str, description: str, crumbs: list[dict] | None, kind: str,
             *, image: Any = None, schema: list[dict] = (), lastmod: Any = None, indexed: bool = True,
             path: str | None = None, **data: Any) -> PageSpec:
        """Return the spec of one page; JSON-LD gets the breadcrumbs, and the CSP allows it."""
        items = list(schema)
        if kind not in ("404", "sheet"):
            trail = crumbs or [crumb(title)]
            items.append(structured.breadcrumbs([(c["label"], self.abs_url(c["url"] or url)) for c in trail]))
        jsonld = structured.dumps(structured.graph(items)) if items else None
        if image is None and indexed:  # home, lists, plain pages: the site's own card
            image = self.media.site_card
        page = dict(title=title, url=url, description=description, crumbs=crumbs, kind=kind, lastmod=lastmod,
                    image=dict(url=image.url, width=image.width, height=image.height, alt=image.alt) if image else None,
                    indexed=indexed, jsonld=jsonld and str(jsonld),
                    csp=content_security_policy(self.config.video_hosts, [str(jsonld)] if jsonld else []))
        return PageSpec(path or url.lstrip("/") + "index.html", url, self.lang, template, View(page=page, **data))

    def plan(self) -> Iterator[PageSpec]:
        """Yield every page of the site in this language, in a stable order."""
        yield self.home_page()
        yield from self.catalogue()
        yield from self.products()
        yield from self.producers()
        yield from self.communes()
        yield from self.crafts()
        yield from self.fairs()
        yield from self.pages()
        yield self.spec("/404.html", "404.html", _("Không tìm thấy trang"), "", None, "404", indexed=False, path="404.html")
        self.check_links()

    # --- one method per section ----------------------------------------------------------

    def home_page(self) -> PageSpec:
        """Return the home page: counts, featured products, groups, next fairs, crafts."""
        site, v, cfg = self.site, self.views, self.config
        by_stars = site.products_by_stars()
        featured = [p for p in site.current_products if p.stars >= cfg.featured_min_stars][: cfg.featured_count]
        return self.spec(
            self.home["url"], "home.html", cfg.title, cfg.description, None, "home",
            schema=[structured.website(cfg.title, cfg.base_url, cfg.language, cfg.description)],
            counts=View(current=len(site.current_products), four_plus=len(by_stars[4]) + len(by_stars[5]),
                        producers=len(site.producers), crafts=len(site.crafts)),
            stars=[self.chip(section_url("stars", self.lang) + f"{n}/", View(n=n, count=len(items))) for n, items in by_stars.items() if items],
            featured=v.cards(featured),
            groups=[self._group_chip(g, items) for g, items in site.products_by_group().items() if items],
            fairs=[v.fair(f) for f in site.upcoming_fairs()[:3]],
            recent_fairs=[v.fair(f) for f in site.past_fairs()[:2]],
            crafts=[View(tile=v.tile(c), craft=c.meta.craft) for c in sorted(site.crafts, key=lambda c: c.meta.status != "recognised")[:6]],
            crafts_count=len(site.crafts), today=site.today,
        )

    def _group_chip(self, group: models.ProductGroup, items: list) -> View:
        return self.chip(section_url("group", self.lang) + f"{group.slug}/", View(slug=group.slug, label=group.label, count=len(items)))

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
        site, products_url = self.site, section_url("product", self.lang)
        parent = [crumb(_("Sản phẩm OCOP"), products_url)]
        expired_count = len(site.expired_products)
        yield from self.listing(products_url, _("Sản phẩm OCOP"), site.current_products, [],
                                _("Tất cả sản phẩm OCOP còn hiệu lực của tỉnh."), filter="all", expired_count=expired_count)
        yield from self.listing(f"{products_url}het-han/", _("Sản phẩm đã hết hạn công nhận"), site.expired_products, parent,
                                _("Sản phẩm từng được công nhận OCOP nhưng chứng nhận đã quá 36 tháng và chưa được đánh giá lại, hoặc chưa rõ năm công nhận."),
                                filter="expired", expired_count=expired_count)
        for n, items in site.products_by_stars().items():
            if not items:  # no page, and no chip, for an empty choice
                continue
            yield from self.listing(section_url("stars", self.lang) + f"{n}/", _("Sản phẩm OCOP {n} sao").format(n=n), items, parent,
                                    _("Các sản phẩm OCOP {n} sao còn hiệu lực.").format(n=n), filter=f"stars-{n}", expired_count=expired_count)
        for group, items in site.products_by_group().items():
            if not items:
                continue
            yield from self.listing(section_url("group", self.lang) + f"{group.slug}/", group.label, items, parent,
                                    _("Sản phẩm OCOP nhóm {group}.").format(group=group.label), filter=f"group-{group.slug}",
                                    expired_count=expired_count)

    def listing(self, base: str, title: str, items: list, parents: list[dict], description: str, **data: Any) -> Iterator[PageSpec]:
        """Yield the pages of one list; page 1 is at ``base``, page n at ``base/trang/n/``."""
        size = self.config.page_size
        count = max(1, math.ceil(len(items) / size))
        url_for = lambda n: base if n == 1 else f"{base}trang/{n}/"  # noqa: E731
        chips = self._filter_chips()
        if items:
            self.lists.add(base)
        for n in range(1, count + 1):
            pager = View(items=self.views.cards(items[(n - 1) * size : n * size]), number=n, count=count, total=len(items),
                         prev_url=url_for(n - 1) if n > 1 else None, next_url=url_for(n + 1) if n < count else None)
            suffix = f" — {_('trang')} {n}" if n > 1 else ""
            yield self.spec(url_for(n), "products.html", title + suffix, description, [self.home, *parents, crumb(title)], "list",
                            pager=pager, heading=title, chips=chips, **data)

    def _filter_chips(self) -> list[View]:
        if self._chips is None:
            by_stars, by_group = self.site.products_by_stars(), self.site.products_by_group()
            chips = [self.chip(section_url("stars", self.lang) + f"{n}/", View(key=f"stars-{n}", label=_("{n} sao").format(n=n)))
                     for n in (5, 4, 3) if by_stars[n]]
            self._chips = chips + [self.chip(section_url("group", self.lang) + f"{g.slug}/", View(key=f"group-{g.slug}", label=g.label))
                                   for g in models.ProductGroup if by_group[g]]
        return self._chips

    def entry(self, node: Node, template: str, parent: dict, description: str, name: str, view: View,
              schema: list[dict], extra_crumbs: list[dict] = (), lastmod: Any = None) -> PageSpec:
        """Return the spec of an entry's page (share card from the media stage)."""
        crumbs = [self.home, parent, *extra_crumbs, crumb(node.name)]
        meta_updated = getattr(node.meta, "updated", None) if node.meta else None
        meta_updated = min(meta_updated, self.site.today) if meta_updated else None  # never a lastmod in the future
        return self.spec(self.views.url(node), template, node.name, description, crumbs, node.kind,
                         image=self.media.cards.get((node.kind, node.slug)), schema=schema,
                         lastmod=lastmod or meta_updated, **{name: view})

    def products(self) -> Iterator[PageSpec]:
        """Yield each product's page and printable sheet."""
        parent = crumb(_("Sản phẩm OCOP"), section_url("product", self.lang))
        province = self.province
        for p in self.site.products:
            card = self.media.cards.get((p.kind, p.slug))
            group = [crumb(p.meta.group.label, section_url("group", self.lang) + f"{p.meta.group.slug}/")] if p.meta.group else []
            data = structured.product(p, self.abs_url(self.views.url(p)), card and self.abs_url(card.url),
                                      p.producer and self.abs_url(self.views.url(p.producer)), province, self.site.today)
            view = self.views.product(p)
            yield self.entry(p, "product.html", parent, p.meta.summary or "", "product", view, [data], group, product_day(p, self.site.today))
            yield self.spec(view.url + "in/", "sheet.html", f"{_('Phiếu sản phẩm')}: {p.name}", p.meta.summary or "", None, "sheet",
                            image=card, indexed=False, product=view, canonical=view.url)

    @functools.cached_property
    def province(self) -> str:
        """Return the province's name (from the geography package, e.g. ``Hà Tĩnh``)."""
        from .geography import load_geography

        return load_geography(self.config.province_code).province.name

    def index(self, kind: str, title: str, template: str, description: str, **data: Any) -> PageSpec:
        """Return a section's index page."""
        url = section_url(kind, self.lang)
        return self.spec(url, template, title, description, [self.home, crumb(title)], "list", **data)

    def producers(self) -> Iterator[PageSpec]:
        """Yield the producer index and each producer's page."""
        v, title = self.views, _("Chủ thể OCOP")
        groups: dict[str, list[View]] = {}
        for p in self.site.producers:  # grouped by legal form, in the order of the criteria
            label = p.meta.type.label if p.meta.type else _("Chưa rõ loại hình")
            groups.setdefault(label, []).append(View(tile=v.tile(p), products=len(p.products), current=sum(1 for x in p.products if x.current)))
        order = [t.label for t in models.ProducerType] + [_("Chưa rõ loại hình")]
        shelves = [View(label=label, count=len(groups[label]), items=groups[label]) for label in order if label in groups]
        yield self.index("producer", title, "producers.html", _("Doanh nghiệp, hợp tác xã, tổ hợp tác và hộ kinh doanh có sản phẩm OCOP."),
                         shelves=shelves, total=len(self.site.producers))
        parent = crumb(title, section_url("producer", self.lang))
        for p in self.site.producers:
            schema = [structured.organization(p, self.abs_url(v.url(p)), self.province)]
            yield self.entry(p, "producer.html", parent, p.meta.summary or "", "producer", v.producer(p), schema)

    def communes(self) -> Iterator[PageSpec]:
        """Yield the commune index and the page of every current commune."""
        v, title, communes = self.views, _("Xã, phường"), self.site.communes
        rows = [View(url=v.url(c), name=c.name, products=len(c.products), crafts=len(c.crafts)) for c in communes]
        description = _("{n} xã, phường của tỉnh từ ngày 01/07/2025 và sản phẩm OCOP của từng nơi.").format(n=len(communes))
        yield self.index("commune", title, "communes.html", description, communes=rows)
        parent = crumb(title, section_url("commune", self.lang))
        for c in communes:
            summary = c.meta.summary if c.meta and c.meta.summary else _("Sản phẩm OCOP, chủ thể và làng nghề của {name}.").format(name=c.name)
            schema = [structured.place(c.name, self.abs_url(v.url(c)), self.province, summary)]
            yield self.entry(c, "commune.html", parent, summary, "commune", v.commune_page(c), schema)

    def crafts(self) -> Iterator[PageSpec]:
        """Yield the craft index and each village craft's page."""
        v, title = self.views, _("Làng nghề")
        labels = {"recognised": _("Đã được công nhận"), "proposed": _("Đã đề nghị công nhận"), "unconfirmed": _("Chưa xác nhận được quyết định")}
        groups: dict[str, list[View]] = {}
        for c in self.site.crafts:
            groups.setdefault(c.meta.status, []).append(View(
                tile=v.tile(c), craft=c.meta.craft, recognition_year=c.meta.recognition_year, products=len(c.products),
                recognition_type=c.meta.recognition_type.label if c.meta.recognition_type else None))
        shelves = [View(label=labels[s], count=len(groups[s]), items=groups[s]) for s in labels if s in groups]
        yield self.index("craft", title, "crafts.html", _("Nghề và làng nghề truyền thống của tỉnh."), shelves=shelves, total=len(self.site.crafts))
        parent = crumb(title, section_url("craft", self.lang))
        for c in self.site.crafts:
            schema = [structured.place(c.name, self.abs_url(v.url(c)), self.province, c.meta.summary)]
            yield self.entry(c, "craft.html", parent, c.meta.summary or "", "craft", v.craft(c), schema)

    def fairs(self) -> Iterator[PageSpec]:
        """Yield the fair index (upcoming, then past by year) and each fair's page."""
        v, site, title = self.views, self.site, _("Hội chợ, lễ hội")
        past: dict[int, list[View]] = {}
        for f in site.past_fairs():
            past.setdefault(f.start.year, []).append(v.fair(f))
        yield self.index("fair", title, "fairs.html", _("Hội chợ và lễ hội giới thiệu sản phẩm OCOP: sắp diễn ra và đã diễn ra."),
                         upcoming=[v.fair(f) for f in site.upcoming_fairs()], past=[View(year=y, fairs=items) for y, items in past.items()])
        parent = crumb(title, section_url("fair", self.lang))
        for f in site.fairs:
            card = self.media.cards.get((f.kind, f.slug))
            schema = [structured.event(f, self.abs_url(v.url(f)), card and self.abs_url(card.url), self.province)]
            yield self.entry(f, "fair.html", parent, f.meta.summary or "", "fair", v.fair(f), schema)

    def pages(self) -> Iterator[PageSpec]:
        """Yield the plain pages."""
        for pg in self.site.pages:
            updated = min(pg.meta.updated, self.site.today) if pg.meta.updated else None
            yield self.spec(self.views.url(pg), "page.html", pg.name, pg.meta.summary or "", [self.home, crumb(pg.name)], "page",
                            lastmod=updated, doc=self.views.page(pg))


def plan(site: Site, media: Media, lang: str = LANGUAGES[0]) -> Iterator[PageSpec]:
    """Yield every page spec of ``site`` in ``lang``, one at a time (the renderer takes them
    as they come, so the whole plan is never held in memory); raises nothing."""
    return Planner(site, media, lang).plan()


def site_data(site: Site, lang: str = LANGUAGES[0]) -> View:
    """Return what every page of a language may show of the site as a whole: settings, the
    menu and footer pages, section URLs, the product groups. Templates get it as ``site``;
    a change here re-renders every page."""
    cfg = site.config
    from .geography import load_geography

    pages = [View(url=url_of("page", p.slug, lang), name=p.name, menu=p.meta.menu, menu_title=p.meta.menu_title or p.name) for p in site.pages]
    return View(
        title=cfg.title, tagline=cfg.tagline, description=cfg.description, base_url=cfg.base_url, base_path=cfg.base_path,
        language=cfg.language, lang=lang, home=prefix(lang), province=load_geography(cfg.province_code).province.name,
        nav=[p for p in pages if p.menu is not None], footer=pages,
        sections={name: section(name, lang) for name in (*KINDS, *LIST_SECTIONS) if section(name, lang)},
        groups=[View(slug=g.slug, label=g.label) for g in models.ProductGroup],
        video_hosts=list(cfg.video_hosts), featured_min_stars=cfg.featured_min_stars,
        office=cfg.office.model_dump() if cfg.office else None,
        contact_url=next((url_of("page", p.slug, lang) for p in site.pages if p.meta.office), None),
    )
