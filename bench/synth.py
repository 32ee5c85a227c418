"""A synthetic national-scale site made from the shipped content, and the same products as a
Hugo site, for ``bench/run.py``.

The synthetic site is the project (templates, assets, config, every shipped entry) plus
generated products and producers: each product takes a shipped product's facts (group,
recognitions shifted by a few months, summary) and a story of about 300 words made of four
shipped stories; products are spread over all 69 current communes and over the producers.
Generated entries are deterministic (seeded), so every run measures the same site.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

from ocopsite.i18n import translations
from ocopsite.models import GROUP_LABELS

PROJECT = Path(__file__).resolve().parent.parent
COPIED = ("templates", "assets", "content", "site_config.yaml")
SEED = 20261201


def _split(text: str) -> tuple[str, str]:
    _, fm, body = text.split("---\n", 2)
    return fm, body.strip()


def _field(fm: str, name: str) -> str | None:
    m = re.search(rf"^{name}: *(.+)$", fm, re.M)
    return m.group(1).strip().strip('"') if m else None


def _shipped_products() -> list[dict]:
    items = []
    for path in sorted((PROJECT / "content/products").glob("*/index.md")):
        fm, body = _split(path.read_text(encoding="utf-8"))
        items.append({"name": _field(fm, "name") or path.parent.name, "group": _field(fm, "group") or "food",
                      "summary": _field(fm, "summary") or "", "body": body})
    return items


def _communes() -> list[str]:
    from ocopsite.geography import load_geography

    return [c.name for c in load_geography(42).communes]


def make_site(dest: Path, products: int, producers: int, images: int = 0) -> dict:
    """Write the synthetic site into ``dest`` (a new folder); returns what it made.

    ``products``/``producers`` are totals, shipped entries included. ``images`` products get
    one generated 2000×1500 JPEG photo each. Raises ``FileExistsError`` if ``dest`` exists.
    """
    dest.mkdir(parents=True)
    for name in COPIED:
        src = PROJECT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    rng = random.Random(SEED)
    shipped = _shipped_products()
    communes = _communes()
    n_shipped_producers = len(list((PROJECT / "content/producers").glob("*/index.md")))
    made_producers = []
    for i in range(max(0, producers - n_shipped_producers)):
        slug = f"htx-tong-hop-{i:05d}"
        commune = communes[i % len(communes)]
        kind = ("cooperative", "enterprise", "household_business", "cooperative_group")[i % 4]
        (dest / "content/producers" / slug).mkdir()
        (dest / "content/producers" / slug / "index.md").write_text(
            f"---\nname: \"Hợp tác xã tổng hợp số {i + 1}\"\ntype: {kind}\ncommune: \"{commune}\"\n"
            f"founded: {2000 + i % 24}\nsources:\n  - \"https://example.org/nguon/{slug}\"\n---\n"
            f"Hợp tác xã số {i + 1} ở {commune} sản xuất và tiêu thụ sản phẩm của bà con trong vùng.\n",
            encoding="utf-8",
        )
        made_producers.append(slug)
    made_products = []
    for i in range(max(0, products - len(shipped))):
        base = shipped[i % len(shipped)]
        slug = f"sp-{i:05d}"
        story = "\n\n".join(shipped[(i + k * 7) % len(shipped)]["body"] for k in range(4))
        recs = []
        year, month = 2019 + rng.randrange(6), 1 + rng.randrange(12)
        for k in range(1 + rng.randrange(3)):
            if year + 3 * k > 2026:
                break
            stars = min(5, 3 + k + rng.randrange(2) * (k > 0))
            recs.append(f"  - stars: {stars}\n    date: {year + 3 * k}-{month:02d}-{1 + rng.randrange(28):02d}\n"
                        f"    kind: {'first' if k == 0 else 'renewal'}\n    decision: \"{100 + i % 900}/QĐ-UBND\"")
        producer = made_producers[i % len(made_producers)] if made_producers else ""
        folder = dest / "content/products" / slug
        folder.mkdir()
        photo = ""
        if i < images:
            _photo(folder / "anh.jpg", rng)
            photo = f"images:\n  - src: anh.jpg\n    alt: \"Ảnh sản phẩm số {i + 1}\"\n"
        (folder / "index.md").write_text(
            f"---\nname: \"{base['name']} số {i + 1}\"\ngroup: {base['group']}\nproducer: {producer}\n"
            f"commune: \"{communes[(i * 7) % len(communes)]}\"\nrecognitions:\n" + "\n".join(recs) + "\n"
            f"summary: \"{base['summary'].replace(chr(34), '')}\"\n{photo}"
            f"sources:\n  - \"https://example.org/nguon/{slug}\"\n---\n{story}\n",
            encoding="utf-8",
        )
        made_products.append(slug)
    return {"products": made_products, "producers": made_producers}


def _photo(path: Path, rng: random.Random) -> None:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (2000, 1500), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(im)
    for _ in range(40):
        x, y = rng.randrange(2000), rng.randrange(1500)
        draw.ellipse((x, y, x + rng.randrange(50, 600), y + rng.randrange(50, 600)),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    im.save(path, quality=90)


HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "vi"
title = "OCOP"
[pagination]
  pagerSize = 100
paginate = 100
[taxonomies]
  producer = "producers"
  commune = "communes"
  group = "groups"
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>"
                            "<body><header><a href=\"/\">{{ site.Title }}</a></header><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    "_default/single.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>"
                            "{{ range .Params.recognitions }}<p>{{ .stars }} sao, {{ .date }}</p>{{ end }}"
                            "{{ .Content }}{{ end }}\n",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}"
                          "<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>"
                          "{{ with .Paginator.Next }}<a href=\"{{ .URL }}\">next</a>{{ end }}{{ end }}\n",
    "index.html": "{{ define \"main\" }}<h1>{{ site.Title }}</h1>{{ end }}\n",
}


def make_hugo_site(ours: Path, dest: Path) -> None:
    """Write the products of the synthetic site ``ours`` as a Hugo site in ``dest``: the same
    Markdown bodies, title from ``name``, taxonomies for producer, commune and group."""
    (dest / "content/products").mkdir(parents=True)
    (dest / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (dest / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / "layouts" / rel).write_text(text, encoding="utf-8")
    for path in sorted((ours / "content/products").glob("*/index.md")):
        fm, body = _split(path.read_text(encoding="utf-8"))
        fm = re.sub(r"^producer: *(#.*)?$", "", fm, flags=re.M)
        name = _field(fm, "name") or path.parent.name
        extra = [f"title: \"{name}\""]
        for key, tax in (("producer", "producers"), ("commune", "communes"), ("group", "groups")):
            if value := _field(fm, key):
                extra.append(f"{tax}: [\"{value.split('#')[0].strip()}\"]")
        fm = re.sub(r"^(images|former_address):\n(  .*\n)*", "", fm + "\n", flags=re.M)
        target = dest / "content/products" / f"{path.parent.name}.md"
        target.write_text("---\n" + "\n".join(extra) + "\n" + fm.strip() + "\n---\n" + body + "\n", encoding="utf-8")


HUGO_EQUAL = Path(__file__).resolve().parent / "hugo"


def _group_labels() -> dict[str, tuple[str, str]]:
    """Return ``{group key: (Vietnamese label, English label)}`` from the project's own table."""
    english = translations("en").gettext
    return {group.value: (str(label), english(str(label))) for group, label in GROUP_LABELS.items()}


