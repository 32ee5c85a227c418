"""Live preview for editors: build, serve ``output/`` on 127.0.0.1, rebuild on change.

livereload watches the sources and reloads the browser; the pages themselves are served
by ``PreviewApp``, a small WSGI app that serves only files inside ``output/`` (no path
traversal, no symlinks out) and, while the content is broken, answers every page with a
readable list of the problems instead of a stale page.
"""

from __future__ import annotations

import datetime as dt
import html
import mimetypes
import re
import socket
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from pathlib import Path
from urllib.parse import quote, urlsplit

from .errors import BuildError, ContentError, catalogue, current_language, msg, msgn, summary_line, translate

WATCHED = ("content", "templates", "assets", "site_config.yaml")
_CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
QUIET_SECONDS = 0.1  # saves closer together than this are one burst, built once
#: watchdog events that change a file (not "opened", "closed_no_write": reads).
_CHANGING = {"created", "modified", "deleted", "moved", "closed"}


class PreviewState:
    """The outcome of the last rebuild: its problems (empty when it succeeded)."""

    def __init__(self) -> None:
        self.problems: list[ContentError] = []
        self.crash: str | None = None
        self.lock = threading.Lock()

    @property
    def failed(self) -> bool:
        """Return True when the last rebuild did not produce a site."""
        return bool(self.crash or any(p.is_error for p in self.problems))


class PreviewApp:
    """WSGI app serving ``output`` read-only, or the error page after a failed rebuild.

    ``base_path`` is the path the site is built for (``/ocop/`` for a sub-path build): the
    site is served there, as it will be once published, and ``/`` redirects to it. The error
    page is in ``lang`` (default: the message language, see ``errors.current_language``).
    """

    def __init__(self, output: Path, state: PreviewState, base_path: str = "/", lang: str | None = None) -> None:
        self.output, self.state, self.lang = output, state, lang
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Answer one request (GET/HEAD only)."""
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return self._send(start_response, "405 Method Not Allowed", b"method not allowed\n", "text/plain")
        raw = environ.get("PATH_INFO", "/")
        try:  # WSGI gives the path as latin-1 decoded bytes
            path = raw.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            path = raw
        if self.base_path != "/":
            if path in ("", "/", self.base_path.rstrip("/")):
                start_response("302 Found", [("Location", self.base_path), ("Content-Length", "0")])
                return []
            if not path.startswith(self.base_path):
                return self._send(start_response, "404 Not Found", self._not_found(), "text/html; charset=utf-8")
            path = "/" + path[len(self.base_path):]
        target = self.resolve(path)
        if target is None:
            return self._send(start_response, "403 Forbidden", b"forbidden\n", "text/plain")
        if self.base_path != "/" and not path.endswith("/") and self._is_page_folder(path):
            # A page's folder asked for without its '/': send the browser to the page's own
            # address, as the published server does, so links and bookmarks are that one.
            query = environ.get("QUERY_STRING", "")
            location = quote(self.base_path + path.lstrip("/") + "/", safe="/") + (f"?{query}" if query else "")
            start_response("302 Found", [("Location", location), ("Content-Length", "0")])
            return []
        is_page = target.suffix == ".html" or not target.suffix
        if self.state.failed and is_page:
            return self._send(start_response, "500 Internal Server Error", self.error_page(), "text/html; charset=utf-8")
        if not target.is_file():
            return self._send(start_response, "404 Not Found", self._not_found(), "text/html; charset=utf-8")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/xml", "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        body = target.read_bytes()
        if target.suffix == ".html":
            # The preview injects livereload's inline script, which the site's CSP (rightly)
            # forbids; the published files keep their CSP.
            body = _CSP_META.sub(b"", body, count=1)
        return self._send(start_response, "200 OK", body, kind, environ.get("REQUEST_METHOD") == "HEAD")

    def _is_page_folder(self, path: str) -> bool:
        """Return True when ``path`` (already checked by ``resolve``) names a folder of
        ``output`` that holds a page."""
        parts = [p for p in path.split("/") if p not in ("", ".")]
        folder = self.output.joinpath(*parts)
        return bool(parts) and folder.is_dir() and (folder / "index.html").is_file()

    def _not_found(self) -> bytes:
        page = self.output / "404.html"
        return _CSP_META.sub(b"", page.read_bytes(), count=1) if page.is_file() else b"not found\n"

    def resolve(self, path: str) -> Path | None:
        """Map a URL path to a file inside ``output``; None when it would leave it.

        ``..`` segments, backslashes, NUL bytes and symlinks pointing outside are refused.
        """
        if "\x00" in path or "\\" in path:
            return None
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if any(p == ".." or ":" in p for p in parts):
            return None
        root = self.output.resolve()
        target = self.output.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        try:
            real = target.resolve()
        except OSError:
            return None
        if not real.is_relative_to(root):
            return None
        return target

    def error_page(self) -> bytes:
        """Return the HTML page listing the problems of the last rebuild."""
        with self.state.lock:
            problems, crash = list(self.state.problems), self.state.crash
        lang = self.lang or current_language()
        tr = catalogue(lang)
        items = "".join(
            f"<li{' class=warn' if not p.is_error else ''}><code>{html.escape(p.text(tr))}</code></li>" for p in problems
        )
        summary = summary_line(problems).localized(tr)
        detail = f"<pre>{html.escape(crash)}</pre>" if crash else f"<p>{html.escape(summary)}</p><ol>{items}</ol>"
        title = html.escape(msg("Content errors — preview").localized(tr))
        heading = html.escape(msg("Preview not available: the content has errors").localized(tr))
        advice = html.escape(msg("Fix the problems below and save the file; the page reloads by itself.").localized(tr))
        return (
            f"<!doctype html><html lang={lang}><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'><title>{title}</title>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
            "h1{color:#a11}li{margin:.4rem 0}code{white-space:pre-wrap;word-break:break-word}.warn{color:#555}</style>"
            f"</head><body><h1>{heading}</h1><p>{advice}</p>"
            f"{detail}</body></html>"
        ).encode("utf-8")

    @staticmethod
    def _send(start_response: Callable, status: str, body: bytes, kind: str, head: bool = False) -> list[bytes]:
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [] if head else [body]


def _snapshot(root: Path) -> dict[str, float]:
    """Return the modification time of every watched source file (used when no watcher
    reports changes, as in tests that call a ``Rebuilder`` directly)."""
    seen: dict[str, float] = {}
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else (p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []
        for p in paths:
            try:
                seen[str(p)] = p.stat().st_mtime_ns
            except OSError:
                pass
    return seen


class Changes:
    """Source changes reported by the operating system (watchdog: inotify, FSEvents,
    ReadDirectoryChangesW): a counter and the time of the last one, so a burst of saves,
    40 folders copied in at once or a ``git pull`` is seen whole, however many files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.version = 0  # every change of a source file
        self.last = 0.0
        self.cond = threading.Condition()

    def dispatch(self, event: object) -> None:
        """Count one watchdog event if it touches a source file (the observer calls this)."""
        if getattr(event, "event_type", "") not in _CHANGING:  # reads (the build's own) are no change
            return
        paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
        if any(p and _is_source(self.root, os.fsdecode(p)) for p in paths):
            with self.cond:
                self.version += 1
                self.last = time.monotonic()
                self.cond.notify_all()

    def wait_for_change(self, seen: int) -> int:
        """Block until the counter passes ``seen``; return it."""
        with self.cond:
            while self.version == seen:
                self.cond.wait()
            return self.version

    def wait_quiet(self, quiet: float = QUIET_SECONDS, limit: float = 5.0) -> int:
        """Wait until no change came for ``quiet`` seconds (at most ``limit``); return the counter."""
        started = time.monotonic()
        with self.cond:
            while time.monotonic() - started < limit:
                left = quiet - (time.monotonic() - self.last)
                if left <= 0:
                    break
                self.cond.wait(left)
            return self.version


