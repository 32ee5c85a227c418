"""Machine outputs read by real consumers: sitemap (XSD), Atom (feedparser), iCalendar
(icalendar), JSON-LD and Open Graph (extruct), QR codes (zxing-cpp), and a link crawl
of the site served at the domain root and under a sub-path."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import extruct
import feedparser
import icalendar
import pytest
import resvg_py
import xmlschema
import zxingcpp
from PIL import Image

from ocopsite.outputs.sitemap import sitemaps

from .webcheck import crawl
from ocopsite.pipeline import build

from .conftest import DATA, SMALL_SITE, TODAY

NASTY = "Kẹo <script>alert(1)</script> & \"lạc\" </script>"
SCHEMA = xmlschema.XMLSchema(str(DATA / "sitemap-0.9.xsd"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The small site plus a product named with markup, a timed fair, and a priced product."""
    from .conftest import PROJECT, write_files

    root = tmp_path_factory.mktemp("outputs") / "site"
    import shutil

    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "assets", root / "assets")
    (root / "site_config.yaml").write_text((PROJECT / "tests/conftest.py").read_text(encoding="utf-8").split('CONFIG = """\\\n')[1].split('"""')[0], encoding="utf-8")
    files = dict(SMALL_SITE)
    files["content/products/keo-nguy-hiem/index.md"] = (
        f"---\nname: '{NASTY.replace(chr(39), chr(39) * 2)}'\ncommune: cam-binh\nproducer: htx-ky-phu\nsummary: 'Tóm tắt </script> & <b>'\n"
        "recognitions:\n  - {stars: 5, date: 2024-06-01}\nupdated: 2025-02-03\n---\nCâu chuyện.\n"
    )
    files["content/fairs/phien-cho-toi/index.md"] = "---\nname: Phiên chợ tối\nstart: 20/12/2026 18:00\nend: 20/12/2026 23:00\nvenue: Đường Nguyễn Du\ncity: Hà Tĩnh\norganiser: Sở Công Thương\n---\n"
    files["content/fairs/hoi-cho-nguy-hiem/index.md"] = f"---\nname: '{NASTY.replace(chr(39), chr(39) * 2)}'\nstart: 2025-05-01\nvenue: 'Sân; vận động, số 1'\n---\n"
    write_files(root, files)
    (root / "content/products/nuoc-mam-ky-phu/chai.jpg").write_bytes((DATA / "images/hopper.jpg").read_bytes())
    build(root, TODAY)
    return root


def out(site: Path, path: str) -> str:
    return (site / "output" / path).read_text(encoding="utf-8")


def test_sitemap_is_valid_with_absolute_urls_and_vietnam_dates(site: Path) -> None:
    SCHEMA.validate(str(site / "output/sitemap.xml"))
    doc = SCHEMA.to_dict(str(site / "output/sitemap.xml"))
    urls = {u["loc"]: u.get("lastmod") for u in doc["url"]}
    assert all(loc.startswith("https://example.org/") for loc in urls)
    assert urls["https://example.org/san-pham/nuoc-mam-ky-phu/"] == "2024-10-15T00:00:00+07:00"  # never shifted a day
    assert urls["https://example.org/san-pham/keo-nguy-hiem/"] == "2025-02-03T00:00:00+07:00"  # `updated` wins
    assert "https://example.org/404.html" not in urls
    assert "&amp;" in out(site, "sitemap.xml") or "keo-nguy-hiem" in out(site, "sitemap.xml")


