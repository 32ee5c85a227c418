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


def test_products_without_photos_show_their_group_tile_and_share_card(shipped) -> None:
    root, result = shipped
    product = next(p for p in result.site.products if p.slug == "nuoc-mam-ky-phu")
    assert not product.photos and product.meta.group is not None
    html = (root / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    visual = html[html.index('class="entry-visual"'):]
    visual = visual[:visual.index("</div>")]
    assert f'class="tile t-{product.meta.group.value}"' in visual, "the drawn tile in the product group's colour"
    assert f"img/picto/{product.meta.group.value}." in visual and product.meta.name in visual
    assert "Chưa có ảnh" not in html
    og = html.split('property="og:image" content="', 1)[1].split('"', 1)[0]
    assert og.startswith("http") and (root / "output" / og.split("/", 3)[3]).is_file()


def test_every_current_product_with_a_sourced_group_is_grouped_or_says_why(shipped) -> None:
    _root, result = shipped
    for p in result.site.current_products:
        assert p.meta.group is not None or any("nhóm" in n for n in p.meta.notes), p.slug


def _pages_in_sitemap(root: Path) -> list[Path]:
    import re

    sitemap = (root / "output/sitemap.xml").read_text(encoding="utf-8")
    paths = [re.sub(r"^https?://[^/]+/", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    return [root / "output" / p / "index.html" if not p.endswith(".html") else root / "output" / p for p in paths]


def test_every_indexable_page_has_a_share_picture(shipped) -> None:
    import re

    root, _ = shipped
    pages = _pages_in_sitemap(root)
    assert len(pages) > 150
    for path in pages:
        html = path.read_text(encoding="utf-8")
        meta = dict(re.findall(r'<meta property="(og:image(?::\w+)?)" content="([^"]*)"', html))
        assert set(meta) >= {"og:image", "og:image:width", "og:image:height", "og:image:alt"}, path
        assert meta["og:image"].startswith("http") and meta["og:image:alt"].strip(), path
        assert (root / "output" / meta["og:image"].split("/", 3)[3]).is_file(), (path, meta["og:image"])


def test_no_filter_chip_leads_to_an_empty_list(shipped) -> None:
    import re

    root, _ = shipped
    chips = set()
    for path in _pages_in_sitemap(root):
        chips |= set(re.findall(r'<a class="chip" href="/([^"]*)"', path.read_text(encoding="utf-8")))
    assert any(c.startswith("sao/") for c in chips) and any(c.startswith("nhom/") for c in chips)
    for target in chips:
        html = (root / "output" / target / "index.html").read_text(encoding="utf-8")
        assert '<li class="card' in html, f"the chip to /{target} leads to a list with no product"
