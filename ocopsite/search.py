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
built while the pages render, cached in ``.cache/search/<digest>/`` by a hash of its
records (a build whose records did not change reuses it), and linked into
``output/pagefind/`` like media.
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
import threading
from html import escape
from pathlib import Path
from typing import Any

from . import models
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


def records(site: Site, views: Any, assets: dict[str, str], facts: Any) -> list[dict[str, Any]]:
    """Return the Pagefind records of one language (``views`` is that language's
    ``Views``): dicts with ``url``, ``content``, ``language``, ``meta``, ``filters`` and
    ``sort``, in a stable order. ``url`` is site-relative; ``meta.url``, the link results
    show, and the photo and pictogram paths carry the base path. ``assets`` maps asset names to
    published names (the pictograms result cards show when an entry has no photo); a
    product's facts (stars, status, group, latest recognition) come from the site's
    records (``facts``, a ``records.Records``), its words from ``views``."""
    rows = {r.id: r for r in facts.products}
    latest: dict[str, str] = {}
    for r in facts.recognitions:
        day = r.date or (f"{r.year}-01-01" if r.year else "")
        latest[r.product] = max(latest.get(r.product, ""), day)
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
            theme = _product_facts(node, rows[node.slug], views, latest.get(node.slug, ""), meta, filters, sort, words)
        elif node.kind == "craft":
            words.append(node.meta.craft)
        cover = views.image(views.media.cover(node.photos)) if node.photos else None
        if cover:
            meta["image"], meta["image_alt"] = cover["src"], cover["alt"] or text.name
        meta["picto"] = f"{base}/assets/{assets[f'img/picto/{theme}.svg']}"
        meta["theme"] = theme
        meta["url"] = base + views.url(node)
        out.append(dict(url=views.url(node), content=search_text(*words), language=lang,
                        meta={k: v for k, v in meta.items() if v}, filters={k: v for k, v in filters.items() if v}, sort=sort))
    return out


def _product_facts(node: Product, row: Any, views: Any, latest: str, meta: dict, filters: dict, sort: dict, words: list) -> str:
    """Add a product's facts (from its record ``row``) to its search record's ``meta``,
    ``filters``, ``sort`` and ``words``; return its pictogram theme (its group)."""
    t = views.t
    group = models.ProductGroup(row.group) if row.group else None
    meta["stars"] = str(row.last_stars)  # the recognition in force, else the latest one
    meta["status"] = row.status
    filters["stars"] = [t(_("{n} sao")).format(n=row.stars)] if row.stars else []
    filters["status"] = [t(_("Còn hiệu lực")) if row.stars else t(_("Hết hạn hoặc chưa rõ"))]
    if group:
        filters["group"] = [t(group.label)]
        words.append(t(group.label))
    if node.producer:
        words.append(views.text(node.producer).name)
    words += [views.text(c).name for c in node.crafts]
    sort["stars"] = str(row.stars or 0)
    sort["date"] = latest.replace("-", "") or "00000000"
    return row.group or "site"


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


class IndexJob:
    """The search index of a build, made while the pages render.

    Starting it writes one record page per record (flat files: their real URLs are in the
    ``url`` metadata) and then starts Pagefind's command line (at a lower CPU priority than
    the build), both in the background, unless the cache already holds the index of these
    records. ``files()`` waits for it and returns the files to publish; ``running()`` says
    whether it is still at work; ``cancel()`` stops it (a build that fails, or records that
    changed again in the preview). The command line rather than the
    Python API: the API answers record by record about 0.1 s apart (Pagefind issue #976),
    and its writes could still be going on when it returned.
    """

    def __init__(self, all_records: list[dict[str, Any]], root: Path, key: str | None = None) -> None:
        self.cache = root / CACHE_DIR
        self.key = key or digest(all_records)
        self.folder = self.cache / self.key
        self.made = not self.folder.is_dir()
        self.process: subprocess.Popen | None = None
        self._started: threading.Thread | None = None
        self._stop = threading.Event()
        self._done = False  # the index is in its cache folder
        if self.made:
            self.cache.mkdir(parents=True, exist_ok=True)
            self.work = tempfile.mkdtemp(prefix="tmp-", dir=self.cache)
            self.pages = tempfile.mkdtemp(prefix="tmp-pages-", dir=self.cache)
            # Writing tens of thousands of record pages takes seconds: done beside the rendering too.
            self._started = threading.Thread(target=self._start, args=(all_records,), daemon=True)
            self._started.start()

    def _start(self, all_records: list[dict[str, Any]]) -> None:
        for n, record in enumerate(all_records):
            if self._stop.is_set():
                return
            with open(os.path.join(self.pages, f"r{n:07d}.html"), "w", encoding="utf-8") as f:
                f.write(document(record))
        if not self._stop.is_set():  # at a lower priority than the build, whose pages come first
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pagefind", "--site", self.pages, "--output-path", self.work, "--silent"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_nice if os.name == "posix" else None)

    def _wait_started(self) -> None:
        if self._started is not None:
            self._started.join()
            self._started = None

    def files(self) -> dict[str, str]:
        """Wait for the index; return ``{output path: cache file}`` (``pagefind/…``). Older
        cached indexes are removed. Raises ``RuntimeError`` if Pagefind failed."""
        self._wait_started()
        if self.process is not None:
            out, _ = self.process.communicate()
            shutil.rmtree(self.pages, ignore_errors=True)
            entry = os.path.join(self.work, "pagefind-entry.json")
            if self.process.returncode != 0 or not os.path.isfile(entry) or not os.path.getsize(entry):
                shutil.rmtree(self.work, ignore_errors=True)
                message = out.decode("utf-8", "replace").strip() or f"exit status {self.process.returncode}"
                raise RuntimeError(f"Pagefind could not build the search index: {message}")
            os.replace(self.work, self.folder)  # complete or absent: a half-written index is never reused
            self.process, self._done = None, True
        for old in self.cache.iterdir():
            if old.name != self.key:
                shutil.rmtree(old, ignore_errors=True)
        files = {}
        for path in sorted(self.folder.rglob("*")):
            rel = path.relative_to(self.folder).as_posix()
            if path.is_file() and not UNUSED.match(rel):
                files[f"{INDEX_DIR}/{rel}"] = str(path)
        return files

    def running(self) -> bool:
        """Return whether the record pages are being written or Pagefind is indexing."""
        started = self._started
        return (started is not None and started.is_alive()) or (self.process is not None and self.process.poll() is None)

    def wait(self) -> None:
        """Block until Pagefind has finished (or never started)."""
        self._wait_started()
        if (process := self.process) is not None:
            process.wait()

    def cancel(self) -> None:
        """Stop Pagefind and remove what it wrote (the build failed, or the records changed
        again); the removal runs in the background."""
        self._stop.set()
        self._wait_started()
        if (process := self.process) is not None:
            process.kill()
            process.wait()
        self.process = None
        if self.made and not self._done:
            threading.Thread(target=_remove, args=(self.pages, self.work), daemon=True).start()


def _nice() -> None:
    os.nice(10)


def _remove(*folders: str) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


class Published:
    """An index already on disk (``files``: ``{output path: cache file}``), standing in for
    an ``IndexJob`` while the new one is made (the preview)."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files

    def files(self) -> dict[str, str]:
        """Return the files of the index."""
        return self._files

    def cancel(self) -> None:
        """Nothing runs: nothing to stop."""


__all__ = ["INDEX_DIR", "IndexJob", "Published", "records", "search_text"]
