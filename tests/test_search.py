"""The search catalogue and the word index: a base plus a delta, made again when the delta
grows, on ``--full-search``, in shards; page hashes unique across a language's bundles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ocopsite import search
from ocopsite.pipeline import build
from ocopsite.search import Indexer, search_text

import pytest

from .conftest import CONFIG, DATA, SMALL_SITE, TODAY, live_records


@pytest.fixture
def small_site(write_site) -> Path:
    """The small site in both languages."""
    root = write_site(SMALL_SITE, CONFIG + "languages: [vi, en]\n")
    shutil.copy(DATA / "images" / "hopper_orientation_6.jpg", root / "content/products/nuoc-mam-ky-phu/chai.jpg")
    return root


def catalogue(root: Path, lang: str = "vi") -> dict:
    return json.loads((root / "output/pagefind" / lang / "catalogue.json").read_text(encoding="utf-8"))


def rows(root: Path, lang: str = "vi") -> dict[str, list]:
    data = catalogue(root, lang)
    columns = data["columns"]
    return {r[columns.index("url")]: dict(zip(columns, r)) for r in data["rows"]}


def edit_story(root: Path, slug: str, text: str) -> None:
    page = root / "content/products" / slug / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_the_catalogue_has_a_row_per_entry_in_name_order_with_its_facets(small_site: Path) -> None:
    build(small_site, TODAY)
    data = catalogue(small_site)
    found = rows(small_site)
    product = found["/san-pham/nuoc-mam-ky-phu/"]
    assert (product["kind"], product["stars"], product["last_stars"], product["status"], product["group"]) == ("product", 4, 4, "valid", "food")
    assert data["labels"]["communes"][product["commune"]] == ["ky-anh", "Xã Kỳ Anh"]
    assert product["date"] == 20241015 and product["image"].startswith("/anh/")
    expired = found["/san-pham/dau-lac-tuan-cuc/"]
    assert (expired["stars"], expired["last_stars"], expired["status"]) == (0, 3, "lapsed")
    assert "/san-pham/ban-nhap/" not in found, "a draft is not in the catalogue"
    assert len([r for r in found.values() if r["kind"] == "commune"]) == 69
    titles = [r["title"] for r in found.values() if r["kind"] == "product"]
    assert titles == ["Dầu lạc Tuấn Cúc", "Kẹo cu đơ Hà Tĩnh", "Nước mắm Kỳ Phú"], "Vietnamese order"
    assert len({r["hash"] for r in found.values()}) == len(found), "each row names its own Pagefind page"
    english = rows(small_site, "en")["/en/products/nuoc-mam-ky-phu/"]
    assert english["url"] == "/en/products/nuoc-mam-ky-phu/" and data["labels"]["status"]["valid"] == "Còn hiệu lực"
    assert catalogue(small_site, "en")["labels"]["status"]["valid"] == "Valid"


def test_markup_in_a_name_stays_text_in_the_catalogue(small_site: Path) -> None:
    page = small_site / "content/products/keo-cu-do/index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("name: Kẹo cu đơ Hà Tĩnh", 'name: "Kẹo </script><b>đậm</b>"'), encoding="utf-8")
    build(small_site, TODAY)
    raw = (small_site / "output/pagefind/vi/catalogue.json").read_text(encoding="utf-8")
    assert "<" not in raw and "\\u003c/script>" in raw
    assert rows(small_site)["/san-pham/keo-cu-do/"]["title"] == "Kẹo </script><b>đậm</b>"


def test_an_edit_goes_into_a_delta_and_the_base_stays(small_site: Path) -> None:
    build(small_site, TODAY)
    base = catalogue(small_site)["bundles"]
    assert len(base) == 1
    edit_story(small_site, "nuoc-mam-ky-phu", "Một câu mới về cá cơm.")
    build(small_site, TODAY)
    bundles = catalogue(small_site)["bundles"]
    assert bundles[0] == base[0] and len(bundles) == 2
    state = Indexer(small_site).state
    assert set(state.delta["vi"].records) == {"product/nuoc-mam-ky-phu"}
    assert set(state.delta["en"].records) == {"product/nuoc-mam-ky-phu"}, "the English page shows the Vietnamese story"
    edit_story(small_site, "keo-cu-do", "Kẹo giòn.")
    build(small_site, TODAY)
    assert set(Indexer(small_site).state.delta["vi"].records) == {"product/nuoc-mam-ky-phu", "product/keo-cu-do"}, \
        "the delta holds every record changed since the base"
    assert catalogue(small_site)["bundles"][0] == base[0]
    assert len(list((small_site / ".cache/search/bundles").iterdir())) == 4, "older deltas are removed from the cache"


def test_a_delta_past_its_limit_or_full_search_makes_the_base_again(small_site: Path, monkeypatch) -> None:
    build(small_site, TODAY)
    first = catalogue(small_site)["bundles"]
    monkeypatch.setattr(search, "delta_limit", lambda records: 3)
    edit_story(small_site, "nuoc-mam-ky-phu", "Sửa một.")
    build(small_site, TODAY)
    assert len(catalogue(small_site)["bundles"]) == 2
    shutil.rmtree(small_site / "content/products/dau-lac-tuan-cuc")  # with the delta: 2 languages × 2 records
    build(small_site, TODAY)
    again = catalogue(small_site)["bundles"]
    assert len(again) == 1 and again != first, "a new base, no delta"
    edit_story(small_site, "nuoc-mam-ky-phu", "Sửa hai.")
    build(small_site, TODAY)
    assert len(catalogue(small_site)["bundles"]) == 2
    build(small_site, TODAY, full_search=True)
    assert len(catalogue(small_site)["bundles"]) == 1


def test_a_base_in_shards_has_unique_page_hashes_and_clashes_get_a_salt(small_site: Path, monkeypatch) -> None:
    monkeypatch.setattr(search, "SHARD_WORDS", 40)
    real = search._page_hashes
    calls = []

    def clashing(bundle: Path, names: dict[str, str]) -> dict[str, str]:
        found = real(bundle, names)
        calls.append(names)
        if len(calls) == 2:  # make one page of the second shard clash with the first shard
            first = next(iter(real_first.values()))
            found[next(iter(found))] = first
        elif len(calls) == 1:
            real_first.update(found)
        return found

    real_first: dict[str, str] = {}
    monkeypatch.setattr(search, "_page_hashes", clashing)
    build(small_site, TODAY)
    bundles = catalogue(small_site)["bundles"]
    assert len(bundles) > 2, "the base is cut into shards"
    assert any("~1.html" in name for name in calls[2]), "the clashing record was indexed again with a salt"
    found = rows(small_site)
    assert len({r["hash"] for r in found.values()}) == len(found)
    published = sorted(p.name for p in (small_site / "output/pagefind/vi").iterdir())
    assert published == sorted(["catalogue.json", *(b.rstrip("/") for b in bundles)])
    assert [b for b in bundles if (small_site / "output/pagefind/vi" / b / "pagefind.js").exists()] == bundles[:1], \
        "only the first bundle carries the script"


def test_incremental_live_records_equal_a_clean_build(small_site: Path, tmp_path: Path) -> None:
    build(small_site, TODAY)
    edit_story(small_site, "nuoc-mam-ky-phu", "Câu chuyện thêm.")
    page = small_site / "content/products/keo-cu-do/index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Kẹo cu đơ Hà Tĩnh", "Kẹo lạc Hà Tĩnh"), encoding="utf-8")
    shutil.copytree(small_site / "content/products/keo-cu-do", small_site / "content/products/keo-me")
    shutil.rmtree(small_site / "content/products/dau-lac-tuan-cuc")
    build(small_site, TODAY)
    clean = tmp_path / "clean"
    shutil.copytree(small_site, clean, ignore=shutil.ignore_patterns("output", ".output.*", ".cache", ".build.lock"))
    build(clean, TODAY)
    assert live_records(small_site) == live_records(clean)
    strip = lambda data: [r[:-1] for r in data["rows"]]  # noqa: E731
    assert strip(catalogue(small_site)) == strip(catalogue(clean)) and strip(catalogue(small_site, "en")) == strip(catalogue(clean, "en"))


def test_words_with_d_bar_are_indexed_folded_too() -> None:
    assert search_text("Cu đơ **Đức** Thọ", "[xem](https://example.org)") == "Cu đơ Đức Thọ xem do duc"
