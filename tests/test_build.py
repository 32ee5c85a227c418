"""End-to-end: build the small fixture site and assert each page kind."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ocopsite.cli import main
from ocopsite.errors import BuildError
from ocopsite.pipeline import build

from .conftest import TODAY, write_files


def page(root: Path, path: str) -> str:
    return (root / "output" / path).read_text(encoding="utf-8")


@pytest.fixture
def built(small_site: Path) -> Path:
    build(small_site, TODAY)
    return small_site


def test_every_page_kind_is_written(built: Path) -> None:
    out = built / "output"
    expected = [
        "index.html", "404.html", "sitemap.xml", "robots.txt",
        "san-pham/index.html", "san-pham/trang/2/index.html", "san-pham/het-han/index.html",
        "san-pham/nuoc-mam-ky-phu/index.html", "sao/4/index.html", "sao/3/index.html",
        "nhom/thuc-pham/index.html", "chu-the/index.html", "chu-the/htx-ky-phu/index.html",
        "xa-phuong/index.html", "xa-phuong/cam-binh/index.html", "lang-nghe/index.html",
        "lang-nghe/non-la-ky-thu/index.html", "hoi-cho/index.html", "hoi-cho/le-hoi-cam-2026/index.html",
        "gioi-thieu/index.html",
    ]
    for path in expected:
        assert (out / path).is_file(), path
    assert len(list((out / "xa-phuong").glob("*/index.html"))) == 69
    assert not (out / "san-pham/ban-nhap").exists(), "drafts are never published"
    assert not (out / "sao/5").exists() and not (out / "nhom/do-uong").exists(), "no page for an empty choice"


def test_product_page_shows_current_stars_history_and_places(built: Path) -> None:
    html = page(built, "san-pham/nuoc-mam-ky-phu/index.html")
    assert '<html lang="vi">' in html
    assert "<h1>Nước mắm Kỳ Phú</h1>" in html
    # the current star is the latest valid recognition: the 2024 upgrade to 4 stars
    assert re.search(r'class="badge badge-4".*4 sao OCOP', html)
    assert "còn hiệu lực đến 14 tháng 10, 2027" in html  # Babel's long Vietnamese date
    assert "2394/QĐ-UBND" in html and "123/QĐ-UBND" in html and "Nâng hạng" in html
    assert "150.000\xa0₫" in html  # Babel's vi format keeps the symbol on the same line
    assert 'href="/xa-phuong/ky-anh/">Xã Kỳ Anh</a>' in html  # xã Kỳ Phú → Xã Kỳ Anh (NQ 1665)
    assert "trước đây: xã Kỳ Phú, huyện Kỳ Anh" in html
    assert 'href="tel:0243456701"' in html and 'href="https://zalo.me/0912345678"' in html
    assert 'href="/chu-the/htx-ky-phu/"' in html
    assert "<strong>nước mắm</strong>" in html
    assert '<link rel="canonical" href="https://example.org/san-pham/nuoc-mam-ky-phu/">' in html


def test_expired_product_is_shown_expired_and_not_listed_as_current(built: Path) -> None:
    html = page(built, "san-pham/dau-lac-tuan-cuc/index.html")
    assert "Hết hạn · từng đạt 3 sao" in html
    assert "sao OCOP" not in html.split("<h1>")[1].split("</p>")[0]
    catalogue = page(built, "san-pham/index.html") + page(built, "san-pham/trang/2/index.html")
    assert "Dầu lạc Tuấn Cúc" not in catalogue
    assert "Dầu lạc Tuấn Cúc" in page(built, "san-pham/het-han/index.html")
    assert "Dầu lạc Tuấn Cúc" not in page(built, "sao/3/index.html")


def test_catalogue_is_paginated_in_vietnamese_order(built: Path) -> None:
    first = page(built, "san-pham/index.html")
    second = page(built, "san-pham/trang/2/index.html")
    # page_size is 1; current products in Vietnamese order: Kẹo cu đơ (K), Nước mắm (N)
    assert "Kẹo cu đơ Hà Tĩnh" in first and "Nước mắm Kỳ Phú" not in first
    assert "Nước mắm Kỳ Phú" in second and "Kẹo cu đơ Hà Tĩnh" not in second
    assert 'rel="next" href="/san-pham/trang/2/"' in first and "Trang 1/2" in first
    assert 'rel="prev" href="/san-pham/"' in second


def test_star_and_group_pages_list_current_products(built: Path) -> None:
    assert "Nước mắm Kỳ Phú" in page(built, "sao/4/index.html")
    assert "Nước mắm Kỳ Phú" not in page(built, "sao/3/index.html")
    assert "Kẹo cu đơ Hà Tĩnh" in page(built, "sao/3/index.html")
    assert "/sao/5/" not in page(built, "sao/4/index.html") + page(built, "index.html"), "no chip leads to an empty list"
    assert "Kẹo cu đơ Hà Tĩnh" in page(built, "nhom/thuc-pham/index.html")
    assert "Nước mắm Kỳ Phú" in page(built, "nhom/thuc-pham/trang/2/index.html")


def test_commune_page_lists_products_and_former_communes(built: Path) -> None:
    html = page(built, "xa-phuong/cam-binh/index.html")
    assert "<h1>Xã Cẩm Bình</h1>" in html
    assert "Kẹo cu đơ Hà Tĩnh" in html
    assert "Giới thiệu xã Cẩm Bình." in html
    for former in ("Xã Thạch Bình", "Xã Cẩm Bình", "Xã Cẩm Vịnh", "Xã Cẩm Thành"):
        assert former in html
    split = page(built, "xa-phuong/ha-huy-tap/index.html")
    assert "Phường Đại Nài (một phần)" in split


def test_producer_craft_fair_and_plain_pages(built: Path) -> None:
    producer = page(built, "chu-the/htx-ky-phu/index.html")
    assert "Hợp tác xã" in producer and "Hợp tác xã kiểu mẫu" in producer
    assert producer.count('<li class="card') == 3
    assert "Lễ hội Cam 2026" in producer
    craft = page(built, "lang-nghe/non-la-ky-thu/index.html")
    assert "Nghề truyền thống" in craft and "Xã Kỳ Khang" in craft and "Nước mắm Kỳ Phú" in craft
    fairs = page(built, "hoi-cho/index.html")
    upcoming, past = fairs.split('id="past"')
    assert "Lễ hội Cam 2026" in upcoming and "20\u2009–\u200922 thg 12, 2026" in upcoming
    assert "Lễ hội Cam 2024" in past and "15\u2009–\u200917 thg 11, 2024" in past
    plain = page(built, "gioi-thieu/index.html")
    assert "Trang giới thiệu" in plain


def test_fairs_move_to_past_with_the_build_date(small_site: Path) -> None:
    import datetime as dt

    build(small_site, dt.date(2027, 1, 1))
    upcoming = page(small_site, "hoi-cho/index.html").split('id="past"')[0]
    assert "Chưa có hội chợ sắp diễn ra." in upcoming


def test_home_page_has_counts_featured_fairs_and_crafts(built: Path) -> None:
    html = page(built, "index.html")
    assert "Nước mắm Kỳ Phú" in html  # featured: 4 stars
    assert "Kẹo cu đơ Hà Tĩnh" not in html.split('id="groups"')[0]  # 3 stars: not featured
    assert "Lễ hội Cam 2026" in html
    assert "Nón lá Kỳ Thư" in html
    assert re.search(r"Sản phẩm OCOP còn hiệu lực</dt><dd>2</dd>", html)


def test_sitemap_and_robots(built: Path) -> None:
    tree = ET.parse(built / "output/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in tree.findall("s:url/s:loc", ns)]
    assert "https://example.org/" in locs
    assert "https://example.org/san-pham/nuoc-mam-ky-phu/" in locs
    assert all(loc.startswith("https://example.org/") for loc in locs)
    assert len(locs) == len(set(locs))
    assert "Sitemap: https://example.org/sitemap.xml" in page(built, "robots.txt")


def test_sub_path_base_url_prefixes_every_internal_link(small_site: Path) -> None:
    build(small_site, TODAY, base_url="https://example.org/ocop-hatinh/")
    out = small_site / "output"
    for html_file in out.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:href|src)="(/[^"]*)"', html):
            assert ref.startswith("/ocop-hatinh/"), f"{html_file}: {ref}"
            target = ref.removeprefix("/ocop-hatinh/").split("#")[0]
            path = out / target
            assert path.is_file() or (path / "index.html").is_file(), f"{html_file}: broken link {ref}"


def test_all_content_errors_are_reported_at_once_and_output_survives(small_site: Path, capsys) -> None:
    assert main(["build", "--root", str(small_site), "--now", "2026-11-30"]) == 0
    before = {p: p.read_bytes() for p in (small_site / "output").rglob("*") if p.is_file()}
    write_files(small_site, {
        "content/products/hong/index.md": """\
            ---
            name: Hỏng
            group: drinks
            producer: htx-ky-phuu
            commune: Xã Không Tồn Tại Ở Đâu
            recognitions:
              - stars: 6
                date: 30/02/2024
            ---
            """,
        "content/pages/broken.md": "---\ntitle: [unclosed\n---\n",
    })
    assert main(["build", "--root", str(small_site), "--now", "2026-11-30"]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("content/")]
    assert lines == [
        "content/pages/broken.md:2:17: YAML syntax error: expected ',' or ']', but got '<stream end>' (check the indentation and that text with a ':' or '#' is in quotes)",
        "content/products/hong/index.md:3:1: group: must be one of food, beverages, herbal, handicrafts, ornamentals, tourism (got 'drinks')",
        # field errors do not hide the reference and commune errors of the same entry
        "content/products/hong/index.md:4:1: producer: no producer has the slug 'htx-ky-phuu' (did you mean 'htx-ky-phu'?)",
        "content/products/hong/index.md:5:1: commune: 'Xã Không Tồn Tại Ở Đâu' is not one of the 69 current communes of Hà Tĩnh (see the commune list on the site's commune index)",
        "content/products/hong/index.md:7:5: recognitions.0.stars: must be 3, 4 or 5 (got '6')",
        "content/products/hong/index.md:8:5: recognitions.0.date: 30/02/2024 is not a real date",
    ]
    assert "6 errors" in err
    after = {p: p.read_bytes() for p in (small_site / "output").rglob("*") if p.is_file()}
    assert after == before, "a failed build must leave the last good output untouched"


def test_reference_and_commune_errors_are_reported_together(small_site: Path) -> None:
    write_files(small_site, {
        "content/products/hong/index.md": """\
            ---
            name: Hỏng
            producer: htx-ky-phuu
            commune: Xã Không Tồn Tại Ở Đâu
            recognitions:
              - stars: 3
                date: 2024
            ---
            """,
        "content/crafts/sai/index.md": """\
            ---
            name: Sai
            products: [nuoc-mam-ky-phuu]
            ---
            """,
    })
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    assert [str(p) for p in exc.value.errors] == [
        "content/crafts/sai/index.md:3:12: products.0: no product has the slug 'nuoc-mam-ky-phuu' (did you mean 'nuoc-mam-ky-phu'?)",
        "content/products/hong/index.md:3:1: producer: no producer has the slug 'htx-ky-phuu' (did you mean 'htx-ky-phu'?)",
        "content/products/hong/index.md:4:1: commune: 'Xã Không Tồn Tại Ở Đâu' is not one of the 69 current communes of Hà Tĩnh (see the commune list on the site's commune index)",
    ]


def test_files_no_longer_produced_disappear(small_site: Path) -> None:
    build(small_site, TODAY)
    assert (small_site / "output/san-pham/keo-cu-do/index.html").exists()
    import shutil

    shutil.rmtree(small_site / "content/products/keo-cu-do")
    build(small_site, TODAY)
    assert not (small_site / "output/san-pham/keo-cu-do").exists()
    # the spare twin (the site one build ago, see writer.py) is the only folder beside output/
    assert [p.name for p in small_site.glob(".output.*")] == [".output.spare"], "no staging debris"


def test_a_draft_is_not_linked_and_says_so(small_site: Path) -> None:
    producer = small_site / "content/producers/htx-ky-phu/index.md"
    producer.write_text(producer.read_text(encoding="utf-8").replace("type: cooperative", "type: cooperative\ndraft: true"), encoding="utf-8")
    result = build(small_site, TODAY)
    assert "content/products/nuoc-mam-ky-phu/index.md:4:1: producer: the producer 'htx-ky-phu' is a draft or not yet published, " \
        "so it is not linked yet (it is linked once it is published)" in [str(w).removeprefix("warning: ") for w in result.warnings]
    assert not (small_site / "output/chu-the/htx-ky-phu").exists()
    assert "/chu-the/htx-ky-phu/" not in page(small_site, "san-pham/nuoc-mam-ky-phu/index.html")


def test_catalogue_page_names_are_reserved_for_products(small_site: Path) -> None:
    write_files(small_site, {"content/products/het-han/index.md": "---\nname: Hết hạn\ncommune: cam-binh\nproducer:\nrecognitions: [{stars: 3, date: 2025}]\n---\n"})
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    assert [str(e) for e in exc.value.errors] == [
        "content/products/het-han/index.md:1:1: the name 'het-han' is reserved for a page of the catalogue (rename the folder)"
    ]


def test_a_recognition_after_the_build_date_is_not_yet_in_force(small_site: Path) -> None:
    write_files(small_site, {"content/products/moi/index.md": "---\nname: Sản phẩm mới\ncommune: cam-binh\nproducer:\nrecognitions:\n  - {stars: 4, date: 15/01/2027}\n---\n"})
    result = build(small_site, TODAY)
    assert "warning: content/products/moi/index.md:6:16: recognitions.0.date: is after the build date 2026-11-30 " \
        "(check the year; it is shown as not yet in force)" in [str(w) for w in result.warnings]
    html = page(small_site, "san-pham/moi/index.html")
    assert "Chưa có hiệu lực" in html and "Có hiệu lực từ 15 tháng 1, 2027" in html
    assert "Sản phẩm mới" not in page(small_site, "san-pham/het-han/index.html")


def test_markdown_links_follow_the_base_path_and_unsafe_fields_are_refused(small_site: Path) -> None:
    page_md = small_site / "content/pages/gioi-thieu.md"
    page_md.write_text(page_md.read_text(encoding="utf-8") + "\n[Sản phẩm](/san-pham/) ![ảnh](chai.jpg)\n", encoding="utf-8")
    result = build(small_site, TODAY, base_url="https://example.org/ocop/")
    html = page(small_site, "gioi-thieu/index.html")
    assert 'href="/ocop/san-pham/"' in html
    assert "warning: content/pages/gioi-thieu.md:1:1: a picture written in the text (![…](…)) is not shown " \
        "(list the photo under 'images:' instead)" in [str(w) for w in result.warnings]
    producer = small_site / "content/producers/htx-ky-phu/index.md"
    producer.write_text(producer.read_text(encoding="utf-8").replace("zalo: 0912345678", "zalo: 0912345678\n  website: javascript:alert(1)"), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    assert [str(e) for e in exc.value.errors] == [
        "content/producers/htx-ky-phu/index.md:10:3: contact.website: must be a web address starting with https:// or http:// "
        "(got 'javascript:alert(1)') (copy the address from the browser's address bar, with its https://)"
    ]


def test_old_address_file_maps_to_the_current_commune(small_site: Path) -> None:
    from .conftest import DATA

    write_files(small_site, {"content/products/cu-do-thanh-dat/index.md": (DATA / "content/old_address.md").read_text(encoding="utf-8")})
    result = build(small_site, TODAY)
    [product] = [p for p in result.site.products if p.slug == "cu-do-thanh-dat"]
    assert product.commune.name == "Xã Cẩm Bình"
    html = page(small_site, "san-pham/cu-do-thanh-dat/index.html")
    assert "trước đây: xã Cẩm Vịnh, huyện Cẩm Xuyên" in html


def test_photo_letter_case_must_match_and_commune_photos_sit_beside_their_file(small_site: Path) -> None:
    from .conftest import DATA

    index = small_site / "content/products/nuoc-mam-ky-phu/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("src: chai.jpg", "src: Chai.JPG"), encoding="utf-8")
    (small_site / "content/products/nuoc-mam-ky-phu/chai.jpg").rename(small_site / "content/products/nuoc-mam-ky-phu/Chai.jpg")
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    assert [str(e) for e in exc.value.errors] == [
        "content/products/nuoc-mam-ky-phu/index.md:21:5: images.0.src: 'Chai.JPG' is not in the folder content/products/nuoc-mam-ky-phu/ "
        "(did you mean 'Chai.jpg'? Letter case matters once published: write it exactly)"
    ]
    assert not [p for p in exc.value.problems if "not listed" in p.message], "one message, not two that contradict each other"
    index.write_text(index.read_text(encoding="utf-8").replace("src: Chai.JPG", "src: Chai.jpg"), encoding="utf-8")
    (small_site / "content/communes/cam-binh.jpg").write_bytes((DATA / "images/flower.jpg").read_bytes())
    commune = small_site / "content/communes/cam-binh.md"
    commune.write_text(commune.read_text(encoding="utf-8").replace("summary:", "images: [{src: cam-binh.jpg, alt: Cánh đồng Cẩm Bình}]\nsummary:"), encoding="utf-8")
    build(small_site, TODAY)
    assert 'alt="Cánh đồng Cẩm Bình"' in page(small_site, "xa-phuong/cam-binh/index.html")


def test_one_run_reports_field_photo_reference_and_commune_problems_of_one_entry(small_site: Path) -> None:
    write_files(small_site, {"content/products/mot-lan/index.md": """\
        ---
        name: Một lần sửa
        group: drinks
        producer: htx-khong-co
        commune: Xã Cẩm Bính
        recognitions:
          - stars: 6
            date: 2024
        images:
          - src: khong-co.jpg
            alt: Ảnh
        ---
        """})
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    mine = [str(p) for p in exc.value.problems if "mot-lan" in p.path]
    assert mine == [
        "content/products/mot-lan/index.md:3:1: group: must be one of food, beverages, herbal, handicrafts, ornamentals, tourism (got 'drinks')",
        "content/products/mot-lan/index.md:4:1: producer: no producer has the slug 'htx-khong-co' (use the folder name of a producer under content/)",
        "warning: content/products/mot-lan/index.md:5:1: commune: 'Xã Cẩm Bính' was taken to be Xã Cẩm Bình: the tone marks differ "
        "(write it as 'Xã Cẩm Bình' if that is the place)",
        "content/products/mot-lan/index.md:7:5: recognitions.0.stars: must be 3, 4 or 5 (got '6')",
        "content/products/mot-lan/index.md:10:5: images.0.src: 'khong-co.jpg' is not in the folder content/products/mot-lan/ "
        "(check the file name; letter case matters)",
    ]


def test_a_recognition_of_unknown_date_is_never_shown_as_current(small_site: Path) -> None:
    write_files(small_site, {"content/products/chua-ro/index.md": """\
        ---
        name: Chưa rõ năm
        group: food
        producer: htx-ky-phu
        commune: cam-binh
        recognitions:
          - stars: 4
            date: chưa rõ
        ---
        """})
    build(small_site, TODAY)
    html = page(small_site, "san-pham/chua-ro/index.html")
    status = html.split('<p class="status">')[1].split("</p>")[0]
    assert "Đạt 4 sao (chưa rõ năm công nhận)" in status and "badge-4" not in status
    assert "Chưa rõ năm công nhận, nên không được xem là còn hiệu lực" in html
    catalogue = page(small_site, "san-pham/index.html") + page(small_site, "san-pham/trang/2/index.html")
    assert "Chưa rõ năm" not in catalogue and "Chưa rõ năm" not in page(small_site, "sao/4/index.html")
    assert "Chưa rõ năm" in page(small_site, "san-pham/het-han/index.html")


def test_names_typed_without_tones_match_silently(small_site: Path) -> None:
    index = small_site / "content/products/keo-cu-do/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("commune: cam-binh", "commune: Xa Cam Binh"), encoding="utf-8")
    assert build(small_site, TODAY).warnings == []


@pytest.mark.parametrize(("template", "old", "new"), [
    ("product.html", ">{{ p.name }}</h1>", ">{{ p.nmae }}</h1>"),
    ("partials/macros.html", '>{{ p.name }}</span>', '>{{ p.name|nofilter }}</span>'),
    ("base.html", "<title>", "<title>{{ 1 / 0 }}"),
])
def test_a_template_mistake_names_the_template_file_and_line(small_site: Path, template: str, old: str, new: str) -> None:
    path = small_site / "templates" / template
    text = path.read_text(encoding="utf-8")
    assert old in text
    where = f"templates/{template}:{text[:text.index(old)].count(chr(10)) + 1}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    [error] = exc.value.errors
    assert str(error).startswith(where + ": template "), str(error)
    assert not (small_site / "output").exists(), "nothing was published"
