"""Render the ``Site`` with Jinja templates into files (path → bytes), plus sitemap/robots.

Pure: returns the files; the writer puts them on disk. Templates are autoescaped and
undefined names are errors, so a template typo fails the build instead of printing blanks.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from urllib.parse import urlsplit
from collections.abc import Iterator
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
from markupsafe import Markup

from . import models
from .i18n import _, translations
from .reader import IGNORED_SUFFIXES
from .site import SECTIONS, Node, Site
from .outputs import structured
from .outputs.calendar import calendar
from .outputs.feed import atom, product_day
from .outputs.qr import qr_svg
from .outputs.sitemap import sitemaps
from .vietnamese import format_date, format_date_range, format_number, format_vnd

FEED_FILE = "feed.xml"
FAIRS_CALENDAR = "fairs.ics"
CALENDAR_FILE = "lich.ics"

FINGERPRINTED = {".css", ".js"}
#: Asset folders used only while building (the share-card fonts), never published.
BUILD_ONLY_ASSETS = ("fonts/",)
#: Tags and attributes editors may use in Markdown bodies; everything else is removed.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}


@dataclass
class Crumb:
    """One breadcrumb: a label and its URL path (None for the current page)."""

    label: str
    url: str | None = None


@dataclass
class PageInfo:
    """What ``base.html`` needs of any page: title, description, URL path, breadcrumbs."""

    title: str
    url: str
    description: str = ""
    crumbs: list[Crumb] | None = None
    kind: str = "page"
    #: Share card URL path (1200×630) for Open Graph, when the page has one.
    image: str | None = None
    #: schema.org items for this page (the BreadcrumbList is added by the renderer).
    schema: list[dict] = field(default_factory=list)
    #: Day the page's facts last changed (sitemap ``lastmod``), when known.
    lastmod: dt.date | None = None
    #: False for pages left out of the sitemap (the 404 page, printable sheets).
    indexed: bool = True


@dataclass
class Paginator:
    """One page of a paginated list; URL paths are site-relative."""

    items: list[Any]
    number: int
    count: int
    total: int
    base: str

    def url_for(self, n: int) -> str:
        """Return the URL path of page ``n`` of this list."""
        return self.base if n == 1 else f"{self.base}trang/{n}/"

    @property
    def prev_url(self) -> str | None:
        """Return the previous page's URL path, if any."""
        return self.url_for(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """Return the next page's URL path, if any."""
        return self.url_for(self.number + 1) if self.number < self.count else None


def paginate(items: list[Any], size: int, base: str) -> Iterator[Paginator]:
    """Split ``items`` into pages of ``size``; always yields at least one (maybe empty) page."""
    count = max(1, math.ceil(len(items) / size))
    for n in range(1, count + 1):
        yield Paginator(items[(n - 1) * size : n * size], n, count, len(items), base)


def render_markdown(text: str, base_path: str = "/", video_hosts: frozenset[str] = frozenset()) -> Markup:
    """Render a Markdown body to sanitised HTML (no script, event handlers, ``javascript:``
    or ``data:`` URLs; ``<iframe>`` only for https videos from ``video_hosts``).

    Site-absolute links (``/san-pham/``) get the base path, so they work under a sub-path.
    """

    def filter_attribute(tag: str, attr: str, value: str) -> str | None:
        if tag == "iframe":
            if attr != "src":
                return value
            parts = urlsplit(value)
            return value if parts.scheme == "https" and parts.hostname in video_hosts else None
        if attr in ("href", "src") and value.startswith("/") and not value.startswith("//"):
            return base_path + value[1:]
        return value

    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS | ({"iframe"} if video_hosts else set()),
        attributes={"iframe": {"src", "title", "width", "height", "allowfullscreen"}, "a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}},
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto", "tel"},
        attribute_filter=filter_attribute,
    )
    return Markup(_EMPTY_IFRAME.sub("", clean))


_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")


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


def fingerprint_assets(assets_dir: Path) -> dict[str, tuple[Path, str]]:
    """Map each asset's name (``css/style.css``) to its source and published name.

    CSS and JS get a content hash in their name (``css/style.1a2b3c4d.css``) so they can be
    cached forever; other assets keep their names.
    """
    out: dict[str, tuple[Path, str]] = {}
    if not assets_dir.is_dir():
        return out
    for path in sorted(assets_dir.rglob("*")):
        if not path.is_file() or path.is_symlink() or any(part.startswith(".") for part in path.relative_to(assets_dir).parts):
            continue
        if path.name.endswith(IGNORED_SUFFIXES):  # editor backups never reach output/
            continue
        name = path.relative_to(assets_dir).as_posix()
        if name.startswith(BUILD_ONLY_ASSETS):
            continue
        published = name
        if path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
            published = f"{name[: -len(path.suffix)]}.{digest}{path.suffix}"
        out[name] = (path, published)
    return out


class Renderer:
    """Holds the Jinja environment and the helpers templates call."""

    def __init__(self, site: Site, templates_dir: Path, assets: dict[str, tuple[Path, str]]) -> None:
        self.site, self.assets = site, assets
        self.base_path = site.config.base_path
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.install_gettext_translations(translations(site.config.language), newstyle=True)  # type: ignore[attr-defined]
        self.env.filters.update(
            date=format_date, date_range=format_date_range, number=format_number, vnd=format_vnd,
            markdown=lambda text: render_markdown(text, self.base_path, frozenset(site.config.video_hosts)),
        )
        self.env.globals.update(
            province=self.province,
            site=site, config=site.config, today=site.today, url=self.url, abs_url=self.abs_url, asset=self.asset,
            image=self.image, cover=self.cover, groups=list(models.ProductGroup), sections=SECTIONS,
            feed_file=FEED_FILE,
            fairs_calendar=FAIRS_CALENDAR, calendar_file=CALENDAR_FILE,
            nav=[p for p in site.pages if p.meta.menu is not None],
        )

    @property
    def province(self) -> str:
        """Return the province's name (from the geography package, e.g. ``Hà Tĩnh``)."""
        from .geography import load_geography

        return load_geography(self.site.config.province_code).province.name

    def url(self, target: Any) -> str:
        """Return the URL of a node or site-relative path, under the base path."""
        path = target.url if isinstance(target, Node) else str(target)
        return self.base_path + path.lstrip("/")

    def abs_url(self, target: Any) -> str:
        """Return the absolute URL (for canonical links and the sitemap)."""
        return self.site.config.base_url + self.url(target)[len(self.base_path) :]

    def asset(self, name: str) -> str:
        """Return the published URL of an asset; raises ``KeyError`` for unknown ones."""
        return self.base_path + "assets/" + self.assets[name][1]

    def image(self, job: Any) -> models.Image | None:
        """Return the processed image of a photo job (None if it failed)."""
        return self.site.images.get(job.source)

    def cover(self, node: Node) -> models.Image | None:
        """Return a node's first processed photo, or None (the template shows a placeholder)."""
        for job in node.photos:
            if img := self.image(job):
                return img
        return None

    def render(self, template: str, page: PageInfo, **context: Any) -> bytes:
        """Render one template to UTF-8 bytes, with the page's JSON-LD and matching CSP."""
        jsonld = structured.dumps(structured.graph(page.schema)) if page.schema else None
        csp = content_security_policy(self.site.config.video_hosts, [jsonld] if jsonld else [])
        return self.env.get_template(template).render(page=page, jsonld=jsonld, csp=csp, **context).encode("utf-8")


def render_site(site: Site, templates_dir: Path, assets: dict[str, tuple[Path, str]]) -> dict[str, bytes]:
    """Render every page and machine output. Returns ``{output path: bytes}``."""
    r = Renderer(site, templates_dir, assets)
    files: dict[str, bytes] = {}
    pages: list[PageInfo] = []
    config, size = site.config, site.config.page_size
    province = r.province
    home = Crumb(_("Trang chủ"), "/")
    base = {kind: f"/{section}/" for kind, section in SECTIONS.items()}
    products = Crumb(_("Sản phẩm OCOP"), base["product"])
    producers = Crumb(_("Chủ thể OCOP"), base["producer"])
    communes = Crumb(_("Xã, phường"), base["commune"])
    crafts = Crumb(_("Làng nghề"), base["craft"])
    fairs = Crumb(_("Hội chợ, lễ hội"), base["fair"])

    def emit(url: str, template: str, page: PageInfo, **ctx: Any) -> None:
        crumbs = [(c.label, r.abs_url(c.url or page.url)) for c in (page.crumbs or [Crumb(page.title)])]
        page.schema = [*page.schema, structured.breadcrumbs(crumbs)]
        files[url.lstrip("/") + "index.html"] = r.render(template, page, **ctx)
        pages.append(page)

    def index(crumb: Crumb, template: str, description: str) -> None:
        emit(crumb.url or "/", template, PageInfo(crumb.label, crumb.url or "/", description, [home, Crumb(crumb.label)], "list"))

    def entry(node: Any, parent: Crumb, template: str, description: str, kind: str, **ctx: Any) -> None:
        crumbs = [home, parent, *ctx.pop("extra_crumbs", []), Crumb(node.name)]
        card = site.cards.get(f"{SECTIONS[kind]}-{node.slug}") if kind in ("product", "fair") else None
        schema, lastmod = ctx.pop("schema"), ctx.pop("lastmod", None) or getattr(node.meta, "updated", None) if node.meta else None
        emit(node.url, template, PageInfo(node.name, node.url, description, crumbs, kind, card, schema, lastmod), **ctx)
        if kind in ("product", "producer", "fair"):
            files[node.url.lstrip("/") + "qr.svg"] = qr_svg(r.abs_url(node), f"QR: {node.name}")

    def listing(url: str, title: str, items: list, crumbs: list[Crumb], description: str, **ctx: Any) -> None:
        for pager in paginate(items, size, url):
            suffix = f" — {_('trang')} {pager.number}" if pager.number > 1 else ""
            page = PageInfo(title + suffix, pager.url_for(pager.number), description, [home, *crumbs, Crumb(title)], "list")
            emit(page.url, "products.html", page, pager=pager, heading=title, **ctx)

    emit("/", "home.html", PageInfo(config.title, "/", config.description, None, "home",
                                    schema=[structured.website(config.title, config.base_url, config.language, config.description)]))

    listing(base["product"], products.label, site.current_products, [], _("Tất cả sản phẩm OCOP còn hiệu lực của tỉnh."))
    listing(f"{base['product']}het-han/", _("Sản phẩm đã hết hạn công nhận"), site.expired_products, [products],
            _("Sản phẩm từng được công nhận OCOP nhưng chứng nhận đã quá 36 tháng và chưa được đánh giá lại."), expired=True)
    for stars, items in site.products_by_stars().items():
        listing(f"{base['stars']}{stars}/", _("Sản phẩm OCOP {n} sao").format(n=stars), items, [products],
                _("Các sản phẩm OCOP {n} sao còn hiệu lực.").format(n=stars), stars=stars)
    for group, items in site.products_by_group().items():
        listing(f"{base['group']}{group.slug}/", _(group.label), items, [products],
                _("Sản phẩm OCOP nhóm {group}.").format(group=_(group.label)), group=group)
    for p in site.products:
        group_crumb = [Crumb(_(p.meta.group.label), f"{base['group']}{p.meta.group.slug}/")] if p.meta.group else []
        card = site.cards.get(f"{SECTIONS['product']}-{p.slug}")
        data = structured.product(p, r.abs_url(p), card and r.abs_url(card), p.producer and r.abs_url(p.producer), province, site.today)
        entry(p, products, "product.html", p.meta.summary or "", "product", product=p, extra_crumbs=group_crumb, schema=[data], lastmod=product_day(p))
        sheet = PageInfo(f"{_('Phiếu sản phẩm')}: {p.name}", f"{p.url}in/", p.meta.summary or "", None, "sheet", card, indexed=False)
        files[sheet.url.lstrip("/") + "index.html"] = r.render("sheet.html", sheet, product=p)

    index(producers, "producers.html", _("Doanh nghiệp, hợp tác xã, tổ hợp tác và hộ kinh doanh có sản phẩm OCOP."))
    for p in site.producers:
        entry(p, producers, "producer.html", p.meta.summary or "", "producer", producer=p, schema=[structured.organization(p, r.abs_url(p), province)])

    index(communes, "communes.html", _("{n} xã, phường của tỉnh từ ngày 01/07/2025 và sản phẩm OCOP của từng nơi.").format(n=len(site.communes)))
    for c in site.communes:
        summary = c.meta.summary if c.meta and c.meta.summary else _("Sản phẩm OCOP, chủ thể và làng nghề của {name}.").format(name=c.name)
        entry(c, communes, "commune.html", summary, "commune", commune=c, schema=[structured.place(c.name, r.abs_url(c), province, summary)])

    index(crafts, "crafts.html", _("Nghề và làng nghề truyền thống của tỉnh."))
    for c in site.crafts:
        entry(c, crafts, "craft.html", c.meta.summary or "", "craft", craft=c, schema=[structured.place(c.name, r.abs_url(c), province, c.meta.summary)])

    index(fairs, "fairs.html", _("Hội chợ và lễ hội giới thiệu sản phẩm OCOP: sắp diễn ra và đã diễn ra."))
    for f in site.fairs:
        card = site.cards.get(f"{SECTIONS['fair']}-{f.slug}")
        entry(f, fairs, "fair.html", f.meta.summary or "", "fair", fair=f, schema=[structured.event(f, r.abs_url(f), card and r.abs_url(card), province)])
        files[f"{f.url.lstrip('/')}{CALENDAR_FILE}"] = calendar([f], r.abs_url, f.name, config.base_url)

    for pg in site.pages:
        emit(pg.url, "page.html", PageInfo(pg.name, pg.url, pg.meta.summary or "", [home, Crumb(pg.name)], "page", lastmod=pg.meta.updated), doc=pg)

    files["404.html"] = r.render("404.html", PageInfo(_("Không tìm thấy trang"), "/404.html", "", None, "404", indexed=False))
    files[FEED_FILE] = atom(site.products, r.abs_url, config.title, config.base_url, r.abs_url("/" + FEED_FILE), config.language)
    files[FAIRS_CALENDAR] = calendar(site.fairs, r.abs_url, _("Hội chợ OCOP"), config.base_url)
    files.update(sitemaps([(r.abs_url(p.url), p.lastmod) for p in pages if p.indexed], config.base_url))
    files["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {r.abs_url('/sitemap.xml')}\n".encode()
    return files


__all__ = ["render_site", "render_markdown", "fingerprint_assets", "paginate"]
