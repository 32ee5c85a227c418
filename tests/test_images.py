"""Media stage: photo derivatives (orientation, no upscaling, metadata stripped, caching,
bad files) and share cards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from ocopsite.config import ImageSettings
from ocopsite.media import CACHE_DIR, process_photos
from ocopsite.models import Photo
from ocopsite.pipeline import build

from .conftest import DATA, TODAY

SETTINGS = ImageSettings(widths=[64, 128, 320])


def job(path: Path) -> Photo:
    return Photo(path.resolve(), "ảnh")


def run_images(photos: list[Photo], settings: ImageSettings, root: Path, workers: int = 1):
    return process_photos(photos, settings, root, workers)


def derivatives(report, path: Path, root: Path, fmt: str = "jpeg") -> list[Path]:
    img = report.images[path.resolve()]
    return [root / CACHE_DIR / url.rsplit("/", 1)[1] for url, _w in img.variants[fmt]]


def make_oriented(path: Path, orientation: int) -> None:
    """Write a 300×200 JPEG whose stored pixels are red (left) and blue (right)."""
    im = Image.new("RGB", (300, 200), "blue")
    im.paste((255, 0, 0), (0, 0, 150, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    im.save(path, "JPEG", exif=exif.tobytes(), quality=95)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(tmp_path: Path, orientation: int) -> None:
    src = tmp_path / f"o{orientation}.jpg"
    make_oriented(src, orientation)
    report = run_images([job(src)], SETTINGS, tmp_path)
    img = report.images[src.resolve()]
    # orientations 5–8 turn the picture a quarter: the published one is portrait
    assert (img.width, img.height) == ((200, 300) if orientation >= 5 else (300, 200))
    out = Image.open(derivatives(report, src, tmp_path)[-1])
    assert out.size == (img.width, img.height)
    assert 0x0112 not in out.getexif()


@pytest.mark.parametrize("name", ["hopper_orientation_3.jpg", "hopper_orientation_6.jpg"])
def test_rotated_hopper_comes_out_upright(tmp_path: Path, name: str) -> None:
    src = tmp_path / name
    shutil.copy(DATA / "images" / name, src)
    report = run_images([job(src)], SETTINGS, tmp_path)
    out = Image.open(derivatives(report, src, tmp_path)[-1]).convert("RGB")
    upright = Image.open(DATA / "images/hopper.jpg").convert("RGB")
    wrong = Image.open(src).convert("RGB")  # the stored pixels, not rotated
    diff_upright = sum(ImageStat.Stat(ImageChops.difference(out, upright)).mean)
    diff_stored = sum(ImageStat.Stat(ImageChops.difference(out, wrong)).mean)
    assert diff_upright < 20 < diff_stored


def test_never_upscaled_and_both_formats(tmp_path: Path) -> None:
    src = tmp_path / "hopper.jpg"
    shutil.copy(DATA / "images/hopper.jpg", src)  # 128 px wide
    report = run_images([job(src)], SETTINGS, tmp_path)
    img = report.images[src.resolve()]
    assert [w for _u, w in img.variants["jpeg"]] == [64, 128]
    assert [w for _u, w in img.variants["webp"]] == [64, 128]
    assert Image.open(derivatives(report, src, tmp_path, "webp")[0]).format == "WEBP"


def test_gps_and_all_exif_are_stripped(tmp_path: Path) -> None:
    src = tmp_path / "gps.jpg"
    shutil.copy(DATA / "images/exif_gps.jpg", src)
    assert Image.open(src).getexif().get_ifd(0x8825), "the fixture carries a GPS block"
    report = run_images([job(src)], SETTINGS, tmp_path)
    for path in derivatives(report, src, tmp_path) + derivatives(report, src, tmp_path, "webp"):
        out = Image.open(path)
        assert not out.getexif(), path
        assert "exif" not in out.info and "xmp" not in out.info


def test_cmyk_and_transparent_images_become_srgb(tmp_path: Path) -> None:
    cmyk, png = tmp_path / "cmyk.jpg", tmp_path / "t.png"
    shutil.copy(DATA / "images/pil_sample_cmyk.jpg", cmyk)
    rgba = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    rgba.paste((200, 0, 0, 255), (0, 0, 50, 80))
    rgba.save(png)
    report = run_images([job(cmyk), job(png)], SETTINGS, tmp_path)
    assert Image.open(derivatives(report, cmyk, tmp_path)[-1]).mode == "RGB"
    webp = Image.open(derivatives(report, png, tmp_path, "webp")[-1])
    assert webp.mode == "RGBA" and webp.getpixel((90, 40))[3] == 0, "WebP keeps transparency"
    jpeg = Image.open(derivatives(report, png, tmp_path)[-1])
    assert jpeg.getpixel((90, 40)) == (255, 255, 255), "JPEG is flattened on white"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated_image.png", "the photo is damaged or truncated"),
        ("decompression_bomb.gif", "the photo is larger than the limit"),
    ],
)
def test_broken_and_hostile_files_are_clear_errors(tmp_path: Path, name: str, message: str) -> None:
    src, good = tmp_path / name, tmp_path / "hopper.jpg"
    shutil.copy(DATA / "images" / name, src)
    shutil.copy(DATA / "images/hopper.jpg", good)
    report = run_images([job(src), job(good)], ImageSettings(widths=[64], max_pixels=1_000_000), tmp_path, workers=2)
    [problem] = report.problems
    assert problem.path == name and problem.message.startswith(message)
    assert good.resolve() in report.images, "one bad photo does not stop the others"


def test_text_file_named_jpg_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "fake.jpg"
    src.write_text("not an image")
    report = run_images([job(src)], SETTINGS, tmp_path)
    assert [str(p) for p in report.problems] == [
        "fake.jpg: the photo is not a JPEG, PNG, WebP or GIF photo (replace it with a JPEG or PNG photo, or remove it from 'images:')"
    ]


def test_rebuild_reuses_cached_derivatives(small_site: Path) -> None:
    first = build(small_site, TODAY)
    assert first.media_made > 1 and first.media_reused == 0  # the photo, the cards and QR codes
    cached = {p.name: p.stat().st_mtime_ns for p in (small_site / CACHE_DIR).iterdir() if p.name.startswith("chai")}
    second = build(small_site, TODAY)
    assert (second.media_made, second.media_reused) == (0, first.media_made)
    assert {p.name: p.stat().st_mtime_ns for p in (small_site / CACHE_DIR).iterdir() if p.name.startswith("chai")} == cached
    html = (small_site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    assert 'type="image/webp"' in html and 'alt="Chai nước mắm Kỳ Phú"' in html and 'width="128" height="128"' in html
    assert len(cached) == 4  # 64 and 128 px (the photo is 128 px wide), WebP and JPEG
    for name in cached:
        assert (small_site / "output/anh" / name).is_file()


def test_changed_settings_reencode_and_prune_the_old_files(small_site: Path) -> None:
    build(small_site, TODAY)
    old = {p.name for p in (small_site / CACHE_DIR).iterdir() if p.name.startswith("chai")}
    config = small_site / "site_config.yaml"
    config.write_text(config.read_text().replace("widths: [64, 128, 320]", "widths: [64, 128, 320]\n  quality: 70"))
    result = build(small_site, TODAY)
    assert result.media_made == 2  # the photo and the share card drawn from it; no other card, no QR code
    new = {p.name for p in (small_site / CACHE_DIR).iterdir()}
    assert old and not (old & new), "derivatives of the old settings were pruned"


def test_one_bit_png_with_transparency_stays_transparent(tmp_path: Path) -> None:
    src = tmp_path / "1_trns.png"
    shutil.copy(DATA / "images/1_trns.png", src)
    original = Image.open(src).convert("RGBA")
    report = run_images([job(src)], SETTINGS, tmp_path)
    webp = Image.open(derivatives(report, src, tmp_path, "webp")[-1]).convert("RGBA")
    transparent = [xy for xy in ((x, y) for x in range(64) for y in range(64)) if original.getpixel(xy)[3] == 0]
    assert transparent, "the fixture has transparent pixels"
    assert all(webp.getpixel(xy)[3] == 0 for xy in transparent[:50])


def test_animated_gif_gives_its_first_frame(tmp_path: Path) -> None:
    src = tmp_path / "anim.gif"
    shutil.copy(DATA / "images/dispose_bgnd_rgba.gif", src)
    with Image.open(src) as im:
        assert im.n_frames > 1
        first = im.convert("RGBA")
    report = run_images([job(src)], SETTINGS, tmp_path)
    out = Image.open(derivatives(report, src, tmp_path, "webp")[-1]).convert("RGBA")
    assert getattr(out, "n_frames", 1) == 1
    assert out.size == first.size
    assert sum(ImageStat.Stat(ImageChops.difference(out, first)).mean) < 20


def test_comments_xmp_and_iptc_are_stripped(tmp_path: Path) -> None:
    src = tmp_path / "meta.jpg"
    with Image.open(DATA / "images/pil_sample_cmyk.jpg") as im:  # carries XMP and Photoshop/IPTC blocks
        assert "xmp" in im.info and "photoshop" in im.info
        im.save(src, "JPEG", comment=b"Nha ong Ba, thon 3", xmp=im.info["xmp"], exif=im.info["exif"])
    report = run_images([job(src)], SETTINGS, tmp_path)
    for path in derivatives(report, src, tmp_path) + derivatives(report, src, tmp_path, "webp"):
        data = path.read_bytes()
        assert b"Nha ong Ba" not in data and b"x:xmpmeta" not in data and b"Photoshop" not in data
        assert not Image.open(path).getexif()


def test_flower_photo_keeps_its_size_and_loses_its_exif(tmp_path: Path) -> None:
    src = tmp_path / "flower.jpg"
    shutil.copy(DATA / "images/flower.jpg", src)  # 480×360 with an EXIF block
    report = run_images([job(src)], SETTINGS, tmp_path)
    img = report.images[src.resolve()]
    assert [w for _u, w in img.variants["jpeg"]] == [64, 128, 320]  # the widest configured
    assert (img.width, img.height) == (320, 240)
    assert not Image.open(derivatives(report, src, tmp_path)[-1]).getexif()


def test_share_cards_for_products_and_fairs(small_site: Path) -> None:
    result = build(small_site, TODAY)
    html = (small_site / "output/san-pham/nuoc-mam-ky-phu/index.html").read_text(encoding="utf-8")
    [url] = __import__("re").findall(r'<meta property="og:image" content="https://example.org/(anh/the-[^"]+\.jpg)">', html)
    card = Image.open(small_site / "output" / url)
    assert card.size == (1200, 630) and card.format == "JPEG", "a card with a photo is a JPEG"
    fair = (small_site / "output/hoi-cho/le-hoi-cam-2026/index.html").read_text(encoding="utf-8")
    [flat] = __import__("re").findall(r'<meta property="og:image" content="https://example.org/(anh/the-[^"]+\.png)">', fair)
    flat_card = Image.open(small_site / "output" / flat)
    assert flat_card.size == (1200, 630) and flat_card.format == "PNG", "the flat design is a small palette PNG"
    assert (small_site / "output" / flat).stat().st_size < 30_000
    assert result.media_made > 0
    again = build(small_site, TODAY)
    assert again.media_made == 0 and again.written == 0
    assert not (small_site / "output/assets/fonts").exists(), "build-time fonts are not published"


def test_published_photos_are_readable_by_the_web_server(small_site: Path) -> None:
    build(small_site, TODAY)
    modes = {oct(p.stat().st_mode & 0o777) for p in (small_site / "output/anh").iterdir()}
    assert modes == {"0o644"}


def test_check_finds_a_truncated_jpeg(tmp_path: Path) -> None:
    from ocopsite.media.photos import inspect

    whole = (DATA / "images/flower.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) // 2])
    assert inspect(tmp_path / "cut.jpg", SETTINGS)[0].startswith("the photo is damaged or truncated")
    assert inspect(DATA / "images/flower.jpg", SETTINGS) == (None, [])
