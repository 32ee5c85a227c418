"""Search: a catalogue file per language for facets and sorts, and a Pagefind index of
words that changes by delta.

Two outputs per language (``pagefind/<lang>/``), both read by ``assets/js/search.js``:

- **The catalogue** (``catalogue.json``): one row per entry (product, producer, commune,
  village craft, trade fair, plain page) with what a result card shows and what the
  facets and sorts need (kind, stars, group, commune, status, latest recognition), rows in
  the language's name order. The browser filters, counts and sorts it itself, so
  browsing the catalogue never loads the word index.
- **The word index**: Pagefind bundles of lean records (an entry's words in one language,
  nothing else: no filters, sorts or metadata, no rank shared between records, so an edit
  changes one record). A *base* index, in shards of at most ``SHARD_WORDS`` words (so no
  Pagefind run needs much memory), plus a small *delta* bundle of the records changed or
  added since the base was made; the browser merges them (Pagefind's ``mergeIndex``).
  Records removed or changed since the base was made are still in it: the catalogue
  names, for each live entry, the Pagefind page of its current record (its ``hash``), so
  a result that no row names is an old version and is dropped. The base is made again
  when the delta passes ``delta_limit`` records, or on ``build --full-search``.

Pagefind folds tones (``nuoc`` finds ``nước``) but not ``đ``, so each word with ``đ`` is
indexed a second time with ``d`` ("cu do" finds "cu đơ"); exact spellings still rank
first, as they match both. Bundles are kept in ``.cache/search/`` (with ``state.pickle``
saying which records each holds) and linked into ``output/pagefind/`` like media; the
fragment files Pagefind writes for its own result excerpts are not published: result
cards come from the catalogue.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from . import models
from .i18n import _
from .site import CommunePage, Product
from .vietnamese import fold

#: Where the search files are published, from the site root: ``pagefind/<lang>/``.
INDEX_DIR = "pagefind"
#: The catalogue's file name in each language's folder.
CATALOGUE = "catalogue.json"
#: Where bundles and the index state are kept, from the project root.
CACHE_DIR = ".cache/search"
#: Bump when records or bundles change shape: every base is then made again.
INDEX_VERSION = "2"
#: Words per base shard. Pagefind holds about 330 bytes per indexed word while it runs
#: (measured with 1.5.2: 1,000 records of 600 words took 182 MB, 5,000 took 1.0 GB), so a
#: shard of 1.2 million words stays near 400 MB.
SHARD_WORDS = 1_200_000
#: The label of each kind in the ``kind`` facet (message ids).
KIND_LABELS = {"product": _("Sản phẩm"), "producer": _("Chủ thể"), "commune": _("Xã, phường"),
               "craft": _("Làng nghề"), "fair": _("Hội chợ"), "outlet": _("Điểm bán"), "page": _("Trang thông tin")}
#: Bundle files the site does not use: Pagefind's own UIs, and its result excerpts.
_UNUSED = re.compile(r"^(pagefind-(ui|modular-ui|component-ui|highlight)\.|fragment/)")
#: Files only the first bundle of a language publishes (the script and its WebAssembly).
_PRIMARY_ONLY = re.compile(r"^(pagefind\.js|pagefind-worker\.js|wasm\..*)$")
_MARKUP = re.compile(r"[#*_`>\[\]()!|~-]+|https?://\S+")


def delta_limit(records: int) -> int:
    """Return how many changed, added or removed records the delta may hold before the base
    is made again: 5 % of the records, at least 100. (A delta costs every query one more
    bundle to load and ~1 ms of Pagefind per record per build; a base at 16,000 products,
    42,000 records, costs about a minute to make.)"""
    return max(100, records // 20)


def search_text(*parts: str | None) -> str:
    """Return the text to index: the parts joined, Markdown marks and links dropped, and
    each word with ``đ``/``Đ`` repeated without it (Pagefind folds tones, not ``đ``)."""
    text = " ".join(p for p in parts if p)
    words = _MARKUP.sub(" ", text).split()
    extra = {fold(w) for w in words if "đ" in w or "Đ" in w}
    return " ".join([*words, *sorted(extra)])


def record_key(node: Any) -> str:
    """Return the key of a node's record, the same in every language: ``product/cu-do``."""
    return f"{node.kind}/{node.slug}"


