"""Two languages: URLs per language, translations beside entries and their fallback,
catalogues, Vietnamese order, per-locale formats, pagination edges."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ocopsite.errors import BuildError
from ocopsite.i18n import Formats, translations
from ocopsite.kinds import translate_path
from ocopsite.pipeline import build, check
from ocopsite.vietnamese import sort_key

from .conftest import CONFIG, DATA, SMALL_SITE, TODAY

BILINGUAL = CONFIG + "languages: [vi, en]\n"


@pytest.fixture
def bilingual(write_site):
    """Return a function making the small site, in both languages, with ``extra`` files."""
    import shutil

    def make(extra: dict[str, str] | None = None) -> Path:
        root = write_site({**SMALL_SITE, **(extra or {})}, BILINGUAL)
        shutil.copy(DATA / "images" / "hopper_orientation_6.jpg", root / "content/products/nuoc-mam-ky-phu/chai.jpg")
        return root

    return make


def page(root: Path, path: str) -> str:
    return (root / "output" / path).read_text(encoding="utf-8")


def test_vietnamese_order_puts_each_letter_and_tone_in_its_place() -> None:
    # a < ă < â, d < đ, o < ô < ơ, u < ư; tones after the letter (no tone first)
    words = ["ư", "u", "đa", "da", "ơ", "ô", "o", "â", "ă", "a", "à", "á", "ạ", "ả", "ã", "Ưu", "Ung", "Đông", "Dung", "Thọ", "Thổ", "Tho"]
    ordered = sorted(words, key=sort_key)
    assert ordered.index("a") < ordered.index("ă") < ordered.index("â")
    assert ordered.index("da") < ordered.index("Dung") < ordered.index("đa") < ordered.index("Đông")
    assert ordered.index("o") < ordered.index("ô") < ordered.index("ơ")
    assert ordered.index("u") < ordered.index("Ung") < ordered.index("ư") < ordered.index("Ưu")
    assert ordered.index("Tho") < ordered.index("Thổ") and ordered.index("Tho") < ordered.index("Thọ")
    assert ordered[:6] == ["a", "à", "ả", "ã", "á", "ạ"], ordered[:6]  # Vietnamese tone order


def test_dates_numbers_and_prices_follow_the_language_never_the_machine() -> None:
    vi, en = Formats("vi"), Formats("en")
    day = dt.date(2024, 10, 15)
    assert vi.date(day) == "15 tháng 10, 2024" and en.date(day) == "15 October 2024"
    assert vi.money(120000) == "120.000\xa0₫" and en.money(120000) == "VND 120,000"
    assert vi.number(1234567) == "1.234.567" and en.number(1234567) == "1,234,567"
    assert vi.date_range(day, day) == vi.date(day)
    assert "Oct" in en.date_range(day, dt.date(2024, 11, 2)) and "Nov" in en.date_range(day, dt.date(2024, 11, 2))


def test_the_english_catalogue_translates_every_message_and_keeps_placeholders() -> None:
    from babel.messages.pofile import read_po

    from ocopsite.i18n import LOCALES_DIR

    catalogue = read_po((LOCALES_DIR / "en/LC_MESSAGES/site.po").open("rb"))
    template = read_po((LOCALES_DIR / "site.pot").open("rb"))
    assert {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id} <= \
        {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue if m.id}, "run pybabel update"
    for m in catalogue:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        source = m.id if isinstance(m.id, str) else m.id[0]
        assert all(strings), f"untranslated: {source}"
        for s in strings:
            assert sorted(re.findall(r"{\w+}", s)) == sorted(re.findall(r"{\w+}", source)), source
    assert translations("en").gettext("Trang chủ") == "Home"
    assert translations("vi").gettext("Trang chủ") == "Trang chủ"


@pytest.mark.parametrize("path", ["/", "/san-pham/", "/san-pham/trang/3/", "/san-pham/het-han/trang/2/", "/san-pham/in/",
                                  "/nhom/thao-duoc/", "/sao/5/", "/chu-the/htx-ky-phu/", "/lien-he/", "/tim-kiem/"])
def test_every_path_has_one_english_twin_and_back(path: str) -> None:
    english = translate_path(path, "en")
    assert english.startswith("/en/") and translate_path(english, "vi") == path
    assert translate_path(path, "vi") == path


def test_english_pages_mirror_the_vietnamese_ones_with_alternates(bilingual) -> None:
    root = bilingual()
    build(root, TODAY)
    vi, en = page(root, "san-pham/nuoc-mam-ky-phu/index.html"), page(root, "en/products/nuoc-mam-ky-phu/index.html")
    assert '<html lang="vi">' in vi and '<html lang="en">' in en
    assert 'property="og:locale" content="vi_VN"' in vi and 'property="og:locale" content="en_GB"' in en
    for html in (vi, en):
        assert '<link rel="alternate" hreflang="vi" href="https://example.org/san-pham/nuoc-mam-ky-phu/">' in html
        assert '<link rel="alternate" hreflang="en" href="https://example.org/en/products/nuoc-mam-ky-phu/">' in html
        assert '<link rel="alternate" hreflang="x-default" href="https://example.org/san-pham/nuoc-mam-ky-phu/">' in html
    assert 'href="/en/products/nuoc-mam-ky-phu/" hreflang="en"' in vi, "the switcher keeps the page"
    assert "Product group" in en and "Valid until" not in vi
    assert "14 October 2027" in en and "14 tháng 10, 2027" in vi
    sitemap = page(root, "sitemap.xml")
    assert "https://example.org/en/products/nuoc-mam-ky-phu/" in sitemap


def test_an_untranslated_entry_falls_back_to_vietnamese_and_says_so(bilingual) -> None:
    root = bilingual()
    build(root, TODAY)
    en = page(root, "en/products/nuoc-mam-ky-phu/index.html")
    assert '<h1 lang="vi">Nước mắm Kỳ Phú</h1>' in en
    assert "has not been translated" in en.lower() or "not yet translated" in en.lower()
    assert "Fish sauce" not in en


def test_a_translation_gives_the_words_and_keeps_the_facts(bilingual) -> None:
    files = {"content/products/nuoc-mam-ky-phu/index.en.md": """\
        ---
        name: Kỳ Phú fish sauce
        summary: Anchovy fish sauce from Kỳ Anh.
        ---
        Made the old way.
        """, "content/pages/gioi-thieu.en.md": "---\ntitle: About\nmenu_title: About us\n---\nThe English page.\n"}
    root = bilingual(files)
    build(root, TODAY)
    en = page(root, "en/products/nuoc-mam-ky-phu/index.html")
    assert "<h1>Kỳ Phú fish sauce</h1>" in en and '<p class="original-name" lang="vi">Nước mắm Kỳ Phú</p>' in en
    assert "Anchovy fish sauce from Kỳ Anh." in en and "Made the old way." in en and "not yet translated" not in en.lower()
    assert "4-star OCOP" in en or "4 stars" in en, "the facts come from index.md"
    vi = page(root, "san-pham/nuoc-mam-ky-phu/index.html")
    assert "Kỳ Phú fish sauce" not in vi
    assert "About us" in page(root, "en/index.html") and "The English page." in page(root, "en/gioi-thieu/index.html")
    assert not (root / "output/gioi-thieu.en").exists() and not (root / "output/en/gioi-thieu-en").exists()


def test_a_fact_in_a_translation_is_refused_with_its_line(bilingual) -> None:
    files = {"content/products/nuoc-mam-ky-phu/index.en.md": "---\nname: Kỳ Phú fish sauce\nrecognitions:\n  - {stars: 5, date: 2025}\n---\n",
             "content/pages/khong-co.en.md": "---\ntitle: Orphan\n---\n"}
    root = bilingual(files)
    problems = [str(p) for p in check(root, TODAY)]
    assert any(p.startswith("content/products/nuoc-mam-ky-phu/index.en.md:3:1: recognitions: is not a word to translate") for p in problems), problems
    assert any(p.startswith("content/pages/khong-co.en.md") and "does not exist" in p for p in problems), problems
    with pytest.raises(BuildError):
        build(root, TODAY)


def _products(n: int) -> dict[str, str]:
    files = {k: v for k, v in SMALL_SITE.items() if not k.startswith(("content/products/", "content/crafts/", "content/fairs/"))}
    for i in range(n):
        files[f"content/products/sp-{i}/index.md"] = f"---\nname: Sản phẩm {i}\ncommune: cam-binh\nproducer:\nrecognitions: [{{stars: 3, date: 15/10/2024}}]\n---\n"
    return files


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (3, 1), (4, 2)])
def test_pagination_edges(write_site, count: int, pages: int) -> None:
    root = write_site(_products(count), CONFIG.replace("page_size: 1", "page_size: 3"))
    build(root, TODAY)
    first = page(root, "san-pham/index.html")
    assert (root / "output/san-pham/trang" / str(pages)).exists() == (pages > 1)
    assert not (root / "output/san-pham/trang" / str(pages + 1)).exists(), "no empty page after the last"
    assert not (root / "output/san-pham/trang/1").exists(), "page 1 is the section URL"
    assert first.count('<li class="card') == min(count, 3)
    if count == 0:
        assert "Chưa có sản phẩm nào trong mục này." in first
    if pages == 2:
        second = page(root, "san-pham/trang/2/index.html")
        assert 'rel="next" href="/san-pham/trang/2/"' in first and 'rel="prev" href="/san-pham/"' in second
        assert 'rel="next"' not in second and second.count('<li class="card') == count - 3
    else:
        assert 'rel="next"' not in first and 'rel="prev"' not in first
