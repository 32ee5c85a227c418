"""Incremental = full: after every kind of change, the output a project's next build leaves
(keeping its caches, its output and the spare folder) equals, byte for byte, the output of
a clean build of the same sources; and it does not depend on the number of workers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ocopsite import render
from ocopsite.pipeline import Session, build

from .conftest import CONFIG, DATA, PROJECT, TODAY, tree, write_files




def clean_build(root: Path, tmp_path: Path, name: str) -> dict[str, str]:
    """Build a copy of ``root``'s sources (no output, no caches) and return its tree."""
    copy = tmp_path / f"clean-{name}"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("output", ".output.*", ".cache", ".build.lock"))
    build(copy, TODAY)
    return tree(copy / "output", search="live")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _changes(root: Path) -> list[tuple[str, Callable[[], None]]]:
    products = root / "content/products"
    return [
        ("edit a product's story", lambda: edit(products / "nuoc-mam-ky-phu/index.md", "Câu chuyện **nước mắm**.", "Câu chuyện mới của **nước mắm**.")),
        ("edit a product's name (moves it in every list)", lambda: edit(products / "keo-cu-do/index.md", "name: Kẹo cu đơ Hà Tĩnh", "name: Ăn kẹo cu đơ")),
        ("add a product", lambda: shutil.copytree(products / "keo-cu-do", products / "keo-lac")),
        ("rename a product folder", lambda: (products / "keo-lac").rename(products / "keo-lac-ha-tinh")),
        ("delete a product", lambda: shutil.rmtree(products / "dau-lac-tuan-cuc")),
        ("replace a photo", lambda: shutil.copy(DATA / "images/flower.jpg", products / "nuoc-mam-ky-phu/chai.jpg")),
        ("add a photo", lambda: (shutil.copy(DATA / "images/hopper.jpg", products / "keo-cu-do/anh.jpg"),
                                 edit(products / "keo-cu-do/index.md", "commune: cam-binh\n", "commune: cam-binh\nimages:\n  - {src: anh.jpg, alt: Gói kẹo}\n"))),
        ("delete a photo", lambda: ((products / "keo-cu-do/anh.jpg").unlink(), edit(products / "keo-cu-do/index.md", "images:\n  - {src: anh.jpg, alt: Gói kẹo}\n", ""))),
        ("edit a template", lambda: edit(root / "templates/product.html", "{{ _(\"Lịch sử công nhận OCOP\") }}", "{{ _(\"Lịch sử công nhận OCOP\") }} ·")),
        ("edit a partial used by every page", lambda: edit(root / "templates/partials/macros.html", "{{ p.name }}</span>", "{{ p.name }} </span>")),
        ("edit an asset", lambda: (root / "assets/css/style.css").write_text((root / "assets/css/style.css").read_text() + "\n/* x */\n")),
        ("change the config", lambda: edit(root / "site_config.yaml", "page_size: 1", "page_size: 2")),
        ("delete a page", lambda: (root / "content/pages/gioi-thieu.md").unlink()),
        # A photo's published names hold its file name: renamed, it is published under the new one.
        ("rename a photo", lambda: ((products / "nuoc-mam-ky-phu/chai.jpg").rename(products / "nuoc-mam-ky-phu/chai-500ml.jpg"),
                                    edit(products / "nuoc-mam-ky-phu/index.md", "src: chai.jpg", "src: chai-500ml.jpg"))),
        ("move a photo into a sub-folder, renamed", lambda: ((products / "nuoc-mam-ky-phu/anh").mkdir(),
                                                             (products / "nuoc-mam-ky-phu/chai-500ml.jpg").rename(products / "nuoc-mam-ky-phu/anh/chai.jpg"),
                                                             edit(products / "nuoc-mam-ky-phu/index.md", "src: chai-500ml.jpg", "src: anh/chai.jpg"))),
        ("replace a photo in a sub-folder", lambda: shutil.copy(DATA / "images/hopper.jpg", products / "nuoc-mam-ky-phu/anh/chai.jpg")),
        ("copy a photo into another entry under another name", lambda: (
            shutil.copy(products / "nuoc-mam-ky-phu/anh/chai.jpg", products / "keo-cu-do/goi.jpg"),
            edit(products / "keo-cu-do/index.md", "commune: cam-binh\n", "commune: cam-binh\nimages:\n  - {src: goi.jpg, alt: Gói kẹo}\n"))),
    ]


