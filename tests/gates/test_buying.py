"""Gates on what a buyer does in a real browser: the check page answers for every shipped
product, and the enquiry list goes from product pages to one message with their links."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.gate

#: A product's state in the lookup → the class its answer carries on the check page.
VERDICT = {"valid": "valid", "upcoming": "upcoming", "expired": "expired", "unknown": "unknown"}


def rows(shipped: Path, path: str) -> list[dict]:
    data = json.loads((shipped / "output" / path).read_text(encoding="utf-8"))
    return [dict(zip(data["columns"], r)) for r in data["rows"]]


def ask(page, query: str) -> list[tuple[str, str]]:
    """Type ``query`` in the check form; return the answers as (product URL, verdict class)."""
    page.evaluate("() => { document.querySelector('[data-status]').textContent = ''; }")  # so the wait sees this answer
    page.fill("#check-q", query)
    page.click("[data-checker] button[type=submit]")
    page.locator("[data-status]:not(:empty)").wait_for()
    found = page.eval_on_selector_all(
        "[data-results] > li", "ls => ls.map(l => [l.querySelector('h2 a').getAttribute('href'), l.querySelector('.verdict').classList[1]])")
    return [tuple(a) for a in found]


@pytest.mark.parametrize(("lang", "path"), [("vi", "kiem-tra/"), ("en", "en/check/")])
def test_gate_the_check_page_answers_for_every_shipped_product(browser, shipped: Path, served: str, lang: str, path: str) -> None:
    products = rows(shipped, path + "products.json")
    assert len(products) == len(list((shipped / "content/products").iterdir()))
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(served + path)
    problems = []
    for p in products:
        queries = [p["name"]] + [r[0] for r in p["recognitions"] if r[0]] + ([p["gtin"]] if p["gtin"] else [])
        for q in queries:
            answers = ask(page, q)
            if (p["url"], VERDICT[p["status"]]) not in answers:
                problems.append(f"{q!r}: {answers[:3]} lacks {p['url']} ({p['status']})")
    assert ask(page, "8930000000000") == []  # not on the list: it says so
    assert "8930000000000" in page.text_content("[data-status]")
    page.close()
    assert problems == [] and errors == []


def test_gate_the_check_page_takes_a_query_from_its_address_and_works_without_a_server(browser, shipped: Path, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "kiem-tra/?q=cu%20do")
    page.wait_for_selector("[data-results] > li")
    names = page.eval_on_selector_all("[data-results] h2", "hs => hs.map(h => h.textContent)")
    page.context.set_offline(True)  # the lookup is loaded: later checks need no network
    answers = ask(page, "nuoc mam ky phu")
    page.close()
    assert names and all("Cu đơ" in n or "cu đơ" in n for n in names)
    assert ("/san-pham/nuoc-mam-ky-phu/", "valid") in answers


def test_gate_the_enquiry_list_makes_one_message_with_the_products_links(browser, served: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    for slug in ("nuoc-mam-ky-phu", "cu-do-thanh-dat"):
        page.goto(served + f"san-pham/{slug}/")
        page.click("[data-enquire]")
        assert page.get_attribute("[data-enquire]", "aria-pressed") == "true"
    page.goto(served + "hoi-hang/")
    page.wait_for_selector("[data-rows] tr")
    assert page.locator("[data-rows] tr").count() == 2
    message = page.input_value("[data-message]")
    assert message.startswith("Xin chào") and served + "san-pham/nuoc-mam-ky-phu/" in message and served + "san-pham/cu-do-thanh-dat/" in message
    mail = page.get_attribute("[data-recipients] a[href^='mailto:']", "href")
    assert unquote(mail.split("body=", 1)[1]) == message
    page.goto(served + "en/enquiry/")  # the same list, in the visitor's language
    page.wait_for_selector("[data-rows] tr")
    english = page.input_value("[data-message]")
    assert english.startswith("Hello") and served + "en/products/nuoc-mam-ky-phu/" in english
    page.click("[data-rows] tr button")
    assert page.locator("[data-rows] tr").count() == 1
    context.close()


def test_gate_without_javascript_the_list_is_hidden_and_the_pages_say_what_to_do(browser, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "san-pham/nuoc-mam-ky-phu/")
    button_shown = page.is_visible("[data-enquire]")
    where = page.text_content("#noi-mua")
    page.goto(served + "kiem-tra/")
    links = page.eval_on_selector_all("[data-fallback] a", "as => as.map(a => a.getAttribute('href'))")
    context.close()
    assert not button_shown and "Nơi mua" in where
    assert "/san-pham/" in links and "/du-lieu/" in links


def test_gate_check_negative_control(browser, shipped: Path, tmp_path: Path) -> None:
    # the same site without its lookup: the page says it could not load, and answers nothing
    import shutil

    from ..webcheck import serve

    copy = tmp_path / "out"
    shutil.copytree(shipped / "output", copy)
    (copy / "kiem-tra/products.json").unlink()
    with serve(copy) as url:
        page = browser.new_page()
        page.goto(url + "kiem-tra/?q=cu%20do")
        page.locator("[data-status]", has_text="Không tải được").wait_for()
        assert page.locator("[data-results] > li").count() == 0
        page.close()


def test_gate_every_fair_booklet_prints_cleanly_in_chromium(browser, shipped: Path, served: str) -> None:
    import io

    from pypdf import PdfReader

    from .conftest import ARTIFACTS

    problems = []
    fairs = sorted(p.name for p in (shipped / "content/fairs").iterdir())
    page = browser.new_page()
    for lang, path in (("vi", "hoi-cho/{}/tap-san-pham/"), ("en", "en/fairs/{}/booklet/")):
        for slug in fairs:
            url = served + path.format(slug)
            page.goto(url)
            page.emulate_media(media="print")
            hidden = page.eval_on_selector_all(".site-header, .site-footer, .booklet-cover .actions",
                                               "els => els.every(e => getComputedStyle(e).display == 'none')")
            broken = page.eval_on_selector_all(".booklet img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
            wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
            items = page.locator(".booklet-item").count()
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            page.emulate_media(media="screen")
            pages = PdfReader(io.BytesIO(pdf)).pages
            size = {tuple(round(float(v) * 25.4 / 72) for v in p.mediabox.upper_right) for p in pages}
            text = " ".join(" ".join(p.extract_text().split()) for p in pages)
            if slug == fairs[0]:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                (ARTIFACTS / f"booklet-{lang}.pdf").write_bytes(pdf)
            if not (hidden and not broken and not wide and items > 0 and size == {(148, 210)} and len(pages) >= 2
                    and f"1 / {len(pages)}" in text and f"{len(pages)} / {len(pages)}" in text):
                problems.append(f"{url}: hidden={hidden} broken={broken} wide={wide} items={items} size={size} pages={len(pages)}")
    page.close()
    assert problems == []


def test_gate_a_fair_kit_saved_on_a_phone_opens_offline(browser, served: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    fair = served + "hoi-cho/le-hoi-cam-ha-tinh-2024/"
    page.goto(fair)
    page.click("[data-offline] button")
    page.locator("[data-offline-status]", has_text="Đã lưu").wait_for(timeout=30000)
    context.set_offline(True)
    page.goto(fair + "tap-san-pham/")
    items = page.locator(".booklet-item").count()
    qr = page.eval_on_selector_all(".booklet-qr img", "imgs => imgs.every(i => i.complete && i.naturalWidth > 0)")
    page.goto(fair)
    title = page.text_content("h1")
    outside = True
    try:  # the worker keeps the fair's folder only
        page.goto(served + "san-pham/")
    except Exception:
        outside = False
    context.close()
    assert items > 0 and qr and "Lễ hội Cam" in title
    assert not outside
