"""Share cards: a 1200×630 JPEG per product and fair for Open Graph previews.

Drawn with Pillow in Noto Sans (OFL, ``assets/fonts/``), which has every Vietnamese glyph.
Cards are cached like photos: the key hashes every input, so an unchanged card is reused.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont, ImageOps

from .images import _atomic_save

WIDTH, HEIGHT = 1200, 630
FONT_REGULAR = "fonts/NotoSans-Regular.ttf"
FONT_BOLD = "fonts/NotoSans-Bold.ttf"
CARD_VERSION = "1"
GREEN, GOLD, PAPER, INK, MUTED, GREY = "#1d5b3a", "#f2b705", "#fbf8f3", "#1f2421", "#555d58", "#d4d4d4"


@dataclass(frozen=True)
class CardSpec:
    """What a card shows. ``stars`` is None for fairs; ``expired`` greys the badge;
    ``cover`` is a processed photo (JPEG path) or None for the generic design."""

    stem: str
    title: str
    subtitle: str
    badge: str
    stars: int | None
    expired: bool
    site_title: str
    cover: str | None = None

    def key(self, fonts: bytes) -> str:
        """Return the cache key: a hash of everything drawn (the cover's name holds its hash)."""
        data = asdict(self) | {"cover": Path(self.cover).name if self.cover else None, "v": CARD_VERSION}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode() + fonts).hexdigest()[:16]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: str) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def render_card(spec: CardSpec, assets_dir: str, out_path: str, quality: int = 85) -> None:
    """Draw one card and write it atomically as a JPEG at ``out_path``."""
    bold = lambda size: ImageFont.truetype(str(Path(assets_dir) / FONT_BOLD), size)  # noqa: E731
    regular = lambda size: ImageFont.truetype(str(Path(assets_dir) / FONT_REGULAR), size)  # noqa: E731
    card = PILImage.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(card)
    side = HEIGHT
    if spec.cover:
        with PILImage.open(spec.cover) as photo:
            card.paste(ImageOps.fit(photo.convert("RGB"), (side, side)), (0, 0))
    else:  # the generic design: never a fake photo
        draw.rectangle((0, 0, side, side), fill=GREEN)
        _star(draw, side / 2, side / 2 - 20, 150, GOLD)
        draw.text((side / 2, side - 90), "OCOP", font=bold(64), fill="#ffffff", anchor="mm")
    if spec.expired:
        card.paste(ImageOps.grayscale(card.crop((0, 0, side, side))).convert("RGB"), (0, 0))
    x, right = side + 50, WIDTH - 50
    draw.text((x, 60), spec.site_title, font=bold(30), fill=GREEN, anchor="ls")
    top = HEIGHT - 120  # the badge
    subtitle = _wrap(draw, spec.subtitle, regular(30), right - x)
    if len(subtitle) > 2:
        subtitle = [subtitle[0], subtitle[1] + " …"]
    size, lines = 64, []
    while size >= 32:  # the largest title size that fits above the subtitle and badge
        lines = _wrap(draw, spec.title, bold(size), right - x)
        if len(lines) <= 4 and 110 + len(lines) * int(size * 1.25) + 20 + 40 * len(subtitle) <= top - 20:
            break
        size -= 4
    if len(lines) > 4:
        lines = lines[:3] + [lines[3] + " …"]
    y = 110
    for line in lines:
        draw.text((x, y), line, font=bold(size), fill=INK, anchor="la")
        y += int(size * 1.25)
    y += 20
    for line in subtitle:
        draw.text((x, y), line, font=regular(30), fill=MUTED, anchor="la")
        y += 40
    badge_font = bold(34)
    text_w = draw.textlength(spec.badge, font=badge_font)
    stars_w = (spec.stars or 0) * 40
    draw.rounded_rectangle((x, top, x + 40 + stars_w + text_w, top + 70), radius=12, fill=GREY if spec.expired else GOLD)
    for i in range(spec.stars or 0):
        _star(draw, x + 40 + i * 40, top + 35, 17, "#2b2100")
    draw.text((x + 20 + stars_w + (10 if stars_w else 0), top + 35), spec.badge, font=badge_font, fill="#2b2100", anchor="lm")
    _atomic_save(card, Path(out_path), "jpeg", quality)


def run_cards(specs: list[CardSpec], root: Path, workers: int | None = None) -> tuple[dict[str, str], set[str], int]:
    """Draw the cards not yet cached; return ``({stem: site-relative URL path}, files used,
    cards drawn)``."""
    from .images import CACHE_DIR, OUTPUT_DIR, run_parallel

    assets = root / "assets"
    cache = root / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    fonts = b"".join((assets / f).read_bytes() for f in (FONT_REGULAR, FONT_BOLD))
    names = {spec.stem: f"the-{spec.stem}-{spec.key(fonts)}.jpg" for spec in specs}
    todo = {spec.stem: (spec, str(assets), str(cache / names[spec.stem])) for spec in specs if not (cache / names[spec.stem]).is_file()}
    _done, failed = run_parallel(render_card, todo, workers)
    if failed:  # only a programming error can get here: fonts and inputs are ours
        raise RuntimeError(f"share cards failed: {failed}")
    return {stem: f"/{OUTPUT_DIR}/{name}" for stem, name in names.items()}, set(names.values()), len(todo)


def specs_for(site, root: Path) -> list[CardSpec]:
    """Return the card of every product and fair of an assembled, image-processed site."""
    from .images import CACHE_DIR
    from .vietnamese import format_date_range

    def cover(node) -> str | None:
        for job in node.photos:
            if img := site.images.get(job.source):
                return str(root / CACHE_DIR / img.variants["jpeg"][-1][0].rsplit("/", 1)[1])
        return None

    title = site.config.title
    specs = []
    for p in site.products:
        where = p.commune.name if p.commune else ""
        if p.meta.former_address and p.meta.former_address.commune:
            where += f" · trước đây: {p.meta.former_address.commune}"
        if p.current:
            badge, stars = f"{p.current.stars} sao OCOP", p.current.stars
        else:
            badge, stars = f"Hết hạn · từng đạt {p.latest.stars} sao", None
        specs.append(CardSpec(f"san-pham-{p.slug}", p.name, where, badge, stars, not p.current, title, cover(p)))
    for f in site.fairs:
        when = format_date_range(f.start, f.end if f.meta.end else None)
        place = ", ".join(x for x in (f.meta.venue, f.meta.city) if x)
        specs.append(CardSpec(f"hoi-cho-{f.slug}", f.name, f"{when} · {place}" if place else when, "Hội chợ", None, False, title, cover(f)))
    return specs
