"""Photos → responsive derivatives (WebP + JPEG), cached, in parallel.

Each photo is decoded once per change: the cache key is a hash of its bytes and every
setting that shapes the output, so an unchanged photo is never re-encoded. Derivatives
live in ``.cache/images/`` (outside ``output/``) and are copied into each build.
Nothing but pixels is written: EXIF (GPS), XMP, IPTC and comments are never copied.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from typing import Any
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

from .config import ImageSettings
from .errors import ContentError
from .models import Image
from .site import ImageJob
from .vietnamese import slugify

#: Bump when the processing code changes what it writes, so caches refresh.
PIPELINE_VERSION = "1"
OPEN_FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
OUTPUT_DIR = "anh"
CACHE_DIR = Path(".cache") / "images"


@dataclass(frozen=True)
class Derivative:
    """One file made from a photo: ``name`` in the cache and ``output/anh/``, its width."""

    name: str
    fmt: str
    width: int
    height: int


def settings_fingerprint(settings: ImageSettings) -> bytes:
    """Return the bytes of every setting that changes derivatives (part of the cache key)."""
    return json.dumps([PIPELINE_VERSION, settings.model_dump()], sort_keys=True).encode()


def cache_key(data: bytes, settings: ImageSettings) -> str:
    """Return the cache key of a photo: sha256 of its bytes and the settings, 16 hex digits."""
    return hashlib.sha256(data + b"\0" + settings_fingerprint(settings)).hexdigest()[:16]


def _to_srgb(im: PILImage.Image) -> PILImage.Image:
    """Convert to RGB or RGBA in sRGB, using the embedded ICC profile when there is one."""
    icc = im.info.get("icc_profile")
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v / 256).convert("L")
    if icc and im.mode in ("RGB", "CMYK", "L"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to a plain conversion below
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        return im.convert("RGBA")
    return im.convert("RGB")


def _flatten(im: PILImage.Image, background: str) -> PILImage.Image:
    if im.mode != "RGBA":
        return im
    base = PILImage.new("RGB", im.size, background)
    base.paste(im, mask=im.getchannel("A"))
    return base


def _atomic_save(im: PILImage.Image, path: Path, fmt: str, quality: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; published files must be readable by the web server
    try:
        if fmt == "webp":
            im.save(tmp, "WEBP", quality=quality, method=4)
        else:
            im.save(tmp, "JPEG", quality=quality, optimize=True, progressive=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def process(source: str, stem: str, key: str, settings: ImageSettings, cache_dir: str) -> list[Derivative]:
    """Decode one photo and write its derivatives into ``cache_dir``.

    Applies EXIF orientation, converts to sRGB, never upscales. Returns the derivatives
    sorted by width (widest last). Raises ``ValueError`` with a plain message for files that are not a
    supported photo, truncated, or bigger than ``settings.max_pixels``.
    """
    PILImage.MAX_IMAGE_PIXELS = settings.max_pixels
    out = Path(cache_dir)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(source, formats=OPEN_FORMATS) as im:
                largest = max(settings.widths)
                if im.format == "JPEG":
                    # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the widest
                    # derivative is that much smaller (bench/: about 3x faster on 12 MP).
                    turned = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
                    im.draft(im.mode, (1, largest) if turned else (largest, 1))
                im.seek(0)  # animated GIF/WebP: the first frame
                im.load()
                im = ImageOps.exif_transpose(im)
                im = _to_srgb(im)
                im.info.clear()  # never carry EXIF, XMP, IPTC, ICC or comments into outputs
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValueError(f"is larger than the limit of {settings.max_pixels:,} pixels set by images.max_pixels") from None
    except UnidentifiedImageError:
        raise ValueError("is not a JPEG, PNG, WebP or GIF photo") from None
    except (OSError, SyntaxError, EOFError) as exc:
        raise ValueError(f"is damaged or truncated ({exc})") from None
    width, height = im.size
    widths = sorted({w for w in settings.widths if w < width} | {min(width, largest)})
    result = []
    source = im
    for w in sorted(widths, reverse=True):
        h = max(1, round(height * w / width))
        # Each width is made from the next larger one: a third less resampling work.
        resized = source if w == source.width else source.resize((w, h), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg")):
            name = f"{stem}-{key}-{w}.{ext}"
            frame = resized if fmt == "webp" else _flatten(resized, settings.background)
            _atomic_save(frame, out / name, fmt, settings.quality)
            result.append(Derivative(name, fmt, w, h))
        source = resized
    return sorted(result, key=lambda d: (d.width, d.fmt))


def inspect(source: Path, settings: ImageSettings) -> str | None:
    """Check a photo as the build will read it: format, pixel limit, complete data (JPEGs
    are decoded at 1/8 scale, so this stays fast).

    Returns a plain problem message, or None when the file is a usable photo.
    """
    PILImage.MAX_IMAGE_PIXELS = settings.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(source, formats=OPEN_FORMATS) as im:
                if im.format == "JPEG":
                    im.draft(im.mode, (64, 64))  # decode at 1/8 scale: finds truncation, cheaply
                im.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        return f"is larger than the limit of {settings.max_pixels:,} pixels set by images.max_pixels"
    except UnidentifiedImageError:
        return "is not a JPEG, PNG, WebP or GIF photo"
    except (OSError, SyntaxError, EOFError) as exc:
        return f"is damaged or truncated ({exc})"
    return None


def image_hint(message: str) -> str:
    """Return the fix for an image problem message."""
    if "larger than the limit" in message:
        return "make the photo smaller (a phone photo is about 12 million pixels) and save it again"
    return "replace it with a JPEG or PNG photo, or remove it from 'images:'"


def _manifest(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{key}.json"


def _cached(cache_dir: Path, key: str) -> list[Derivative] | None:
    try:
        items = [Derivative(**d) for d in json.loads(_manifest(cache_dir, key).read_text())]
    except (OSError, ValueError, TypeError):
        return None
    return items if all((cache_dir / d.name).is_file() for d in items) else None


@dataclass
class ImageReport:
    """What the image stage did: results by source path, problems, and counts."""

    images: dict[Path, Image]
    problems: list[ContentError]
    encoded: int
    reused: int
    used_files: set[str]
    cards_drawn: int = 0


def run_images(
    jobs: list[ImageJob],
    settings: ImageSettings,
    root: Path,
    base_path: str,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImageReport:
    """Process every job (cached ones are reused, the rest run in parallel).

    Returns an ``ImageReport``; a bad photo becomes a ``ContentError`` naming the file and
    never stops the other photos.
    """
    cache_dir = root / CACHE_DIR
    cache_dir.mkdir(parents=True, exist_ok=True)
    todo: dict[str, tuple[ImageJob, str]] = {}
    ready: dict[str, list[Derivative]] = {}
    keys: dict[Path, str] = {}
    problems: list[ContentError] = []
    for job in jobs:
        data = job.source.read_bytes()
        key = cache_key(data, settings)
        keys[job.source] = key
        if key in ready or key in todo:
            continue
        if (hit := _cached(cache_dir, key)) is not None:
            ready[key] = hit
        else:
            todo[key] = (job, (slugify(job.source.stem) or "anh")[:60])
    reused = len(ready)
    done, failed = run_parallel(process, {k: (str(j.source), stem, k, settings, str(cache_dir)) for k, (j, stem) in todo.items()}, workers, progress)
    ready.update(done)
    for k in done:
        _write_manifest(cache_dir, k, done[k])
    images: dict[Path, Image] = {}
    used: set[str] = set()
    for job in jobs:
        key = keys[job.source]
        if key in failed:
            rel_path = job.source.relative_to(root.resolve()).as_posix() if job.source.is_relative_to(root.resolve()) else job.source.name
            problems.append(ContentError(rel_path, 0, 0, "", f"the photo {failed[key]}", image_hint(failed[key])))
            continue
        items = ready[key]
        used.update(d.name for d in items)
        used.add(_manifest(cache_dir, key).name)
        variants: dict[str, list[tuple[str, int]]] = {}
        for d in items:
            variants.setdefault(d.fmt, []).append((f"{base_path}{OUTPUT_DIR}/{d.name}", d.width))
        widest = max(items, key=lambda d: d.width)
        images[job.source] = Image(job.alt, widest.width, widest.height, variants["jpeg"][-1][0], variants)
    return ImageReport(images, problems, encoded=len(todo) - len(failed), reused=reused, used_files=used)


def run_parallel(
    fn: Callable[..., Any],
    tasks: dict[str, tuple],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Run ``fn(*args)`` for each task across all cores; returns ``(results, failures)``.

    A task that raises ``ValueError`` is a failure with its message; the others go on.
    """
    results: dict[str, Any] = {}
    failed: dict[str, str] = {}
    n = min(workers or os.cpu_count() or 1, len(tasks))

    def collect(key: str, call: Callable[[], Any], count: int) -> None:
        try:
            results[key] = call()
        except ValueError as exc:
            failed[key] = str(exc)
        if progress:
            progress(count, len(tasks))

    if n > 1:
        with ProcessPoolExecutor(max_workers=n) as pool:
            futures = {k: pool.submit(fn, *args) for k, args in tasks.items()}
            for count, (k, fut) in enumerate(futures.items(), 1):
                collect(k, fut.result, count)
    else:
        for count, (k, args) in enumerate(tasks.items(), 1):
            collect(k, lambda args=args: fn(*args), count)
    return results, failed


def _write_manifest(cache_dir: Path, key: str, items: list[Derivative]) -> None:
    path = _manifest(cache_dir, key)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([d.__dict__ for d in items]))
    os.replace(tmp, path)


def publish(report: ImageReport, root: Path, staging: Path) -> None:
    """Copy the derivatives used by this build from the cache into ``staging/anh/``."""
    cache_dir = root / CACHE_DIR
    target = staging / OUTPUT_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(report.used_files):
        if name.endswith(".json"):
            continue
        try:
            os.link(cache_dir / name, target / name)
        except OSError:
            shutil.copyfile(cache_dir / name, target / name)


def prune(report: ImageReport, root: Path) -> int:
    """Delete cached files this build did not use. Returns how many were removed."""
    cache_dir = root / CACHE_DIR
    removed = 0
    for f in cache_dir.iterdir():
        if f.name not in report.used_files:
            f.unlink(missing_ok=True)
            removed += 1
    return removed
