"""Any console: ``check`` and ``build`` print their reports under a non-UTF-8 console or a
redirected Windows output (cp1252, cp1258, latin-1) without crashing; Vietnamese degrades to
readable text, and the exit code stays right."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PROJECT, write_files

BROKEN = {"content/products/loi/index.md": "---\nname: Nước mắm lỗi\ngroup: đồ uống lạ\nproducer:\ncommune: Xã Cẩm Bình\nrecognitions: [{stars: 6, date: 2024}]\n---\n"}


def run(site: Path, encoding: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args, "--root", str(site), "--now", "2026-11-30"],
                          capture_output=True, env=env)


@pytest.mark.parametrize("encoding", ["cp1252", "cp1258", "latin-1"])
def test_reports_print_under_any_console_encoding(small_site: Path, encoding: str) -> None:
    write_files(small_site, BROKEN)
    checked = run(small_site, encoding, "check")
    assert checked.returncode == 1
    out = checked.stdout.decode(encoding)  # what the console shows: it decodes
    assert "Traceback" not in checked.stderr.decode(encoding, errors="replace")
    assert "content/products/loi/index.md:3:1: group: must be one of" in out
    assert "check: 2 errors, 0 warnings" in out
    if encoding == "cp1258":  # Vietnamese Windows: every letter survives, tone marks apart
        assert "lạ" in __import__("unicodedata").normalize("NFC", out)
    else:  # the nearest letters the encoding has: ô stays, ồ loses its tone, đ becomes d
        assert "(got 'dô uông la')" in out
    built = run(small_site, encoding, "build")
    assert built.returncode == 1
    err = built.stderr.decode(encoding)
    assert "Traceback" not in err and "build failed: 2 errors, 0 warnings; output/ was not changed" in err


def test_a_successful_build_prints_its_summary_under_cp1252(small_site: Path) -> None:
    built = run(small_site, "cp1252", "build")
    assert built.returncode == 0, built.stderr
    assert b"built " in built.stdout
