"""Shared fixtures: tiny sites written into tmp_path, built with the project's templates."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2026, 11, 30)

CONFIG = """\
title: OCOP Test
tagline: Sản phẩm thử
base_url: https://example.org/
page_size: 1
images:
  widths: [64, 128, 320]
"""

@pytest.fixture(autouse=True)
def english_messages(monkeypatch) -> None:
    """Run every test in English, the language of the message ids, as if the editor's
    machine were set to ``LANGUAGE=en`` (also for the processes tests start): the
    assertions quote the messages in English. ``tests/test_messages.py`` checks the
    Vietnamese default and the catalogue."""
    from ocopsite.errors import LANGUAGE_VARIABLES, use_language

    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "en")
    use_language(None)


def tree(folder: Path, search: str = "bytes") -> dict[str, str]:
    """Return {relative path: sha256} of every file under ``folder``.

    With ``search="live"``, the search index is compared by what it holds rather than by
    its bytes (an incremental build's index is a base plus a delta, a clean build's a base
    alone): each catalogue without its bundle list and page hashes, and, for each language,
    the live records (key and digest) of the project's index state beside ``folder``.
    """
    import json

    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(folder).as_posix()
        if search == "live" and rel.startswith("pagefind/"):
            if rel.endswith("/catalogue.json"):
                data = json.loads(p.read_bytes())
                data["bundles"] = []
                data["rows"] = [row[:-1] for row in data["rows"]]
                out[rel] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
            continue
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    if search == "live":
        out["(live search records)"] = live_records(folder.parent)
    return out


def live_records(root: Path) -> str:
    """Return a hash of every language's live search records (key → digest) in the index
    state of the project at ``root``."""
    from ocopsite.search import Indexer

    state = Indexer(root).state
    assert state is not None, "the project has an index state"
    live = {lang: sorted((k, d) for k, (d, _h) in records.items()) for lang, records in state.live.items()}
    return hashlib.sha256(repr(sorted(live.items())).encode()).hexdigest()


#: A small valid site covering every page kind and the model rules.
SMALL_SITE = {
    "content/producers/htx-ky-phu/index.md": """\
        ---
        name: HTX Thu mua và chế biến thủy hải sản Kỳ Phú
        type: cooperative
        former_address:
          commune: xã Kỳ Phú
          district: huyện Kỳ Anh
        contact:
          phone: 0243456701
          zalo: 0912345678
        model_cooperative: 2020
        ---
        Hợp tác xã làm nước mắm.
        """,
    "content/products/nuoc-mam-ky-phu/index.md": """\
        ---
        name: Nước mắm Kỳ Phú
        group: food
        producer: htx-ky-phu
        former_address:
          commune: xã Kỳ Phú
          district: huyện Kỳ Anh
        recognitions:
          - stars: 3
            date: 01/03/2021
            kind: first
            decision: "123/QĐ-UBND"
          - stars: 4
            date: 15/10/2024
            kind: upgrade
            decision: "2394/QĐ-UBND"
            criteria: "148"
        price: 150.000
        summary: Nước mắm truyền thống.
        images:
          - src: chai.jpg
            alt: Chai nước mắm Kỳ Phú
        ---
        Câu chuyện **nước mắm**.
        """,
    "content/products/dau-lac-tuan-cuc/index.md": """\
        ---
        name: Dầu lạc Tuấn Cúc
        group: food
        producer: htx-ky-phu
        commune: Xã Hương Khê
        recognitions:
          - stars: 3
            date: 2020
        ---
        Đã hết hạn.
        """,
    "content/products/keo-cu-do/index.md": """\
        ---
        name: Kẹo cu đơ Hà Tĩnh
        group: food
        producer: htx-ky-phu
        commune: cam-binh
        recognitions:
          - stars: 3
            date: 2025-03-25
        ---
        """,
    "content/products/ban-nhap/index.md": """\
        ---
        name: Bản nháp
        draft: true
        producer:
        commune: cam-binh
        recognitions:
          - stars: 5
            date: 2025-01-01
        ---
        """,
    "content/crafts/non-la-ky-thu/index.md": """\
        ---
        name: Nón lá Kỳ Thư
        craft: nón lá
        former_address:
          commune: xã Kỳ Thư
          district: huyện Kỳ Anh
        recognition_type: traditional_craft
        recognition_year: 2014
        products: [nuoc-mam-ky-phu]
        ---
        Làng nón.
        """,
    "content/fairs/le-hoi-cam-2026/index.md": """\
        ---
        name: Lễ hội Cam 2026
        start: 20/12/2026
        end: 2026-12-22
        city: Hà Tĩnh
        products: [nuoc-mam-ky-phu]
        producers: [htx-ky-phu]
        ---
        Sắp diễn ra.
        """,
    "content/fairs/le-hoi-cam-2024/index.md": """\
        ---
        name: Lễ hội Cam 2024
        start: 2024-11-15
        end: 2024-11-17
        booths: 100
        ---
        Đã diễn ra.
        """,
    "content/pages/gioi-thieu.md": """\
        ---
        title: Giới thiệu
        menu: 1
        ---
        Trang giới thiệu.
        """,
    "content/communes/cam-binh.md": """\
        ---
        summary: Xã ven thành phố.
        ---
        Giới thiệu xã Cẩm Bình.
        """,
}


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``{relative path: text or bytes}`` under ``root`` (text is dedented)."""
    for rel_path, data in files.items():
        path = root / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")


@pytest.fixture
def write_site(tmp_path: Path):
    """Return a function that makes a project in ``tmp_path`` from ``{path: content}``.

    The project gets the real templates and assets, a small ``site_config.yaml`` (unless
    one is given) and the given files.
    """

    def make(files: dict[str, str | bytes], config: str = CONFIG) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        shutil.copytree(PROJECT / "templates", root / "templates", dirs_exist_ok=True)
        shutil.copytree(PROJECT / "assets", root / "assets", dirs_exist_ok=True)
        (root / "site_config.yaml").write_text(config, encoding="utf-8")
        write_files(root, files)
        return root

    return make


@pytest.fixture
def small_site(write_site) -> Path:
    """The small valid site, with one photo (EXIF orientation 6)."""
    root = write_site(SMALL_SITE)
    shutil.copy(DATA / "images" / "hopper_orientation_6.jpg", root / "content/products/nuoc-mam-ky-phu/chai.jpg")
    return root
