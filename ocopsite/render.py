"""Render page specs with Jinja templates, in a process pool, through a cache.

A page's key hashes its template and every template it extends, includes or imports, the
site-wide data, the asset names, the engine's code and library versions, and the page's
data: the same key means the same bytes, so a page whose key is already in ``output/`` is
not rendered again (the writer keeps the file). Templates are autoescaped and undefined
names are errors, so a template typo fails the build instead of printing blanks.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup, escape

from .i18n import ConstantTranslations, Formats, translations
from .markup import render_markdown
from .media.pictograms import SHAPES, svg, tile_css
from .outputs import CALENDAR_FILE, FAIRS_CALENDAR, FEED_FILE
from .media import CACHE_DIR
from .parallel import context
from .pdf import html_to_pdf, site_files
from .plan import PageSpec
from .reader import IGNORED_SUFFIXES
from .views import View

FINGERPRINTED = {".css", ".js"}
#: Asset folders used only while building (the share-card fonts), never published.
BUILD_ONLY_ASSETS = ("fonts/",)
#: Pages rendered in the main process below this count (about 1 ms each; starting the
#: workers costs 0.05 s, and 0.5 s for the fork server the first time in a process).
POOL_THRESHOLD = 200


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


@functools.cache  # drawn once per process: the build asks for them several times, and each PDF
def generated_assets() -> dict[str, tuple[str, bytes]]:
    """Return the assets the engine draws itself: ``{name: (published name, bytes)}`` (the
    pictograms of product groups and entry kinds, ``img/picto/food.svg`` …, and the colours
    of their tiles, ``css/tiles.css``)."""
    files = {f"img/picto/{name}.svg": svg(name).encode() for name in SHAPES}
    files["css/tiles.css"] = tile_css().encode()
    out = {}
    for name, data in files.items():
        stem, ext = name.rsplit(".", 1)
        out[name] = (f"{stem}.{hashlib.blake2b(data, digest_size=4).hexdigest()}.{ext}", data)
    return out


@dataclass(frozen=True)
class Setup:
    """What every worker needs to render: templates folder, the site-wide data of each
    language (``configs``), and the published name of each asset. Picklable."""

    templates: str
    configs: dict[str, View]
    assets: dict[str, str]
    base_url: str
    #: The project folder: the PDF of a page reads its pictures from the media cache and its
    #: style and fonts from ``assets/`` (``pdf.site_files``).
    root: str = ""


def breakable(text: str) -> Markup:
    """Return ``text`` (escaped) with a line-break opportunity after each ``/``: a long
    address wraps between its parts, never inside a word."""
    return Markup("/<wbr>").join(escape(part) for part in str(text).split("/"))


class Renderer:
    """Jinja environments, one per language, with the filters templates use (``url``,
    ``abs_url``, ``asset``, ``markdown``, and dates, numbers and prices in the language's
    locale) and a cache of product cards."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.base_path = next(iter(setup.configs.values())).base_path
        self.envs: dict[str, jinja2.Environment] = {}
        self._cards: dict[tuple[str, str, bool], Markup] = {}

    def env(self, lang: str) -> jinja2.Environment:
        """Return the environment of ``lang`` (made on first use: its templates are compiled
        with that language's words folded in)."""
        if (env := self.envs.get(lang)) is None:
            config = self.setup.configs[lang]
            env = self.envs[lang] = jinja2.Environment(
                loader=jinja2.FileSystemLoader(self.setup.templates),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n", ConstantTranslations],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.install_gettext_translations(translations(lang), newstyle=False)  # type: ignore[attr-defined]
            hosts, fmt = frozenset(config.video_hosts), Formats(lang)
            env.filters.update(
                date=fmt.date, date_range=fmt.date_range, number=fmt.number, vnd=fmt.money,
                markdown=lambda text: render_markdown(text, self.base_path, hosts),
                url=self.url, abs_url=self.abs_url, asset=self.asset, breakable=breakable,
            )
            env.globals.update(
                config=config, card=lambda product, eager=False: self.card(lang, product, eager),
                feed_file=FEED_FILE, fairs_calendar=FAIRS_CALENDAR, calendar_file=CALENDAR_FILE,
            )
        return env

    def url(self, path: str) -> str:
        """Return a site-relative path under the base path."""
        return self.base_path + str(path).lstrip("/")

    def abs_url(self, path: str) -> str:
        """Return the absolute URL of a site-relative path (canonical links, sharing)."""
        return self.setup.base_url + str(path).lstrip("/")

    def asset(self, name: str) -> str:
        """Return the published URL of an asset; raises ``KeyError`` for unknown ones."""
        return self.base_path + "assets/" + self.setup.assets[name]

    def card(self, lang: str, product: View, eager: bool = False) -> Markup:
        """Return a product card's HTML in ``lang`` (the ``product_card`` macro), made once per
        card: the same card shows on list, producer, commune and sibling pages."""
        key = (lang, product.digest(), eager)
        if (html := self._cards.get(key)) is None:
            macro = self.env(lang).get_template("partials/macros.html").module.product_card  # type: ignore[attr-defined]
            html = self._cards[key] = Markup(macro(product, eager))
        return html

    def render(self, spec: PageSpec) -> bytes:
        """Render one page to UTF-8 bytes, or, for a ``.pdf`` path, to the PDF of the page
        printed (``pdf.html_to_pdf``; its ``files`` name the pictures it shows)."""
        data = spec.data
        html = self.env(spec.lang).get_template(spec.template).render(**{k: data[k] for k in data})
        if not spec.path.endswith(".pdf"):
            return html.encode("utf-8")
        root = Path(self.setup.root)
        generated = {published: data for published, data in generated_assets().values()}
        resolve = site_files(root / "assets", self.setup.assets, generated, data["files"], root / CACHE_DIR)
        # Assets and pictures are named by their content; the build-only fonts are not.
        fonts = sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in (root / "assets/fonts").glob("*.ttf"))
        return html_to_pdf(html, self.abs_url(spec.url), self.setup.base_url, resolve, key=repr((sorted(data["files"].items()), fonts)))