@pytest.mark.parametrize("warm", [False, True], ids=["command line", "preview session"])
def test_incremental_build_equals_a_clean_build_after_every_change(small_site: Path, tmp_path: Path, warm: bool) -> None:
    session = Session() if warm else None
    build(small_site, TODAY, session=session)
    assert tree(small_site / "output", search="live") == clean_build(small_site, tmp_path, "start")
    for n, (what, change) in enumerate(_changes(small_site)):
        change()
        result = build(small_site, TODAY, session=session)
        assert result.written > 0, f"{what}: nothing was written"
        assert tree(small_site / "output", search="live") == clean_build(small_site, tmp_path, str(n)), what
    again = build(small_site, TODAY, session=session)
    assert again.written == 0, "a build with nothing changed writes nothing"


def test_a_file_changed_by_hand_in_output_is_made_again(small_site: Path) -> None:
    build(small_site, TODAY)
    page = small_site / "output/san-pham/nuoc-mam-ky-phu/index.html"
    good = page.read_bytes()
    with open(page, "r+b") as f:  # in place, as a careless deploy script would
        f.write(b"<!-- changed -->")
    (small_site / "output/chu-the/index.html").unlink()
    result = build(small_site, TODAY)
    assert result.written > 0
    assert page.read_bytes() == good
    assert (small_site / "output/chu-the/index.html").is_file()
    assert build(small_site, TODAY).written == 0


