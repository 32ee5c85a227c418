"""Command line: ``build`` (default) | ``serve`` | ``check``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import BuildError, summary_line


def _progress_bar():  # a bar on a terminal, nothing in CI logs
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if "b" not in bar:
            bar["b"] = tqdm(total=total, desc="Ảnh", unit="ảnh", leave=False)
        bar["b"].n = done
        bar["b"].refresh()
        if done == total:
            bar.pop("b").close()

    return update


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 content errors, 2 usage)."""
    parser = argparse.ArgumentParser(prog="build.py", description="Build the OCOP site from content/ into output/.")
    sub = parser.add_subparsers(dest="command")
    for name, text in (("build", "build the site into output/"), ("check", "validate content without writing output/"), ("serve", "build, serve on 127.0.0.1 and rebuild on change")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: current folder)")
        p.add_argument("--now", help="build as of this date (YYYY-MM-DD); default SOURCE_DATE_EPOCH or today")
        if name != "check":
            p.add_argument("--base-url", help="override base_url of site_config.yaml")
        if name == "serve":
            p.add_argument("--port", type=int, default=8000)
            p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: only this computer)")
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]  # plain `python build.py [options]` builds
    args = parser.parse_args(argv)
    command = args.command
    root = args.root.resolve()
    from .pipeline import build, load_site, resolve_today

    try:
        today = resolve_today(getattr(args, "now", None))
    except ValueError as exc:
        parser.error(f"--now / SOURCE_DATE_EPOCH: {exc}")
    if command == "serve":
        from .serve import serve

        return serve(root, today if getattr(args, "now", None) else None, args.host, args.port, args.base_url)
    started = time.perf_counter()
    try:
        if command == "check":
            _site, problems = load_site(root, today)
            for p in problems:
                print(p)
            print(f"check: {summary_line(problems)}")
            return 0
        result = build(root, today, getattr(args, "base_url", None), progress=_progress_bar())
    except BuildError as exc:
        print(exc.report(), file=sys.stderr)
        print("build failed; output/ was not changed", file=sys.stderr)
        return 1
    for w in result.warnings:
        print(w, file=sys.stderr)
    sys.stderr.flush()
    site = result.site
    print(
        f"built {result.files} files in {time.perf_counter() - started:.2f} s as of {today.isoformat()}: "
        f"{len(site.current_products)} current + {len(site.expired_products)} expired products, "
        f"{len(site.producers)} producers, {len(site.communes)} communes, {len(site.crafts)} crafts, "
        f"{len(site.fairs)} fairs, {len(site.pages)} pages; images {result.images_encoded} encoded, "
        f"{result.images_reused} reused; {summary_line(result.warnings)}"
    )
    return 0