def template_digests(templates: Path) -> dict[str, str]:
    """Return, for each template, a hash of its source and of every template it extends,
    includes or imports (all templates when a name is computed at render time)."""
    sources = {p.relative_to(templates).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted(templates.rglob("*.html")) if p.is_file()}
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    refs: dict[str, set[str] | None] = {}
    for name, text in sources.items():
        try:
            found = set(jinja2.meta.find_referenced_templates(env.parse(text)))
        except jinja2.TemplateSyntaxError:
            found = {None}  # reported when rendered; key on everything meanwhile
        refs[name] = None if None in found else found
    everything = hashlib.blake2b("".join(f"{n}\0{t}\0" for n, t in sources.items()).encode(), digest_size=16).hexdigest()
    out = {}
    for name in sources:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen or current not in sources:
                continue
            seen.add(current)
            if refs[current] is None:
                seen = None
                break
            todo += refs[current]
        out[name] = everything if seen is None else hashlib.blake2b(
            "".join(f"{n}\0{sources[n]}\0" for n in sorted(seen)).encode(), digest_size=16).hexdigest()
    return out


class PageKeys:
    """The cache key of each page spec (see the module docstring), and ``page_key``: what
    every page depends on (engine, site-wide data, assets, every template, and the build's
    data key), which keys the planner's units of pages (``plan.Unit``)."""

    def __init__(self, setup: Setup, templates: dict[str, str], code: str, data: str = "") -> None:
        common = hashlib.blake2b(digest_size=16)
        for part in (code, *(c.digest() for c in setup.configs.values()), repr(sorted(setup.assets.items())), setup.base_url):
            common.update(part.encode() + b"\0")
        self.base, self.templates = common.hexdigest(), templates
        every = "".join(f"{n}\0{d}\0" for n, d in sorted(templates.items()))
        self.page_key = hashlib.blake2b(f"{self.base}\0{data}\0{every}".encode(), digest_size=16).hexdigest()

    def __call__(self, spec: PageSpec) -> bytes:
        """Return the key of one page (16 bytes)."""
        template = self.templates.get(spec.template, "missing")
        text = f"{self.base}\0{template}\0{spec.lang}\0{spec.path}\0{spec.data.digest()}"
        return hashlib.blake2b(text.encode(), digest_size=16).digest()


# --- rendering in worker processes ---------------------------------------------------------

_WORKER: dict[str, Any] = {}
#: A batch of pages for one worker: (spec, key, live record, spare record) each.
Batch = list[tuple[PageSpec, str, Any, Any]]