def record_words(node: Any, views: Any) -> tuple[str, str]:
    """Return what Pagefind indexes of a node in the language of ``views``: its name (as
    the record's heading, which Pagefind ranks above the rest), and its summary and story;
    the names of its commune (current and former, so "Kỳ Phú" finds what is now in Xã Kỳ
    Anh); for a product its group, producer and crafts; for a craft its trade."""
    text = views.text(node)
    places: list[str] = []
    commune = getattr(node, "commune", None)
    if isinstance(node, CommunePage):
        places += [f"{f.name} {f.district}" for f in node.commune.former]
    elif commune is not None:
        places += [views.commune_name(commune), commune.name, *(f"{f.name} {f.district}" for f in commune.former)]
    former = getattr(node.meta, "former_address", None) if node.meta else None
    if former is not None:
        places += [former.commune or "", former.district or ""]
    words = [text.summary, text.body, *places]
    if isinstance(node, Product):
        if node.meta.group:
            words.append(views.t(node.meta.group.label))
        if node.producer:
            words.append(views.text(node.producer).name)
        words += [views.text(c).name for c in node.crafts]
    elif node.kind == "craft":
        words.append(node.meta.craft)
    elif node.kind == "outlet":
        words += [views.t(node.meta.type.label) if node.meta.type else "", node.meta.address or "",
                  *(views.text(p).name for p in node.products)]
    return search_text(text.name), search_text(*words)


@dataclass(frozen=True)
class Record:
    """One entry's words in one language, as Pagefind indexes them (``key``: ``record_key``):
    its ``title`` (the name) and the other ``words``."""

    key: str
    lang: str
    title: str
    words: str

    @property
    def digest(self) -> str:
        """Return a hash of the record (it changes exactly when the indexed words do)."""
        return hashlib.blake2b(f"{self.key}\0{self.lang}\0{self.title}\0{self.words}".encode(), digest_size=12).hexdigest()

    @property
    def size(self) -> int:
        """Return the number of words."""
        return self.title.count(" ") + self.words.count(" ") + 2


# --- the catalogue ---------------------------------------------------------------------------

#: The columns of a catalogue row, in order (``search.js`` reads them by these positions).
COLUMNS = ("kind", "url", "title", "summary", "theme", "image", "image_alt", "stars", "last_stars", "status",
           "group", "commune", "date", "hash")


def catalogue_row(node: Any, views: Any) -> list:
    """Return a node's catalogue row without its ``hash`` (see ``COLUMNS``): URLs with the
    base path, ``stars`` those in force (0 when none), ``last_stars`` the latest
    recognition's, ``status`` ``valid`` (a star in force) or ``lapsed``, ``commune`` the
    current commune's name in this language, ``date`` the latest recognition as
    ``YYYYMMDD`` (0 when none)."""
    text = views.text(node)
    base = views.base_path.rstrip("/")
    cover = views.image(views.media.cover(node.photos)) if views.media is not None and node.photos else None
    commune = getattr(node, "commune", None)
    theme = "site" if node.kind == "page" else node.kind
    stars = last = date = 0
    status = group = ""
    if isinstance(node, Product):
        group = node.meta.group.value if node.meta.group else ""
        theme = group or "site"
        stars, last = node.stars or 0, node.badge.stars
        status = "valid" if node.stars else "lapsed"
        days = [r.date.value for r in node.recognitions if r.date.precision != "unknown"]
        date = int(max(days).strftime("%Y%m%d")) if days else 0
    return [node.kind, base + views.url(node), text.name, text.summary, theme, cover["src"] if cover else "",
            (cover["alt"] or text.name) if cover else "", stars, last, status, group,
            (commune.slug, views.commune_name(commune)) if commune is not None and not isinstance(node, CommunePage) else "", date]


