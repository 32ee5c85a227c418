"""What a buyer acts on: the product lookup behind the check page and the enquiry list,
producers' buyer fields, and the link to a product's traceability record."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ocopsite.pipeline import build

from .conftest import TODAY

PRODUCER = "content/producers/htx-ky-phu/index.md"
PRODUCT = "content/products/nuoc-mam-ky-phu/index.md"


@pytest.fixture
def site(small_site: Path) -> Path:
    """The small site in both languages."""
    config = small_site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: [vi, en]\n", encoding="utf-8")
    return small_site


def lookup(root: Path, path: str) -> dict[str, dict]:
    data = json.loads((root / "output" / path).read_text(encoding="utf-8"))
    return {row[0]: dict(zip(data["columns"], row)) for row in data["rows"]}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_lookup_has_every_published_product_with_its_state_in_each_language(site: Path) -> None:
    build(site, TODAY)
    published = json.loads((site / "output/du-lieu/products.json").read_text(encoding="utf-8"))["products"]
    vi, en = lookup(site, "kiem-tra/products.json"), lookup(site, "en/check/products.json")
    assert set(vi) == set(en) == {p["id"] for p in published}  # the draft is not in it
    for p in published:
        assert vi[p["id"]]["status"] == en[p["id"]]["status"] == p["status"]
        assert vi[p["id"]]["valid_until"] == (p["valid_until"] or "")
        assert vi[p["id"]]["url"] == f"/san-pham/{p['id']}/" and en[p["id"]]["url"] == f"/en/products/{p['id']}/"
    row = vi["nuoc-mam-ky-phu"]
    assert [r[0] for r in row["recognitions"]] == ["123/QĐ-UBND", "2394/QĐ-UBND"]
    assert [r[4] for r in row["recognitions"]] == ["expired", "valid"]
    assert row["stars"] == 4 and row["price"] == [150000, None]
    assert row["producer"] == "HTX Thu mua và chế biến thủy hải sản Kỳ Phú" and row["producer_url"] == "/chu-the/htx-ky-phu/"
    assert row["contact"] == ["0243456701", "0912345678", None]  # the producer's public contact
    assert vi["dau-lac-tuan-cuc"]["status"] == "expired" and vi["dau-lac-tuan-cuc"]["stars"] == 0


def test_a_name_with_markup_stays_text_in_the_lookup(site: Path) -> None:
    name = 'Nước mắm </script><img src=x onerror="alert(1)"> & “Kỳ Phú”'
    edit(site, PRODUCT, "name: Nước mắm Kỳ Phú\n", f"name: '{name}'\n")
    build(site, TODAY)
    raw = (site / "output/kiem-tra/products.json").read_text(encoding="utf-8")
    assert "<" not in raw and "\\u003c/script>" in raw
    assert lookup(site, "kiem-tra/products.json")["nuoc-mam-ky-phu"]["name"] == name


def test_the_check_and_enquiry_pages_are_in_both_languages_and_the_list_is_not_indexed(site: Path) -> None:
    build(site, TODAY)
    out = site / "output"
    check = (out / "kiem-tra/index.html").read_text(encoding="utf-8")
    assert 'data-lookup="/kiem-tra/products.json"' in check and "js/check." in check
    assert 'data-lookup="/en/check/products.json"' in (out / "en/check/index.html").read_text(encoding="utf-8")
    enquiry = (out / "hoi-hang/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in enquiry and "js/enquiry." in enquiry
    assert "Enquiry list" in (out / "en/enquiry/index.html").read_text(encoding="utf-8")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/kiem-tra/</loc>" in sitemap and "/hoi-hang/" not in sitemap
    product = (out / "san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    # the button only a script shows (no list without it), and the script that runs it
    assert re.search(r'<button type="button" class="btn" data-enquire="nuoc-mam-ky-phu" hidden', product)
    assert "js/enquiry." in product


def test_buyer_fields_show_on_the_producer_page_or_it_says_none_are_published(site: Path) -> None:
    build(site, TODAY)
    page = site / "output/chu-the/htx-ky-phu/index.html"
    assert "Chưa có thông tin công bố về năng lực sản xuất" in page.read_text(encoding="utf-8")
    edit(site, PRODUCER, "model_cooperative: 2020\n", "model_cooperative: 2020\nbuyer:\n  capacity: 20.000 lít mỗi năm\n"
         "  minimum_order: 1 thùng 12 chai\n  packaging: [chai 500 ml, can 5 lít]\n  certifications: [ISO 22000]\n"
         "  export_markets: [Nhật Bản]\n")
    build(site, TODAY)
    html = page.read_text(encoding="utf-8")
    assert "Chưa có thông tin công bố về năng lực" not in html
    for text in ("<dt>Năng lực sản xuất</dt><dd>20.000 lít mỗi năm</dd>", "<dt>Đơn hàng tối thiểu</dt><dd>1 thùng 12 chai</dd>",
                 "<dd>chai 500 ml, can 5 lít</dd>", "<dd>ISO 22000</dd>", "<dd>Nhật Bản</dd>"):
        assert text in html
    en = (site / "output/en/producers/htx-ky-phu/index.html").read_text(encoding="utf-8")
    assert "For trade buyers" in en and '<dl class="facts" lang="vi">' in en  # the producer's own words
    assert lookup(site, "kiem-tra/products.json")["nuoc-mam-ky-phu"]["packaging"] == ["chai 500 ml", "can 5 lít"]


def test_a_traceability_record_is_linked_from_the_product_and_its_digital_link(site: Path) -> None:
    record = "https://truyxuat.example.gov.vn/san-pham/8935000000014"
    edit(site, PRODUCT, "price: 150.000\n", f"price: 150.000\ngtin: '8935000000014'\ntraceability: {record}\n")
    build(site, TODAY)
    product = (site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    assert f'<a href="{record}" rel="noopener">Hồ sơ truy xuất nguồn gốc</a>' in product
    gs1 = (site / "output/01/08935000000014/index.html").read_text(encoding="utf-8")
    assert f'<link rel="https://gs1.org/voc/traceability" href="{record}">' in gs1
    assert '<link rel="https://gs1.org/voc/pip" href="https://example.org/san-pham/nuoc-mam-ky-phu/">' in gs1
    assert lookup(site, "kiem-tra/products.json")["nuoc-mam-ky-phu"]["gtin"] == "8935000000014"
