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

from .conftest import DATA, TODAY, tree




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
