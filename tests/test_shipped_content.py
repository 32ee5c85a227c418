"""The real Hà Tĩnh content shipped in content/ builds cleanly and says what it should."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ocopsite.pipeline import build

from .conftest import PROJECT


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("shipped")
    for name in ("content", "templates", "assets"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site_config.yaml", root)
    return root, build(root, dt.date(2026, 11, 30))


def test_shipped_site_builds_with_no_errors(shipped) -> None:
    _root, result = shipped
    site = result.site
    assert len(site.products) >= 40
    assert len(site.crafts) == 19
    assert len(site.fairs) >= 8
    assert len(site.communes) == 69
    assert all(p.commune for p in site.products), "every product is mapped to a current commune"
    assert {p.slug for p in site.pages} >= {"gioi-thieu-ocop", "chuong-trinh-ocop-ha-tinh", "lien-he"}


def test_expired_recognitions_are_not_current(shipped) -> None:
    root, result = shipped
    expired = {p.slug for p in result.site.expired_products}
    assert "dau-lac-tuan-cuc" in expired  # recognised 2020, not renewed
    html = (root / "output/san-pham/dau-lac-tuan-cuc/index.html").read_text(encoding="utf-8")
    assert "Hết hạn" in html
    catalogue = "".join(p.read_text(encoding="utf-8") for p in (root / "output/san-pham").glob("index.html"))
    assert "Dầu lạc Tuấn Cúc" not in catalogue


def test_placeholder_for_products_without_photos(shipped) -> None:
    root, _ = shipped
    html = (root / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    assert "placeholder" in html and "Chưa có ảnh" in html
