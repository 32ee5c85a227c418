"""Reliability: a killed build never damages the last good output/, one build at a time,
and builds are reproducible whatever the clock, locale, time zone or hash seed."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from ocopsite.errors import BuildError
from ocopsite.pipeline import build
from ocopsite.writer import LOCK_FILE

from .conftest import PROJECT, TODAY, tree




def command(root: Path) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), "build", "--root", str(root), "--now", "2026-11-30"]


def without_index(files: dict[str, str]) -> dict[str, str]:
    """Return a site's files without the search index, whose bundles depend on the index's
    cache (base and delta: ``search``), not only on the content."""
    return {path: digest for path, digest in files.items() if not path.startswith("pagefind/")}


def test_sigkill_at_random_points_never_damages_the_last_good_output(small_site: Path, tmp_path: Path) -> None:
    build(small_site, TODAY)
    old = tree(small_site / "output")
    page = small_site / "content/pages/gioi-thieu.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nPhiên bản mới.\n", encoding="utf-8")
    shutil.rmtree(small_site / ".cache")  # make the killed builds re-encode photos and cards too, and re-render
    copy = tmp_path / "copy"
    shutil.copytree(small_site, copy, ignore=shutil.ignore_patterns("output", ".cache"))
    build(copy, TODAY)
    new = tree(copy / "output")
    assert new != old

    started = time.perf_counter()
    subprocess.run(command(copy), check=True, capture_output=True)
    duration = time.perf_counter() - started
    rng = random.Random(20261130)
    outcomes = []
    for _ in range(8):
        proc = subprocess.Popen(command(small_site), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = tree(small_site / "output")
        assert now in (old, new), "output/ must be the old site or the complete new one, never a mix"
        outcomes.append("new" if now == new else "old")
        if now == new:  # the build had finished: put the old site back for the next try
            page.write_text(page.read_text(encoding="utf-8").replace("\nPhiên bản mới.\n", ""), encoding="utf-8")
            build(small_site, TODAY)
            # the same pages; the word index may now be a base and a delta (a killed build can
            # have remade the base already), so the rebuilt site is the reference from here
            assert without_index(tree(small_site / "output")) == without_index(old)
            old = tree(small_site / "output")
            page.write_text(page.read_text(encoding="utf-8") + "\nPhiên bản mới.\n", encoding="utf-8")
    assert "old" in outcomes, "at least one kill landed mid-build"
    build(small_site, TODAY)
    assert without_index(tree(small_site / "output")) == without_index(new)
    debris = [p.name for p in small_site.iterdir() if p.name.startswith(".output.")]
    assert debris == [".output.spare"], "only the spare twin of output/ (see writer.py), no staging folders"
    assert not [p for p in (small_site / ".cache/media").iterdir() if p.name.startswith(".tmp")]


def test_a_second_build_waits_for_the_lock_then_gives_up_clearly(small_site: Path) -> None:
    with FileLock(str(small_site / LOCK_FILE)):
        with pytest.raises(BuildError) as exc:
            build(small_site, TODAY, lock_wait=0.3)
    assert str(exc.value.errors[0]) == f"{LOCK_FILE}: another build of this project has been running for over 0 s (wait for it to finish, or stop it)"
    build(small_site, TODAY, lock_wait=0.3)  # free again


@pytest.mark.parametrize("env", [
    {"TZ": "UTC", "LANG": "C", "PYTHONHASHSEED": "1"},
    {"TZ": "Asia/Ho_Chi_Minh", "LANG": "vi_VN.UTF-8", "LC_ALL": "vi_VN.UTF-8", "PYTHONHASHSEED": "4242"},
    {"TZ": "America/Los_Angeles", "LANG": "C.UTF-8", "PYTHONHASHSEED": "random"},
])
def test_builds_are_byte_identical_across_time_zones_locales_and_hash_seeds(small_site: Path, tmp_path: Path, env: dict[str, str]) -> None:
    subprocess.run(command(small_site), check=True, capture_output=True, env={**os.environ, "TZ": "UTC", "PYTHONHASHSEED": "0"})
    reference = tree(small_site / "output")
    shutil.rmtree(small_site / ".cache")  # re-encode everything under the other environment
    subprocess.run(command(small_site), check=True, capture_output=True, env={**os.environ, **env})
    assert tree(small_site / "output") == reference


def test_source_date_epoch_sets_the_build_date(small_site: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(1798761600)}  # 2027-01-01 00:00 UTC = 07:00 in Hà Tĩnh
    run = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(small_site)], check=True, capture_output=True, text=True, env=env)
    assert "as of 2027-01-01" in run.stdout
    fairs = (small_site / "output/hoi-cho/index.html").read_text(encoding="utf-8")
    assert "Chưa có hội chợ sắp diễn ra." in fairs
