"""The table of content kinds: every stage reads it, so a new kind is one row here, one
front matter model and one template.

A row says where editors put the entries (``content/<folder>/``, a page bundle folder with
``index.md`` and photos, or one ``.md`` file), which model validates them, under which URL
section each language publishes them, the template of their pages, whether ``new`` makes
a skeleton of them, and whether the media stage makes a share card and a QR code for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pydantic import BaseModel

from . import models

#: Languages the planner knows, first the default one (published at the site root).
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Kind:
    """One kind of content entry.

    ``sections`` maps a language to the URL section (``{"vi": "san-pham", "en": "products"}``);
    an empty section publishes entries at the site root (plain pages: ``/lien-he/``).
    """

    name: str
    folder: str
    model: type[BaseModel]
    bundle: bool
    sections: Mapping[str, str]
    template: str
    index_template: str | None
    creatable: bool
    card: bool
    qr: bool


def _kind(name: str, folder: str, model: type[BaseModel], bundle: bool, vi: str, en: str, template: str,
          index_template: str | None, creatable: bool = True, card: bool = False, qr: bool = False) -> Kind:
    return Kind(name, folder, model, bundle, MappingProxyType({"vi": vi, "en": en}), template, index_template, creatable, card, qr)


KINDS: Mapping[str, Kind] = MappingProxyType({
    k.name: k
    for k in (
        _kind("product", "products", models.ProductMeta, True, "san-pham", "products", "product.html", "products.html", card=True, qr=True),
        _kind("producer", "producers", models.ProducerMeta, True, "chu-the", "producers", "producer.html", "producers.html", card=True, qr=True),
        _kind("commune", "communes", models.CommuneMeta, False, "xa-phuong", "communes", "commune.html", "communes.html", creatable=False, card=True),
        _kind("craft", "crafts", models.CraftMeta, True, "lang-nghe", "crafts", "craft.html", "crafts.html", card=True),
        _kind("fair", "fairs", models.FairMeta, True, "hoi-cho", "fairs", "fair.html", "fairs.html", card=True, qr=True),
        _kind("outlet", "outlets", models.OutletMeta, True, "diem-ban", "where-to-buy", "outlet.html", "outlets.html"),
        _kind("page", "pages", models.PageMeta, False, "", "", "page.html", None),
    )
})

#: List sections that are not a kind of entry: products by star rating and by group.
LIST_SECTIONS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "stars": MappingProxyType({"vi": "sao", "en": "stars"}),
    "group": MappingProxyType({"vi": "nhom", "en": "groups"}),
})
#: Fixed path segments of the site's own pages, per language: list pages (``trang/2/``),
#: the expired products (``het-han/``), the search page.
SEGMENTS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "page": MappingProxyType({"vi": "trang", "en": "page"}),
    "expired": MappingProxyType({"vi": "het-han", "en": "expired"}),
    "search": MappingProxyType({"vi": "tim-kiem", "en": "search"}),
    "stats": MappingProxyType({"vi": "thong-ke", "en": "statistics"}),
    "data": MappingProxyType({"vi": "du-lieu", "en": "open-data"}),
    "map": MappingProxyType({"vi": "ban-do", "en": "map"}),
    "check": MappingProxyType({"vi": "kiem-tra", "en": "check"}),
    "enquiry": MappingProxyType({"vi": "hoi-hang", "en": "enquiry"}),
    "booklet": MappingProxyType({"vi": "tap-san-pham", "en": "booklet"}),
})
#: The site's own pages at the top of each language (``/tim-kiem/``, ``/en/statistics/``).
TOP_PAGES = ("search", "stats", "data", "map", "check", "enquiry")
#: Product slugs taken by the catalogue's own pages (``/san-pham/het-han/``, ``/san-pham/trang/2/``).
RESERVED_PRODUCT_SLUGS = frozenset(SEGMENTS["page"].values()) | frozenset(SEGMENTS["expired"].values())
#: Top-level names a plain page may not take: every section, and the site's own folders.
RESERVED_SLUGS = frozenset(
    {s for k in KINDS.values() for s in k.sections.values() if s}
    | {s for sections in LIST_SECTIONS.values() for s in sections.values()}
    | {v for name in TOP_PAGES for v in SEGMENTS[name].values()}
    | {"assets", "anh", "pagefind", "01", "404", "sitemap", "robots", *LANGUAGES}  # 01: GS1 Digital Links
)


def section(name: str, lang: str = LANGUAGES[0]) -> str:
    """Return the URL section of a kind or list section in ``lang`` (``product`` → ``san-pham``)."""
    if name in KINDS:
        return KINDS[name].sections[lang]
    return LIST_SECTIONS[name][lang]


def prefix(lang: str) -> str:
    """Return the URL path where a language's site starts: ``/`` (default) or ``/en/``."""
    return "/" if lang == LANGUAGES[0] else f"/{lang}/"