class TemplateProblem(Exception):
    """A template failed: ``template`` (its name), the ``line`` in it (0 if unknown), and
    a plain ``message``. Picklable, unlike Jinja's own errors, so workers can raise it."""

    def __init__(self, template: str, line: int, message: str) -> None:
        super().__init__(template, line, message)
        self.template, self.line, self.message = template, line, message


def _template_problem(exc: Exception, spec: PageSpec, templates: str) -> TemplateProblem:
    """Name the template file and line a render error happened in."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateProblem(exc.name or spec.template, exc.lineno or 0, f"template syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateProblem(spec.template, 0, f"template error: the template '{exc.name}' does not exist")
    where, line = spec.template, 0
    tb = exc.__traceback__
    root = os.path.abspath(templates)
    while tb is not None:  # Jinja maps template frames to their file and line
        filename = tb.tb_frame.f_code.co_filename
        if os.path.abspath(filename).startswith(root + os.sep):
            where, line = os.path.relpath(filename, root).replace(os.sep, "/"), tb.tb_lineno
        tb = tb.tb_next
    return TemplateProblem(where, line, f"template error while rendering {spec.url}: {exc}")


def _init_worker(setup: Setup, write: Callable[..., Any]) -> None:
    _WORKER["renderer"] = Renderer(setup)
    _WORKER["write"] = write


def _render_batch(batch: Batch) -> list[tuple[str, Any]]:
    renderer, write = _WORKER["renderer"], _WORKER["write"]
    out = []
    for spec, key, live_rec, spare_rec in batch:
        try:
            data = renderer.render(spec)
        except Exception as exc:  # any template mistake becomes an editor-readable error
            raise _template_problem(exc, spec, renderer.setup.templates) from None
        out.append((spec.path, write(spec.path, data, key, live_rec, spare_rec)))
    return out


class PagePool:
    """Renders the pages handed to it and writes each through ``write(path, data, key,
    live record, spare record)``, returning what ``write`` returned.

    The first ``POOL_THRESHOLD`` pages wait; if no more come, they are rendered in this
    process (starting workers costs more than rendering a few pages). Beyond that, pages go
    in batches to worker processes (see ``parallel``), at most a few batches per worker in
    flight, so memory stays bounded however many pages there are. Raises ``TemplateProblem`` for the first page whose template fails.
    """

    def __init__(self, setup: Setup, write: Callable[..., Any], workers: int | None = None) -> None:
        self.setup, self.write = setup, write
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.pending: Batch = []
        self.futures: collections.deque = collections.deque()
        self.pool: ProcessPoolExecutor | None = None
        self.broken = False
        self.batch = 64

    def submit(self, spec: PageSpec, key: bytes, live_rec: Any, spare_rec: Any) -> list[tuple[str, Any]]:
        """Queue one page; returns the results of batches that finished meanwhile."""
        self.pending.append((spec, key, live_rec, spare_rec))
        if self.pool is None and not self.broken and self.workers > 1 and len(self.pending) >= POOL_THRESHOLD:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context(), initializer=_init_worker, initargs=(self.setup, self.write))
        if self.pool is not None and len(self.pending) >= self.batch:
            self._send(self.pending)
            self.pending = []
        done = []
        while self.futures and (self.futures[0][0] is None or self.futures[0][0].done() or len(self.futures) > 3 * self.workers):
            done += self._result()
        return done

    def _send(self, batch: Batch) -> None:
        if self.pool is None:
            self.futures.append((None, batch))
        else:
            self.futures.append((self.pool.submit(_render_batch, batch), batch))

    def _result(self) -> list[tuple[str, Any]]:
        """Return the oldest batch's results; if the workers died (killed, out of memory,
        or a ``__main__`` they cannot import), render it and every later batch here."""
        future, batch = self.futures.popleft()
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                self.broken = True
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
                self.futures = collections.deque((None, b) for _f, b in self.futures)
        _init_worker(self.setup, self.write)
        return _render_batch(batch)

    def close(self) -> list[tuple[str, Any]]:
        """Render what is left; return the remaining results and stop the workers."""
        try:
            if self.pending:
                self._send(self.pending)
                self.pending = []
            done = []
            while self.futures:
                done += self._result()
            return done
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