def test_output_does_not_depend_on_the_number_of_workers(small_site: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(render, "POOL_THRESHOLD", 1)  # use the worker processes even for a small site
    trees = []
    for workers in (1, 2, 3):
        copy = tmp_path / f"w{workers}"
        shutil.copytree(small_site, copy)
        result = build(copy, TODAY, workers=workers)
        assert result.written == result.files
        trees.append(tree(copy / "output"))
    assert trees[0] == trees[1] == trees[2]


# --- random edits, additions and deletions -----------------------------------------------------

COMMUNES = ["cam-binh", "ky-anh", "huong-khe", "thach-ha", "duc-tho"]
GROUPS = ["food", "beverages", "herbal", "handicrafts"]
WORDS = "mật ong nước mắm kẹo lạc cu đơ rượu nếp chè xanh cam bưởi nón lá tinh dầu tràm".split()


class RandomSite:
    """A bilingual site kept as data and written out after every change, so random edits
    stay valid content."""

    def __init__(self, root: Path, rng) -> None:
        self.root, self.rng = root, rng
        self.producers = {f"htx-{i}": {"name": f"Hợp tác xã số {i}", "type": "cooperative", "commune": COMMUNES[i % 5]}
                          for i in range(4)}
        self.products: dict[str, dict] = {}
        self.serial = 0
        for _ in range(10):
            self.add_product()
        self.crafts = {"nghe-non": {"name": "Nghề nón lá", "products": sorted(self.products)[:2]}}
        self.fairs = {"hoi-cho-xuan": {"name": "Hội chợ mùa xuân", "start": "2027-01-20", "products": sorted(self.products)[2:4],
                                       "producers": ["htx-1"]}}
        (root / "site_config.yaml").write_text(CONFIG.replace("page_size: 1", "page_size: 3") + "languages: [vi, en]\n", encoding="utf-8")
        self.write_all()

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def add_product(self) -> str:
        self.serial += 1
        slug = f"san-pham-{self.serial}"
        self.products[slug] = {
            "name": f"{self.words(2).capitalize()} số {self.serial}", "group": self.rng.choice(GROUPS),
            "producer": self.rng.choice([*self.producers, ""]), "commune": self.rng.choice(COMMUNES),
            "recognitions": [(self.rng.choice([3, 4, 5]), f"{self.rng.choice([2021, 2023, 2024, 2025])}-0{self.rng.randint(1, 9)}-15")],
            "summary": self.words(6), "story": self.words(20), "english": self.rng.random() < 0.4,
        }
        return slug

    def write_all(self) -> None:
        for folder in ("products", "producers", "crafts", "fairs"):
            shutil.rmtree(self.root / "content" / folder, ignore_errors=True)
        files = {}
        for slug, p in self.products.items():
            recs = "".join(f"  - stars: {s}\n    date: {d}\n" for s, d in p["recognitions"])
            producer = p["producer"] if p["producer"] in self.producers else ""
            files[f"content/products/{slug}/index.md"] = (
                f"---\nname: {p['name']}\ngroup: {p['group']}\nproducer: {producer}\ncommune: {p['commune']}\n"
                f"recognitions:\n{recs}summary: {p['summary']}\n---\n{p['story']}\n")
            if p["english"]:
                files[f"content/products/{slug}/index.en.md"] = f"---\nname: English {p['name']}\nsummary: In English.\n---\nThe story.\n"
        for slug, p in self.producers.items():
            files[f"content/producers/{slug}/index.md"] = f"---\nname: {p['name']}\ntype: {p['type']}\ncommune: {p['commune']}\n---\nVề chúng tôi.\n"
        for slug, c in self.crafts.items():
            listed = [x for x in c["products"] if x in self.products]
            files[f"content/crafts/{slug}/index.md"] = f"---\nname: {c['name']}\ncraft: nón lá\ncommune: ky-anh\nproducts: {listed}\n---\nLàng nghề.\n"
        for slug, f in self.fairs.items():
            listed = [x for x in f["products"] if x in self.products]
            files[f"content/fairs/{slug}/index.md"] = (f"---\nname: {f['name']}\nstart: {f['start']}\nproducts: {listed}\n"
                                                       f"producers: {f['producers']}\n---\nHội chợ.\n")
        files["content/pages/gioi-thieu.md"] = "---\ntitle: Giới thiệu\nmenu: 1\n---\nTrang giới thiệu.\n"
        write_files(self.root, files)

    def change(self) -> str:
        """Make one random change; return what it was."""
        rng, products = self.rng, self.products
        slug = rng.choice(sorted(products))
        p = products[slug]
        what = rng.choice(["story", "rename", "stars", "renewal", "group", "commune", "producer", "add", "delete",
                           "producer name", "english", "craft", "fair", "summary"])
        if what == "story":
            p["story"] += " " + self.words(5)
        elif what == "rename":
            p["name"] = f"{self.words(2).capitalize()} {slug}"
        elif what == "stars":
            p["recognitions"][0] = (rng.choice([3, 4, 5]), p["recognitions"][0][1])
        elif what == "renewal":
            p["recognitions"].append((rng.choice([4, 5]), "2026-06-01") if rng.random() < 0.7 else (3, "2019-01-01"))
        elif what == "group":
            p["group"] = rng.choice(GROUPS)
        elif what == "commune":
            p["commune"] = rng.choice(COMMUNES)
        elif what == "producer":
            p["producer"] = rng.choice([*self.producers, ""])
        elif what == "add":
            slug = self.add_product()
        elif what == "delete" and len(products) > 3:
            del products[slug]
        elif what == "producer name":
            producer = rng.choice(sorted(self.producers))
            self.producers[producer]["name"] = f"Hợp tác xã {self.words(2)}"
        elif what == "english":
            p["english"] = not p["english"]
        elif what == "craft":
            self.crafts["nghe-non"]["products"] = rng.sample(sorted(products), 2)
        elif what == "fair":
            self.fairs["hoi-cho-xuan"]["products"] = rng.sample(sorted(products), 2)
        elif what == "summary":
            p["summary"] = self.words(5)
        self.write_all()
        return f"{what} {slug}"


@pytest.mark.parametrize("seed", [20261207])
def test_random_edits_additions_and_deletions_build_as_a_clean_build(tmp_path: Path, seed: int) -> None:
    import random

    command_line, preview = tmp_path / "cli", tmp_path / "preview"
    for root in (command_line, preview):
        root.mkdir()
        shutil.copytree(PROJECT / "templates", root / "templates")
        shutil.copytree(PROJECT / "assets", root / "assets")
    sites = [RandomSite(command_line, random.Random(seed)), RandomSite(preview, random.Random(seed))]
    session = Session()
    build(command_line, TODAY)
    build(preview, TODAY, session=session)
    for n in range(18):
        changes = {s.change() for s in sites}
        assert len(changes) == 1
        build(command_line, TODAY)
        build(preview, TODAY, session=session)
        clean = clean_build(command_line, tmp_path, f"r{n}")
        what = changes.pop()
        assert tree(command_line / "output", search="live") == clean, f"step {n}: {what}"
        assert tree(preview / "output", search="live") == clean, f"step {n} (preview): {what}"


def test_a_story_edit_renders_one_page_per_language(tmp_path: Path) -> None:
    import random

    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "assets", root / "assets")
    site = RandomSite(root, random.Random(1))
    build(root, TODAY)
    slug = sorted(site.products)[0]
    site.products[slug]["english"] = False
    site.write_all()
    build(root, TODAY)
    site.products[slug]["story"] += " Một câu mới."
    site.write_all()
    result = build(root, TODAY)
    assert sorted(result.rendered) == sorted([f"san-pham/{slug}/index.html", f"en/products/{slug}/index.html"])
    site.products[slug]["name"] = "Ăn thử tên mới"
    site.write_all()
    result = build(root, TODAY)
    shows = [p for p in result.rendered if p.startswith(("san-pham/", "sao/", "nhom/", "en/products/", "en/stars/", "en/groups/"))]
    assert f"san-pham/{slug}/index.html" in shows and "san-pham/index.html" in shows, "a renamed product's lists are rendered again"
