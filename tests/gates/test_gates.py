"""The nine quality gates of .ci/run, each with its negative control."""

from __future__ import annotations

import io

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ocopsite.pipeline import build

from ..conftest import DATA, PROJECT, tree
from ..webcheck import crawl
from .conftest import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, CI, NOW, TEMPLATE_PAGES, project_copy

pytestmark = pytest.mark.gate

VNU = CI / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = CI / "node_modules/axe-core/axe.min.js"
LIGHTHOUSE = CI / "node_modules/lighthouse/cli/index.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LIGHTHOUSE_MIN = 0.95


def all_pages(output: Path) -> list[str]:
    """Return the path of every HTML page of a build, as served (``dir/`` for index.html)."""
    return sorted(p.relative_to(output).as_posix().removesuffix("index.html") for p in output.rglob("*.html"))


# 2. check --strict ---------------------------------------------------------------------------


def test_gate_check_strict_passes_on_the_shipped_content() -> None:
    run = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--strict", "--now", NOW.isoformat()], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_gate_check_strict_fails_on_a_warning(tmp_path: Path) -> None:
    root = project_copy(tmp_path / "site")
    (root / "content/products/khong-chu/").mkdir()
    (root / "content/products/khong-chu/index.md").write_text("---\nname: X\ncommune: cam-binh\nrecognitions: [{stars: 3, date: 2025}]\n---\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--strict", "--root", str(root), "--now", NOW.isoformat()], capture_output=True, text=True)
    assert run.returncode == 1 and "content/products/khong-chu/index.md:1:1: has no producer" in run.stdout


# 3. Nu Html Checker ----------------------------------------------------------------------------


def vnu(urls: list[str]) -> list[str]:
    """Run the Nu Html Checker on URLs; return every message (errors and warnings)."""
    run = subprocess.run(
        ["java", "-Dnu.validator.servlet.allow-forbidden-hosts=true", "-jar", str(VNU), "--format", "json", *urls],
        capture_output=True, text=True, timeout=900,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m.get('type')}{'/' + m['subType'] if m.get('subType') else ''}: {m['message']}" for m in messages]


def test_gate_html_validator_reports_nothing_on_any_page(shipped: Path, served: str) -> None:
    problems = vnu([served + page for page in all_pages(shipped / "output")])
    assert problems == [], "\n".join(problems)


def test_gate_html_validator_negative_control(broken_site: str) -> None:
    problems = vnu([broken_site])
    assert any("error" in p for p in problems), problems


# 4. Browser run -------------------------------------------------------------------------------


