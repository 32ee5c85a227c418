"""A fair's booth kit: the product booklet (a page, and its PDF made at build time), and the
service worker that keeps the fair's page and booklet for a phone offline."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from ocopsite.kinds import booklet_url, translate_path
from ocopsite.pdf import site_files
from ocopsite.pipeline import build

from .conftest import TODAY

FAIR = "hoi-cho/le-hoi-cam-2026"  # lists one product (the small site)
PAST = "hoi-cho/le-hoi-cam-2024"  # lists none


@pytest.fixture
def site(small_site: Path) -> Path:
    config = small_site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: [vi, en]\n", encoding="utf-8")
    build(small_site, TODAY)
    return small_site


def pdf_text(path: Path) -> tuple[list[str], list[tuple[int, int]]]:
    """Return the text of each page (lines joined by spaces) and each page's size in millimetres."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    sizes = [tuple(round(float(v) * 25.4 / 72) for v in p.mediabox.upper_right) for p in reader.pages]
    return [" ".join(p.extract_text().split()) for p in reader.pages], sizes


def test_a_fair_booklet_lists_its_products_with_qr_codes_and_prints_to_an_a5_pdf(site: Path) -> None:
    out = site / "output"
    html = (out / FAIR / "tap-san-pham/index.html").read_text(encoding="utf-8")
    # its own product, then the current products of its producer (the expired one is not brought)
    assert re.findall(r'<h2><a href="/san-pham/([^/]+)/">', html) == ["nuoc-mam-ky-phu", "keo-cu-do"]
    assert '<img src="/san-pham/nuoc-mam-ky-phu/qr.svg"' in html and '<meta name="robots" content="noindex">' in html
    assert 'href="/hoi-cho/le-hoi-cam-2026/tap-san-pham/le-hoi-cam-2026.pdf" download' in html
    texts, sizes = pdf_text(out / FAIR / "tap-san-pham/le-hoi-cam-2026.pdf")
    assert set(sizes) == {(148, 210)} and len(texts) == 2  # the cover, then the products
    assert "Lễ hội Cam 2026" in texts[0] and "Tập giới thiệu sản phẩm OCOP" in texts[0] and "1 / 2" in texts[0]
    assert "Nước mắm Kỳ Phú" in texts[1] and "Kẹo cu đơ Hà Tĩnh" in texts[1] and "HTX Thu mua và chế biến thủy hải sản Kỳ Phú" in texts[1] and "2 / 2" in texts[1]
    assert "150.000" in texts[1] and "https://example.org/san-pham/nuoc-mam-ky-phu/" in texts[1].replace(" ", "")
    fair = (out / FAIR / "index.html").read_text(encoding="utf-8")
    assert 'href="/hoi-cho/le-hoi-cam-2026/tap-san-pham/"' in fair  # the fair page leads to its kit


def test_the_english_booklet_is_in_english(site: Path) -> None:
    texts, _sizes = pdf_text(site / "output/en/fairs/le-hoi-cam-2026/booklet/le-hoi-cam-2026.pdf")
    assert "OCOP product booklet" in texts[0]
    assert "https://example.org/en/products/nuoc-mam-ky-phu/" in texts[1].replace(" ", "")


def test_a_fair_that_names_no_product_gets_the_provinces_current_products_and_says_so(site: Path) -> None:
    html = (site / "output" / PAST / "tap-san-pham/index.html").read_text(encoding="utf-8")
    # it has ended: the booklet prints from the browser, no PDF is made for a booth already gone
    assert not list((site / "output" / PAST / "tap-san-pham").glob("*.pdf")) and ".pdf" not in html
    assert "Danh sách sản phẩm tham gia hội chợ này chưa được ghi nhận" in html
    listed = re.findall(r'<h2><a href="/san-pham/([^/]+)/">', html)
    current = [p["id"] for p in json.loads((site / "output/du-lieu/products.json").read_text(encoding="utf-8"))["products"]
               if p["status"] == "valid"]
    assert sorted(listed) == sorted(current) and "dau-lac-tuan-cuc" not in listed  # expired: not brought


def test_the_offline_copy_keeps_only_the_fairs_folder_and_files_that_exist(site: Path) -> None:
    out = site / "output"
    worker = (out / FAIR / "sw.js").read_text(encoding="utf-8")
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", worker).group(1))
    assert files[:2] == ["/hoi-cho/le-hoi-cam-2026/", "/hoi-cho/le-hoi-cam-2026/tap-san-pham/"]
    assert "/san-pham/nuoc-mam-ky-phu/qr.svg" in files
    for url in files:
        target = out / url.lstrip("/")
        assert (target / "index.html" if url.endswith("/") else target).is_file(), url
    navigations = [u for u in files if u.endswith("/")]
    assert all(u.startswith("/hoi-cho/le-hoi-cam-2026/") for u in navigations)  # pages of the fair only
    assert 'data-sw="/hoi-cho/le-hoi-cam-2026/sw.js" data-scope="/hoi-cho/le-hoi-cam-2026/"' in (out / FAIR / "index.html").read_text(encoding="utf-8")


def test_the_booklet_has_its_own_address_in_each_language() -> None:
    assert booklet_url("x") == "/hoi-cho/x/tap-san-pham/" and booklet_url("x", "en") == "/en/fairs/x/booklet/"
    assert translate_path("/hoi-cho/x/tap-san-pham/", "en") == "/en/fairs/x/booklet/"
    assert translate_path("/en/fairs/x/booklet/", "vi") == "/hoi-cho/x/tap-san-pham/"


def test_the_pdf_reads_only_the_sites_own_files(tmp_path: Path) -> None:
    assets, cache = tmp_path / "assets", tmp_path / "cache"
    (assets / "css").mkdir(parents=True)
    (assets / "fonts").mkdir()
    cache.mkdir()
    (assets / "css/style.css").write_text("p {}")
    (assets / "fonts/NotoSans-Regular.ttf").write_bytes(b"font")
    (cache / "abc.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("secret")
    resolve = site_files(assets, {"css/style.css": "css/style.1234.css"}, {"css/tiles.9.css": b"t"}, {"/san-pham/x/qr.svg": "abc.svg"}, cache)
    assert resolve("assets/css/style.1234.css") == b"p {}" and resolve("assets/css/tiles.9.css") == b"t"
    assert resolve("assets/fonts/NotoSans-Regular.ttf") == b"font" and resolve("san-pham/x/qr.svg") == b"<svg/>"
    for path in ("assets/css/style.css", "assets/fonts/../../secret.txt", "assets/../secret.txt", "secret.txt", "san-pham/y/qr.svg"):
        assert resolve(path) is None, path


def test_making_a_pdf_does_not_let_a_truncated_photo_through(site: Path, tmp_path: Path) -> None:
    # WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported
    from ocopsite.media.photos import inspect
    from ocopsite.pdf import html_to_pdf

    from .conftest import DATA
    from .test_images import SETTINGS

    html_to_pdf("<p>x</p>", "https://example.org/a/", "https://example.org/", lambda path: None)
    whole = (DATA / "images/flower.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) // 2])
    assert inspect(tmp_path / "cut.jpg", SETTINGS)[0].startswith("the photo is damaged or truncated")
