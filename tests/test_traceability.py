"""Traceability and place: GTINs checked by their GS1 check digit, QR codes that carry a GS1
Digital Link resolving to the product page, ``location`` validated inside the province, the
GeoJSON of located entries (RFC 7946), and the expiry report on the command line."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
import resvg_py
import zxingcpp
from PIL import Image

from ocopsite import cli
from ocopsite.models import check_gtin, gs1_check_digit
from ocopsite.pipeline import build, check

from .conftest import DATA, SMALL_SITE, TODAY
from .webcheck import crawl, serve

# Published examples: EAN-8 and EAN-13 from the EAN standard's worked examples (Wikipedia
# "International Article Number"), a UPC-A (Wikipedia "Universal Product Code"), and the
# GTIN-14 of GS1's own Digital Link examples (GS1 Digital Link standard 1.4, §4).
VALID_GTINS = ["96385074", "036000291452", "4006381333931", "09506000134352"]

KY_PHU = "content/products/nuoc-mam-ky-phu/index.md"


def with_front_matter(extra: str, path: str = KY_PHU) -> dict[str, str]:
    """SMALL_SITE with ``extra`` lines added at the top of one entry's front matter."""
    files = dict(SMALL_SITE)
    text = files[path]
    head, rest = text.split("---\n", 1)
    files[path] = f"{head}---\n{extra}{rest}"
    return files


@pytest.fixture
def make(write_site):
    """Write a site from ``files`` with the small site's photo in place."""

    def made(files: dict[str, str]) -> Path:
        root = write_site(files)
        shutil.copy(DATA / "images" / "hopper_orientation_6.jpg", root / "content/products/nuoc-mam-ky-phu/chai.jpg")
        return root

    return made


def decoded(svg: Path) -> list[str]:
    """Return what a QR code SVG says, read back by a barcode reader (zxing-cpp)."""
    png = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=svg.read_text(encoding="utf-8")))))
    flat = Image.new("RGB", png.size, "white")
    flat.paste(png, mask=png.getchannel("A"))
    return [r.text for r in zxingcpp.read_barcodes(flat)]


def problems_of(root: Path, field: str) -> list:
    return [p for p in check(root, TODAY) if p.field.startswith(field)]


@pytest.mark.parametrize("gtin", VALID_GTINS)
def test_published_gtins_pass_and_any_other_last_digit_fails(gtin: str) -> None:
    assert check_gtin(gtin) == gtin
    assert gs1_check_digit(gtin[:-1]) == int(gtin[-1])
    for digit in "0123456789":
        if digit != gtin[-1]:
            with pytest.raises(Exception, match=f"should be {gtin[-1]}"):
                check_gtin(gtin[:-1] + digit)


def test_a_gtin_is_read_as_printed_under_the_barcode() -> None:
    assert check_gtin("4 006381 333931") == "4006381333931"
    assert check_gtin("400-6381-333931") == "4006381333931"
    for bad in ("0000000000000", "4006381333", "40063813339310A", "４００６３８１３３３９３１", "", "12345678901"):
        with pytest.raises(Exception, match="digits printed under the barcode|only zeros"):
            check_gtin(bad)


def test_a_wrong_gtin_names_its_line_and_the_right_digit(make) -> None:
    root = make(with_front_matter('        gtin: "4006381333932"\n'))
    [problem] = problems_of(root, "gtin")
    assert (problem.path, problem.line) == (KY_PHU, 2)
    assert "should be 1" in str(problem) and "copy the number again" in str(problem)


def test_two_products_cannot_share_a_gtin(make) -> None:
    files = with_front_matter('        gtin: "4006381333931"\n')
    other = "content/products/dau-lac-tuan-cuc/index.md"
    head, rest = files[other].split("---\n", 1)
    files[other] = f'{head}---\n        gtin: "04006381333931"\n{rest}'  # the same GTIN written as 14 digits
    root = make(files)
    [problem] = problems_of(root, "gtin")
    assert problem.path == KY_PHU and "is also the GTIN of " + other in str(problem), "the first file in path order keeps it"


