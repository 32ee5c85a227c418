"""Helpers for tests that look at a built site over HTTP: a static server on 127.0.0.1
that serves a folder under a path prefix, and a crawler that follows every internal link."""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit


@contextlib.contextmanager
def serve(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``folder`` at ``http://127.0.0.1:<port><prefix>``; yield that URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            path = urlsplit(path).path
            if not path.startswith(prefix):
                return str(folder / "__missing__")
            return super().translate_path("/" + path[len(prefix):])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src", "action"):  # a form's action is where it leads (the search page)
            if a.get(name):
                self.links.append(a[name])
        if a.get("srcset"):
            self.links += [part.strip().split(" ")[0] for part in a["srcset"].split(",")]
        if tag == "meta" and a.get("property") == "og:image":
            self.links.append(a["content"])
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh" and "url=" in (a.get("content") or ""):
            self.links.append(a["content"].split("url=", 1)[1].strip())  # a redirect page (GS1 Digital Link)


def crawl(output: Path, base_url: str) -> tuple[int, list[str]]:
    """Serve ``output`` under ``base_url``'s path on 127.0.0.1 and follow every internal
    link (absolute links to ``base_url`` included). Returns ``(pages seen, problems)``:
    each problem names the status or missing anchor and the URL or page."""
    prefix = urlsplit(base_url).path
    with serve(output, prefix) as start:
        origin = start[: -len(prefix)]
        return _crawl(origin, prefix, base_url)


def _crawl(origin: str, prefix: str, base_url: str) -> tuple[int, list[str]]:
    broken: list[str] = []
    pages: dict[str, _Links] = {}
    anchors: list[tuple[str, str]] = []
    queue: list[tuple[str, str]] = [(origin + prefix, "(start)")]
    seen: set[str] = set()
    while queue:
        url, source = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                body, kind = r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            broken.append(f"{e.code} {url} (linked from {source})")
            continue
        if "html" not in kind:
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        pages[url] = parser
        for link in parser.links:
            target = urljoin(url, html.unescape(link))
            if target.startswith(base_url):  # absolute canonical/OG URLs of this site
                target = origin + prefix + target[len(base_url):]
            if not target.startswith(origin):
                continue
            if not urlsplit(target).path.startswith(prefix):
                broken.append(f"outside {prefix}: {link} (on {url})")
            page_url, _, anchor = target.partition("#")
            queue.append((page_url, url))
            if anchor:
                anchors.append((target, url))
    for target, source in anchors:
        page_url, _, anchor = target.partition("#")
        if page_url in pages and anchor not in pages[page_url].ids:
            broken.append(f"missing anchor #{anchor} (on {source})")
    return len(pages), broken
