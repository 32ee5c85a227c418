"""Quality gates on the built shipped site (selected with ``-m gate``; see README).

A session fixture builds the real content once into a temporary copy of the project and
serves it on 127.0.0.1; each gate also runs on a deliberately broken page (its negative
control) to prove it can fail.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocopsite.pipeline import build

from ..conftest import PROJECT
from ..webcheck import serve

NOW = dt.date(2026, 11, 30)
CI = PROJECT / ".ci"
ARTIFACTS = Path(os.environ.get("CI_ARTIFACTS", PROJECT / "ci-artifacts"))
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: One page per template (path under the site root).
TEMPLATE_PAGES = {
    "home": "",
    "products": "san-pham/",
    "expired": "san-pham/het-han/",
    "stars": "sao/4/",
    "group": "nhom/thuc-pham/",
    "product": "san-pham/nuoc-mam-ky-phu/",
    "producers": "chu-the/",
    "producer": "chu-the/htx-thu-mua-va-che-bien-thuy-hai-san-ky-phu/",
    "communes": "xa-phuong/",
    "commune": "xa-phuong/thien-cam/",
    "crafts": "lang-nghe/",
    "craft": "lang-nghe/non-la-ba-giang/",
    "fairs": "hoi-cho/",
    "fair": "hoi-cho/le-hoi-cam-ha-tinh-2024/",
    "booklet": "hoi-cho/le-hoi-cam-ha-tinh-2024/tap-san-pham/",
    "page": "gioi-thieu-ocop/",
    "search": "tim-kiem/",
    "stats": "thong-ke/",
    "data": "du-lieu/",
    "map": "ban-do/",
    "check": "kiem-tra/",
    "outlets": "diem-ban/",
    "enquiry": "hoi-hang/",
    "404": "404.html",
    "en-home": "en/",
    "en-products": "en/products/",
    "en-product": "en/products/nuoc-mam-ky-phu/",
    "en-product-untranslated": "en/products/nuoc-mam-lach-ken/",
    "en-producer": "en/producers/htx-thu-mua-va-che-bien-thuy-hai-san-ky-phu/",
    "en-commune": "en/communes/thien-cam/",
    "en-fair": "en/fairs/le-hoi-cam-ha-tinh-2024/",
    "en-booklet": "en/fairs/le-hoi-cam-ha-tinh-2024/booklet/",
    "en-page": "en/gioi-thieu-ocop/",
    "en-search": "en/search/",
    "en-stats": "en/statistics/",
    "en-check": "en/check/",
    "en-enquiry": "en/enquiry/",
    "en-outlets": "en/where-to-buy/",
}


def project_copy(destination: Path) -> Path:
    """Copy what a build reads (content, templates, assets, config) to ``destination``."""
    for name in ("content", "templates", "assets"):
        shutil.copytree(PROJECT / name, destination / name)
    shutil.copy(PROJECT / "site_config.yaml", destination)
    return destination


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Path:
    """The shipped content, built as of 2026-11-30 with the default base URL."""
    root = project_copy(tmp_path_factory.mktemp("gates") / "site")
    build(root, NOW)
    return root


@pytest.fixture(scope="session")
def served(shipped: Path) -> Iterator[str]:
    """The shipped build served at the root of a 127.0.0.1 origin; yields its URL."""
    with serve(shipped / "output") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, through Playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def broken_site(tmp_path_factory) -> Iterator[str]:
    """A folder of deliberately broken pages (the negative controls), served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("broken")
    (folder / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    (folder / "ok.html").write_text("<!doctype html><html lang=en><title>ok</title><p>ok</p></html>", encoding="utf-8")
    with serve(folder) as url:
        yield url


#: Broken on purpose, once for every gate: invalid HTML, a console error, a missing image,
#: an image without alt, unreadable contrast, no description, a broken link, a script that
#: blocks rendering for seconds.
BROKEN_PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>x</title>
<script>const t = Date.now(); while (Date.now() - t < 3000) {} console.error("broken on purpose");</script>
</head>
<body>
<div><p>unclosed <span>
<img src="missing.png">
<p style="color:#eee;background:#fff;font-size:9px">unreadable</p>
<a href="nowhere.html">a broken link</a>
<a href="#no-such-anchor">a broken anchor</a>
</body>
</html>
"""
