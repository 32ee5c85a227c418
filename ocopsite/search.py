"""Search: a Pagefind index of every entry, one per language, built with the site.

Each product, producer, commune, village craft, trade fair and plain page is one record,
written as a small HTML page for Pagefind (not the published page: no menus or footers to
weed out, and words pages do not show): its words in that language, the names of
its commune (current and former, so "Kỳ Phú" finds what is now in Xã Kỳ Anh), its
producer and group; ``meta`` for the result card (title, photo or pictogram, stars,
commune); ``filters`` for the facets (kind, stars, group, commune, status); ``sort`` keys
(Vietnamese name order, stars, newest recognition). Pagefind folds tones (``nuoc`` finds
``nước``) but not ``đ``, so each word with ``đ`` is indexed a second time with ``d``
("cu do" finds "cu đơ"); exact spellings still rank first, as they match both.

The index is chunked by Pagefind, so a phone loads only the parts a query needs. It is
cached in ``.cache/search/<digest>/`` by a hash of its records: a build whose records did
not change reuses it; the files are linked into ``output/pagefind/`` like media.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from .i18n import _
from .site import CommunePage, Product, Site
from .vietnamese import fold, sort_key

#: Where the index is published, from the site root.
INDEX_DIR = "pagefind"
#: Where built indexes are kept, from the project root.
CACHE_DIR = ".cache/search"
#: Bundle files the site does not use (Pagefind's own UIs): not published.
UNUSED = re.compile(r"^pagefind-(ui|modular-ui|component-ui|highlight)\.")
#: Index files whose bytes Pagefind does not keep stable from one run to the next (it
#: writes filter values in hash-map order; its issue #638): the same records give an
#: equivalent index, and the cache gives the same bytes as long as the records are equal.
UNSTABLE = re.compile(rf"^{INDEX_DIR}/(filter/.*|pagefind\..*\.pf_meta|pagefind-entry\.json)$")
#: The label of each kind in the ``kind`` filter (message ids).
KIND_LABELS = {"product": _("Sản phẩm"), "producer": _("Chủ thể"), "commune": _("Xã, phường"),
               "craft": _("Làng nghề"), "fair": _("Hội chợ"), "page": _("Trang thông tin")}
_MARKUP = re.compile(r"[#*_`>\[\]()!|~-]+|https?://\S+")


def search_text(*parts: str | None) -> str:
    """Return the text to index: the parts joined, Markdown marks and links dropped, and
    each word with ``đ``/``Đ`` repeated without it (Pagefind folds tones, not ``đ``)."""
    text = " ".join(p for p in parts if p)
    text = _MARKUP.sub(" ", text)
    extra = {fold(w) for w in text.split() if "đ" in w or "Đ" in w}
    return " ".join([*text.split(), *sorted(extra)])


def records(site: Site, views: Any, assets: dict[str, str]) -> list[dict[str, Any]]:
    """Return the Pagefind records of one language (``views`` is that language's
    ``Views``): dicts with ``url``, ``content``, ``language``, ``meta``, ``filters`` and
    ``sort``, in a stable order. ``url`` is site-relative (the search script gives Pagefind
    the base path); photo and pictogram paths carry it. ``assets`` maps asset names to
    published names (the pictograms result cards show when an entry has no photo)."""
    t, lang, base = views.t, views.lang, views.base_path.rstrip("/")
    order = {id(n): i for i, n in enumerate(sorted(site.nodes(), key=lambda n: (sort_key(views.text(n).name), n.slug)))}
    out = []
    for node in site.nodes():
        text = views.text(node)
        meta: dict[str, str] = {"title": text.name, "kind": node.kind, "summary": text.summary}
        filters: dict[str, list[str]] = {"kind": [t(KIND_LABELS[node.kind])]}
        sort = {"name": f"{order[id(node)]:06d}"}
        theme = "site" if node.kind == "page" else node.kind
        places: list[str] = []
        commune = getattr(node, "commune", None)
        if isinstance(node, CommunePage):
            places += [f"{f.name} {f.district}" for f in node.commune.former]
        elif commune is not None:
            meta["commune"] = views.commune_name(commune)
            filters["commune"] = [meta["commune"]]
            places += [commune.name, *(f"{f.name} {f.district}" for f in commune.former)]
        former = getattr(node.meta, "former_address", None) if node.meta else None
        if former is not None:
            places += [former.commune or "", former.district or ""]
        words = [text.name, text.summary, text.body, *places]
        if isinstance(node, Product):
            group = node.meta.group
            theme = group.value if group else "site"
            meta["stars"] = str(node.badge.stars)  # the current recognition's, else the latest one's
            meta["status"] = node.status
            filters["stars"] = [t(_("{n} sao")).format(n=node.stars)] if node.current else []
            filters["status"] = [t(_("Còn hiệu lực")) if node.current else t(_("Hết hạn hoặc chưa rõ"))]
            if group:
                filters["group"] = [t(group.label)]
                words.append(t(group.label))
            if node.producer:
                words.append(views.text(node.producer).name)
            words += [views.text(c).name for c in node.crafts]
            sort["stars"] = str(node.stars if node.current else 0)
            latest = node.latest.date.value if node.latest else None
            sort["date"] = latest.strftime("%Y%m%d") if latest else "00000000"
        elif node.kind == "craft":
            words.append(node.meta.craft)
        cover = views.image(views.media.cover(node.photos)) if node.photos else None
        if cover:
            meta["image"], meta["image_alt"] = cover["src"], cover["alt"] or text.name
        meta["picto"] = f"{base}/assets/{assets[f'img/picto/{theme}.svg']}"
        meta["theme"] = theme
        out.append(dict(url=views.url(node), content=search_text(*words), language=lang,
                        meta={k: v for k, v in meta.items() if v}, filters={k: v for k, v in filters.items() if v}, sort=sort))
    return out


def digest(all_records: list[dict[str, Any]]) -> str:
    """Return a hash of the records and of the Pagefind version that indexes them."""
    from importlib.metadata import version

    h = hashlib.blake2b(digest_size=16)
    h.update(version("pagefind").encode())
    for record in all_records:
        h.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def document(record: dict[str, Any]) -> str:
    """Return a record as the small HTML page Pagefind indexes: the words in the page's body,
    ``meta``, ``filters`` and ``sort`` as tagged elements beside it (so commas and colons
    in values need no escaping), in the record's language."""
    tags = [f'<span data-pagefind-meta="{k}">{escape(v)}</span>' for k, v in record["meta"].items()]
    tags += [f'<span data-pagefind-filter="{k}">{escape(v)}</span>' for k, values in record["filters"].items() for v in values]
    tags += [f'<span data-pagefind-sort="{k}">{escape(v)}</span>' for k, v in record["sort"].items()]
    return (f'<!doctype html><html lang="{record["language"]}"><head><meta charset="utf-8"><title></title></head><body>'
            f'<div hidden>{"".join(tags)}</div><main data-pagefind-body>{escape(record["content"])}</main></body></html>')


