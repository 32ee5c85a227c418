"""The build, as a table of contents: load → read → assemble → images → render → write."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .config import load_config
from .errors import BuildError, ContentError, rel
from .geography import load_geography
from .cards import run_cards, specs_for
from .images import image_hint, inspect, prune, run_images
from pydantic_core import PydanticCustomError

from .models import TIMEZONE, parse_date
from .reader import read_content
from .render import fingerprint_assets, render_site
from .site import Site, assemble
from .writer import build_lock, write_output


@dataclass
class BuildResult:
    """What a build produced: the site, files written, warnings and stage timings (s)."""

    site: Site
    files: int
    warnings: list[ContentError]
    timings: dict[str, float] = field(default_factory=dict)
    images_encoded: int = 0
    images_reused: int = 0


def resolve_today(now: str | None = None, environ: dict[str, str] | None = None) -> dt.date:
    """Return the build date in Asia/Ho_Chi_Minh.

    ``now`` (``YYYY-MM-DD``) wins, then ``SOURCE_DATE_EPOCH`` (seconds), then the clock.
    Raises ``ValueError`` for an unreadable value.
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
    config = load_config(root, {"base_url": base_url})
    entries, problems, broken = read_content(root, config.max_content_bytes)
    problems += [w for e in entries for w in e.warnings]
    site, more = assemble(root, entries, config, load_geography(config.province_code), today, broken)
    problems += more
    if fail:
        _fail_on_errors(problems)
    return site, problems


def check(root: Path, today: dt.date) -> list[ContentError]:
    """Validate config, content, references and photos without writing anything.

    Returns every problem (errors and warnings), sorted.
    """
    root = root.resolve()
    try:
        site, problems = load_site(root, today, fail=False)
    except BuildError as exc:  # the config itself is broken
        return exc.problems
    return sorted(problems + _inspect_photos(site, root))


def _inspect_photos(site: Site, root: Path) -> list[ContentError]:
    problems = []
    for job in site.image_jobs:
        if message := inspect(job.source, site.config.images):
            problems.append(ContentError(rel(job.source, root), 0, 0, "", f"the photo {message}", image_hint(message)))
    return problems


def build(
    root: Path,
    today: dt.date,
    base_url: str | None = None,
    output: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    lock_wait: float = 60.0,
) -> BuildResult:
    """Build the site of the project at ``root`` into ``output`` (default ``root/output``).

    Raises ``BuildError`` listing every problem; ``output`` is then left as it was. One
    build of a project runs at a time: a second one waits for the lock (``lock_wait``
    seconds at most).
    """
    root = root.resolve()
    with build_lock(root, lock_wait):
        return _build(root, today, base_url, output, progress)


def _build(root: Path, today: dt.date, base_url: str | None, output: Path | None, progress: Callable[[int, int], None] | None) -> BuildResult:
    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    site, problems = load_site(root, today, base_url, fail=False)
    if any(p.is_error for p in problems):  # report photo problems in the same run
        raise BuildError(problems + _inspect_photos(site, root))
    lap("read+assemble")
    report = run_images(site.image_jobs, site.config.images, root, site.config.base_path, progress=progress)
    problems += report.problems
    _fail_on_errors(problems)
    site.images = report.images
    cards, card_files, report.cards_drawn = run_cards(specs_for(site, root), root)
    site.cards = cards
    report.used_files |= card_files
    lap("images")
    assets = fingerprint_assets(root / "assets")
    files = render(site, root, assets)
    lap("render")
    count = write_output(output or root / "output", files, assets, report, root)
    prune(report, root)
    lap("write")
    return BuildResult(site, count, problems, timings, report.encoded, report.reused)


def render(site: Site, root: Path, assets: dict) -> dict[str, bytes]:
    """Render the site; a template error becomes a ``BuildError`` naming template and line."""
    try:
        return render_site(site, root / "templates", assets)
    except jinja2.TemplateSyntaxError as exc:
        where = rel(Path(exc.filename), root) if exc.filename else f"templates/{exc.name}"
        raise BuildError([ContentError(where, exc.lineno, 0, "", f"template syntax error: {exc.message}")]) from None
    except (jinja2.UndefinedError, jinja2.TemplateNotFound, KeyError) as exc:
        raise BuildError([ContentError("templates/", 0, 0, "", f"template error: {exc}")]) from None
