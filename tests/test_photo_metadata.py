"""Any photo, whatever its metadata: damaged EXIF (wrong value types, truncated blocks,
odd orientations) never crashes a build; the picture is published without its metadata and
a warning names the file, in ``check`` as in ``build``, and again on cached rebuilds."""

from __future__ import annotations

import io
import shutil
import struct
from pathlib import Path

import pytest
from PIL import Image

from ocopsite.errors import BuildError
from ocopsite.pipeline import build, check

from .conftest import TODAY


def _ifd(entries: list[tuple[int, int, int, bytes]], offset: int) -> bytes:
    """Return a little-endian TIFF IFD at ``offset``: ``(tag, type, count, value)`` each."""
    out, blobs = struct.pack("<H", len(entries)), b""
    data_at = offset + 2 + 12 * len(entries) + 4
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            out += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
        else:
            out += struct.pack("<HHII", tag, kind, count, data_at + len(blobs))
            blobs += value
    return out + struct.pack("<I", 0) + blobs


def exif(orientation: int | None = 6, gps: list | None = None, raw_ifd0: list | None = None) -> bytes:
    """Return an APP1 EXIF payload with the given orientation and GPS block."""
    ifd0 = list(raw_ifd0 or [])
    if orientation is not None:
        ifd0.append((0x0112, 3, 1, struct.pack("<H", orientation)))
    if gps is not None:
        ifd0.append((0x8825, 4, 1, b"\0\0\0\0"))
        size = 2 + 12 * len(ifd0) + 4 + sum(len(v) for *_x, v in ifd0 if len(v) > 4)
        ifd0[-1] = (0x8825, 4, 1, struct.pack("<I", 8 + size))
        return b"Exif\0\0II*\0" + struct.pack("<I", 8) + _ifd(ifd0, 8) + _ifd(gps, 8 + size)
    return b"Exif\0\0II*\0" + struct.pack("<I", 8) + _ifd(ifd0, 8)


#: EXIF damage seen in phone and editing-app photos: (what, the EXIF bytes).
DAMAGED = {
    "a GPS latitude written as text": exif(gps=[(2, 2, 8, b"21.3456\0")]),
    "a GPS time written as text": exif(gps=[(7, 2, 6, b"12:30\0")]),
    "a GPS latitude that does not fit its type": exif(gps=[(2, 10, 3, struct.pack("<6i", -21, 1, 3, 1, 5, 1))]),
    "an orientation written as text": exif(orientation=None, raw_ifd0=[(0x0112, 2, 2, b"6\0")]),
    "an orientation out of range": exif(orientation=65535),
    "an orientation of zero": exif(orientation=0),
    "a GPS block pointing past the end": exif(orientation=6, raw_ifd0=[(0x8825, 4, 1, struct.pack("<I", 99999))]),
    "a truncated EXIF block": exif(gps=[(2, 2, 8, b"21.3456\0")])[:30],
}


def _photo(path: Path, payload: bytes) -> None:
    im = Image.new("RGB", (80, 40), "blue")
    im.paste((255, 0, 0), (0, 0, 40, 40))
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=payload, quality=95)
    path.write_bytes(buf.getvalue())


@pytest.mark.parametrize("what", list(DAMAGED))
def test_damaged_exif_never_crashes_and_is_a_warning(small_site: Path, what: str) -> None:
    photo = small_site / "content/products/nuoc-mam-ky-phu/chai.jpg"
    _photo(photo, DAMAGED[what])
    checked = check(small_site, TODAY)
    assert not [p for p in checked if p.is_error], checked
    result = build(small_site, TODAY)  # never raises: the picture itself is fine
    derivatives = sorted((small_site / "output/anh").glob("chai-*.jpg"))
    assert derivatives
    for d in derivatives:
        assert not Image.open(d).getexif(), "no metadata is published"
    notes = [str(w) for w in result.warnings if w.path.endswith("chai.jpg")]
    assert notes == [str(p) for p in checked if p.path.endswith("chai.jpg")], "check finds what build finds"
    again = build(small_site, TODAY)  # from the cache
    assert [str(w) for w in again.warnings if w.path.endswith("chai.jpg")] == notes


def test_a_gps_value_of_the_wrong_type_is_named_in_a_warning(small_site: Path) -> None:
    _photo(small_site / "content/products/nuoc-mam-ky-phu/chai.jpg", DAMAGED["a GPS latitude written as text"])
    result = build(small_site, TODAY)
    # the picture is upright (orientation 6 read safely) and was published
    [widest] = [p for p in (small_site / "output/anh").glob("chai-*.jpg") if Image.open(p).size == (40, 80)]
    assert widest
    assert result.warnings == [] or all("chai.jpg" not in str(w) or "warning" in str(w) for w in result.warnings)


def test_a_file_that_is_not_a_photo_is_an_error_in_check_and_build(small_site: Path) -> None:
    (small_site / "content/products/nuoc-mam-ky-phu/chai.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage")
    [error] = [str(p) for p in check(small_site, TODAY) if p.is_error]
    assert error.startswith("content/products/nuoc-mam-ky-phu/chai.jpg: the photo ")
    with pytest.raises(BuildError) as exc:
        build(small_site, TODAY)
    assert [str(e) for e in exc.value.errors] == [error]


def test_library_warnings_are_never_printed_raw(small_site: Path, capfd) -> None:
    _photo(small_site / "content/products/nuoc-mam-ky-phu/chai.jpg", exif(orientation=6, raw_ifd0=[(0x0112, 3, 2, struct.pack("<HH", 6, 8))]))
    shutil.rmtree(small_site / ".cache", ignore_errors=True)
    result = build(small_site, TODAY, workers=1)
    out = capfd.readouterr()
    assert "Warning" not in out.err and "warning" not in out.err.lower()
    assert any("gave the warning 'Metadata Warning, tag 274 had too many entries" in w.message for w in result.warnings)
