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