def test_sitemap_index_beyond_the_limit() -> None:
    urls = [(f"https://example.org/p/{i}/", dt.date(2024, 1, 1 + i % 28)) for i in range(25)]
    files = sitemaps(urls, "https://example.org/", limit=10)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = SCHEMA.to_dict(io.StringIO(files["sitemap.xml"].decode()))
    assert [s["loc"] for s in index["sitemap"]] == [f"https://example.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    for n in (1, 2, 3):
        SCHEMA.validate(io.StringIO(files[f"sitemap-{n}.xml"].decode()))


def test_atom_feed_has_required_fields_and_stable_ids(site: Path) -> None:
    feed = feedparser.parse(out(site, "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.id == "https://example.org/" and feed.feed.title == "OCOP Test"
    assert feed.feed.updated == "2025-03-25T00:00:00+07:00"  # the newest content date, not the clock
    ids = [e.id for e in feed.entries]
    assert ids[0] == "https://example.org/san-pham/keo-cu-do/" and len(ids) == len(set(ids)) == 4
    for e in feed.entries:
        assert e.id and e.title and e.updated and e.link.startswith("https://example.org/san-pham/")
    nasty = next(e for e in feed.entries if e.id.endswith("/keo-nguy-hiem/"))
    assert nasty.title == f"{NASTY} — OCOP 5 sao"


def test_icalendar_files(site: Path) -> None:
    raw = (site / "output/fairs.ics").read_bytes()
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n"), "CRLF line endings"
    cal = icalendar.Calendar.from_ical(raw)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["hoi-cho-nguy-hiem@example.org", "le-hoi-cam-2024@example.org", "le-hoi-cam-2026@example.org", "phien-cho-toi@example.org"]
    for e in events.values():
        assert e.get("DTSTART") and e.get("DTSTAMP") and e.get("SUMMARY")
    allday = events["le-hoi-cam-2026@example.org"]
    assert allday["DTSTART"].params.get("VALUE") == "DATE" and allday.decoded("DTSTART") == dt.date(2026, 12, 20)
    assert allday.decoded("DTEND") == dt.date(2026, 12, 23), "DTEND of an all-day event is exclusive"
    assert allday.decoded("DTSTAMP") == dt.datetime(2026, 12, 19, 17, 0, tzinfo=dt.timezone.utc)
    timed = events["phien-cho-toi@example.org"]
    assert timed["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert timed.decoded("DTSTART").utcoffset() == dt.timedelta(hours=7)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    single = icalendar.Calendar.from_ical((site / "output/hoi-cho/le-hoi-cam-2026/lich.ics").read_bytes())
    assert [str(e["UID"]) for e in single.walk("VEVENT")] == ["le-hoi-cam-2026@example.org"]
    assert 'href="/hoi-cho/le-hoi-cam-2026/lich.ics"' in out(site, "hoi-cho/le-hoi-cam-2026/index.html")


REQUIRED = {
    "Product": {"name", "url", "countryOfOrigin", "award"},
    "Organization": {"name", "url", "address"},
    "Event": {"name", "startDate", "location", "eventStatus"},
    "Place": {"name", "url", "address"},
    "BreadcrumbList": {"itemListElement"},
    "WebSite": {"name", "url"},
}


def jsonld(site: Path, path: str) -> tuple[dict[str, dict], dict]:
    data = extruct.extract(out(site, path), base_url=f"https://example.org/{path}", syntaxes=["json-ld", "opengraph"], uniform=True)
    [doc] = data["json-ld"]
    items = {item["@type"]: item for item in doc["@graph"]}
    for kind, item in items.items():
        assert REQUIRED.get(kind, set()) <= item.keys(), (path, kind)
    [og] = data["opengraph"]
    return items, og


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        ("index.html", {"WebSite", "BreadcrumbList"}),
        ("san-pham/nuoc-mam-ky-phu/index.html", {"Product", "BreadcrumbList"}),
        ("chu-the/htx-ky-phu/index.html", {"Organization", "BreadcrumbList"}),
        ("hoi-cho/phien-cho-toi/index.html", {"Event", "BreadcrumbList"}),
        ("xa-phuong/cam-binh/index.html", {"Place", "BreadcrumbList"}),
        ("san-pham/index.html", {"BreadcrumbList"}),
    ],
)
def test_json_ld_and_open_graph_on_every_page_kind(site: Path, path: str, kinds: set[str]) -> None:
    items, og = jsonld(site, path)
    assert set(items) == kinds
    assert og["og:locale"] == "vi_VN" and og["og:url"].startswith("https://example.org/") and og["og:title"]
    if kinds & {"Product", "Event"}:
        assert og["og:image"].startswith("https://example.org/anh/the-") and og["og:image:width"] == "1200"


def test_product_json_ld_facts(site: Path) -> None:
    items, _ = jsonld(site, "san-pham/nuoc-mam-ky-phu/index.html")
    product = items["Product"]
    assert product["award"] == ["OCOP 3 sao (2021), đã hết hạn", "OCOP 4 sao (2024)"]
    assert product["brand"]["name"] == "HTX Thu mua và chế biến thủy hải sản Kỳ Phú"
    assert product["offers"] == {"@type": "Offer", "price": 150000, "priceCurrency": "VND", "url": "https://example.org/san-pham/nuoc-mam-ky-phu/"}
    assert "aggregateRating" not in product
    items, _ = jsonld(site, "san-pham/keo-cu-do/index.html")
    assert "offers" not in items["Product"], "no price, no Offer"
    event = jsonld(site, "hoi-cho/phien-cho-toi/index.html")[0]["Event"]
    assert event["startDate"] == "2026-12-20T18:00:00+07:00" and event["endDate"] == "2026-12-20T23:00:00+07:00"
    assert event["location"]["address"]["@type"] == "PostalAddress"
    crumbs = items["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Trang chủ", "Sản phẩm OCOP", "Thực phẩm", "Kẹo cu đơ Hà Tĩnh"]


def test_markup_in_a_name_is_escaped_everywhere(site: Path) -> None:
    page = out(site, "san-pham/keo-nguy-hiem/index.html")
    assert "<script>alert(1)" not in page
    assert "Kẹo &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;lạc&#34; &lt;/script&gt;" in page
    [ld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert "</" not in ld and "\\u003c/script\\u003e" in ld
    items, og = jsonld(site, "san-pham/keo-nguy-hiem/index.html")
    assert items["Product"]["name"] == NASTY and og["og:title"] == NASTY
    assert NASTY in [e.title.split(" — ")[0] for e in feedparser.parse(out(site, "feed.xml")).entries]
    assert "keo-nguy-hiem" in out(site, "sitemap.xml")
    cal = icalendar.Calendar.from_ical((site / "output/fairs.ics").read_bytes())
    [event] = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("hoi-cho-nguy-hiem@")]
    assert str(event["SUMMARY"]) == NASTY and str(event["LOCATION"]) == "Sân; vận động, số 1"
    fair_page = out(site, "hoi-cho/hoi-cho-nguy-hiem/index.html")
    assert "<script>alert(1)" not in fair_page and "Kẹo &lt;script&gt;" in fair_page


def test_qr_codes_decode_to_the_canonical_url(site: Path) -> None:
    for path, url in [
        ("san-pham/nuoc-mam-ky-phu/qr.svg", "https://example.org/san-pham/nuoc-mam-ky-phu/"),
        ("chu-the/htx-ky-phu/qr.svg", "https://example.org/chu-the/htx-ky-phu/"),
        ("hoi-cho/le-hoi-cam-2026/qr.svg", "https://example.org/hoi-cho/le-hoi-cam-2026/"),
    ]:
        png = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=out(site, path)))))
        flat = Image.new("RGB", png.size, "white")
        flat.paste(png, mask=png.getchannel("A"))
        assert [r.text for r in zxingcpp.read_barcodes(flat)] == [url]
    # the page prints as its A6 sheet with the QR code: no second copy of the page to publish
    page = out(site, "san-pham/nuoc-mam-ky-phu/index.html")
    sheet = page[page.index('<div class="print-sheet">'):]
    assert 'src="/san-pham/nuoc-mam-ky-phu/qr.svg"' in sheet and "example.org/<wbr>san-pham/<wbr>nuoc-mam-ky-phu/" in sheet
    assert not (site / "output/san-pham/nuoc-mam-ky-phu/in").exists()
    css = (site / "output/assets").joinpath(re.search(r'href="/assets/(css/style\.[0-9a-f]+\.css)"', page).group(1)).read_text()
    assert "@page sheet { size: 105mm 148mm;" in css and ".print-sheet { display: block; page: sheet;" in css


