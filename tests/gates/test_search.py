"""Search, combined filters and the language switcher, in Chromium, on the built shipped site."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ocopsite.pipeline import load_site
from ocopsite.vietnamese import fold
from ocopsite.views import Views

from ..webcheck import serve
from .conftest import NOW, TEMPLATE_PAGES
from .test_gates import visit

pytestmark = pytest.mark.gate


def wait_for_results(page, timeout_ms: int = 10000) -> list[str]:
    """Wait until the search script says how many results it found; return their titles.
    (Polling from here: the site's CSP rightly forbids the evaluated strings of wait_for_function.)"""
    for _ in range(timeout_ms // 100):
        status = page.text_content("[data-status]") or ""
        if any(word in status for word in ("kết quả", "result", "Không", "No results", "could not")):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # the cards of the first page are fetched after the count
    return page.eval_on_selector_all("[data-results] .card-title", "els => els.map(e => e.textContent)")


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("tim-kiem/", "nuoc mam", "Nước mắm Kỳ Phú"),          # no tones
    ("tim-kiem/", "cu do", "Cu đơ Xuân Lương"),           # đ typed as d
    ("tim-kiem/", "Duc Tho", "Xã Đức Thọ"),                # a commune, đ and tones
    ("tim-kiem/", "Ky Phu", "Nước mắm Kỳ Phú"),            # a former commune: now in Xã Kỳ Anh
    ("tim-kiem/", "buoi phuc trach", "Chế tác trầm hương Phúc Trạch"),  # no pomelo: the words that match
    ("en/search/", "fish sauce", "Kỳ Phú fish sauce"),     # the English index
])
def test_gate_search_finds_words_typed_without_diacritics(browser, served: str, path: str, query: str, expected: str) -> None:
    problems, page = visit(browser, f"{served}{path}?q={query.replace(' ', '+')}")
    titles = wait_for_results(page)
    page.context.close()
    assert problems == []
    assert expected in titles, titles  # on the first page of results
    tail = " ".join(fold(query).split()[-2:])  # the words that matched (all of them, or the last two)
    assert all(tail in fold(t) for t in titles[:2]), f"the best matches come first: {titles[:6]}"


def test_gate_exact_diacritics_rank_first(browser, served: str) -> None:
    _problems, page = visit(browser, served + "tim-kiem/?q=cu+%C4%91%C6%A1")  # "cu đơ"
    titles = wait_for_results(page)
    page.context.close()
    assert titles and all("đơ" in t.lower() for t in titles[:4]), titles


def test_gate_catalogue_filters_combine_and_never_lead_to_nothing(browser, shipped: Path, served: str) -> None:
    site, _ = load_site(shipped, NOW)
    views = Views(None, "/", NOW, "vi")
    commune = max({p.commune.code: p.commune for p in site.current_products}.values(),
                  key=lambda c: sum(1 for p in site.current_products if p.commune.code == c.code))
    food = [p for p in site.current_products if p.meta.group and p.meta.group.value == "food"]
    expected = sorted(p.name for p in food if p.commune.code == commune.code)
    problems, page = visit(browser, served + "san-pham/")
    wait_for_results(page, 3000)  # the facets fill in once the index is loaded
    page.select_option("#f-group", "food")
    wait_for_results(page)
    page.select_option("#f-commune", commune.slug)
    titles = wait_for_results(page)
    options = page.eval_on_selector_all("#f-stars option, #f-group option, #f-commune option",
                                        "os => os.map(o => [o.value, o.textContent, o.disabled])")
    page.context.close()
    assert problems == []
    assert sorted(titles) == expected, (titles, expected)
    for value, label, disabled in options:
        if value:
            assert label.endswith(")") and (label.endswith("(0)") == disabled), (value, label, disabled)


def test_gate_language_switcher_round_trips_every_page_kind(browser, served: str) -> None:
    problems = []
    for name, path in TEMPLATE_PAGES.items():
        if name == "404" or name.startswith("en-"):
            continue  # the 404 page is one for both languages
        found, page = visit(browser, served + path)
        found = list(found)  # leaving a page cancels what its search script was still fetching: not a problem
        page.click('.langs a[hreflang="en"]')
        page.wait_for_load_state("load")
        english = page.url
        lang = page.get_attribute("html", "lang")
        page.click('.langs a[hreflang="vi"]')
        page.wait_for_load_state("load")
        back = page.url
        page.context.close()
        problems += [f"/{path}: {p}" for p in found]
        if lang != "en" or "/en/" not in english or back != served + path:
            problems.append(f"/{path} → {english} (lang {lang}) → {back}")
    assert problems == [], "\n".join(problems)


