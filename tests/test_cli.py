"""Command line: check (strict, json, github), new, and file-level content problems."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ocopsite.cli import main

from .conftest import SMALL_SITE, write_files

NOW = ["--now", "2026-11-30"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def warned_site(write_site) -> Path:
    """The small site plus a product without a producer line (a warning)."""
    files = dict(SMALL_SITE)
    files["content/products/khong-chu/index.md"] = "---\nname: Không chủ\ncommune: cam-binh\nrecognitions:\n  - {stars: 3, date: 2025}\n---\n"
    root = write_site(files)
    (root / "content/products/nuoc-mam-ky-phu/chai.jpg").write_bytes((Path(__file__).parent / "data/images/hopper.jpg").read_bytes())
    return root


def test_check_reports_warnings_without_writing_output(warned_site: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", "--root", str(warned_site), *NOW)
    assert code == 0
    assert out.splitlines() == [
        "warning: content/products/khong-chu/index.md:1:1: has no producer (add 'producer:' with the slug of its producer, "
        "or leave 'producer:' empty if it is not known)",
        "check: 0 errors, 1 warning",
    ]
    assert not (warned_site / "output").exists()


def test_check_strict_turns_warnings_into_errors(warned_site: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", "--strict", "--root", str(warned_site), *NOW)
    assert code == 1
    assert out.splitlines()[-1] == "check: 1 error, 0 warnings"


def test_check_json_and_github_formats(warned_site: Path, capsys) -> None:
    _, out, _ = run(capsys, "check", "--format", "json", "--root", str(warned_site), *NOW)
    data = json.loads(out)
    assert data["summary"] == "0 errors, 1 warning"
    assert data["problems"][0] == {
        "path": "content/products/khong-chu/index.md", "line": 1, "column": 1, "field": "", "message": "has no producer",
        "hint": "add 'producer:' with the slug of its producer, or leave 'producer:' empty if it is not known", "severity": "warning",
    }
    _, out, _ = run(capsys, "check", "--format", "github", "--root", str(warned_site), *NOW)
    assert out.splitlines()[0] == (
        "::warning file=content/products/khong-chu/index.md,line=1,col=1::has no producer "
        "(add 'producer:' with the slug of its producer, or leave 'producer:' empty if it is not known)"
    )


def test_check_finds_broken_photos_without_building(small_site: Path, capsys) -> None:
    (small_site / "content/products/nuoc-mam-ky-phu/chai.jpg").write_text("not a photo")
    code, out, _ = run(capsys, "check", "--root", str(small_site), *NOW)
    assert code == 1
    assert "content/products/nuoc-mam-ky-phu/chai.jpg: the photo is not a JPEG, PNG, WebP or GIF photo" in out


def test_file_level_problems(small_site: Path, capsys) -> None:
    write_files(small_site, {
        "content/products/lac.md": "---\nname: Lạc\n---\n",
        "content/products/trong/anh.jpg": b"",
        "content/products/keo-cu-do/thua.jpg": (Path(__file__).parent / "data/images/hopper.jpg").read_bytes(),
    })
    os.symlink("/etc", small_site / "content/products/lien-ket")
    nuoc_mam = small_site / "content/products/nuoc-mam-ky-phu/index.md"
    nuoc_mam.write_text(nuoc_mam.read_text(encoding="utf-8").replace("src: chai.jpg", "src: chai-khac.jpg"), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--root", str(small_site), *NOW)
    assert code == 1
    assert out.splitlines() == [
        "warning: content/products/keo-cu-do/index.md:1:1: images: the photo 'thua.jpg' is in the folder but not listed "
        "(add it under 'images:' with an 'alt' text, or delete it)",
        "content/products/lac.md: a product must be in its own folder (move it to content/products/lac/index.md)",
        "content/products/lien-ket: is a symbolic link, which is not allowed in content (replace it with the real file)",
        "warning: content/products/nuoc-mam-ky-phu/index.md:20:1: images: the photo 'chai.jpg' is in the folder but not listed "
        "(add it under 'images:' with an 'alt' text, or delete it)",
        "content/products/nuoc-mam-ky-phu/index.md:21:5: images.0.src: 'chai-khac.jpg' is not in the folder content/products/nuoc-mam-ky-phu/ "
        "(check the file name; letter case matters)",
        "content/products/trong: this folder has no index.md (add content/products/trong/index.md or remove the folder)",
        "check: 4 errors, 2 warnings",
    ]


def test_slugs_come_from_vietnamese_names_and_tone_collisions_are_errors(small_site: Path, capsys) -> None:
    entry = "---\nname: {n}\ncommune: cam-binh\nproducer:\nrecognitions:\n  - {{stars: 3, date: 2025}}\n---\n"
    write_files(small_site, {
        "content/products/Cà phê Đồng/index.md": entry.format(n="Cà phê Đồng"),
        "content/products/Cà phê Đông/index.md": entry.format(n="Cà phê Đông"),
        "content/products/Giò Lụa Đặc Biệt/index.md": entry.format(n="Giò lụa đặc biệt"),
    })
    code, out, _ = run(capsys, "check", "--root", str(small_site), *NOW)
    both = "content/products/Cà phê Đồng/index.md and content/products/Cà phê Đông/index.md"
    assert out.splitlines() == [
        f"content/products/Cà phê Đông/index.md: {both} have the same slug 'ca-phe-dong' (rename one of them)",
        f"content/products/Cà phê Đồng/index.md: {both} have the same slug 'ca-phe-dong' (rename one of them)",
        "check: 2 errors, 0 warnings",
    ] or out
    (small_site / "content/products/Cà phê Đông/index.md").unlink()
    (small_site / "content/products/Cà phê Đông").rmdir()
    assert run(capsys, "build", "--root", str(small_site), *NOW)[0] == 0
    assert (small_site / "output/san-pham/gio-lua-dac-biet/index.html").is_file()
    assert (small_site / "output/san-pham/ca-phe-dong/index.html").is_file()


@pytest.mark.parametrize(
    ("kind", "name", "path", "to_fill"),
    [
        ("product", "Cu đơ Thành Đạt", "content/products/cu-do-thanh-dat/index.md", ["commune", "group", "recognitions.0.stars", "recognitions.0.date", "the text"]),
        ("producer", "HTX Đồng Lộc", "content/producers/htx-dong-loc/index.md", ["type", "the text"]),
        ("craft", "Nón lá Ba Giang", "content/crafts/non-la-ba-giang/index.md", ["the text"]),
        ("fair", "Lễ hội Cam 2026", "content/fairs/le-hoi-cam-2026/index.md", ["start", "the text"]),
        ("outlet", "Cửa hàng OCOP Hà Tĩnh", "content/outlets/cua-hang-ocop-ha-tinh/index.md", ["the text"]),
        ("page", "Hỏi đáp", "content/pages/hoi-dap.md", ["the text"]),
    ],
)
def test_new_writes_a_skeleton_whose_facts_are_empty_and_refuses_to_overwrite(write_site, capsys, kind: str, name: str, path: str, to_fill: list[str]) -> None:
    root = write_site({})
    code, out, _ = run(capsys, "new", kind, name, "--root", str(root))
    assert code == 0 and out.splitlines()[0] == path
    assert "python build.py serve" in out and "python build.py check" in out and "draft: true" in out, "says what to do next"
    text = (root / path).read_text(encoding="utf-8")
    assert f'"{name}"' in text and "draft: true" in text
    assert "2026" not in text.replace(name, ""), "no date is made up"
    code, out, _ = run(capsys, "check", "--strict", "--root", str(root), *NOW)
    assert code == 0, "a draft never fails a check: its gaps are notes"
    assert out.splitlines()[-1].startswith("check: 0 errors, 0 warnings")
    (root / path).write_text(text.replace("draft: true\n", ""), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--root", str(root), *NOW)
    assert code == 1, "an untouched skeleton is never published"
    reported = [line.split(": ", 1)[1] for line in out.splitlines()[:-1]]
    for field in to_fill:
        assert any(r.startswith(field) or r.startswith(f"{field}:") or (field == "commune" and "has no commune" in r) for r in reported), (field, reported)
    (root / path).write_text(text + "sửa\n", encoding="utf-8")
    code, _, err = run(capsys, "new", kind, name, "--root", str(root))
    assert code == 1 and err.strip() == f"error: {path} already exists; nothing was changed"
    assert (root / path).read_text(encoding="utf-8").endswith("sửa\n"), "nothing an editor wrote is lost"


def test_build_py_works_from_any_folder_and_reads_vietnamese_dates(small_site: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from .conftest import PROJECT

    shutil.copy(PROJECT / "build.py", small_site / "build.py")
    shutil.copytree(PROJECT / "ocopsite", small_site / "ocopsite", ignore=shutil.ignore_patterns("__pycache__"))
    run_ = subprocess.run([sys.executable, str(small_site / "build.py"), "--now", "30/11/2026"], cwd=tmp_path, capture_output=True, text=True)
    assert run_.returncode == 0, run_.stderr
    assert "as of 2026-11-30" in run_.stdout
    assert (small_site / "output/index.html").is_file()


def test_bad_base_url_option_is_blamed_on_the_option(small_site: Path, capsys) -> None:
    code, _, err = run(capsys, "build", "--root", str(small_site), "--base-url", "example.org/ocop", *NOW)
    assert code == 1
    assert "command line: --base-url: must be an absolute http(s) URL such as https://example.org/ocop/" in err


def test_errors_are_printed_after_warnings(warned_site: Path, capsys) -> None:
    write_files(warned_site, {"content/pages/a.md": "---\ntitle: [x\n---\n"})
    code, _, err = run(capsys, "build", "--root", str(warned_site), *NOW)
    lines = err.splitlines()
    assert code == 1
    assert lines[0].startswith("warning: content/products/khong-chu/index.md")
    assert lines[1].startswith("content/pages/a.md:2:")
    assert lines[-1] == "build failed: 1 error, 1 warning; output/ was not changed"


def test_config_values_are_checked_up_front(write_site, capsys) -> None:
    from .conftest import CONFIG

    root = write_site({}, config=CONFIG.replace("images:\n", "province_code: 1\ncolour: red\nimages:\n  background: not-a-colour\n"))
    code, out, _ = run(capsys, "check", "--root", str(root), *NOW)
    assert code == 1
    assert out.splitlines()[:-1] == [
        "site_config.yaml:5:1: province_code: must be 42 (Hà Tĩnh): the commune mapping shipped in ocopsite/data/ is for Hà Tĩnh only",
        "site_config.yaml:6:1: colour: is not a known field (check the spelling)",
        "site_config.yaml:8:3: images.background: is not a colour (got 'not-a-colour'); write it like #ffffff",
    ]


def test_utf16_files_unlikely_years_and_same_day_recognitions(write_site, capsys) -> None:
    root = write_site({
        "content/pages/unicode.md": "---\ntitle: Trang\n---\n".encode("utf-16"),
        "content/products/a/index.md": "---\nname: A\ncommune: cam-binh\nproducer:\nrecognitions:\n  - {stars: 3, date: 0224}\n---\n",
        "content/products/b/index.md": "---\nname: B\ncommune: cam-binh\nproducer:\nrecognitions:\n  - {stars: 3, date: 15/10/2024}\n  - {stars: 4, date: 15/10/2024}\n---\n",
    })
    code, out, _ = run(capsys, "check", "--root", str(root), *NOW)
    assert out.splitlines()[:-1] == [
        "content/pages/unicode.md:1: the file is saved as UTF-16 (Notepad calls it 'Unicode'), not UTF-8 (open it and save it again with the encoding UTF-8)",
        "content/products/a/index.md:6:16: recognitions.0.date: has an unlikely year 224 (got '0224'); check the year",
        "warning: content/products/b/index.md:7:16: recognitions.1.date: has the same date as another recognition "
        "(check the dates; on the same day the higher star is taken as current)",
    ]