def url_of(kind: str, slug: str, lang: str = LANGUAGES[0]) -> str:
    """Return the site-relative URL path of an entry: ``/san-pham/cu-do-thanh-dat/``."""
    where = section(kind, lang)
    return f"{prefix(lang)}{where}/{slug}/" if where else f"{prefix(lang)}{slug}/"


def section_url(name: str, lang: str = LANGUAGES[0]) -> str:
    """Return the URL path of a section's index: ``/san-pham/``, ``/en/products/``."""
    return f"{prefix(lang)}{section(name, lang)}/"


def segment(name: str, lang: str = LANGUAGES[0]) -> str:
    """Return a fixed path segment in ``lang`` (``page`` → ``trang`` / ``page``)."""
    return SEGMENTS[name][lang]


def group_slug(group: models.ProductGroup, lang: str = LANGUAGES[0]) -> str:
    """Return a product group's URL segment in ``lang``: ``thuc-pham`` / ``food``."""
    return group.slug if lang == LANGUAGES[0] else group.value


def language_of(path: str) -> str:
    """Return the language a site-relative path belongs to (``/en/…`` → ``en``)."""
    first = path.strip("/").split("/", 1)[0]
    return first if first in LANGUAGES[1:] else LANGUAGES[0]


def translate_path(path: str, lang: str) -> str:
    """Return the path of the same page in ``lang``: ``/san-pham/trang/2/`` →
    ``/en/products/page/2/``, ``/nhom/thuc-pham/`` → ``/en/groups/food/``; entry slugs stay.

    Positions decide, not words, so a product whose slug is ``in`` keeps it. Raises
    ``KeyError`` for a path whose section no language has.
    """
    src = language_of(path)
    parts = [p for p in path.strip("/").split("/") if p]
    if src != LANGUAGES[0]:
        parts = parts[1:]
    out = list(parts)
    sections = {v[src]: k for k, v in (*((n, k.sections) for n, k in KINDS.items()), *LIST_SECTIONS.items()) if v[src]}
    if parts:
        name = sections.get(parts[0])
        if name is not None:
            out[0] = section(name, lang)
            if name == "group" and len(parts) > 1:
                group = next(g for g in models.ProductGroup if group_slug(g, src) == parts[1])
                out[1] = group_slug(group, lang)
            if name == "product" and len(parts) >= 2 and parts[1] == SEGMENTS["expired"][src]:  # a reserved slug
                out[1] = SEGMENTS["expired"][lang]
            if name == "fair" and len(parts) == 3 and parts[2] == SEGMENTS["booklet"][src]:  # a fair's booklet
                out[2] = SEGMENTS["booklet"][lang]
        elif (top := next((t for t in TOP_PAGES if SEGMENTS[t][src] == parts[0]), None)) is not None:
            out[0] = SEGMENTS[top][lang]
        if len(parts) >= 2 and parts[-2] == SEGMENTS["page"][src] and parts[-1].isdigit() and name is not None:
            out[-2] = SEGMENTS["page"][lang]
    return prefix(lang) + "".join(p + "/" for p in out)


def booklet_url(slug: str, lang: str = LANGUAGES[0]) -> str:
    """Return the URL path of a fair's product booklet: ``/hoi-cho/<slug>/tap-san-pham/``,
    ``/en/fairs/<slug>/booklet/``; its PDF is ``<slug>.pdf`` in that folder."""
    return f"{url_of('fair', slug, lang)}{SEGMENTS['booklet'][lang]}/"


def digital_link_path(gtin: str) -> str:
    """Return the site path of the page a GTIN's GS1 Digital Link resolves to: ``/01/``,
    the GTIN padded with zeros to 14 digits, ``/`` (GS1 Digital Link URI syntax 1.4: GTIN-8,
    -12 and -13 are written as 14 digits)."""
    return f"/01/{gtin.zfill(14)}/"


def digital_link(base_url: str, gtin: str) -> str:
    """Return a GTIN's GS1 Digital Link URI on the site: ``<base_url>01/<14 digits>``, with
    no trailing slash as the URI syntax has it; a static host answers it with a redirect to
    ``digital_link_path`` (the folder holding ``index.html``)."""
    return base_url + digital_link_path(gtin).strip("/")
