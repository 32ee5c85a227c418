"""Command line: ``build`` (default) | ``serve`` | ``check`` | ``new`` | ``report``.

What it prints for editors (problems, counts, summaries, next steps) is in the message
language (``errors.message_language``): Vietnamese, or English with ``--lang en`` or an
environment whose language starts with ``en``. Help texts and argparse's own words are English."""

from __future__ import annotations

import argparse
import dataclasses
import gettext
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .errors import MESSAGE_LANGUAGES, BuildError, ContentError, Msg, as_github, as_json, catalogue, msg, msgn, summary_line, translate, use_language
from .kinds import KINDS

if TYPE_CHECKING:
    from .pipeline import BuildResult

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
            bar["b"] = tqdm(total=total, desc=translate(msg("Photos")), unit=translate(msg("photo")), leave=False)
        bar["b"].n = done
        bar["b"].refresh()
        if done == total:
            bar.pop("b").close()

    return update


LANG_HELP = ("language of the messages: vi (Vietnamese, the default) or en (English); without it, English when the first "
             "of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set starts with 'en'")


def _parser(default_root: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the OCOP site from content/ into output/.",
        epilog="Messages (problems, counts, next steps) are in Vietnamese; add --lang en for English (or set LANG=en_US.UTF-8).")
    sub = parser.add_subparsers(dest="command")
    commands = {
        "build": "build the site into output/ (the default)",
        "check": "validate everything without writing output/",
        "serve": "build, serve on 127.0.0.1 and rebuild on change",
        "new": "create a new entry from a commented skeleton",
        "report": "list recognitions that expired or expire within --months months, by commune and producer",
    }
    for name, text in commands.items():
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--root", type=Path, default=default_root, help=f"project folder (default: {default_root})")
        p.add_argument("--lang", choices=MESSAGE_LANGUAGES, help=LANG_HELP)
        if name == "new":
            p.add_argument("kind", choices=NEW_KINDS)
            p.add_argument("name", help='the entry\'s Vietnamese name, in quotes: "Cu đơ Thành Đạt"')
            continue
        p.add_argument("--now", help="build as of this date (2026-11-30 or 30/11/2026); default SOURCE_DATE_EPOCH or today")
        if name in ("build", "serve"):
            p.add_argument("--base-url", help="override base_url of site_config.yaml")
        if name == "build":
            p.add_argument("--full-search", action="store_true",
                           help="make the search index's base again instead of adding a delta to the last one")
        if name == "check":
            p.add_argument("--strict", action="store_true", help="treat warnings as errors (CI)")
            p.add_argument("--format", choices=("text", "json", "github"), default="text", help="output format")
        if name == "report":
            p.add_argument("--months", type=_months, default=6, help="how far ahead to look, in months (default 6)")
            p.add_argument("--format", choices=("text", "csv"), default="text", help="text to read, or CSV for a spreadsheet")
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
    tr = catalogue(use_language(args.lang))  # the language of everything printed from here on
    root = args.root.resolve()
    from .pipeline import build, check, resolve_today

    try:
        today = resolve_today(getattr(args, "now", None))
    except ValueError as exc:
        problem = _shown(exc.args[0] if exc.args else str(exc), tr)
        parser.error(f"--now: {problem}" if getattr(args, "now", None) else problem)
    if not (root / "site_config.yaml").is_file() and args.command != "new":
        print(msg("error: {root} has no site_config.yaml; run this in the project folder or give --root", root=str(root)).localized(tr),
              file=sys.stderr)
        return 2
    if args.command == "new":
        from .new import NewEntryError, create, next_steps

        try:
            path = create(root, args.kind, args.name, today)
        except NewEntryError as exc:
            print(msg("error: {problem}", problem=exc.args[0]).localized(tr), file=sys.stderr)
            return 1
        print(path.relative_to(root).as_posix())
        print(next_steps(path.relative_to(root).as_posix()).localized(tr))
        return 0
    if args.command == "serve":
        from .serve import serve

        return serve(root, today if args.now else None, args.host, args.port, args.base_url)
    if args.command == "check":
        return _report_check(check(root, today), args.strict, args.format, tr)
    if args.command == "report":
        return _expiry_report(root, today, args.months, args.format, tr)
    started = time.perf_counter()
    try:
        result = build(root, today, args.base_url, progress=_progress_bar(), full_search=args.full_search)
    except BuildError as exc:
        # warnings first, errors last: the errors are what the editor sees above the prompt
        for p in sorted(exc.problems, key=lambda p: (p.is_error, p)):
            print(p.text(tr), file=sys.stderr)
        print(msg("build failed: {summary}; output/ was not changed", summary=summary_line(exc.problems)).localized(tr), file=sys.stderr)
        return 1
    for w in result.warnings:
        print(w.text(tr), file=sys.stderr)
    from .config import load_config

    if urlsplit(site_base := load_config(root, {"base_url": args.base_url}).base_url).hostname in ("127.0.0.1", "localhost", "::1"):
        print(msg("note: base_url is {url}: QR codes, sheets and share links point to this computer; "
                  "publish with --base-url https://…", url=site_base).localized(tr), file=sys.stderr)
    sys.stderr.flush()
    print(_built(result, time.perf_counter() - started, today.isoformat()).localized(tr))
    return 0