def test_share_buttons_need_no_third_party_script(site: Path) -> None:
    page = out(site, "san-pham/nuoc-mam-ky-phu/index.html")
    assert 'href="https://www.facebook.com/sharer/sharer.php?u=https%3A//example.org/san-pham/nuoc-mam-ky-phu/"' in page
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", page)
    assert scripts and all(s.startswith("/assets/js/") for s in scripts), "only the site's own scripts"
    assert 'class="btn js-share" hidden' in page and 'class="btn js-copy"' in page


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/ocop-hatinh/"])
def test_crawl_finds_no_broken_link_at_the_root_or_under_a_sub_path(site: Path, base_url: str) -> None:
    build(site, TODAY, base_url=base_url)
    count, broken = crawl(site / "output", base_url)
    assert broken == []
    assert count > 90
    build(site, TODAY)  # leave the module's site as the other tests expect


def test_the_feed_never_calls_a_future_recognition_expired_nor_dates_the_future(write_site) -> None:
    files = dict(SMALL_SITE)
    files["content/products/sap-co/index.md"] = (
        "---\nname: Sắp có hiệu lực\ngroup: food\nproducer: htx-ky-phu\ncommune: cam-binh\n"
        "recognitions:\n  - {stars: 4, date: 2027-03-01}\nupdated: 2027-06-01\n---\n"
    )
    root = write_site(files)
    (root / "content/products/nuoc-mam-ky-phu/chai.jpg").write_bytes((DATA / "images/hopper.jpg").read_bytes())
    result = build(root, TODAY)
    assert any("updated: is after the build date 2026-11-30" in str(w) for w in result.warnings)
    feed = feedparser.parse((root / "output/feed.xml").read_text(encoding="utf-8"))
    [entry] = [e for e in feed.entries if e.id.endswith("/sap-co/")]
    assert entry.title == "Sắp có hiệu lực — OCOP 4 sao (chưa có hiệu lực)"
    latest = dt.datetime(2026, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    for e in feed.entries:
        assert dt.datetime.fromisoformat(e.updated) <= latest
    assert dt.datetime.fromisoformat(feed.feed.updated) <= latest
    sitemap = SCHEMA.to_dict(str(root / "output/sitemap.xml"))
    assert all(u.get("lastmod", "") <= "2026-11-30T00:00:00+07:00" for u in sitemap["url"])
