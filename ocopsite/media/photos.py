"""Photo jobs: a photo → responsive derivatives (WebP + JPEG at each configured width).

The job's key is a hash of the photo's bytes, every setting that shapes the output and
``PIPELINE_VERSION``, so an unchanged photo is never decoded again. Nothing but pixels is
written: EXIF (GPS), XMP, IPTC and comments are never copied.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageCms, ImageFile, UnidentifiedImageError

from ..config import ImageSettings
from ..errors import Msg, msg, number

#: Bump when the processing code changes what it writes, so caches refresh.
PIPELINE_VERSION = "3"
OPEN_FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]


@dataclass(frozen=True)
class Derivative:
    """One file made from a photo: ``name`` in the cache and ``output/anh/``, its width."""

    name: str
    fmt: str
    width: int
    height: int


def derivative_name(stem: str, key: str, width: int, fmt: str) -> str:
    """Return the file name of one derivative (``chai-1a2b3c4d5e6f7a8b-640.webp``): the
    photo's name, the job's key and the width, so it says what it shows and changes with it."""
    return f"{stem}-{key}-{width}.{'jpg' if fmt == 'jpeg' else fmt}"


def settings_fingerprint(settings: ImageSettings) -> bytes:
    """Return the bytes of every setting that changes derivatives (part of the cache key)."""
    return json.dumps([PIPELINE_VERSION, settings.model_dump()], sort_keys=True).encode()




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


def atomic_save(im: PILImage.Image, path: Path, fmt: str, quality: int) -> None:
    """Encode ``im`` as ``fmt`` (``webp``, ``jpeg`` or ``png``) into a temporary file beside
    ``path``, then rename it into place (mode 0644), so a killed build leaves no half file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; published files must be readable by the web server
    try:
        if fmt == "webp":
            # method 2, not 4: 2.5× faster to encode (41 against 106 ms at 1600 px) for
            # files 6 % larger (bench/media.py); method 3 is as slow as 4.
            im.save(tmp, "WEBP", quality=quality, method=2)
        elif fmt == "png":
            im.save(tmp, "PNG", compress_level=6)
        else:
            im.save(tmp, "JPEG", quality=quality, optimize=True, progressive=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: EXIF orientation → the transposition that shows the picture upright (EXIF 2.3, tag 0x0112).
_ORIENT = {
    2: (PILImage.Transpose.FLIP_LEFT_RIGHT,), 3: (PILImage.Transpose.ROTATE_180,), 4: (PILImage.Transpose.FLIP_TOP_BOTTOM,),
    5: (PILImage.Transpose.TRANSPOSE,), 6: (PILImage.Transpose.ROTATE_270,), 7: (PILImage.Transpose.TRANSVERSE,),
    8: (PILImage.Transpose.ROTATE_90,),
}


def _orientation(im: PILImage.Image, notes: list[Msg]) -> int:
    """Return the EXIF orientation 1–8 (1 when absent). Damaged EXIF (wrong value types,
    truncated blocks) gives 1 and a note: the picture is fine, its metadata is not, and none
    of it is published anyway. (Pillow's ``exif_transpose`` rewrites the EXIF it keeps, and
    a GPS value of the wrong type made it raise ``TypeError``.)"""
    try:
        value = im.getexif().get(0x0112, 1)
        value = int(value)
    except Exception as exc:  # any damage in the EXIF block
        notes.append(msg("the photo has damaged EXIF data ({error}); its orientation is ignored", error=type(exc).__name__))
        return 1
    return value if value in range(1, 9) else 1


def decode(source: str, settings: ImageSettings, largest: int) -> tuple[PILImage.Image, list[Msg]]:
    """Open a photo as the build uses it: upright, in sRGB, without any metadata, decoded
    (for JPEG) at the smallest scale not under ``largest`` pixels wide.

    Returns ``(image, notes)``: notes are warnings about the file, as messages (damaged
    EXIF, Pillow's own warnings). Raises ``ValueError`` with a message for files that are not
    a supported photo, are damaged or truncated, or are bigger than ``settings.max_pixels``.
    """
    PILImage.MAX_IMAGE_PIXELS = settings.max_pixels
    # Pillow's flag is process-wide and WeasyPrint turns it on when imported (ocopsite.pdf):
    # a truncated photo must fail here, whatever ran before in this process.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    notes: list[Msg] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(source, formats=OPEN_FORMATS) as im:
                turn = _orientation(im, notes)
                if im.format == "JPEG":
                    # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the widest
                    # derivative is that much smaller (bench/: about 3x faster on 12 MP).
                    im.draft(im.mode, (1, largest) if turn in (5, 6, 7, 8) else (largest, 1))
                im.seek(0)  # animated GIF/WebP: the first frame
                im.load()
                for step in _ORIENT.get(turn, ()):
                    im = im.transpose(step)
                im = _to_srgb(im)
                im.info.clear()  # never carry EXIF, XMP, IPTC, ICC or comments into outputs
        notes += [_plain(str(w.message)) for w in caught]
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValueError(msg("the photo is larger than the limit of {limit} pixels set by images.max_pixels", limit=number(settings.max_pixels))) from None
    except UnidentifiedImageError:
        raise ValueError(msg("the photo is not a JPEG, PNG, WebP or GIF photo")) from None
    except (OSError, SyntaxError, EOFError, ValueError) as exc:
        raise ValueError(msg("the photo is damaged or truncated ({detail})", detail=str(exc))) from None
    except Exception as exc:  # anything else a damaged file makes a decoder raise
        raise ValueError(msg("the photo could not be read ({detail})", detail=f"{type(exc).__name__}: {exc}")) from None
    return im, sorted(set(notes))


def _plain(message: str) -> Msg:
    """Return a library warning as a short note (``Corrupt EXIF data`` …)."""
    text = " ".join(message.split())
    return msg("the photo gave the warning '{warning}'", warning=text[:120])


def process(source: str, stem: str, key: str, settings: ImageSettings, cache_dir: str) -> tuple[list[Derivative], list[Msg]]:
    """Decode one photo (``decode``) and write its derivatives into ``cache_dir``.

    Never upscales. Returns the derivatives sorted by width (widest last) and the notes
    about the file. Raises ``ValueError`` with a message when the file is not a usable
    photo.
    """
    out = Path(cache_dir)
    largest = max(settings.widths)
    im, notes = decode(source, settings, largest)
    width, height = im.size
    widths = sorted({w for w in settings.widths if w < width} | {min(width, largest)})
    result = []
    current = im
    for w in sorted(widths, reverse=True):
        h = max(1, round(height * w / width))
        # Each width is made from the next larger one: a third less resampling work.
        resized = current if w == current.width else current.resize((w, h), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in ("webp", "jpeg"):
            name = derivative_name(stem, key, w, fmt)
            frame = resized if fmt == "webp" else _flatten(resized, settings.background)
            atomic_save(frame, out / name, fmt, settings.quality)
            result.append(Derivative(name, fmt, w, h))
        current = resized
    return sorted(result, key=lambda d: (d.width, d.fmt)), notes


def inspect(source: Path, settings: ImageSettings) -> tuple[Msg | None, list[Msg]]:
    """Check a photo exactly as the build will read it (``decode``; JPEGs at 1/8 scale, so
    this stays fast). Returns ``(problem message or None, notes)``."""
    try:
        _im, notes = decode(str(source), settings, 64)
    except ValueError as exc:
        return problem_message(exc), []
    return None, notes


def problem_message(exc: Exception) -> Msg:
    """Return the message of a photo's ``ValueError`` (``decode``'s own, or any other)."""
    if exc.args and isinstance(exc.args[0], Msg):
        return exc.args[0]
    return msg("the photo could not be read ({detail})", detail=str(exc))


def image_hint(message: str) -> Msg:
    """Return the fix for an image problem message."""
    if "larger than the limit" in message:
        return msg("make the photo smaller (a phone photo is about 12 million pixels) and save it again")
    return msg("replace it with a JPEG or PNG photo, or remove it from 'images:'")
