"""Media throughput per core: photos (ours against a plain Pillow baseline, and pyvips when
installed), share cards and QR codes.

    python bench/media.py [--count 12] [--cards 200] [--qr 500]

Photos are photo-like 4000×3000 JPEGs (a real photo scaled up plus sensor-like grain,
quality 90, like a 12 MP phone photo). The baseline is what a naive script does: open,
resize to 1600 px, save one JPEG (no orientation, colour management or WebP). Ours makes
every configured width in WebP and JPEG with EXIF orientation and sRGB. Cards and QR codes
are drawn for synthetic products. Figures go in README.md; not a test.
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
from ocopsite.media import cards, photos as photo_jobs, process_photos, qr  # noqa: E402
from ocopsite.models import Photo  # noqa: E402


def make_photo(path: Path, seed: int) -> None:
    """Write a 4000×3000 JPEG with photo-like content: a real photo (tests/data/images/
    flower.jpg) scaled up, shifted per seed, with sensor-like grain so it does not compress
    unrealistically well."""
    flower = Image.open(Path(__file__).resolve().parent.parent / "tests/data/images/flower.jpg").convert("RGB")
    base = flower.rotate(seed * 7, resample=Image.Resampling.BICUBIC, expand=False).resize((4000, 3000), Image.Resampling.LANCZOS)
    base = base.filter(ImageFilter.UnsharpMask(radius=4, percent=120))
    grain = Image.merge("RGB", [Image.effect_noise((4000, 3000), 24 + i) for i in range(3)])
    Image.blend(base, grain, 0.1).save(path, "JPEG", quality=90)


def bench_photos(count: int, work: Path) -> None:
    """Print photos per second: baseline, ours on one core, ours on all cores, pyvips."""
    settings = ImageSettings()
    sources = []
    for i in range(count):
        path = work / f"photo-{i}.jpg"
        make_photo(path, i)
        sources.append(path)
    size_mb = sum(p.stat().st_size for p in sources) / len(sources) / 1e6
    start = time.perf_counter()
    for p in sources:
        with Image.open(p) as im:
            im.resize((1600, 1200), Image.Resampling.LANCZOS).save(work / f"base-{p.name}", "JPEG", quality=80)
    baseline = len(sources) / (time.perf_counter() - start)
    cache = work / "cache"
    cache.mkdir()
    start = time.perf_counter()
    for i, p in enumerate(sources):
        photo_jobs.process(str(p), "p", f"k{i}", settings, str(cache))
    ours_one = len(sources) / (time.perf_counter() - start)
    root = work / "site"
    root.mkdir()
    start = time.perf_counter()
    process_photos([Photo(p, "x") for p in sources], settings, root)
    ours_all = len(sources) / (time.perf_counter() - start)
    start = time.perf_counter()
    again = process_photos([Photo(p, "x") for p in sources], settings, root)
    cached = time.perf_counter() - start
    assert again.made == 0
    cores = os.cpu_count() or 1
    print(f"{len(sources)} photos, 4000×3000, {size_mb:.1f} MB each; widths {settings.widths}; {cores} cores")
    print(f"photos, baseline open+resize+save (1 JPEG at 1600 px): {baseline:6.2f}/s on 1 core")
    print(f"photos, ours ({len(settings.widths)} widths × WebP+JPEG):            {ours_one:6.2f}/s on 1 core")
    print(f"photos, ours on all {cores} cores:                      {ours_all:6.2f}/s ({ours_all / cores:.2f} per core)")
    print(f"photos, a rebuild with every photo cached:           {cached * 1000:6.0f} ms for {len(sources)}")
    try:
        import pyvips
    except ImportError:
        print("photos, pyvips: not installed (pip install pyvips pyvips-binary to compare)")
        return
    start = time.perf_counter()
    for p in sources:
        for w in settings.widths:
            img = pyvips.Image.thumbnail(str(p), w).copy_memory()  # written twice
            img.write_to_file(str(work / f"vips-{w}-{p.stem}.webp"), Q=settings.quality)
            img.write_to_file(str(work / f"vips-{w}-{p.stem}.jpg"), Q=settings.quality, strip=True)
    print(f"photos, pyvips thumbnail (same widths × WebP+JPEG):   {len(sources) / (time.perf_counter() - start):6.2f}/s on 1 core")


def bench_cards_and_qr(n_cards: int, n_qr: int, work: Path) -> None:
    """Print share cards and QR codes drawn per second on one core."""
    assets = str(Path(__file__).resolve().parent.parent / "assets")
    start = time.perf_counter()
    for i in range(n_cards):
        spec = cards.CardSpec(f"Nước mắm cá cơm Kỳ Phú loại đặc biệt số {i}", "Xã Kỳ Anh · trước đây: xã Kỳ Phú",
                              f"{3 + i % 3} sao OCOP", 3 + i % 3, False, "OCOP Hà Tĩnh")
        cards.render_card(spec, assets, str(work), str(work / f"card-{i}.png"))
    card_rate = n_cards / (time.perf_counter() - start)
    size = sum((work / f"card-{i}.png").stat().st_size for i in range(n_cards)) / n_cards / 1000
    start = time.perf_counter()
    for i in range(n_qr):
        qr.make_qr(f"https://ocop.hatinh.gov.vn/san-pham/san-pham-so-{i:05d}/", f"QR: sản phẩm {i}", str(work / f"qr-{i}.svg"))
    qr_rate = n_qr / (time.perf_counter() - start)
    print(f"share cards (flat design, palette PNG):               {card_rate:6.1f}/s on 1 core, {size:.1f} KB each")
    print(f"QR codes (SVG):                                       {qr_rate:6.1f}/s on 1 core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=12, help="photos")
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--qr", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    try:
        bench_cards_and_qr(args.cards, args.qr, work)
        bench_photos(args.count, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
