"""Command line: ``build`` (default) | ``serve`` | ``check`` | ``new``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from .errors import BuildError, ContentError, as_github, as_json, summary_line
from .kinds import KINDS

NEW_KINDS = tuple(k.name for k in KINDS.values() if k.creatable)


def _progress_bar():  # a bar on a terminal, nothing in CI logs
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if total <= 5:  # a bar for a handful of photos is noise
            return
        if "b" not in bar:
            bar["b"] = tqdm(total=total, desc="Ảnh", unit="ảnh", leave=False)
        bar["b"].n = done
        bar["b"].refresh()
        if done == total:
            bar.pop("b").close()

    return update


def _parser(default_root: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the OCOP site from content/ into output/.")
    sub = parser.add_subparsers(dest="command")
    commands = {
        "build": "build the site into output/ (the default)",
        "check": "validate everything without writing output/",
        "serve": "build, serve on 127.0.0.1 and rebuild on change",
        "new": "create a new entry from a commented skeleton",
    }
    for name, text in commands.items():
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--root", type=Path, default=default_root, help=f"project folder (default: {default_root})")
        if name == "new":
            p.add_argument("kind", choices=NEW_KINDS)
            p.add_argument("name", help='the entry\'s Vietnamese name, in quotes: "Cu đơ Thành Đạt"')
            continue
        p.add_argument("--now", help="build as of this date (2026-11-30 or 30/11/2026); default SOURCE_DATE_EPOCH or today")
        if name in ("build", "serve"):
            p.add_argument("--base-url", help="override base_url of site_config.yaml")
        if name == "check":
            p.add_argument("--strict", action="store_true", help="treat warnings as errors (CI)")
            p.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
        if name == "serve":
            p.add_argument("--port", type=int, default=8000)
            p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: only this computer)")
    return parser


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 content errors, 2 usage).

    ``default_root`` is the project folder when ``--root`` is not given (``build.py``
    passes its own folder, so it works from any current directory).
    """
    from .console import readable_output

    readable_output()  # a cp1252 or cp1258 console degrades letters instead of crashing
    parser = _parser(default_root or Path.cwd())
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]  # plain `python build.py [options]` builds
    args = parser.parse_args(argv)
    root = args.root.resolve()
    from .pipeline import build, check, resolve_today

    try:
        today = resolve_today(getattr(args, "now", None))
    except ValueError as exc:
        parser.error(f"--now: {exc}" if getattr(args, "now", None) else str(exc))
    if not (root / "site_config.yaml").is_file() and args.command != "new":
        print(f"error: {root} has no site_config.yaml; run this in the project folder or give --root", file=sys.stderr)
        return 2
    if args.command == "new":
        from .new import NewEntryError, create

        try:
            path = create(root, args.kind, args.name, today)
        except NewEntryError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        from .new import NEXT_STEPS

        print(path.relative_to(root).as_posix())
        print(NEXT_STEPS.format(path=path.relative_to(root).as_posix()))
        return 0
    if args.command == "serve":
        from .serve import serve

        return serve(root, today if args.now else None, args.host, args.port, args.base_url)
    if args.command == "check":
        return _report_check(check(root, today), args.strict, args.format)
    started = time.perf_counter()
    try:
        result = build(root, today, args.base_url, progress=_progress_bar())
    except BuildError as exc:
        # warnings first, errors last: the errors are what the editor sees above the prompt
        for p in sorted(exc.problems, key=lambda p: (p.is_error, p)):
            print(p, file=sys.stderr)
        print(f"build failed: {summary_line(exc.problems)}; output/ was not changed", file=sys.stderr)
        return 1
    for w in result.warnings:
        print(w, file=sys.stderr)
    from .config import load_config

    if urlsplit(site_base := load_config(root, {"base_url": args.base_url}).base_url).hostname in ("127.0.0.1", "localhost", "::1"):
        print(f"note: base_url is {site_base}: QR codes, sheets and share links point to this computer; "
              "publish with --base-url https://…", file=sys.stderr)
    sys.stderr.flush()
    n = result.summary
    changed = f"{result.written} written or linked" if result.written else "nothing changed"
    print(
        f"built {result.files} files ({changed}) in {time.perf_counter() - started:.2f} s as of {today.isoformat()}: "
        f"{n['current']} current + {n['expired']} expired products, {n['producers']} producers, "
        f"{n['communes']} communes, {n['crafts']} crafts, {n['fairs']} fairs, {n['pages']} pages; "
        f"media {result.media_made} made, {result.media_reused} reused; {summary_line(result.warnings)}"
    )
    return 0


def _report_check(problems: list[ContentError], strict: bool, fmt: str) -> int:
    """Print check results (one line per problem, sorted, then a count); return the exit code."""
    if strict:  # notes (on drafts) stay notes: a draft is unfinished by definition
        problems = [dataclasses.replace(p, severity="error") if p.severity == "warning" else p for p in problems]
    problems = sorted(problems)
    if fmt == "json":
        # \u escapes: exact on any console encoding (cp1252 would degrade Vietnamese letters in paths)
        print(json.dumps({"problems": as_json(problems), "summary": summary_line(problems)}, ensure_ascii=True, indent=2))
    else:
        for p in problems:
            print(as_github(p) if fmt == "github" else p)
        print(f"check: {summary_line(problems)}")
    return 1 if any(p.is_error for p in problems) else 0