def _recognitions(fm: str) -> list[dict]:
    """The ``recognitions:`` list of a product's front matter, newest first, dates as
    YYYY-MM-DD text (dd/mm/yyyy turned round; a year-only date becomes 31 December)."""
    items = [dict(r) for r in (yaml.safe_load(fm) or {}).get("recognitions") or [] if isinstance(r, dict) and "stars" in r]
    for r in items:
        d = str(r.get("date") or "")
        if m := re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", d):
            d = f"{m[3]}-{m[2]}-{m[1]}"
        r["date"] = f"{d}-12-31" if re.fullmatch(r"\d{4}", d) else (d or "2000-01-01")
    return sorted(items, key=lambda r: r["date"], reverse=True)


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_equal_hugo_site(ours: Path, dest: Path, *, now: str = "2026-11-30") -> None:
    """Write the synthetic site ``ours`` as a Hugo site in ``dest`` doing the work our build does
    for products, for a fair benchmark (layouts, i18n and config: ``bench/hugo/``).

    The site: Vietnamese at ``/`` and English at ``/en/`` (every product in both languages:
    ``index.en.md``'s name, summary and story when ours has one, else the Vietnamese ones with
    " (EN)" after the title); one page per product (header with search, languages and menu,
    breadcrumbs, star badge, facts, story, recognition history, up to 6 other products of the
    producer, share block, printable sheet with its QR image); the catalogue ``/products/``
    paginated at 24; term pages of producers and communes (all their products, one page, plus
    the list of producers and of communes), and of groups and stars (products whose latest
    recognition is valid on ``now``, paginated at 24; no list page of groups or stars); the
    home page; one RSS feed (the Vietnamese products section, 50 items); the sitemap; 404.
    No taxonomy feeds, no other pages (ours also makes crafts, fairs, search, statistics...).
    """
    content = dest / "content"
    (content / "products").mkdir(parents=True)
    groups = _group_labels()
    for sub in ("layouts", "i18n"):
        shutil.copytree(HUGO_EQUAL / sub, dest / sub)
    config = (HUGO_EQUAL / "hugo.toml").read_text(encoding="utf-8")
    (dest / "hugo.toml").write_text(config + f'\n[params]\n  now = "{now}"\n', encoding="utf-8")

    def write(path: Path, front: list[str], body: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + "\n".join(front) + "\n---\n" + body + "\n", encoding="utf-8")

    # the feed only on the Vietnamese products section; no list pages of stars and groups
    write(content / "products/_index.md", ["title: Sản phẩm OCOP", 'outputs: ["html", "rss"]'])
    write(content / "products/_index.en.md", ["title: OCOP products", 'outputs: ["html"]'])
    for tax in ("stars", "groups"):
        for suffix in ("", ".en"):
            write(content / tax / f"_index{suffix}.md", [f"title: {tax}", "_build:", "  render: never",
                                                          "  list: never"])

    producers = {}
    for path in sorted((ours / "content/producers").glob("*/index.md")):
        fm, body = _split(path.read_text(encoding="utf-8"))
        name = _field(fm, "name") or path.parent.name
        producers[path.parent.name] = name
        for suffix in ("", ".en"):
            write(content / "producers" / path.parent.name / f"_index{suffix}.md",
                  [f"title: {_yaml_str(name)}"], body)

    for path in sorted((ours / "content/products").glob("*/index.md")):
        fm, body = _split(path.read_text(encoding="utf-8"))
        slug = path.parent.name
        recs = _recognitions(fm)
        valid = bool(recs) and f"{int(recs[0]['date'][:4]) + 3}{recs[0]['date'][4:]}" > now
        stars = int(recs[0]["stars"]) if valid else 0
        group = (_field(fm, "group") or "").split("#")[0].strip()
        producer = (_field(fm, "producer") or "").split("#")[0].strip()
        commune = (_field(fm, "commune") or "").split("#")[0].strip()
        sources = re.findall(r'^  - "?(https?://[^"\s]+)"?$', fm.split("\nnotes:")[0], re.M)
        common = [f"group: {group}", f"commune: {_yaml_str(commune)}", f"current_stars: {stars}",
                  f"date: {recs[0]['date'] if recs else '2000-01-01'}", "recognitions:"]
        common += [f"  - stars: {r['stars']}\n    date: \"{r['date']}\"\n    kind: {r.get('kind', '')}\n"
                   f"    decision: {_yaml_str(r.get('decision', ''))}" + (f"\n    batch: {_yaml_str(r['batch'])}"
                                                                           if r.get("batch") else "")
                   for r in recs] or ["  []"]
        common += ["sources:"] + [f"  - {_yaml_str(s)}" for s in sources] if sources else []
        terms = [f"communes: [{_yaml_str(commune)}]"] if commune else []
        if producer in producers:
            terms += [f"producers: [{producer}]", f"producer_name: {_yaml_str(producers[producer])}"]
        if valid:
            terms += [f'stars: ["{stars}"]'] + ([f"groups: [{group}]"] if group in groups else [])
            if group in groups and not (content / "groups" / group).exists():  # the term's titles
                write(content / "groups" / group / "_index.md", [f"title: {_yaml_str(groups[group][0])}"])
                write(content / "groups" / group / "_index.en.md", [f"title: {_yaml_str(groups[group][1])}"])
        labels = groups.get(group, ("", ""))
        name = _field(fm, "name") or slug
        summary = _field(fm, "summary") or ""
        write(content / "products" / f"{slug}.md",
              [f"title: {_yaml_str(name)}", f"summary: {_yaml_str(summary)}",
               f"group_label: {_yaml_str(labels[0])}"] + common + terms, body)
        en = path.with_name("index.en.md")
        if en.exists():
            en_fm, en_body = _split(en.read_text(encoding="utf-8"))
            name_en, summary_en = _field(en_fm, "name") or name, _field(en_fm, "summary") or summary
        else:
            name_en, summary_en, en_body = f"{name} (EN)", summary, body
        write(content / "products" / f"{slug}.en.md",
              [f"title: {_yaml_str(name_en)}", f"summary: {_yaml_str(summary_en)}",
               f"group_label: {_yaml_str(labels[1])}"] + common + terms, en_body or body)
