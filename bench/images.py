"""Benchmark: photos per second per core, our pipeline vs a plain Pillow baseline.

    python bench/images.py [--count 12]

Makes photo-like 4000×3000 JPEGs (a real photo scaled up plus sensor-like grain, quality
90, like a 12 MP phone photo), then times:
- baseline: Image.open + resize to 1600 px wide + save JPEG (what a naive script does;
  one derivative, no orientation, no colour management, no WebP);
- ocopsite: ``images.process`` with the site's settings (all widths, WebP + JPEG, EXIF
  orientation, sRGB, metadata stripped), on one core and on all cores through
  ``run_images``.
Figures go in README.md ("Images"). Not a test: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ocopsite.config import ImageSettings  # noqa: E402
from ocopsite.images import process, run_images  # noqa: E402
from ocopsite.site import ImageJob  # noqa: E402


def make_photo(path: Path, seed: int) -> None:
    """Write a 4000×3000 JPEG with photo-like content: a real photo (tests/data/images/
    flower.jpg) scaled up, shifted per seed, with sensor-like grain so it does not compress
    unrealistically well."""
    flower = Image.open(Path(__file__).resolve().parent.parent / "tests/data/images/flower.jpg").convert("RGB")
    base = flower.rotate(seed * 7, resample=Image.Resampling.BICUBIC, expand=False).resize((4000, 3000), Image.Resampling.LANCZOS)
    base = base.filter(ImageFilter.UnsharpMask(radius=4, percent=120))
    grain = Image.merge("RGB", [Image.effect_noise((4000, 3000), 24 + i) for i in range(3)])
    Image.blend(base, grain, 0.1).save(path, "JPEG", quality=90)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args()
    settings = ImageSettings()
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    try:
        photos = []
        for i in range(args.count):
            path = work / f"photo-{i}.jpg"
            make_photo(path, i)
            photos.append(path)
        size_mb = sum(p.stat().st_size for p in photos) / len(photos) / 1e6

        start = time.perf_counter()
        for p in photos:
            with Image.open(p) as im:
                im.resize((1600, 1200), Image.Resampling.LANCZOS).save(work / f"base-{p.name}", "JPEG", quality=80)
        baseline = len(photos) / (time.perf_counter() - start)

        cache = work / "cache"
        cache.mkdir()
        start = time.perf_counter()
        for i, p in enumerate(photos):
            process(str(p), "p", f"k{i}", settings, str(cache))
        ours_one = len(photos) / (time.perf_counter() - start)

        root = work / "site"
        (root / ".cache").mkdir(parents=True)
        start = time.perf_counter()
        run_images([ImageJob(p, "x", "bench") for p in photos], settings, root, "/")
        ours_all = len(photos) / (time.perf_counter() - start)

        start = time.perf_counter()
        report = run_images([ImageJob(p, "x", "bench") for p in photos], settings, root, "/")
        cached = time.perf_counter() - start
        assert report.encoded == 0

        cores = os.cpu_count() or 1
        print(f"{len(photos)} photos, 4000×3000, {size_mb:.1f} MB each; widths {settings.widths}; {cores} cores")
        print(f"baseline open+resize+save (1 JPEG at 1600 px):   {baseline:5.2f} photos/s on 1 core")
        print(f"ocopsite process ({len(settings.widths)} widths × WebP+JPEG):      {ours_one:5.2f} photos/s on 1 core")
        print(f"ocopsite run_images, all {cores} cores:                {ours_all:5.2f} photos/s ({ours_all / cores:.2f} per core)")
        print(f"rebuild with every photo cached:                  {cached * 1000:5.0f} ms for {len(photos)} photos")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
