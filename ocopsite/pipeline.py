"""The build, as a table of contents: load → read → assemble → media → plan → render → write."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic_core import PydanticCustomError

from .config import SiteConfig, load_config
from .errors import BuildError, ContentError
from .models import TIMEZONE, parse_date
from .site import Site


@dataclass
class BuildResult:
    """What a build produced: the site, how many files the output has and how many were
    written (0 when nothing changed), warnings, media counts, and stage timings (s)."""

    site: Site
    files: int
    written: int
    warnings: list[ContentError]
    media_made: int = 0
    media_reused: int = 0
    timings: dict[str, float] = field(default_factory=dict)


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
            raise ValueError(str(exc)) from None
    if epoch := environ.get("SOURCE_DATE_EPOCH"):
        return dt.datetime.fromtimestamp(int(epoch), TIMEZONE).date()
    return dt.datetime.now(TIMEZONE).date()


def _fail_on_errors(problems: list[ContentError]) -> None:
    if any(p.is_error for p in problems):
        raise BuildError(problems)


def load_site(root: Path, today: dt.date, base_url: str | None = None, fail: bool = True) -> tuple[Site, list[ContentError]]:
    """Run load, read and assemble. Raises ``BuildError`` with every error found (with
    ``fail=False``, only for a broken config; content problems are returned)."""
    from .geography import load_geography
    from .reader import read_content
    from .site import assemble

    config = load_config(root, {"base_url": base_url})
    entries, problems, broken = read_content(root, config.max_content_bytes, config.images)
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
        site, problems = load_site(root, today, fail=False)
    except BuildError as exc:  # the config itself is broken
        return exc.problems
    return sorted(problems + inspect_photos(site, root))


def build(
    root: Path,
    today: dt.date,
    base_url: str | None = None,
    output: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    lock_wait: float = 60.0,
    workers: int | None = None,
) -> BuildResult:
    """Build the site of the project at ``root`` into ``output`` (default ``root/output``).

    Raises ``BuildError`` listing every problem; ``output`` is then left as it was. One
    build of a project runs at a time: a second one waits for the lock (``lock_wait``
    seconds at most). ``workers`` caps the processes used (default: one per core); the
    output is the same whatever it is.
    """
    from .writer import build_lock

    root = root.resolve()
    with build_lock(root, lock_wait):
        return _build(root, today, base_url, output or root / "output", progress, workers)


class _Laps(dict):
    """Stage timings in seconds, in the order the stages ran."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self[stage], self.clock = now - self.clock, now


def _build(root: Path, today: dt.date, base_url: str | None, output: Path,
           progress: Callable[[int, int], None] | None, workers: int | None) -> BuildResult:
    from .media import inspect_photos, prune, run_media
    from .plan import plan
    from .writer import write_output

    laps = _Laps()
    site, problems = load_site(root, today, base_url, fail=False)
    if any(p.is_error for p in problems):  # report photo problems in the same run
        raise BuildError(problems + inspect_photos(site, root))
    laps.lap("read+assemble")
    media, more = run_media(site, root, workers, progress)
    problems += more
    _fail_on_errors(problems)
    laps.lap("media")
    specs = plan(site, media)
    laps.lap("plan")
    items, render = prepare_render(site, media, specs, root, workers)
    laps.lap("keys")
    files, written = write_output(output, root, items, render)
    prune(root, media)
    laps.lap("render+write")
    return BuildResult(site, files, written, problems, media.made, media.reused, dict(laps))


def prepare_render(site: Site, media, specs: list, root: Path, workers: int | None):
    """Return every output file as writer items (pages by render key, machine outputs,
    media and assets), and the function that renders the pages the writer asks for."""
    import hashlib

    from .media import CACHE_DIR
    from .outputs import machine_outputs
    from .plan import site_data
    from .render import Setup, TemplateProblem, code_version, fingerprint_assets, page_keys, render_pages, template_digests
    from .writer import Item

    assets = fingerprint_assets(root / "assets")
    setup = Setup(str(root / "templates"), site_data(site), {name: published for name, (_src, published) in assets.items()}, site.config.base_url)
    keys = page_keys(specs, setup, template_digests(root / "templates"), code_version())
    items = {spec.path: Item(key, page=spec) for spec, key in zip(specs, keys)}
    for path, data in machine_outputs(site, specs).items():
        items[path] = Item(hashlib.blake2b(data, digest_size=16).hexdigest(), data=data)
    for path, name in media.files.items():
        items[path] = Item("m:" + name, source=root / CACHE_DIR / name)
    for _name, (source, published) in assets.items():  # copied, never linked: editors change assets in place
        data = source.read_bytes()
        items["assets/" + published] = Item(hashlib.blake2b(data, digest_size=16).hexdigest(), data=data)

    def render(pages: list, writer) -> dict:
        try:
            return render_pages(pages, setup, writer, workers)
        except TemplateProblem as exc:
            raise BuildError([ContentError(f"templates/{exc.template}", exc.line, 0, "", exc.message)]) from None

    return items, render


__all__ = ["BuildResult", "SiteConfig", "build", "check", "load_site", "resolve_today"]