class Rebuilder:
    """Rebuild after changes: wait until saves stop, build once, repeat if sources changed
    during the build. Runs one rebuild at a time, with a warm ``Session`` (entries parsed
    once stay in memory). ``on_done`` is called after each rebuild (the browser reload)."""

    def __init__(self, root: Path, today: dt.date | None, base_url: str, state: PreviewState,
                 changes: Changes | None = None, on_done: Callable[[], None] | None = None) -> None:
        from .pipeline import Session

        self.root, self.today, self.base_url, self.state = root, today, base_url, state
        self.changes, self.on_done = changes, on_done
        self.session = Session()
        self.builds = 0
        self.last_seconds = 0.0
        self._running = threading.Lock()

    def _mark(self) -> object:
        return self.changes.version if self.changes else _snapshot(self.root)

    def wait_quiet(self, quiet: float = QUIET_SECONDS, limit: float = 5.0) -> object:
        """Wait until no watched file changed for ``quiet`` seconds (at most ``limit``)."""
        if self.changes:
            return self.changes.wait_quiet(quiet, limit)
        before, started = _snapshot(self.root), time.monotonic()
        while time.monotonic() - started < limit:
            time.sleep(quiet)
            now = _snapshot(self.root)
            if now == before:
                return now
            before = now
        return before

    def __call__(self) -> None:
        """Rebuild until the sources are the ones built."""
        with self._running:
            while True:
                sources = self.wait_quiet() if self.builds else self._mark()
                self.builds += 1
                self._build_once()
                if self.on_done:  # the pages are written: browsers reload
                    self.on_done()
                if self._mark() == sources:
                    return

    def _build_once(self) -> None:
        from .pipeline import build, resolve_today

        started = time.perf_counter()
        try:
            result = build(self.root, self.today or resolve_today(), self.base_url, session=self.session)
        except BuildError as exc:
            self._record(exc.problems, None)
            print(exc.report(), file=sys.stderr)
            print(translate(msg("rebuild failed; the browser shows the errors")), file=sys.stderr)
        except Exception as exc:  # the preview must survive anything a rebuild throws
            self._record([], f"{type(exc).__name__}: {exc}")
            print(translate(msg("rebuild crashed: {error}", error=repr(exc))), file=sys.stderr)
        else:
            self._record(result.warnings, None)
            self.last_seconds = time.perf_counter() - started
            print(translate(msgn("rebuilt in {seconds} s: {n} file written; {summary}", "rebuilt in {seconds} s: {n} files written; {summary}",
                                 result.written, seconds=f"{self.last_seconds:.2f}", summary=summary_line(result.warnings))), flush=True)

    def _record(self, problems: list[ContentError], crash: str | None) -> None:
        with self.state.lock:
            self.state.problems, self.state.crash = sorted(problems), crash