def _index(site_dir: str, folder: str) -> None:
    """Run Pagefind over the record pages in ``site_dir``, writing the bundle into ``folder``.
    The command line, not the Python API: the API answers record by record about 0.1 s
    apart (Pagefind issue #976), and its writes could still be going on when it returned."""
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", site_dir, "--output-path", folder, "--silent"],
                          capture_output=True, text=True, encoding="utf-8", errors="replace", check=False)
    if done.returncode != 0 or not os.path.getsize(os.path.join(folder, "pagefind-entry.json")):
        raise RuntimeError((done.stderr or done.stdout).strip() or f"exit status {done.returncode}")


def build_index(all_records: list[dict[str, Any]], root: Path) -> tuple[dict[str, str], bool]:
    """Return the index files ``{output path: cache file}`` (``pagefind/…``) and whether the
    index was built now (False: reused from the cache). Older cached indexes are removed.

    Raises ``RuntimeError`` if Pagefind fails (its binary is the ``pagefind[bin]`` package).
    """
    cache = root / CACHE_DIR
    key = digest(all_records)
    folder = cache / key
    made = not folder.is_dir()
    if made:
        cache.mkdir(parents=True, exist_ok=True)
        work = tempfile.mkdtemp(prefix="tmp-", dir=cache)
        pages = tempfile.mkdtemp(prefix="tmp-pages-", dir=cache)
        try:
            for record in all_records:
                path = Path(pages, record["url"].lstrip("/"), "index.html")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(document(record), encoding="utf-8")
            _index(pages, work)
        except Exception as exc:
            shutil.rmtree(work, ignore_errors=True)
            raise RuntimeError(f"Pagefind could not build the search index: {exc}") from exc
        finally:
            shutil.rmtree(pages, ignore_errors=True)
        os.replace(work, folder)  # complete or absent: a half-written index is never reused
    for old in cache.iterdir():
        if old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    files = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not UNUSED.match(rel):
            files[f"{INDEX_DIR}/{rel}"] = str(path)
    return files, made


__all__ = ["INDEX_DIR", "build_index", "records", "search_text"]
