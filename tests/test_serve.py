"""Live preview: the WSGI app's path safety and error page, debounced rebuilds, and the
real ``build.py serve`` process driven over HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ocopsite.errors import ContentError
from ocopsite.pipeline import build
from ocopsite.serve import PreviewApp, PreviewState, Rebuilder

from .conftest import PROJECT, TODAY


def call(app: PreviewApp, path: str) -> tuple[str, bytes]:
    result: dict = {}

    def start_response(status, headers):
        result["status"] = status

    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path.encode("utf-8").decode("latin-1")}, start_response))
    return result["status"], body


@pytest.fixture
def app(small_site: Path, tmp_path: Path) -> PreviewApp:
    build(small_site, TODAY)
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", small_site / "output" / "leak.txt")
    return PreviewApp(small_site / "output", PreviewState())


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", "200 OK"),
        ("/san-pham/nuoc-mam-ky-phu/", "200 OK"),
        ("/san-pham/nuoc-mam-ky-phu", "200 OK"),
        ("/khong-co/", "404 Not Found"),
        ("/../secret.txt", "403 Forbidden"),
        ("/san-pham/../../secret.txt", "403 Forbidden"),
        ("/..%2f..%2fsecret.txt", "404 Not Found"),  # not decoded twice: a plain missing name
        ("//etc/passwd", "404 Not Found"),
        ("/leak.txt", "403 Forbidden"),  # a symlink out of output/
        ("/a\\..\\..\\secret.txt", "403 Forbidden"),
        ("/x\x00.html", "403 Forbidden"),
        ("/C:/Windows/win.ini", "403 Forbidden"),
    ],
)
def test_preview_serves_only_files_inside_output(app: PreviewApp, path: str, status: str) -> None:
    got, body = call(app, path)
    assert got == status
    assert b"secret" not in body


def test_failed_rebuild_shows_the_errors_instead_of_a_stale_page(app: PreviewApp) -> None:
    app.state.problems = [ContentError("content/pages/x.md", 2, 8, "title", "is required", "add a line 'title: …'")]
    status, body = call(app, "/san-pham/")
    assert status == "500 Internal Server Error"
    text = body.decode()
    assert "Preview not available" in text and "<html lang=en>" in text
    assert "content/pages/x.md:2:8: title: is required (add a line &#x27;title: …&#x27;)" in text
    app.lang = "vi"  # the editor's default: the page and the problems in Vietnamese
    text = call(app, "/san-pham/")[1].decode()
    assert "Chưa xem trước được" in text and "<html lang=vi>" in text
    assert "content/pages/x.md:2:8" in text and "is required" not in text
    assert "Nước mắm Kỳ Phú" not in text
    assert call(app, "/assets/img/logo.svg")[0] == "200 OK", "assets still load"
    app.state.problems = []
    assert call(app, "/san-pham/")[0] == "200 OK"


def test_an_edit_is_published_with_its_search_record_in_a_delta(small_site: Path) -> None:
    rebuild = Rebuilder(small_site, TODAY, "http://127.0.0.1:8000/", PreviewState())
    rebuild()
    out = small_site / "output"

    def catalogue() -> dict:
        return json.loads((out / "pagefind/vi/catalogue.json").read_text(encoding="utf-8"))

    before = catalogue()
    hashes = {r[1]: r[-1] for r in before["rows"]}
    assert len(before["bundles"]) == 1, "the first build makes a base and no delta"
    page = small_site / "content/products/nuoc-mam-ky-phu/index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Câu chuyện", "Chuyện làng chài Kỳ Phú"), encoding="utf-8")
    rebuild._build_once()
    assert "Chuyện làng chài Kỳ Phú" in (out / "san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    after = catalogue()
    assert after["bundles"][0] == before["bundles"][0] and len(after["bundles"]) == 2, "the base stays; a delta holds the edit"
    changed = {url for url, h in ((r[1], r[-1]) for r in after["rows"]) if hashes[url] != h}
    assert changed == {"/san-pham/nuoc-mam-ky-phu/"}, "only the edited entry's record is new"
    delta = out / "pagefind/vi" / after["bundles"][1]
    assert (delta / "pagefind-entry.json").is_file() and not (delta / "pagefind.js").exists(), "the delta is merged, not loaded alone"
    published = {p.relative_to(out / "pagefind/vi").as_posix().split("/")[0] for p in (out / "pagefind/vi").iterdir()}
    assert published == {"catalogue.json", *(b.rstrip("/") for b in after["bundles"])}, "no old bundle stays published"


def test_a_burst_of_saves_is_one_rebuild(small_site: Path) -> None:
    state = PreviewState()
    rebuild = Rebuilder(small_site, TODAY, "http://127.0.0.1:8000/", state)
    rebuild()
    assert rebuild.builds == 1
    page = small_site / "content/pages/gioi-thieu.md"

    def save_five_times() -> None:
        for i in range(5):
            page.write_text(page.read_text(encoding="utf-8") + f"\nLần lưu {i}.\n", encoding="utf-8")
            time.sleep(0.1)

    saver = threading.Thread(target=save_five_times)
    saver.start()
    time.sleep(0.05)
    rebuild()
    saver.join()
    assert rebuild.builds == 2
    assert "Lần lưu 4." in (small_site / "output/gioi-thieu/index.html").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_process_rebuilds_shows_errors_and_recovers(small_site: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(small_site), "--port", str(port), "--now", "2026-11-30"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        def up():
            try:
                return _get(base + "/")
            except OSError:
                return None

        status, body = _wait_for(up)
        assert status == 200 and "livereload.js" in body
        # the preview's injected inline script would break the site's CSP, so the preview drops it
        assert "Content-Security-Policy" not in body
        assert "Content-Security-Policy" in (small_site / "output/index.html").read_text(encoding="utf-8")
        with socket.create_connection(("127.0.0.1", port)) as s:  # a raw request, not normalised by a client
            s.sendall(b"GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = s.recv(200)
        assert reply.startswith(b"HTTP/1.1 403")
        page = small_site / "content/pages/gioi-thieu.md"
        good = page.read_text(encoding="utf-8")
        page.write_text("---\ntitle: [không đóng\n---\n", encoding="utf-8")
        status, body = _wait_for(lambda: (r := _get(base + "/gioi-thieu/"))[0] == 500 and r)
        assert "content/pages/gioi-thieu.md:2:" in body
        page.write_text(good.replace("Trang giới thiệu", "Trang đã sửa"), encoding="utf-8")
        status, body = _wait_for(lambda: (r := _get(base + "/gioi-thieu/"))[0] == 200 and r)
        assert "Trang đã sửa" in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class LiveReloadClient:
    """A browser's live-reload connection (livereload's protocol over a WebSocket), in a
    thread of its own; ``reloads`` counts the reload messages received."""

    def __init__(self, port: int) -> None:
        import asyncio
        import json

        from tornado.websocket import websocket_connect

        self.reloads = 0
        self.ready = threading.Event()

        async def talk() -> None:
            ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
            await ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
            await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}))
            self.ready.set()
            while (message := await ws.read_message()) is not None:
                if json.loads(message).get("command") == "reload":
                    self.reloads += 1

        threading.Thread(target=lambda: asyncio.run(talk()), daemon=True).start()
        assert self.ready.wait(10), "the live-reload connection did not open"


def _serve(site: Path) -> tuple[subprocess.Popen, str, int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site), "--port", str(port), "--now", "2026-11-30"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True).start()
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return _get(base + "/")
        except OSError:
            return None

    _wait_for(up)
    proc.lines = lines  # type: ignore[attr-defined]
    return proc, base, port


def test_copying_many_folders_at_once_is_one_rebuild_and_one_reload(small_site: Path) -> None:
    proc, base, port = _serve(small_site)
    try:
        client = LiveReloadClient(port)
        rebuilt = lambda: [line for line in proc.lines if line.startswith("rebuilt")]  # noqa: E731
        before = len(rebuilt())
        template = (small_site / "content/products/keo-cu-do/index.md").read_text(encoding="utf-8")
        for i in range(12):  # like dragging 12 product folders in at once
            folder = small_site / f"content/products/keo-moi-{i}"
            folder.mkdir()
            (folder / "index.md").write_text(template.replace("Kẹo cu đơ Hà Tĩnh", f"Kẹo mới {i}"), encoding="utf-8")
        _wait_for(lambda: "Kẹo mới 11" in _get(base + "/san-pham/keo-moi-11/")[1])
        time.sleep(1.5)  # let any further rebuild show itself
        assert len(rebuilt()) == before + 1, rebuilt()
        assert client.reloads == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_save_right_after_a_reload_is_built_and_reloaded_too(small_site: Path) -> None:
    proc, base, port = _serve(small_site)
    try:
        client = LiveReloadClient(port)
        page = small_site / "content/pages/gioi-thieu.md"
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("Trang giới thiệu", "Bản một"), encoding="utf-8")
        _wait_for(lambda: client.reloads >= 1, timeout=10)
        page.write_text(text.replace("Trang giới thiệu", "Bản hai"), encoding="utf-8")  # within a second of the reload
        _wait_for(lambda: client.reloads >= 2, timeout=10)
        assert "Bản hai" in _get(base + "/gioi-thieu/")[1]
        page.write_text("---\ntitle: [hỏng\n---\n", encoding="utf-8")  # a broken save reloads too, to show the errors
        _wait_for(lambda: client.reloads >= 3, timeout=10)
        assert _get(base + "/gioi-thieu/")[0] == 500
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_sub_path_build_is_previewed_at_its_sub_path(small_site: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(small_site), "--port", str(port), "--now", "2026-11-30",
         "--base-url", f"http://127.0.0.1:{port}/ocop/"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        def up():
            try:
                return _get(base + "/ocop/")
            except OSError:
                return None

        status, body = _wait_for(up)
        assert status == 200 and 'href="/ocop/san-pham/"' in body
        status, body = _get(base + "/ocop/san-pham/nuoc-mam-ky-phu/")
        assert status == 200 and "Nước mắm Kỳ Phú" in body
        for href in re.findall(r'(?:href|src)="(/[^"]*)"', body):
            if not href.startswith(("/livereload", "//")):  # the preview's own live-reload script
                assert href.startswith("/ocop/"), href
                with urllib.request.urlopen(base + href.split("#")[0], timeout=5) as r:
                    assert r.status == 200, href
        assert _get(base + "/san-pham/")[0] == 404, "the site is not served at the root"
        assert _get(base + "/")[0] == 200, "the root redirects to the site"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