def test_a_product_with_a_gtin_gets_a_digital_link_that_its_qr_code_carries_and_that_resolves(make) -> None:
    root = make(with_front_matter('        gtin: "4006381333931"\n'))
    build(root, TODAY)
    out = root / "output"
    link = "https://example.org/01/04006381333931"  # GS1 Digital Link URI syntax: no trailing slash
    assert decoded(out / "san-pham/nuoc-mam-ky-phu/qr.svg") == [link], "the package's QR code is the GS1 Digital Link"
    resolver = (out / "01/04006381333931/index.html").read_text(encoding="utf-8")
    assert 'content="0; url=/san-pham/nuoc-mam-ky-phu/"' in resolver and 'name="robots" content="noindex"' in resolver
    page = (out / "san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    product = next(d for d in json.loads(block)["@graph"] if d.get("@type") == "Product")
    assert product["gtin13"] == "4006381333931" and product["hasGS1DigitalLink"] == link
    assert 'href="/01/04006381333931/"' in page, "the page shows the GTIN, linked to its Digital Link"
    # a product without a GTIN keeps the plain product URL in its QR code
    assert decoded(out / "san-pham/dau-lac-tuan-cuc/qr.svg") == ["https://example.org/san-pham/dau-lac-tuan-cuc/"]
    with serve(out) as origin:  # a static host answers the URI with a redirect to the resolver page
        with urllib.request.urlopen(origin + "01/04006381333931") as r:
            assert r.url == origin + "01/04006381333931/" and b"url=/san-pham/nuoc-mam-ky-phu/" in r.read()
    count, broken = crawl(out, "https://example.org/")
    assert broken == [] and count > 50
    assert not (out / "sitemap.xml").read_text(encoding="utf-8").count("/01/"), "the resolver is not a page for search engines"


@pytest.mark.parametrize(("location", "expected"), [
    ("location: {lat: 18.2395, lon: 105.9532}\n", None),
    ('location: "18.2395, 105.9532"\n', None),
    ("location: {lat: 105.9532, lon: 18.2395}\n", "look swapped: in Hà Tĩnh the latitude is about 18"),
    ("location: {lat: 21.0285, lon: 105.8542}\n", "outside Hà Tĩnh"),  # Hà Nội
    ("location: {lat: 18,2395, lon: 105.95}\n", "decimal comma (lat: 18,2395, lon: 105.95)"),
    ('location: "18,2395, 105,95"\n', "decimal commas"),
    ('location: "105.9532, 18.2395"\n', "Hà Tĩnh's longitude, not its latitude"),
    ("location: {lat: bắc, lon: 105.95}\n", "must be a number"),
    ('location: "18.2395"\n', "one text 'latitude, longitude'"),
    ("location: {lat: 18.2395}\n", "is required"),
])
def test_a_location_must_lie_inside_the_province(make, location: str, expected: str | None) -> None:
    root = make(with_front_matter("        " + location))
    problems = problems_of(root, "location")
    if expected is None:
        assert problems == []
    else:
        assert problems and expected in " ".join(str(p) for p in problems)
        assert all(p.path == KY_PHU and p.line == 2 for p in problems)


def test_a_bad_coordinate_is_reported_on_its_own_line(make) -> None:
    root = make(with_front_matter("        location:\n          lat: 18.2395\n          lon: 10.59\n"))
    [problem] = problems_of(root, "location")
    assert (problem.field, problem.line) == ("location.lon", 4) and "outside Hà Tĩnh, whose longitude runs from" in str(problem)


def test_a_fair_may_be_held_outside_the_province_but_not_off_the_globe(make) -> None:
    fair = "content/fairs/le-hoi-cam-2026/index.md"
    assert fair in SMALL_SITE
    root = make(with_front_matter("        location: {lat: 21.0285, lon: 105.8542}\n", fair))  # Hà Nội
    assert problems_of(root, "location") == []
    root = make(with_front_matter("        location: {lat: 91, lon: 105.8542}\n", fair))
    assert [p.field for p in problems_of(root, "location")] == ["location.lat"]


def test_the_geojson_lists_located_entries_in_lon_lat_order(make) -> None:
    files = with_front_matter("        location: {lat: 18.2395, lon: 105.9532}\n")
    files = {**files, **{k: v for k, v in with_front_matter("        location: 18.0833, 106.3\n", "content/producers/htx-ky-phu/index.md").items()
                         if k == "content/producers/htx-ky-phu/index.md"}}
    root = make(files)
    build(root, TODAY)
    geo = json.loads((root / "output/du-lieu/map.geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    by_url = {f["properties"]["url"]: f for f in geo["features"]}
    assert set(by_url) == {"https://example.org/san-pham/nuoc-mam-ky-phu/", "https://example.org/chu-the/htx-ky-phu/"}
    for feature in geo["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert 105 < lon < 107 and 17 < lat < 19, "RFC 7946: longitude first"
    assert by_url["https://example.org/san-pham/nuoc-mam-ky-phu/"]["geometry"]["coordinates"] == [105.9532, 18.2395]
    table = (root / "output/ban-do/index.html").read_text(encoding="utf-8")
    assert "Nước mắm Kỳ Phú" in table and "Xã Kỳ Anh" in table, "without JavaScript the map page is a table by commune"
    listed = set(re.findall(r'data-key="([^"]+)"', table))
    entries = {f"{kind}/{p.name}" for kind, folder in (("product", "products"), ("producer", "producers"), ("craft", "crafts"), ("fair", "fairs"))
               for p in (root / "content" / folder).iterdir() if "draft: true" not in (p / "index.md").read_text(encoding="utf-8")}
    assert listed == entries, "every entry is in the table, also one whose commune is not known"
    assert {f'{f["properties"]["kind"]}/{f["properties"]["id"]}' for f in geo["features"]} <= listed, "map.js finds each point's link"


def test_the_report_command_prints_text_and_csv(small_site: Path, capsys) -> None:
    assert cli.main(["report", "--root", str(small_site), "--now", "2027-09-01", "--months", "3", "--format", "csv"]) == 0
    raw = capsys.readouterr().out
    assert raw.startswith("\ufeff"), "a spreadsheet opens the Vietnamese letters right"
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert [(r["state"], r["product"], r["valid_until"]) for r in rows] == [
        ("expired", "Dầu lạc Tuấn Cúc", "2022-12-31"), ("expiring", "Nước mắm Kỳ Phú", "2027-10-14")]
    assert cli.main(["report", "--root", str(small_site), "--now", "2027-09-01", "--months", "3", "--lang", "vi"]) == 0
    text = capsys.readouterr().out
    assert "Đã hết hạn: 1 sản phẩm" in text and "Sắp hết hạn (đến 01/12/2027): 1 sản phẩm" in text
    assert "còn hiệu lực đến 14/10/2027, còn 43 ngày" in text and "Xã Kỳ Anh" in text
    assert cli.main(["report", "--root", str(small_site), "--now", "2027-09-01", "--months", "1"]) == 0
    assert "Expiring by 01/10/2027: 0 products" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["report", "--root", str(small_site), "--months", "-2"])


def test_the_report_refuses_broken_content_like_a_build(make, capsys) -> None:
    root = make(with_front_matter('        gtin: "123"\n'))
    assert cli.main(["report", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"{KY_PHU}:2" in err and "report failed" in err