def catalogue(rows: list[list], hashes: Mapping[str, str], keys: list[str], bundles: list[str], labels: dict,
              pictos: dict[str, str]) -> bytes:
    """Return a language's ``catalogue.json``: ``bundles`` (the Pagefind folders to merge,
    relative to the catalogue, the first one primary), ``labels`` (facet values → words),
    ``pictos`` (theme → pictogram URL) and ``rows`` (``COLUMNS``; ``keys[i]`` is row i's
    record key, whose Pagefind page ``hashes`` gives). Communes become indexes into
    ``labels.communes``, a list of ``[slug, name]``."""
    communes = sorted({tuple(r[11]) for r in rows if r[11]})
    index = {c: i for i, c in enumerate(communes)}
    out = [[*r[:11], index[tuple(r[11])] if r[11] else -1, r[12], hashes.get(k, "")] for r, k in zip(rows, keys)]
    data = {"version": 1, "columns": COLUMNS, "bundles": bundles, "labels": {**labels, "communes": [list(c) for c in communes]},
            "pictos": pictos, "rows": out}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").encode("utf-8")


# --- the word index: bundles, base and delta -------------------------------------------------


def document(record: Record, salt: int = 0) -> tuple[str, str]:
    """Return ``(file name, HTML)`` of a record as Pagefind indexes it: its words in the
    page's body, in its language. The file name is the record's key (a ``salt`` makes it,
    and so its Pagefind page hash, different)."""
    name = record.key + (f"~{salt}" if salt else "") + ".html"
    return name, (f'<!doctype html><html lang="{record.lang}"><head><meta charset="utf-8"><title></title></head>'
                  f'<body><main data-pagefind-body><h1>{escape(record.title)}</h1><p>{escape(record.words)}</p></main></body></html>')


@dataclass
class Bundle:
    """One Pagefind bundle in the cache: its ``folder`` name, language, and for each record
    key the record's digest and its Pagefind page hash."""

    folder: str
    lang: str
    records: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class IndexState:
    """Which bundles make each language's index (the base shards and the delta), and the
    ``live`` records of each language: key → (digest, Pagefind page hash), the delta's
    version where it has one, records removed since the base was made left out."""

    version: str
    base: dict[str, list[Bundle]]
    delta: dict[str, Bundle | None]
    live: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def bundles(self, lang: str) -> list[Bundle]:
        """Return a language's bundles in merge order: base shards, then the delta."""
        return [*self.base.get(lang, []), *([self.delta[lang]] if self.delta.get(lang) else [])]


def _version() -> str:
    from importlib.metadata import version

    return f"{INDEX_VERSION}\0{version('pagefind')}"


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message says how."""


class Indexer:
    """The word index of a project: decides base or delta, makes bundles with Pagefind's
    command line (in the background, at a lower CPU priority than the build) and says what
    to publish. The command line rather than the Python API: the API answers record by
    record about 0.1 s apart (Pagefind issue #976)."""

    def __init__(self, root: Path) -> None:
        self.cache = root / CACHE_DIR
        self.bundles_dir = self.cache / "bundles"
        self.state = self._load()

    def _load(self) -> IndexState | None:
        try:
            state = pickle.loads((self.cache / "state.pickle").read_bytes())
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return None
        if not isinstance(state, IndexState) or state.version != _version():
            return None
        if not all((self.bundles_dir / b.folder).is_dir() for lang in state.base for b in state.bundles(lang)):
            return None
        return state

    def plan(self, digests: dict[str, dict[str, str]], record: Callable[[str, str], Record], full: bool = False) -> IndexJob:
        """Return the job that makes this build's index from every language's records, given
        by their digests (``{lang: {key: digest}}``; ``record(lang, key)`` makes one): a
        delta over the last base, or a new base when there is none, ``full`` is asked, the
        languages changed or the delta is too large. Only the records a new bundle holds are
        made (in this thread: the build's own views are not shared with the job's)."""
        state = self.state
        if not full and state is not None and set(state.base) == set(digests):
            delta, stale = {}, 0
            for lang, current in digests.items():
                base = {k: v for b in state.base[lang] for k, v in b.records.items()}
                delta[lang] = {k: record(lang, k) for k, d in current.items() if base.get(k, ("",))[0] != d}
                stale += len(delta[lang]) + sum(1 for k in base if k not in current)
            if stale <= delta_limit(sum(len(c) for c in digests.values())):
                return IndexJob(self, digests, delta=delta)
        every = {lang: {k: record(lang, k) for k in current} for lang, current in digests.items()}
        return IndexJob(self, digests, delta=None, every=every)

    def save(self, state: IndexState) -> None:
        """Remember ``state`` and remove the bundles it does not use."""
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = self.cache / "state.tmp"
        tmp.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.cache / "state.pickle")
        self.state = state
        keep = {b.folder for lang in state.base for b in state.bundles(lang)}
        for old in self.bundles_dir.iterdir() if self.bundles_dir.is_dir() else ():
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)