def _months(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 120:
        raise argparse.ArgumentTypeError(f"must be a whole number of months from 0 to 120 (got {value!r})")
    return int(value)


def _expiry_report(root: Path, today: Any, months: int, fmt: str, tr: gettext.NullTranslations) -> int:
    """Print the expiry report (``report.py``); content errors stop it like a build."""
    from .errors import current_language
    from .i18n import BABEL_LOCALES
    from .pipeline import load_site, site_records
    from .report import as_csv, as_text, expiry_rows

    try:
        site, _problems = load_site(root, today, cache="read")
    except BuildError as exc:
        for p in sorted(exc.problems, key=lambda p: (p.is_error, p)):
            print(p.text(tr), file=sys.stderr)
        print(msg("report failed: {summary}", summary=summary_line(exc.problems)).localized(tr), file=sys.stderr)
        return 1
    rows = expiry_rows(site_records(site), months)
    lang = current_language()
    sys.stdout.write(as_csv(rows) if fmt == "csv" else as_text(rows, today, months, tr, BABEL_LOCALES.get(lang, lang)))
    return 0


def _shown(text: Any, tr: gettext.NullTranslations) -> str:
    """Return a message (or any text) as shown in the language of ``tr``."""
    return text.localized(tr) if isinstance(text, Msg) else str(text)


def _built(result: BuildResult, seconds: float, date: str) -> Msg:
    """Return the line a successful build prints: files, what changed, entries, media, problems."""
    n = result.summary
    changed = msg("{count} written or linked", count=result.written) if result.written else msg("nothing changed")
    entries = msg(
        "{products}, {producers}, {communes}, {crafts}, {fairs}, {pages}",
        products=msg("{current} current + {expired} expired products", current=n["current"], expired=n["expired"]),
        producers=msgn("{n} producer", "{n} producers", n["producers"]), communes=msgn("{n} commune", "{n} communes", n["communes"]),
        crafts=msgn("{n} craft", "{n} crafts", n["crafts"]), fairs=msgn("{n} fair", "{n} fairs", n["fairs"]),
        pages=msgn("{n} page", "{n} pages", n["pages"]))
    return msgn("built {n} file ({changed}) in {seconds} s as of {date}: {entries}; media {made} made, {reused} reused; {summary}",
                "built {n} files ({changed}) in {seconds} s as of {date}: {entries}; media {made} made, {reused} reused; {summary}",
                result.files, changed=changed, seconds=f"{seconds:.2f}", date=date, entries=entries, made=result.media_made,
                reused=result.media_reused, summary=summary_line(result.warnings))


def _report_check(problems: list[ContentError], strict: bool, fmt: str, tr: gettext.NullTranslations | None = None) -> int:
    """Print check results (one line per problem, sorted, then a count) in the language of
    ``tr`` (default: the message language); return the exit code."""
    tr = catalogue() if tr is None else tr
    if strict:  # notes (on drafts) stay notes: a draft is unfinished by definition
        problems = [dataclasses.replace(p, severity="error") if p.severity == "warning" else p for p in problems]
    problems = sorted(problems)
    summary = summary_line(problems)
    if fmt == "json":
        # \u escapes: exact on any console encoding (cp1252 would degrade Vietnamese letters in paths)
        print(json.dumps({"problems": as_json(problems, tr), "summary": summary.localized(tr)}, ensure_ascii=True, indent=2))
    else:
        for p in problems:
            print(as_github(p, tr) if fmt == "github" else p.text(tr))
        print(msg("check: {summary}", summary=summary).localized(tr))
    return 1 if any(p.is_error for p in problems) else 0
