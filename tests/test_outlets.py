"""Points of sale (điểm bán) as entries: where they are, when they open, what they carry;
each product page lists the ones that carry it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ocopsite.errors import BuildError
from ocopsite.pipeline import build

from .conftest import TODAY, write_files

OUTLET = "content/outlets/cua-hang-ocop-ha-tinh/index.md"
SHOP = """\
    ---
    name: Cửa hàng giới thiệu sản phẩm OCOP Hà Tĩnh
    type: cửa hàng OCOP
    commune: cam-binh
    address: 02 Nguyễn Du
    hours:
      - days: T2-T7
        opens: "7h30"
        closes: "17:00"
      - days: CN
        opens: "8:00"
        closes: "11:30"
    location: {lat: 18.3436, lon: 105.9057}
    products: [nuoc-mam-ky-phu, keo-cu-do]
    sources:
      - https://example.org/cua-hang-ocop
    ---
    Cửa hàng bày bán sản phẩm OCOP của các huyện.
    """


@pytest.fixture
def site(small_site: Path) -> Path:
    config = small_site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: [vi, en]\n", encoding="utf-8")
    write_files(small_site, {OUTLET: SHOP})
    return small_site


def test_a_point_of_sale_has_its_page_with_hours_address_and_products(site: Path) -> None:
    build(site, TODAY)
    html = (site / "output/diem-ban/cua-hang-ocop-ha-tinh/index.html").read_text(encoding="utf-8")
    assert "<dd>Điểm giới thiệu và bán sản phẩm OCOP</dd>" in html
    assert "Thứ Hai – Thứ Bảy: <time>07:30</time>–<time>17:00</time>" in html and "Chủ nhật: <time>08:00</time>–<time>11:30</time>" in html
    assert "02 Nguyễn Du, <a href=\"/xa-phuong/cam-binh/\">" in html
    assert "/san-pham/nuoc-mam-ky-phu/" in html and "/san-pham/keo-cu-do/" in html
    store = next(item for item in json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))["@graph"]
                 if item["@type"] == "Store")
    assert store["openingHoursSpecification"][0] == {"@type": "OpeningHoursSpecification", "opens": "07:30", "closes": "17:00",
                                                     "dayOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]}
    assert store["geo"] == {"@type": "GeoCoordinates", "latitude": 18.3436, "longitude": 105.9057}
    en = (site / "output/en/where-to-buy/cua-hang-ocop-ha-tinh/index.html").read_text(encoding="utf-8")
    assert "Monday – Saturday" in en and "Opening hours" in en
    index = (site / "output/diem-ban/index.html").read_text(encoding="utf-8")
    assert '<a href="/diem-ban/cua-hang-ocop-ha-tinh/">Cửa hàng giới thiệu sản phẩm OCOP Hà Tĩnh</a>' in index
    assert "/diem-ban/cua-hang-ocop-ha-tinh/</loc>" in (site / "output/sitemap.xml").read_text(encoding="utf-8")


def test_a_product_page_lists_the_points_of_sale_that_carry_it(site: Path) -> None:
    build(site, TODAY)
    product = (site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    where = product.split('<section id="noi-mua">', 1)[1].split("</section>", 1)[0]
    assert '<a href="/diem-ban/cua-hang-ocop-ha-tinh/">Cửa hàng giới thiệu sản phẩm OCOP Hà Tĩnh</a>' in where
    assert "Chưa có cửa hàng hay gian hàng trực tuyến" not in where
    other = (site / "output/san-pham/dau-lac-tuan-cuc/index.html").read_text(encoding="utf-8")
    assert "Chưa có cửa hàng hay gian hàng trực tuyến" in other  # not carried there


def test_an_edit_of_a_point_of_sale_updates_the_products_it_carries(site: Path) -> None:
    build(site, TODAY)
    path = site / OUTLET
    path.write_text(path.read_text(encoding="utf-8").replace("products: [nuoc-mam-ky-phu, keo-cu-do]", "products: [keo-cu-do]"), encoding="utf-8")
    build(site, TODAY)
    product = (site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    assert "/diem-ban/cua-hang-ocop-ha-tinh/" not in product
    assert "/diem-ban/cua-hang-ocop-ha-tinh/" in (site / "output/san-pham/keo-cu-do/index.html").read_text(encoding="utf-8")


def test_wrong_days_hours_and_products_are_refused_at_their_lines(site: Path) -> None:
    path = site / OUTLET
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("days: CN", "days: Chủ nhựt").replace('closes: "17:00"', 'closes: "25:00"')
                    .replace("keo-cu-do]", "keo-cu-do, banh-khong-co]"), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(site, TODAY)
    lines = [str(e) for e in exc.value.errors]
    assert any(line.startswith(f"{OUTLET}:9:5: hours.0.closes: '25:00' is not a time of day; write it as 07:30") for line in lines), lines
    assert any(line.startswith(f"{OUTLET}:10:5: hours.1.days: 'Chủ nhựt' is not a day of the week") for line in lines), lines
    assert f"{OUTLET}:14:40: products.2: no product has the slug 'banh-khong-co' (use the folder name of a product under content/)" in lines
    assert not (site / "output").exists()  # nothing half-built


def test_points_of_sale_are_in_the_open_data_and_on_the_map(site: Path) -> None:
    build(site, TODAY)
    data = site / "output/du-lieu"
    [row] = json.loads((data / "outlets.json").read_text(encoding="utf-8"))["outlets"]
    assert row["id"] == "cua-hang-ocop-ha-tinh" and row["type"] == "ocop_shop" and row["commune"] == "Xã Cẩm Bình"
    assert row["hours"] == ["Mo-Sa 07:30-17:00", "Su 08:00-11:30"] and row["products"] == ["keo-cu-do", "nuoc-mam-ky-phu"]
    import jsonschema

    jsonschema.validate(json.loads((data / "outlets.json").read_text(encoding="utf-8")),
                        json.loads((data / "outlets.schema.json").read_text(encoding="utf-8")))
    features = json.loads((data / "map.geojson").read_text(encoding="utf-8"))["features"]
    [point] = [f for f in features if f["properties"]["kind"] == "outlet"]
    assert point["geometry"]["coordinates"] == [105.9057, 18.3436]
    page = (site / "output/ban-do/index.html").read_text(encoding="utf-8")
    assert 'data-key="outlet/cua-hang-ocop-ha-tinh"' in page
    commune = (site / "output/xa-phuong/cam-binh/index.html").read_text(encoding="utf-8")
    assert '<a href="/diem-ban/cua-hang-ocop-ha-tinh/">Cửa hàng giới thiệu sản phẩm OCOP Hà Tĩnh</a>' in commune