class IndexJob:
    """One build's word index, made in a background thread while the pages render.

    ``result()`` waits for it and returns, per language, the bundles to merge and the
    Pagefind page hash of every live record; ``files()`` the files to publish; ``cancel()``
    stops Pagefind (the build failed). Raises ``SearchIndexError`` if Pagefind failed.
    """

    def __init__(self, indexer: Indexer, digests: dict[str, dict[str, str]], delta: dict | None,
                 every: dict[str, dict[str, Record]] | None = None) -> None:
        self.indexer, self.records, self.delta, self.every = indexer, digests, delta, every
        self.made = 0  # bundles made by this job (0: all reused)
        self._stop = threading.Event()
        self._process: subprocess.Popen | None = None
        self._error: BaseException | None = None
        self._state: IndexState | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def rebuilt_base(self) -> bool:
        """Return True when this job makes a new base."""
        return self.delta is None

    def _run(self) -> None:
        try:
            self._state = self._make()
        except BaseException as exc:  # reported by result(), in the build's thread
            self._error = exc

    def _make(self) -> IndexState:
        old = self.indexer.state
        if self.delta is None:
            assert self.every is not None
            base = {lang: self._base(lang, recs) for lang, recs in self.every.items()}
            state = IndexState(_version(), base, {lang: None for lang in self.records})
        else:
            assert old is not None
            deltas = {}
            for lang, changed in self.delta.items():
                taken = {h for b in old.base[lang] for _d, h in b.records.values()}
                deltas[lang] = self._bundle(lang, changed, "d", taken) if changed else None
            state = IndexState(old.version, old.base, deltas)
        for lang, current in self.records.items():
            every = {k: v for b in state.bundles(lang) for k, v in b.records.items()}
            state.live[lang] = {k: every[k] for k in current}
        if old is not None and (old.base, old.delta, old.live) == (state.base, state.delta, state.live):
            return old
        return state

    def _base(self, lang: str, records: dict[str, Record]) -> list[Bundle]:
        """Make a language's base: its records in key order, cut into shards of at most
        ``SHARD_WORDS`` words, one Pagefind run at a time."""
        shards: list[dict[str, Record]] = [{}]
        words = 0
        for key in sorted(records):
            n = records[key].size
            if shards[-1] and words + n > SHARD_WORDS:
                shards.append({})
                words = 0
            shards[-1][key] = records[key]
            words += n
        made: list[Bundle] = []
        for shard in shards:
            taken = {h for b in made for _d, h in b.records.values()}
            made.append(self._bundle(lang, shard, "b", taken))
        return made

    def _bundle(self, lang: str, records: dict[str, Record], prefix: str, taken: set[str]) -> Bundle:
        """Return the bundle of ``records`` (made with Pagefind unless the cache has it),
        whose page hashes are none of ``taken`` (the other bundles of the language): a record
        whose hash is taken gets a salt and the bundle is made again."""
        digest = hashlib.blake2b("".join(f"{k}\0{r.digest}\0" for k, r in sorted(records.items())).encode(), digest_size=8).hexdigest()
        folder = f"{lang}-{prefix}{digest}"
        known = self.indexer.state
        if known is not None:
            for b in known.bundles(lang):
                if b.folder == folder:
                    return b
        salts: dict[str, int] = {}
        for _attempt in range(8):
            hashes = self._pagefind(folder, records, salts)
            clash = sorted(k for k, h in hashes.items() if h in taken)
            if not clash:
                self.made += 1
                return Bundle(folder, lang, {k: (records[k].digest, hashes[k]) for k in records})
            for k in clash:
                salts[k] = salts.get(k, 0) + 1
        raise SearchIndexError(f"Pagefind page hashes kept clashing in {folder}")

    def _pagefind(self, folder: str, records: dict[str, Record], salts: dict[str, int]) -> dict[str, str]:
        """Run Pagefind over ``records``; keep the bundle as ``folder``; return each record's
        page hash (read from the fragments, which are then removed)."""
        cache = self.indexer.cache
        cache.mkdir(parents=True, exist_ok=True)
        pages, work = tempfile.mkdtemp(prefix="tmp-pages-", dir=cache), tempfile.mkdtemp(prefix="tmp-", dir=cache)
        try:
            names = {}
            for key, record in records.items():
                if self._stop.is_set():
                    raise SearchIndexError("cancelled")
                name, html = document(record, salts.get(key, 0))
                names["/" + name] = key
                path = os.path.join(pages, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(html)
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pagefind", "--site", pages, "--output-path", work, "--silent"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_nice if os.name == "posix" else None)
            out, _err = self._process.communicate()
            code, self._process = self._process.returncode, None
            if self._stop.is_set():
                raise SearchIndexError("cancelled")
            if code != 0 or not os.path.isfile(os.path.join(work, "pagefind-entry.json")):
                message = out.decode("utf-8", "replace").strip() or f"exit status {code}"
                raise SearchIndexError(f"Pagefind could not build the search index: {message}")
            hashes = _page_hashes(Path(work), names)
            shutil.rmtree(os.path.join(work, "fragment"), ignore_errors=True)
            target = self.indexer.bundles_dir / folder
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(work, target)  # complete or absent: a half-made bundle is never reused
            return hashes
        finally:
            shutil.rmtree(pages, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)

    def result(self) -> IndexState:
        """Wait for the index; remember it as the project's (older bundles are removed) and
        return it. Raises ``SearchIndexError`` if Pagefind failed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._state is not None
        if self._state is not self.indexer.state:
            self.indexer.save(self._state)
        return self._state

    def files(self) -> dict[str, str]:
        """Return ``{output path: cache file}`` of every bundle to publish
        (``pagefind/<lang>/<folder>/…``; the first bundle of a language carries the script)."""
        state = self.result()
        out = {}
        for lang in self.records:
            for n, bundle in enumerate(state.bundles(lang)):
                top = self.indexer.bundles_dir / bundle.folder
                for path in sorted(top.rglob("*")):
                    rel = path.relative_to(top).as_posix()
                    if path.is_file() and not _UNUSED.match(rel) and (n == 0 or not _PRIMARY_ONLY.match(rel)):
                        out[f"{INDEX_DIR}/{lang}/{bundle.folder}/{rel}"] = str(path)
        return out

    def cancel(self) -> None:
        """Stop Pagefind and leave the cache as it was (the build failed)."""
        self._stop.set()
        if (process := self._process) is not None:
            process.kill()
        self._thread.join()


def live_hashes(state: IndexState, lang: str) -> dict[str, str]:
    """Return ``{record key: Pagefind page hash}`` of a language's live records."""
    return {k: h for k, (_d, h) in state.live[lang].items()}


def _page_hashes(bundle: Path, names: dict[str, str]) -> dict[str, str]:
    """Return ``{record key: page hash}`` from a bundle's fragments (each a gzipped
    ``pagefind_dcd`` + JSON whose ``url`` is the record page's path)."""
    out = {}
    for frag in (bundle / "fragment").iterdir():
        raw = gzip.decompress(frag.read_bytes())
        data = json.loads(raw[raw.index(b"{"):])
        key = names.get(data["url"]) or names.get(data["url"].removesuffix(".html") + ".html")
        if key is not None:
            out[key] = frag.name.removesuffix(".pf_fragment")
    missing = set(names.values()) - set(out)
    if missing:
        raise SearchIndexError(f"Pagefind did not index {len(missing)} records (first: {sorted(missing)[0]})")
    return out


def _nice() -> None:
    os.nice(10)


def facet_labels(t: Any) -> dict[str, Any]:
    """Return the words of the facet values in a language (``t``: its gettext)."""
    return {
        "kind": {k: t(v) for k, v in KIND_LABELS.items()},
        "stars": {str(n): t(_("{n} sao")).format(n=n) for n in (5, 4, 3)},
        "group": {g.value: t(g.label) for g in models.ProductGroup},
        "status": {"valid": t(_("Còn hiệu lực")), "lapsed": t(_("Hết hạn hoặc chưa rõ"))},
    }


__all__ = ["CATALOGUE", "INDEX_DIR", "IndexJob", "Indexer", "Record", "catalogue", "catalogue_row", "record_words", "search_text"]
