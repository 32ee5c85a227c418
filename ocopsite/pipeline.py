"""The build, as a table of contents: load → read → assemble → media → plan → render → write."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic_core import PydanticCustomError

from .config import SiteConfig, load_config
from .errors import BuildError, ContentError, msg
from .models import TIMEZONE, parse_date
from .site import Site
from .render import generated_assets
from .vietnamese import sort_key


@dataclass
class BuildResult:
    """What a build produced: the site (None when the output was already up to date and
    nothing was read), how many files the output has and how many were written or linked
    (0 when nothing changed), warnings, counts of entries (``summary``), media counts,
    stage timings in seconds, and the pages it had to render."""

    site: Site | None
    files: int
    written: int
    warnings: list[ContentError]
    summary: dict[str, int] = field(default_factory=dict)
    media_made: int = 0
    media_reused: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    #: The pages this build rendered (paths in ``output/``), in the order planned.
    rendered: list[str] = field(default_factory=list)


def summarise(site: Site) -> dict[str, int]:
    """Return the counts a build reports: current and expired products, producers …"""
    return {
        "current": len(site.current_products), "expired": len(site.expired_products), "producers": len(site.producers),
        "communes": len(site.communes), "crafts": len(site.crafts), "fairs": len(site.fairs), "pages": len(site.pages),
    }


def inputs_stamp(root: Path, today: dt.date, base_url: str | None) -> str:
    """Return a hash of everything a build reads: the size, modification time and inode of
    every file under ``content/``, ``templates/`` and ``assets/`` and of the config, the
    engine's code version, the build date and the base URL given on the command line.

    Equal stamps mean equal inputs (as ``make`` and git's index judge files), so an output
    made from inputs with this stamp is up to date (at 16,000 products: 0.4 s to compute,
    against 5 s to re-plan the site and find that nothing changed).
    """
    from . import code_version

    parts = [f"{code_version()}\0{today.isoformat()}\0{base_url or ''}"]
    stack = [str(root / name) for name in ("content", "templates", "assets")]
    config = root / "site_config.yaml"
    if config.exists():
        st = config.stat()
        parts.append(f"config\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda d: d.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for item in items:
            st = item.stat(follow_symlinks=False)
            parts.append(f"{item.path}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
            if item.is_dir(follow_symlinks=False):
                stack.append(item.path)
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def resolve_today(now: str | None = None, environ: dict[str, str] | None = None) -> dt.date:
    """Return the build date in Asia/Ho_Chi_Minh.

    ``now`` (``YYYY-MM-DD`` or ``DD/MM/YYYY``) wins, then ``SOURCE_DATE_EPOCH`` (seconds),
    then the clock. Raises ``ValueError`` for an unreadable value.
    """
    environ = os.environ if environ is None else environ
    if now:
        try:
            return parse_date(now)
        except PydanticCustomError as exc:
            raise ValueError((exc.context or {}).get("message") or str(exc)) from None
    if epoch := environ.get("SOURCE_DATE_EPOCH"):
        try:
            return dt.datetime.fromtimestamp(int(epoch), TIMEZONE).date()
        except (ValueError, OverflowError, OSError):
            raise ValueError(msg("SOURCE_DATE_EPOCH must be a whole number of seconds since 1 January 1970, such as 1798761600 "
                                 "(got '{value}'); unset it to build as of today", value=epoch)) from None
    return dt.datetime.now(TIMEZONE).date()


def _fail_on_errors(problems: list[ContentError]) -> None:
    if any(p.is_error for p in problems):
        raise BuildError(problems)


def load_site(root: Path, today: dt.date, base_url: str | None = None, fail: bool = True,
              cache: bool | Any = True) -> tuple[Site, list[ContentError]]:
    """Run load, read and assemble. Raises ``BuildError`` with every error found (with
    ``fail=False``, only for a broken config; content problems are returned).

    ``cache``: True reads page bundles through ``.cache/entries/`` and saves it; False
    neither reads nor writes it; ``"read"`` reads it without saving (``check``); or a
    ``Session``, whose entry cache stays in memory (the preview server).
    """
    from . import code_version
    from .geography import load_geography
    from .reader import ReadCache, read_content
    from .site import assemble

    config = load_config(root, {"base_url": base_url})
    salt = f"{code_version()}\0{config.max_content_bytes}\0{config.images.model_dump_json()}"
    if cache is True or cache == "read":
        store = ReadCache(root / ".cache" / "entries", salt)
    else:
        store = cache.cache(salt) if isinstance(cache, Session) else None
    entries, problems, broken = read_content(root, config.max_content_bytes, config.images, store)
    if cache is True:
        store.save()
    problems += [w for e in entries for w in e.warnings]
    site, more = assemble(entries, config, load_geography(config.province_code), today, broken)
    problems += more
    if fail:
        _fail_on_errors(problems)
    return site, problems


def check(root: Path, today: dt.date) -> list[ContentError]:
    """Validate config, content, references and photos without writing anything.

    Returns every problem (errors and warnings), sorted.
    """
    from .media import inspect_photos

    root = root.resolve()
    try:
        site, problems = load_site(root, today, fail=False, cache="read")
    except BuildError as exc:  # the config itself is broken
        return exc.problems
    return sorted(problems + inspect_photos(site, root))


class Session:
    """What a long-running process (the preview server) keeps between its builds, in
    memory: the parsed entries and what was derived from them (``memo``). Its builds trust
    ``output/`` to be as it wrote it."""

    def __init__(self) -> None:
        from .memo import Memo

        self.caches: dict[str, Any] = {}
        self.memo = Memo(None)

    def cache(self, salt: str) -> Any:
        """Return the in-memory entry cache for this code version and settings."""
        from .reader import ReadCache

        if salt not in self.caches:
            self.caches = {salt: ReadCache(None, salt)}
        return self.caches[salt]


def build(
    root: Path,
    today: dt.date,
    base_url: str | None = None,
    output: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    lock_wait: float = 60.0,
    workers: int | None = None,
    session: Session | None = None,
    full_search: bool = False,
) -> BuildResult:
    """Build the site of the project at ``root`` into ``output`` (default ``root/output``).

    Raises ``BuildError`` listing every problem; ``output`` is then left as it was. One
    build of a project runs at a time: a second one waits for the lock (``lock_wait``
    seconds at most). ``workers`` caps the processes used (default: one per core); the
    output is the same whatever it is. A ``session`` keeps parsed entries in memory from
    one build to the next (the preview server). ``full_search`` makes the search index's
    base again instead of a delta over the last one (see ``search``).
    """
    from .writer import build_lock

    root = root.resolve()
    with build_lock(root, lock_wait), _gc_paused():
        return _build(root, today, base_url, output or root / "output", progress, workers, session, full_search)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building: the site is one large heap of
    long-lived objects, and full collections scanning it took a fifth of a no-change
    build at 16,000 products (profiled). Workers run with it on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Laps(dict):
    """Stage timings in seconds, in the order the stages ran."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self[stage], self.clock = now - self.clock, now


def _build(root: Path, today: dt.date, base_url: str | None, output: Path,
           progress: Callable[[int, int], None] | None, workers: int | None, session: Session | None,
           full_search: bool = False) -> BuildResult:
    from .media import inspect_photos, prune, run_media
    from .memo import MEMO_DIR, Memo
    from .plan import units
    from .writer import up_to_date

    laps = _Laps()
    stamp = None if session or full_search else inputs_stamp(root, today, base_url)
    if stamp and (done := up_to_date(output, root, stamp)) is not None:  # nothing to read, plan or write
        laps.lap("stamp")
        return BuildResult(None, done["files"], 0, done["warnings"], done["summary"], 0, done["media"], dict(laps))
    site, problems = load_site(root, today, base_url, fail=False, cache=session or True)
    if any(p.is_error for p in problems):  # report photo problems in the same run
        raise BuildError(problems + inspect_photos(site, root))
    laps.lap("read+assemble")
    memo = session.memo if session is not None else Memo(root / MEMO_DIR)
    media, more = run_media(site, root, workers, progress, memo, data_key(site))
    problems += more
    _fail_on_errors(problems)
    laps.lap("media")
    records = site_records(site, memo, media.keys)
    search = SearchOutputs(site, media, root, full_search, memo)  # Pagefind indexes while the pages render
    facts = entry_facts(site, records, search, memo, media.keys)
    laps.lap("records+search (start)")
    meta = {"stamp": stamp, "warnings": problems, "summary": summarise(site), "media": media.made + media.reused}
    setup, keys = render_setup(site, root)
    try:
        files, written, rendered = write_site(site, media, units(site, media, records, keys.page_key, facts), root, output, setup,
                                              keys, workers, trust=session is not None, meta=meta, extra=search.items, records=records,
                                              memo=memo)
    finally:
        search.cancel()
    memo.save()
    prune(root, media)
    laps.lap("plan+render+write")
    return BuildResult(site, files, written, problems, meta["summary"], media.made, media.reused, dict(laps), rendered)


def data_key(site: Site) -> str:
    """Return the build's data key (``memo``): the engine's code, the config (with the base
    URL) and the build date, which everything derived from the entries depends on."""
    from . import code_version

    text = f"{code_version()}\0{site.config.model_dump_json()}\0{site.today.isoformat()}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def site_records(site: Site, memo: Any = None, keys: Any = None) -> Any:
    """Return the site's records (``records.Records``), with URLs in the default language
    (through the ``memo`` when given, with the site's ``keys``)."""
    from .kinds import url_of
    from .records import build_records

    return build_records(site, lambda node: url_of(node.kind, node.slug), memo, keys)


def entry_facts(site: Site, records: Any, search: Any, memo: Any, keys: Any) -> dict[str, str]:
    """Return each entry's facts digest (``memo.node_key`` → hash): its records and its
    catalogue rows, in every language — what lists, indexes, counts and cards show of it."""
    from .memo import node_key

    rows: dict[str, Any] = {}
    recognitions = records.recognitions_of
    for kind, table in (("product", records.products), ("producer", records.producers), ("craft", records.crafts), ("fair", records.fairs),
                        ("outlet", records.outlets)):
        rows.update({f"{kind}/{r.id}": r for r in table})
    rows.update({f"commune/{r.slug}": r for r in records.communes})
    out = {}
    for node in site.nodes():
        key = node_key(node)

        def make(key: str = key, node: Any = node) -> str:
            text = repr((rows.get(key), recognitions.get(node.slug) if node.kind == "product" else None,
                         [search.row(lang, key) for lang in site.config.languages]))
            return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

        out[key] = memo.cached("facts", key, keys.of(node), make)
    return out


class SearchOutputs:
    """The search files of a build (``search``): each language's records and catalogue
    rows, and the index job Pagefind runs meanwhile; ``items()`` waits for it and returns
    the catalogues and bundles as writer items."""

    def __init__(self, site: Site, media: Any, root: Path, full: bool = False, memo: Any = None) -> None:
        from .memo import node_key
        from .search import Indexer, Record, catalogue_row, record_key, record_words
        from .views import Views

        self.site = site
        self.rows: dict[str, list[list]] = {}
        self.keys: dict[str, list[str]] = {}
        self._row: dict[tuple[str, str], list] = {}
        digests: dict[str, dict[str, str]] = {}
        nodes = {record_key(n): n for n in site.nodes()}
        self.views = {lang: Views(media, site.config.base_path, site.today, lang) for lang in site.config.languages}
        for lang, views in self.views.items():
            def make(n: Any, views: Any = views, lang: str = lang) -> tuple:
                record = Record(record_key(n), lang, *record_words(n, views))
                return record.digest, catalogue_row(n, views), sort_key(views.text(n).name)

            found = {key: memo.cached(f"search:{lang}", node_key(n), media.keys.of(n), lambda n=n: make(n)) if memo is not None
                     else make(n) for key, n in nodes.items()}
            order = sorted(found, key=lambda k: (found[k][2], k))
            self.keys[lang] = order
            self.rows[lang] = [found[k][1] for k in order]
            self._row.update({(lang, k): v[1] for k, v in found.items()})
            digests[lang] = {k: v[0] for k, v in found.items()}

        def record(lang: str, key: str) -> Record:
            return Record(key, lang, *record_words(nodes[key], self.views[lang]))

        self.job = Indexer(root).plan(digests, record, full)

    def row(self, lang: str, key: str) -> list:
        """Return an entry's catalogue row in ``lang`` (``search.catalogue_row``)."""
        return self._row[(lang, key)]

    def items(self) -> dict[str, Any]:
        """Return ``{output path: writer item}`` of the catalogues and the index's bundles
        (linked from the cache: a new Pagefind run writes new files, so their stat tells
        them apart). Raises ``search.SearchIndexError`` if Pagefind failed."""
        from .i18n import translations
        from .search import CATALOGUE, INDEX_DIR, catalogue, facet_labels, live_hashes
        from .writer import Item

        state = self.job.result()
        base = self.site.config.base_path.rstrip("/")
        pictos = {name.split("/")[-1].rsplit(".", 1)[0]: f"{base}/assets/{published}"
                  for name, (published, _data) in generated_assets().items() if name.startswith("img/picto/")}
        items = {}
        for lang, rows in self.rows.items():
            bundles = [f"{b.folder}/" for b in state.bundles(lang)]
            data = catalogue(rows, live_hashes(state, lang), self.keys[lang], bundles, facet_labels(translations(lang).gettext), pictos)
            items[f"{INDEX_DIR}/{lang}/{CATALOGUE}"] = Item(hashlib.blake2b(data, digest_size=16).digest(), data=data)
        for path, source in self.job.files().items():
            st = os.stat(source)
            items[path] = Item(hashlib.blake2b(f"{source}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode(), digest_size=16).digest(),
                               source=source)
        return items

    def cancel(self) -> None:
        """Stop the index job if it still runs (the build failed)."""
        self.job.cancel()


def write_site(site: Site, media: Any, units: Iterable[Any], root: Path, output: Path, setup: Any, keys: Any,
               workers: int | None = None, trust: bool = False, meta: dict | None = None,
               extra: Callable[[], dict[str, Any]] | None = None, records: Any = None, memo: Any = None) -> tuple[int, int, list[str]]:
    """Render and write. A unit of pages (``plan.Unit``) whose key the live output's unit
    table has, with every page still as written, is kept without being planned; the pages
    of the others are planned, and those whose render key (``keys``) the live output
    already has are kept too; the rest are rendered (in worker processes when many)
    straight into the spare folder; then the machine outputs, media files, assets and the
    items ``extra()`` returns once the pages are done (the search index); then the swap.
    ``meta`` (facts of this build, with the new unit table) is kept with the output's
    manifest.

    Returns ``(files in the site, files written or linked, pages rendered)``. Raises
    ``BuildError`` for a template error; ``output`` is then untouched.
    """
    from .render import PagePool, TemplateProblem
    from .writer import Update

    update = Update(output, root, trust)
    old = update.live_meta.get("units") or {}
    table: dict[str, tuple[str | None, list[tuple]]] = {}
    pool = PagePool(setup, update.writer, workers)
    sitemap = []
    try:
        for unit in units:
            known = old.get(unit.id)
            if unit.key is not None and known is not None and known[0] == unit.key and update.keep([(p[0], p[1]) for p in known[1]]):
                pages = known[1]
            else:
                pages = []
                for spec in unit.make():
                    page = spec.data.page
                    if page["indexed"] and not page["image"]:  # every page that can be shared shows a picture
                        raise ValueError(msg("the page {url} has no share picture (og:image)", url=spec.url))
                    key = keys(spec)
                    pages.append((spec.path, key, spec.url, page["lastmod"], page["indexed"]))
                    if not update.unchanged(spec.path, key):
                        for path, record in pool.submit(spec, key, *update.page_target(spec.path)):
                            update.rendered(path, record)
            table[unit.id] = (unit.key, pages)
            sitemap += [(url, lastmod) for _path, _key, url, lastmod, indexed in pages if indexed]
        for path, record in pool.close():
            update.rendered(path, record)
    except TemplateProblem as exc:
        raise BuildError([ContentError(f"templates/{exc.template}", exc.line, 0, "", exc.message)]) from None
    except ValueError as exc:  # the planner's own rules (see plan.Planner.check_links)
        raise BuildError([ContentError("ocopsite/plan.py", 0, 0, "", msg("site check failed: {detail}", detail=exc.args[0] if exc.args else str(exc)))]) from None
    for path, item in (other_files(site, media, sitemap, root, records, memo) | (extra() if extra else {})).items():
        if not update.unchanged(path, item.key):
            update.put(path, item)
    return (*update.finish({**(meta or {}), "units": table}), update.rendered_paths)


def render_setup(site: Site, root: Path) -> tuple[Any, Callable[[Any], str]]:
    """Return what the renderer needs (templates, site-wide data, asset names) and the
    function giving each page spec its key."""
    from .plan import site_data
    from . import code_version
    from .render import PageKeys, Setup, fingerprint_assets, template_digests

    published = {name: p for name, (_src, p) in fingerprint_assets(root / "assets").items()}
    published |= {name: p for name, (p, _data) in generated_assets().items()}
    configs = {lang: site_data(site, lang) for lang in site.config.languages}
    setup = Setup(str(root / "templates"), configs, published, site.config.base_url, str(root))
    return setup, PageKeys(setup, template_digests(root / "templates"), code_version(), data_key(site))


def other_files(site: Site, media: Any, sitemap: list, root: Path, records: Any = None, memo: Any = None) -> dict[str, Any]:
    """Return the files that are not pages, as writer items: machine outputs (feed,
    calendars, sitemap, robots.txt), the open data of the ``records``, media files (linked
    from the cache) and assets."""
    from .media import CACHE_DIR
    from .outputs import machine_outputs
    from .render import fingerprint_assets
    from .writer import Item

    items = {}
    from .kinds import prefix, segment
    from .outputs.lookup import LOOKUP_FILE, lookup
    from .outputs.opendata import open_data
    from .views import Views

    records = records or site_records(site)
    outputs = machine_outputs(site, sitemap, records)
    licence = site.config.data_licence.model_dump() if site.config.data_licence else None
    context = (lambda kind, id: media.keys.context[f"{kind}/{id}"]) if memo is not None else None
    outputs |= open_data(records, site.config.base_url, segment("data") + "/", licence, memo, context)
    for lang in site.config.languages:  # the check page's and the enquiry list's data
        outputs[f"{prefix(lang)}{segment('check', lang)}/{LOOKUP_FILE}".lstrip("/")] = lookup(
            site, records, Views(media, site.config.base_path, site.today, lang))
    for path, data in outputs.items():
        items[path] = Item(hashlib.blake2b(data, digest_size=16).digest(), data=data)
    cache = str(root / CACHE_DIR)
    for path, name in media.files.items():  # a media file's name holds the hash of its inputs
        items[path] = Item(hashlib.blake2b(name.encode(), digest_size=16).digest(), source=os.path.join(cache, name))
    for _name, (source, published) in fingerprint_assets(root / "assets").items():  # copied, never linked: editors change assets in place
        data = source.read_bytes()
        items["assets/" + published] = Item(hashlib.blake2b(data, digest_size=16).digest(), data=data)
    for _name, (published, data) in generated_assets().items():
        items["assets/" + published] = Item(hashlib.blake2b(data, digest_size=16).digest(), data=data)
    return items


__all__ = ["BuildResult", "SiteConfig", "build", "check", "load_site", "resolve_today"]
