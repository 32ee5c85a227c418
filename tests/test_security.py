"""Hostile input: escaping, sanitising, paths, sizes, tags, CSP (tests/data/content/hostile.md)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import pytest

from ocopsite.errors import BuildError
from ocopsite.pipeline import build

from .conftest import CONFIG, DATA, SMALL_SITE, TODAY

HOSTILE = (DATA / "content/hostile.md").read_text(encoding="utf-8")


def with_photo(root: Path) -> Path:
    (root / "content/products/nuoc-mam-ky-phu/chai.jpg").write_bytes((DATA / "images/hopper.jpg").read_bytes())
    return root


def errors_of(root: Path) -> list[str]:
    with pytest.raises(BuildError) as exc:
        build(root, TODAY)
    return [str(e) for e in exc.value.errors]


def test_hostile_image_paths_are_refused_and_nothing_outside_is_read(write_site) -> None:
    root = with_photo(write_site({**SMALL_SITE, "content/products/nhung-huou/index.md": HOSTILE}))
    assert errors_of(root) == [
        "content/products/nhung-huou/index.md:6:5: images.0.src: '../../../../etc/passwd' is not a file name in this entry's folder "
        "(put the photo next to index.md and write only its file name)",
        "content/products/nhung-huou/index.md:8:5: images.1.src: '/etc/hostname' is not a file name in this entry's folder "
        "(put the photo next to index.md and write only its file name)",
    ]
    assert not (root / "output").exists()


def test_hostile_text_is_escaped_and_the_body_sanitised(write_site) -> None:
    text = re.sub(r"images:\n(  .*\n)+", "", HOSTILE)
    root = with_photo(write_site({**SMALL_SITE, "content/products/nhung-huou/index.md": text}))
    build(root, TODAY)
    html = (root / "output/san-pham/nhung-huou/index.html").read_text(encoding="utf-8")
    assert "<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Nhung hươu</h1>" in html
    assert "<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Nhung hươu — OCOP Test</title>" in html
    body = html.split("Câu chuyện sản phẩm")[1].split("</section>")[0]
    assert "onerror" not in body and "javascript:" not in body and "iframe" not in body and "evil.example" not in body
    assert "<a rel=\"noopener noreferrer\">a link</a>" in body
    for page in (root / "output").rglob("*.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page


def test_editor_text_is_never_rendered_as_a_template(write_site) -> None:
    files = dict(SMALL_SITE)
    files["content/pages/gioi-thieu.md"] = "---\ntitle: \"{{ 7 * 7 }} {% if true %}x{% endif %}\"\n---\n{{ config.title }} {% raw %}\n"
    root = with_photo(write_site(files))
    build(root, TODAY)
    html = (root / "output/gioi-thieu/index.html").read_text(encoding="utf-8")
    assert "<h1>{{ 7 * 7 }} {% if true %}x{% endif %}</h1>" in html
    assert "{{ config.title }} {% raw %}" in html


def test_python_tags_in_yaml_are_an_error(write_site) -> None:
    root = with_photo(write_site({**SMALL_SITE, "content/pages/x.md": "---\ntitle: !!python/object/apply:os.system [\"touch pwned\"]\n---\n"}))
    assert errors_of(root) == [
        "content/pages/x.md:2:8: title: the YAML tag !!python/object/apply:os.system is not allowed (remove the tag; write plain text)"
    ]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("C:\\\\Users\\\\anh.jpg", "'C:\\Users\\anh.jpg' is not a file name in this entry's folder"),
        ("\\\\server\\\\anh.jpg", "'\\server\\anh.jpg' is not a file name in this entry's folder"),
        ("anh\\0.jpg", "contains an invisible control character U+0000 (NUL)"),
        ("lien-ket.jpg", "'lien-ket.jpg' points outside this entry's folder"),
        ("tai-lieu.pdf", "'tai-lieu.pdf' is not a photo"),
    ],
)
def test_image_paths_cannot_leave_the_entry_folder(write_site, tmp_path: Path, src: str, message: str) -> None:
    root = write_site(SMALL_SITE)
    outside = tmp_path / "outside.jpg"
    outside.write_bytes((DATA / "images/hopper.jpg").read_bytes())
    os.symlink(outside, root / "content/products/nuoc-mam-ky-phu/lien-ket.jpg")
    (root / "content/products/nuoc-mam-ky-phu/chai.jpg").write_bytes((DATA / "images/hopper.jpg").read_bytes())
    index = root / "content/products/nuoc-mam-ky-phu/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("src: chai.jpg", f'src: "{src}"'), encoding="utf-8")
    [error] = [e for e in errors_of(root) if "images.0.src" in e]
    assert message in error


def test_size_limits_are_clear_errors(write_site) -> None:
    config = CONFIG.replace("images:\n", "max_content_bytes: 2000\nimages:\n  max_bytes: 5000\n  max_per_entry: 1\n")
    files = dict(SMALL_SITE)
    files["content/pages/dai.md"] = "---\ntitle: Dài\n---\n" + "chữ " * 1000
    root = write_site(files, config=config)
    (root / "content/products/nuoc-mam-ky-phu/chai.jpg").write_bytes((DATA / "images/hopper.jpg").read_bytes())
    keo = root / "content/products/keo-cu-do/index.md"
    keo.write_text(keo.read_text(encoding="utf-8").replace("recognitions:", "images: [{src: a.jpg, alt: a}, {src: b.jpg, alt: b}]\nrecognitions:"), encoding="utf-8")
    assert errors_of(root) == [
        "content/pages/dai.md: the file is 6,020 bytes, over the limit of 2,000 (split it or shorten it)",
        "content/products/keo-cu-do/index.md:6:1: images: lists 2 photos, more than the limit of 1 (keep the best ones; the limit is images.max_per_entry in site_config.yaml)",
        "content/products/nuoc-mam-ky-phu/index.md:21:5: images.0.src: 'chai.jpg' is 6,412 bytes, over the limit of 5,000 "
        "(save a smaller copy of the photo; the limit is images.max_bytes in site_config.yaml)",
    ]


def test_drafts_future_entries_dotfiles_and_backups_never_reach_output(write_site) -> None:
    files = dict(SMALL_SITE)
    files["content/pages/sap-toi.md"] = "---\ntitle: Sắp tới\npublish_date: 2027-01-01\n---\n"
    files["content/pages/.an.md"] = "---\ntitle: Ẩn\n---\n"
    files["content/pages/nhap.md~"] = "---\ntitle: Bản lưu\n---\n"
    files["assets/css/style.css~"] = "backup"
    files["assets/.DS_Store"] = "x"
    files["assets/css/.swp"] = "x"
    root = with_photo(write_site(files))
    build(root, TODAY)
    out = {p.relative_to(root / "output").as_posix() for p in (root / "output").rglob("*")}
    leaked = [path for path in out if path.split("/")[0] in ("sap-toi", "an", "nhap", "ban-nhap") or path.endswith("~") or "/." in "/" + path]
    assert not leaked
    build(root, __import__("datetime").date(2027, 1, 2))
    assert (root / "output/sap-toi/index.html").is_file(), "published once its date has come"


def test_every_page_carries_a_csp_it_satisfies(small_site: Path) -> None:
    build(small_site, TODAY)
    for page in (small_site / "output").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        [csp] = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        csp = __import__("html").unescape(csp)
        inline = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(t.encode()).digest()).decode()}'" for t in inline)
        # pages that search may compile WebAssembly (Pagefind), and run only the site's own scripts
        wasm = " 'wasm-unsafe-eval'" if 'data-finder="search"' in html else ""
        assert csp.startswith(f"default-src 'self'; script-src 'self'{wasm}{hashes}; style-src 'self';"), page
        assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/ld\+json\"))", html), f"inline script in {page}"
        assert not re.search(r"\sstyle=|\son[a-z]+=", html), f"inline style or handler in {page}"
