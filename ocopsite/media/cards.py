"""Share card jobs: a 1200×630 picture per entry of a kind with ``card`` in the kinds table,
and one for the site (home, lists, plain pages), for Open Graph and Zalo previews.

On the colour of the entry's product group (or kind), with its pictogram (``pictograms``) or
its photo, its name and its star badge; drawn with Pillow in Noto Sans (OFL,
``assets/fonts/``), which has every Vietnamese glyph.
A card with a photo is a JPEG; the flat design without one is a palette PNG, which keeps
its flat colours and sharp text at about a fifth of the JPEG's bytes (measured: 16 KB
against 57 KB, in 10 ms). The job's key hashes everything drawn, the fonts and ``CARD_VERSION``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont, ImageOps

from . import pictograms
from .photos import atomic_save

WIDTH, HEIGHT = 1200, 630
FONT_REGULAR = "fonts/NotoSans-Regular.ttf"
FONT_BOLD = "fonts/NotoSans-Bold.ttf"
CARD_VERSION = "4"
GOLD, GREY, DARK = "#f2b705", "#d4d4d4", "#2b2100"


@dataclass(frozen=True)
class CardSpec:
    """What a card shows. ``stars`` is None when no star is in force; ``expired`` greys the
    picture and badge; ``theme`` names the colour and pictogram (a product group such as
    ``food``, or a kind such as ``fair``; ``site`` for the site's own card); ``cover`` is the
    file name of a processed photo (a JPEG in the media cache, whose name holds its hash) or
    None for the drawn design; ``badge`` may be empty (no badge)."""

    title: str
    subtitle: str
    badge: str
    stars: int | None
    expired: bool
    site_title: str
    cover: str | None = None
    theme: str = "site"

    @property
    def extension(self) -> str:
        """Return ``jpg`` for a card with a photo, ``png`` for the flat design."""
        return "jpg" if self.cover else "png"


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> tuple[list[str], bool]:
    """Wrap ``text`` into at most ``max_lines`` lines no wider than ``width`` pixels.

    A word too long for a line is broken; a text that does not fit ends with an ellipsis.
    Returns ``(lines, complete)``, ``complete`` False when the text was cut. Never draws a
    line wider than ``width``: Pillow renders each line as one image, and a 900,000-letter
    name made one too large to allocate.
    """
    # No glyph is narrower than a pixel, so this much text fills the lines (and bounds the work).
    words = text[: (max_lines + 1) * width].split()
    lines: list[str] = []
    i = 0
    while i < len(words) and len(lines) <= max_lines:
        word = words[i]
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        elif draw.textlength(word, font=font) <= width:
            lines.append(word)
        else:  # longer than a line by itself: as much as fits, the rest on the next line
            cut = _longest_fit(draw, word, font, width, "")
            lines.append(word[:cut])
            words[i] = word[cut:]
            continue
        i += 1
    complete = i == len(words) and len(lines) <= max_lines and len(text) <= (max_lines + 1) * width
    if not complete:
        lines = lines[:max_lines]
        last = lines[-1] if lines else ""
        if draw.textlength(f"{last} …", font=font) <= width:
            lines[-1:] = [f"{last} …"]
        else:
            lines[-1:] = [last[: _longest_fit(draw, last, font, width, "…")].rstrip() + "…"]
    return lines, complete


def _longest_fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, tail: str) -> int:
    """Return the largest ``k`` (at least 1, unless ``tail`` is given) such that
    ``text[:k] + tail`` is no wider than ``width``."""
    low, high = (0 if tail else 1), len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if draw.textlength(text[:mid] + tail, font=font) <= width:
            low = mid
        else:
            high = mid - 1
    return low


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: str) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


@functools.cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # Loading a face costs about 1 ms; a card uses five sizes of two faces.
    return ImageFont.truetype(path, size)


def render_card(spec: CardSpec, assets_dir: str, cache_dir: str, out_path: str, quality: int = 85) -> None:
    """Draw one card and write it atomically at ``out_path`` (JPEG with a photo, else PNG).

    ``cache_dir`` is where the cover photo's derivative is.
    """
    fonts = _Fonts(assets_dir)
    colour = pictograms.COLOURS.get(spec.theme, pictograms.COLOURS["site"])
    card = PILImage.new("RGB", (WIDTH, HEIGHT), "#5f6461" if spec.expired else colour)
    draw = ImageDraw.Draw(card)
    _picture(card, draw, spec, cache_dir)
    x, right, top = HEIGHT + 50, WIDTH - 50, HEIGHT - 120  # the text column; top of the badge
    draw.text((x, 64), _fit(draw, spec.site_title, fonts.bold(30), right - x, 1)[0][0] if spec.site_title.strip() else "",
              font=fonts.bold(30), fill=GOLD, anchor="ls")
    _texts(draw, spec, fonts, x, right, top if spec.badge else HEIGHT - 40)
    if spec.badge:
        _badge(draw, spec, fonts, x, top)
    if spec.cover:
        atomic_save(card, Path(out_path), "jpeg", quality)
    else:  # flat colours: a small palette keeps them exact and the file small
        flat = card.quantize(8, method=PILImage.Quantize.FASTOCTREE, dither=PILImage.Dither.NONE)
        atomic_save(flat, Path(out_path), "png", quality)


class _Fonts:
    def __init__(self, assets_dir: str) -> None:
        self.dir = Path(assets_dir)

    def bold(self, size: int) -> ImageFont.FreeTypeFont:
        return _font(str(self.dir / FONT_BOLD), size)

    def regular(self, size: int) -> ImageFont.FreeTypeFont:
        return _font(str(self.dir / FONT_REGULAR), size)


def _picture(card: PILImage.Image, draw: ImageDraw.ImageDraw, spec: CardSpec, cache_dir: str) -> None:
    """Fill the left square: the cover photo, or the pictogram on the group colour (a
    drawing, never a fake photo)."""
    side = HEIGHT
    if spec.cover:
        with PILImage.open(Path(cache_dir) / spec.cover) as photo:
            card.paste(ImageOps.fit(photo.convert("RGB"), (side, side)), (0, 0))
    else:
        pictograms.draw(draw, spec.theme if spec.theme in pictograms.SHAPES else "site", 90, 90, side - 180)
    if spec.expired:
        card.paste(ImageOps.grayscale(card.crop((0, 0, side, side))).convert("RGB"), (0, 0))


def _texts(draw: ImageDraw.ImageDraw, spec: CardSpec, fonts: _Fonts, x: int, right: int, top: int) -> None:
    """Draw the title (the largest size that fits, at most four lines) and the subtitle."""
    subtitle = _fit(draw, spec.subtitle, fonts.regular(30), right - x, 2)[0]
    for size in range(64, 31, -4):  # the largest size at which all of it fits; else cut at the smallest
        lines, complete = _fit(draw, spec.title, fonts.bold(size), right - x, 4)
        if complete and 110 + len(lines) * int(size * 1.25) + 20 + 40 * len(subtitle) <= top - 20:
            break
    y = 110
    for line in lines:
        draw.text((x, y), line, font=fonts.bold(size), fill=pictograms.LIGHT, anchor="la")
        y += int(size * 1.25)
    y += 20
    for line in subtitle:
        draw.text((x, y), line, font=fonts.regular(30), fill=pictograms.LIGHT, anchor="la")
        y += 40


def _badge(draw: ImageDraw.ImageDraw, spec: CardSpec, fonts: _Fonts, x: int, top: int) -> None:
    """Draw the badge: the stars in force and their label (grey when expired)."""
    badge_font = fonts.bold(34)
    text_w = draw.textlength(spec.badge, font=badge_font)
    stars_w = (spec.stars or 0) * 40
    draw.rounded_rectangle((x, top, x + 40 + stars_w + text_w, top + 70), radius=12, fill=GREY if spec.expired else GOLD)
    for i in range(spec.stars or 0):
        _star(draw, x + 40 + i * 40, top + 35, 17, DARK)
    draw.text((x + 20 + stars_w + (10 if stars_w else 0), top + 35), spec.badge, font=badge_font, fill=DARK, anchor="lm")