def visit(browser, url: str, width: int = 390, screenshot: Path | None = None, bypass_csp: bool = False) -> tuple[list[str], object]:
    """Load ``url`` with every non-loopback request blocked; return its problems and page."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    problems: list[str] = []

    def route(r):
        host = urlsplit(r.request.url).hostname
        if r.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            return r.continue_()
        problems.append(f"request outside the site: {r.request.url}")
        return r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    response = page.goto(url, wait_until="load")
    if response is None or response.status >= 400:
        problems.append(f"HTTP {response.status if response else '?'}: {url}")
    page.wait_for_timeout(50)
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    return problems, page


def test_gate_browser_every_page_loads_cleanly(browser, shipped: Path, served: str) -> None:
    problems = []
    for path in all_pages(shipped / "output"):
        if path == "404.html":
            continue  # fetched directly it is a normal page; its template is checked below
        found, page = visit(browser, served + path)
        page.context.close()
        problems += [f"/{path}: {p}" for p in found]
    assert problems == [], "\n".join(problems)


def test_gate_browser_screenshots_one_page_per_template(browser, served: str) -> None:
    problems = []
    for name, path in TEMPLATE_PAGES.items():
        for width in (390, 1280):
            found, page = visit(browser, served + path, width, ARTIFACTS / "screenshots" / f"{name}-{width}.png")
            page.context.close()
            problems += [f"/{path} at {width}px: {p}" for p in found]
    assert problems == [], "\n".join(problems)
    assert len(list((ARTIFACTS / "screenshots").glob("*.png"))) == 2 * len(TEMPLATE_PAGES)


@pytest.mark.parametrize("path", ["san-pham/nuoc-mam-ky-phu/", "en/products/nuoc-mam-ky-phu/"])
def test_gate_a_product_page_prints_as_one_a6_sheet(browser, served: str, path: str) -> None:
    from pypdf import PdfReader

    problems, page = visit(browser, served + path)
    page.emulate_media(media="print")
    shown = page.eval_on_selector_all("main > *", "els => els.filter(e => getComputedStyle(e).display != 'none').map(e => e.className)")
    qr = page.eval_on_selector(".print-sheet .sheet-qr", "img => img.complete && img.naturalWidth > 0")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"sheet-{path.strip('/').replace('/', '-')}.pdf").write_bytes(pdf)
    pages = PdfReader(io.BytesIO(pdf)).pages
    width, height = (float(v) * 25.4 / 72 for v in pages[0].mediabox.upper_right)
    assert problems == [] and shown == ["print-sheet"] and qr
    assert len(pages) == 1 and (round(width), round(height)) == (105, 148), (len(pages), width, height)


def test_gate_browser_negative_control(browser, broken_site: str) -> None:
    found, page = visit(browser, broken_site)
    page.context.close()
    assert any(p.startswith("console error") for p in found) and any("missing.png" in p for p in found), found


# 5. axe-core ---------------------------------------------------------------------------------


def axe(browser, url: str) -> list[str]:
    """Run axe-core (WCAG 2.2 AA tags) on ``url``; return one line per violation."""
    _found, page = visit(browser, url, bypass_csp=True)  # axe is injected as a script
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    page.context.close()
    return [f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:5])}" for v in result["violations"]]


def test_gate_axe_finds_no_violation_on_any_page(browser, shipped: Path, served: str) -> None:
    # every page, not one per template: a violation can come from one entry's content (a
    # long list of sources, say), as one did on 70 pages
    pages = [p for p in all_pages(shipped / "output") if p != "404.html" and not p.startswith("01/")]
    assert set(TEMPLATE_PAGES.values()) - {"404.html"} <= set(pages)
    context = browser.new_context(viewport={"width": 390, "height": 900}, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    problems = []
    for path in pages + ["404.html"]:
        page.goto(served + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        problems += [f"/{path}: {v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:5])}"
                     for v in result["violations"]]
    context.close()
    assert problems == [], "\n".join(problems[:40])


def test_gate_axe_negative_control(browser, broken_site: str) -> None:
    ids = {v.split(" ")[0] for v in axe(browser, broken_site)}
    assert {"image-alt", "color-contrast", "html-has-lang"} <= ids, ids


# 6. Lighthouse -------------------------------------------------------------------------------


#: Pages kept out of search engines on purpose (``<meta name="robots" content="noindex">``):
#: Lighthouse's SEO audit "is-crawlable" must fail on them, and the rest of SEO is scored.
NOINDEX = {"404", "enquiry", "en-enquiry", "booklet", "en-booklet"}


def lighthouse(url: str, noindex: bool = False) -> dict[str, float]:
    """Run Lighthouse (mobile) on ``url``; return the four category scores. For a ``noindex``
    page the SEO score leaves out "is-crawlable", which must fail (else SEO is 0)."""
    run = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--output=json", "--quiet", "--form-factor=mobile",
         "--only-categories=performance,accessibility,best-practices,seo", f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    scores = {name: cat["score"] for name, cat in report["categories"].items()}
    if noindex:
        audits = report["audits"]
        refs = [r for r in report["categories"]["seo"]["auditRefs"] if r["weight"] and audits[r["id"]]["score"] is not None]
        kept = [r for r in refs if r["id"] != "is-crawlable"]
        crawlable = audits["is-crawlable"]["score"]
        scores["seo"] = 0 if crawlable != 0 else sum(r["weight"] * audits[r["id"]]["score"] for r in kept) / sum(r["weight"] for r in kept)
    return scores


def test_gate_lighthouse_scores_every_template(served: str) -> None:
    scores = {name: lighthouse(served + path, noindex=name in NOINDEX) for name, path in TEMPLATE_PAGES.items()}
    (ARTIFACTS / "lighthouse.json").parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "lighthouse.json").write_text(json.dumps(scores, indent=2))
    low = [f"{name}: {cat} {score}" for name, cats in scores.items() for cat, score in cats.items() if score is None or score < LIGHTHOUSE_MIN]
    assert low == [], "\n".join(low)


def test_gate_lighthouse_negative_control(broken_site: str) -> None:
    scores = lighthouse(broken_site)
    assert min(scores.values()) < LIGHTHOUSE_MIN, scores


# 7. Link crawl -------------------------------------------------------------------------------


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000/", "https://example.org/ocop-hatinh/"])
def test_gate_crawl_shipped_site_root_and_sub_path(tmp_path: Path, base_url: str) -> None:
    root = project_copy(tmp_path / "site")
    build(root, NOW, base_url=base_url)
    count, broken = crawl(root / "output", base_url)
    assert broken == [], "\n".join(broken)
    assert count >= len(all_pages(root / "output")) - 1  # every page but 404.html is linked


def test_gate_crawl_negative_control(tmp_path: Path) -> None:
    from .conftest import BROKEN_PAGE

    (tmp_path / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    _count, broken = crawl(tmp_path, "https://example.org/")
    assert any("404" in b and "nowhere.html" in b for b in broken) and any("#no-such-anchor" in b for b in broken), broken


# 8. Data outputs -------------------------------------------------------------------------------


def test_gate_data_outputs_of_the_shipped_site(shipped: Path) -> None:
    import extruct
    import feedparser
    import icalendar
    import xmlschema

    out = shipped / "output"
    schema = xmlschema.XMLSchema(str(DATA / "sitemap-0.9.xsd"))
    schema.validate(str(out / "sitemap.xml"))
    base = "http://127.0.0.1:8000/"
    locs = [u["loc"] for u in schema.to_dict(str(out / "sitemap.xml"))["url"]]
    assert all(loc.startswith(base) for loc in locs) and len(locs) == len(set(locs))
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and feed.feed.id and feed.feed.title and feed.feed.updated
    assert all(e.id and e.title and e.updated for e in feed.entries)
    cal = icalendar.Calendar.from_ical((out / "fairs.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == len(list((out / "hoi-cho").glob("*/lich.ics")))
    assert all(e.get(k) for e in events for k in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"))
    required = {"Product": {"name", "award", "countryOfOrigin"}, "Event": {"name", "startDate", "location"}, "Place": {"name", "address"}, "BreadcrumbList": {"itemListElement"}}
    problems = []
    for path in all_pages(out):
        if path in ("404.html",):
            continue
        html = (out / path / "index.html").read_text(encoding="utf-8") if not path.endswith(".html") else (out / path).read_text(encoding="utf-8")
        data = extruct.extract(html, base_url=base + path, syntaxes=["json-ld", "opengraph"], uniform=True)
        for doc in data["json-ld"]:
            for item in doc["@graph"]:
                missing = required.get(item["@type"], set()) - item.keys()
                if missing:
                    problems.append(f"/{path}: {item['@type']} lacks {sorted(missing)}")
        og = data["opengraph"][0] if data["opengraph"] else {}
        if "og:image" in og and not og["og:image"].startswith(base):
            problems.append(f"/{path}: og:image is not absolute: {og['og:image']}")
    assert problems == [], "\n".join(problems)


def test_gate_data_outputs_negative_control(tmp_path: Path) -> None:
    import xmlschema

    bad = tmp_path / "sitemap.xml"
    bad.write_text('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/relative/</loc><lastmod>15/10/2024</lastmod></url></urlset>')
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xmlschema.XMLSchema(str(DATA / "sitemap-0.9.xsd")).validate(str(bad))


# 9. Reproducibility --------------------------------------------------------------------------


def digest(folder: Path) -> str:
    """Hash the output, but the search index files Pagefind does not keep byte-stable."""
    return hashlib.sha256(json.dumps(tree(folder), sort_keys=True).encode()).hexdigest()


def test_gate_two_builds_with_the_same_now_are_byte_identical(tmp_path: Path) -> None:
    first = project_copy(tmp_path / "a")
    second = project_copy(tmp_path / "b")
    build(first, NOW)
    build(second, NOW)
    assert digest(first / "output") == digest(second / "output")


def test_gate_reproducibility_negative_control(tmp_path: Path) -> None:
    root = project_copy(tmp_path / "a")
    build(root, NOW)
    before = digest(root / "output")
    build(root, NOW.replace(year=NOW.year + 3))  # three years on, stars have expired
    assert digest(root / "output") != before
    shutil.rmtree(root / "output")