def test_gate_search_page_without_javascript_links_to_the_lists(browser, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "san-pham/nuoc-mam-ky-phu/")
    page.fill("#site-q", "nuoc mam")
    page.press("#site-q", "Enter")
    page.wait_for_load_state("load")
    links = page.eval_on_selector_all("[data-fallback] a", "as => as.map(a => a.getAttribute('href'))")
    url = page.url
    context.close()
    assert url.startswith(served + "tim-kiem/?q=nuoc")
    assert "/san-pham/" in links and "/sao/4/" in links and "/chu-the/" in links


def test_gate_search_negative_control(browser, shipped: Path, tmp_path: Path) -> None:
    # the same site without its index: the search says it failed, and the check above would fail
    copy = tmp_path / "out"
    shutil.copytree(shipped / "output", copy)
    shutil.rmtree(copy / "pagefind")
    with serve(copy) as url:
        problems, page = visit(browser, url + "tim-kiem/?q=nuoc+mam")
        titles = wait_for_results(page)
        status = page.text_content("[data-status]")
        page.context.close()
    assert titles == [] and "Không tải được" in status
    assert any("404" in p or "failed" in p for p in problems), problems


#: Queries whose results a clean build and an incremental one (base + delta) must share.
SAME_RESULTS = [
    ("tim-kiem/", "nuoc mam"), ("tim-kiem/", "cu do"), ("tim-kiem/", "mat ong"), ("tim-kiem/", "Ky Phu"),
    ("tim-kiem/", "lang chai Quynh Vien"), ("tim-kiem/", "huou"), ("tim-kiem/", "Duc Tho"),
    ("en/search/", "fish sauce"), ("en/search/", "honey"), ("en/search/", "Quynh Vien"), ("en/search/", "deer"),
]


def _edits(root: Path) -> None:
    """Change a story, rename a product, add one and delete one: each record goes into the delta."""
    products = root / "content/products"
    story = products / "nuoc-mam-ky-phu/index.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nCá cơm về từ làng chài Quỳnh Viên.\n", encoding="utf-8")
    renamed = products / "cu-do-xuan-luong/index.md"
    renamed.write_text(renamed.read_text(encoding="utf-8").replace("name: Cu đơ Xuân Lương", "name: Kẹo cu đơ làng Xuân Lương"),
                       encoding="utf-8")
    shutil.copytree(products / "mat-ong-vu-quang-duc-linh", products / "mat-ong-rung-thu")
    added = products / "mat-ong-rung-thu/index.md"
    added.write_text(added.read_text(encoding="utf-8").replace("name: Mật ong Vũ Quang (Đức Lĩnh)", "name: Mật ong rừng thử"),
                     encoding="utf-8")
    shutil.rmtree(products / "mat-ong-vu-quang-trieu-thu")


def test_gate_an_incremental_index_answers_as_a_clean_one(browser, tmp_path: Path) -> None:
    from .conftest import project_copy
    from ocopsite.pipeline import build

    incremental = project_copy(tmp_path / "incremental")
    build(incremental, NOW)
    _edits(incremental)
    build(incremental, NOW)
    clean = project_copy(tmp_path / "clean")
    _edits(clean)
    build(clean, NOW)
    bundles = json.loads((incremental / "output/pagefind/vi/catalogue.json").read_text(encoding="utf-8"))["bundles"]
    assert len(bundles) == 2, "the incremental build merges a delta"
    answers = {}
    for name, root in (("incremental", incremental), ("clean", clean)):
        with serve(root / "output") as url:
            for path, query in SAME_RESULTS:
                problems, page = visit(browser, f"{url}{path}?q={query.replace(' ', '+')}")
                wait_for_results(page)
                while page.is_visible("[data-more]"):  # every result, not only the first page
                    page.click("[data-more]")
                titles = page.eval_on_selector_all("[data-results] .card-title", "els => els.map(e => e.textContent)")
                status = page.text_content("[data-status]")
                page.context.close()
                assert problems == [], (name, query, problems)
                answers.setdefault((path, query), {})[name] = (sorted(titles), status)
    for (path, query), got in answers.items():
        assert got["incremental"] == got["clean"], (path, query, got)
    assert any("Quỳnh Viên" in t or "Kỳ Phú" in t for t in answers[("tim-kiem/", "lang chai Quynh Vien")]["clean"][0]), "the new words are found"
    assert "Mật ong rừng thử" in answers[("tim-kiem/", "mat ong")]["clean"][0]
    assert "Mật ong Vũ Quang (Triều Thu)" not in answers[("tim-kiem/", "mat ong")]["incremental"][0], "a deleted entry is not found"
    assert "Kẹo cu đơ làng Xuân Lương" in answers[("tim-kiem/", "cu do")]["incremental"][0]
