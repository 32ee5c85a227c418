"""Where to buy: online shops typed by platform, checked like any field, shown on the
product page beside the places; an empty state when neither is on record."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ocopsite.errors import BuildError
from ocopsite.models import OnlineShop
from ocopsite.pipeline import build

from .conftest import TODAY

PRODUCT = "content/products/nuoc-mam-ky-phu/index.md"


@pytest.mark.parametrize(("platform", "url"), [
    ("shopee", "https://shopee.vn/nuoc-mam-ky-phu-i.123.456"),
    ("Shopee", "https://shp.ee/abc123"),
    ("postmart", "https://postmart.vn/san-pham/nuoc-mam"),
    ("voso", "https://voso.vn/nuoc-mam-p1"),
    ("TikTok Shop", "https://www.tiktok.com/@htxkyphu"),
    ("website", "http://htxkyphu.vn/"),
    ("trang web riêng", "https://htxkyphu.vn/"),
])
def test_a_shop_on_its_platform_is_accepted(platform: str, url: str) -> None:
    shop = OnlineShop.model_validate({"platform": platform, "url": url})
    assert shop.url == url and shop.platform in {"shopee", "postmart", "voso", "tiktok", "website"}


@pytest.mark.parametrize(("platform", "url", "host"), [
    ("shopee", "https://shopee.vn.evil.example/x", "shopee.vn"),
    ("shopee", "http://shopee.vn/x", "shopee.vn"),
    ("voso", "https://postmart.vn/x", "voso.vn"),
    ("tiktok", "https://nottiktok.com/@x", "tiktok.com"),
])
def test_a_link_that_is_not_of_its_platform_is_refused(platform: str, url: str, host: str) -> None:
    with pytest.raises(ValidationError) as exc:
        OnlineShop.model_validate({"platform": platform, "url": url})
    [error] = exc.value.errors()
    assert error["loc"] == ("url",)
    assert f"(got '{url}')" in error["msg"] and f"it starts with https://{host}/" in error["msg"]


def test_an_unknown_platform_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        OnlineShop.model_validate({"platform": "lazada", "url": "https://lazada.vn/x"})
    assert [e["loc"] for e in exc.value.errors()] == [("platform",)]


def test_the_product_page_lists_places_and_shops_or_says_none_is_known(small_site: Path) -> None:
    build(small_site, TODAY)
    html = (small_site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    assert "Chưa có cửa hàng hay gian hàng trực tuyến nào được ghi nhận cho sản phẩm này." in html
    path = small_site / PRODUCT
    path.write_text(path.read_text(encoding="utf-8").replace(
        "price: 150.000\n",
        "price: 150.000\nwhere_to_buy:\n  - name: Cửa hàng OCOP Hà Tĩnh\n    address: 02 Nguyễn Du\n"
        "shops:\n  - platform: Shopee\n    url: https://shopee.vn/nuoc-mam-ky-phu-i.1.2\n"
        "  - platform: website\n    url: https://htxkyphu.vn/\n"), encoding="utf-8")
    build(small_site, TODAY)
    html = (small_site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    assert "Chưa có cửa hàng hay gian hàng" not in html
    assert "Cửa hàng OCOP Hà Tĩnh" in html and "02 Nguyễn Du" in html
    assert '<a class="btn" href="https://shopee.vn/nuoc-mam-ky-phu-i.1.2" rel="noopener nofollow">Mua trên Shopee</a>' in html
    assert '<a class="btn" href="https://htxkyphu.vn/" rel="noopener nofollow">Trang web của chủ thể</a>' in html


def test_a_shop_link_of_another_platform_stops_the_build_at_its_line(small_site: Path) -> None:
    build(small_site, TODAY)
    before = (small_site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_bytes()
    path = small_site / PRODUCT
    path.write_text(path.read_text(encoding="utf-8").replace(
        "price: 150.000\n", "price: 150.000\nshops:\n  - platform: postmart\n    url: https://shopee.vn/x\n"), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    assert [str(e) for e in exc.value.errors] == [
        f"{PRODUCT}:21:5: shops.0.url: is not a Postmart address (got 'https://shopee.vn/x'); copy the shop's link "
        "from Postmart: it starts with https://postmart.vn/"
    ]
    assert (small_site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_bytes() == before