class _Reloads:
    """livereload's watcher, told that changes are watched here (``Changes``): it never
    polls, and browsers reload when ``now()`` is called after a rebuild, whatever the time
    since the last reload (livereload ignores changes within 3 s of one)."""

    def __init__(self) -> None:
        from livereload.watcher import Watcher

        class Quiet(Watcher):
            def start(self, callback: Callable) -> bool:
                return True  # no polling: ``Changes`` reports changes

            def examine(self) -> tuple[None, None]:
                return None, None

        self.watcher = Quiet()
        self.watcher.watch("ocopsite")  # a task, so livereload does not watch the folder itself
        self.loop = None

    def now(self) -> None:
        """Ask every connected browser to reload (from any thread)."""
        from livereload.handlers import LiveReloadHandler

        if self.loop is not None:
            self.loop.add_callback(LiveReloadHandler.reload_waiters, "*")


def serve(root: Path, today: dt.date | None, host: str, port: int, base_url: str | None) -> int:
    """Serve until interrupted. Returns the exit code."""
    from livereload import Server
    from tornado.ioloop import IOLoop

    if host not in ("127.0.0.1", "localhost", "::1"):
        print(translate(msg("warning: serving on {host} makes the preview reachable from other computers", host=host)), file=sys.stderr)
    local = base_url or f"http://{'127.0.0.1' if host in ('127.0.0.1', 'localhost') else host}:{port}/"
    try:  # fail early and plainly, before building, if the port is taken
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        print(translate(msg("error: cannot listen on {host}:{port} ({reason}); try another port with --port {other}",
                            host=host, port=port, reason=exc.strerror, other=port + 1)), file=sys.stderr)
        return 2
    state, changes, reloads = PreviewState(), Changes(root), _Reloads()
    rebuild = Rebuilder(root, today, local, state, changes, reloads.now)
    rebuild()
    output = root / "output"
    output.mkdir(exist_ok=True)
    observer = _observer(root, changes)
    threading.Thread(target=_rebuild_forever, args=(rebuild, changes), daemon=True).start()
    server = Server(app=PreviewApp(output, state, urlsplit(local).path), watcher=reloads.watcher)
    reloads.loop = IOLoop.current()
    print(translate(msg("serving {url} (Ctrl+C to stop)", url=local)), flush=True)  # the site's own address: a sub-path build is served there
    try:
        server.serve(root=str(output), host=host, port=port, open_url_delay=None)
    finally:
        observer.stop()
    return 0


def _observer(root: Path, changes: Changes) -> Any:
    """Start watching the sources: the source folders, and the config in the project folder
    (not ``output/`` or ``.cache/``, which the build writes). Where the system's watches run
    out (Linux allows 8,192 folders by default on older systems), poll instead."""
    from watchdog import events as ev
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    # Only changes: the build reads every file, and asking for reads too overflowed
    # inotify's queue at 16,000 products (then every event was lost).
    changing = [ev.FileCreatedEvent, ev.FileModifiedEvent, ev.FileDeletedEvent, ev.FileMovedEvent, ev.FileClosedEvent,
                ev.DirCreatedEvent, ev.DirDeletedEvent, ev.DirMovedEvent]
    for kind in (Observer, PollingObserver):
        observer = kind()
        try:
            for name in WATCHED[:-1]:
                if (root / name).is_dir():
                    observer.schedule(changes, str(root / name), recursive=True, event_filter=changing)
            observer.schedule(changes, str(root), recursive=False, event_filter=changing)
            observer.start()
            return observer
        except OSError as exc:
            print(translate(msg("note: cannot watch the files ({error}); checking them for changes every second instead", error=str(exc))),
                  file=sys.stderr)
    raise RuntimeError("no file watcher could start")


def _rebuild_forever(rebuild: Rebuilder, changes: Changes) -> None:
    """Rebuild whenever sources change (the preview's background thread)."""
    seen = changes.version
    while True:
        seen = changes.wait_for_change(seen)
        rebuild()
        seen = changes.version


def _is_source(root: Path, path: str) -> bool:
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    name = rel.rsplit("/", 1)[-1]
    if name.startswith(".") or name.endswith(("~", ".swp", ".swo", ".tmp")):
        return False
    return rel == "site_config.yaml" or rel.split("/", 1)[0] in WATCHED
