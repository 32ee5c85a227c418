"""Pictograms: small drawings that stand for a product group or an entry kind when there is
no photo (a bowl for food, a conical hat for handicrafts …), drawn for the site (SVG) and for
share cards (Pillow) from the one set of shapes below, on the colour of their group.

Shapes are in a 100 × 100 box: ``("circle", cx, cy, r)``, ``("ellipse", cx, cy, rx, ry)``,
``("rect", x, y, w, h)``, ``("polygon", x1, y1, x2, y2, …)``, ``("line", x1, y1, x2, y2, width)``;
each shape is painted in the light tone or, when its first element ends with ``!``, in gold.
Self-made; no font, no external file.
"""

from __future__ import annotations

import math
from typing import Any

#: Colours of the group tiles (white text on them has a contrast of at least 7:1).
COLOURS = {
    "food": "#8f3310", "beverages": "#0f5a73", "herbal": "#2d6530", "handicrafts": "#6e4419",
    "ornamentals": "#6a3d86", "tourism": "#1d4a85", "producer": "#1d5b3a", "craft": "#7a3b2e",
    "commune": "#2f5560", "fair": "#8a2b4a", "outlet": "#6b4a12", "site": "#1d5b3a",
}
LIGHT, GOLD = "#fbf3e4", "#f2b705"


def _petals() -> list[tuple]:
    out: list[tuple] = []
    for i in range(5):
        a = -math.pi / 2 + i * 2 * math.pi / 5
        out.append(("circle", 50 + 15 * math.cos(a), 42 + 15 * math.sin(a), 11))
    return out + [("circle!", 50, 42, 8), ("line", 50, 56, 50, 86, 4), ("polygon", 50, 74, 66, 64, 62, 74)]


def _leaf() -> list[tuple]:
    # two arcs meeting at the tips, and the veins
    right = [(50 + 22 * math.sin(math.radians(t)), 16 + 68 * t / 180) for t in range(0, 181, 15)]
    left = [(50 - 22 * math.sin(math.radians(t)), 16 + 68 * t / 180) for t in range(180, -1, -15)]
    flat = [c for p in right + left for c in p]
    return [("polygon", *flat), ("line!", 50, 22, 50, 90, 3), ("line!", 50, 45, 62, 35, 2.5), ("line!", 50, 60, 38, 50, 2.5)]


SHAPES: dict[str, list[tuple]] = {
    "food": [("ellipse", 50, 50, 25, 11), ("polygon", 18, 54, 82, 54, 72, 78, 28, 78), ("rect", 40, 78, 20, 5),
             ("line!", 60, 20, 84, 46, 3), ("line!", 66, 18, 88, 42, 3)],
    "beverages": [("polygon", 27, 40, 73, 40, 66, 76, 34, 76), ("ellipse", 50, 80, 32, 5), ("circle", 76, 52, 9),
                  ("circle!", 76, 52, 4), ("line!", 42, 18, 42, 32, 3), ("line!", 52, 14, 52, 32, 3), ("line!", 62, 18, 62, 32, 3)],
    "herbal": _leaf(),
    "handicrafts": [("polygon", 50, 20, 86, 66, 14, 66), ("ellipse", 50, 67, 40, 8), ("line!", 50, 20, 30, 63, 2),
                    ("line!", 50, 20, 50, 66, 2), ("line!", 50, 20, 70, 63, 2), ("line", 30, 72, 50, 90, 2), ("line", 70, 72, 50, 90, 2)],
    "ornamentals": _petals(),
    "tourism": [("circle!", 70, 30, 11), ("polygon", 8, 82, 38, 36, 60, 82), ("polygon", 40, 82, 66, 48, 92, 82),
                ("polygon", 32, 46, 38, 36, 44, 46)],
    "producer": [("polygon", 18, 48, 50, 20, 82, 48), ("rect", 24, 48, 52, 34), ("rect!", 43, 60, 14, 22), ("rect!", 30, 56, 9, 9)],
    "craft": [("polygon", 14, 36, 50, 16, 86, 36), ("rect", 22, 36, 56, 6), ("rect", 26, 42, 9, 42), ("rect", 65, 42, 9, 42),
              ("rect!", 35, 48, 30, 5), ("rect", 10, 84, 80, 4)],
    "commune": [("circle", 50, 38, 22), ("polygon", 31, 48, 69, 48, 50, 86), ("circle!", 50, 38, 9)],
    "fair": [("polygon", 14, 34, 86, 34, 80, 50, 20, 50), ("rect", 22, 50, 56, 30), ("rect!", 30, 60, 40, 6),
             ("line", 50, 14, 50, 34, 2.5), ("polygon!", 50, 14, 64, 19, 50, 24)],
    # a shop front: striped awning, counter and door
    "outlet": [("polygon", 14, 30, 86, 30, 90, 46, 10, 46), ("rect!", 26, 30, 12, 16), ("rect!", 50, 30, 12, 16),
               ("rect", 18, 48, 64, 36), ("rect!", 26, 56, 20, 28), ("rect!", 54, 56, 20, 12), ("rect", 10, 84, 80, 4)],
    "site": [("polygon!", *[c for i in range(10) for c in (50 + (34 if i % 2 == 0 else 15) * math.cos(-math.pi / 2 + i * math.pi / 5),
                                                      52 + (34 if i % 2 == 0 else 15) * math.sin(-math.pi / 2 + i * math.pi / 5))])],
}


def _colour(kind: str) -> str:
    return GOLD if kind.endswith("!") else LIGHT


def svg(name: str) -> str:
    """Return the pictogram ``name`` as a standalone SVG (transparent: the page paints the
    group colour behind it). Raises ``KeyError`` for an unknown name."""
    parts = []
    for shape in SHAPES[name]:
        kind, args, fill = shape[0].rstrip("!"), shape[1:], _colour(shape[0])
        if kind == "circle":
            parts.append(f'<circle cx="{args[0]:.1f}" cy="{args[1]:.1f}" r="{args[2]:.1f}" fill="{fill}"/>')
        elif kind == "ellipse":
            parts.append(f'<ellipse cx="{args[0]:.1f}" cy="{args[1]:.1f}" rx="{args[2]:.1f}" ry="{args[3]:.1f}" fill="{fill}"/>')
        elif kind == "rect":
            parts.append(f'<rect x="{args[0]:.1f}" y="{args[1]:.1f}" width="{args[2]:.1f}" height="{args[3]:.1f}" fill="{fill}"/>')
        elif kind == "polygon":
            points = " ".join(f"{args[i]:.1f},{args[i + 1]:.1f}" for i in range(0, len(args), 2))
            parts.append(f'<polygon points="{points}" fill="{fill}"/>')
        elif kind == "line":
            parts.append(f'<line x1="{args[0]:.1f}" y1="{args[1]:.1f}" x2="{args[2]:.1f}" y2="{args[3]:.1f}" '
                         f'stroke="{fill}" stroke-width="{args[4]}" stroke-linecap="round"/>')
    return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">' + "".join(parts) + "</svg>\n"


def tile_css() -> str:
    """Return the stylesheet that paints each drawn tile (``.tile.t-<theme>``) in its colour,
    from ``COLOURS``: one source for the pages, the printable sheet and the share cards."""
    rules = [f".t-{name} {{ background: {colour}; }}" for name, colour in COLOURS.items()]
    rules.append(f".t-page {{ background: {COLOURS['site']}; }}")
    return "/* drawn tiles: generated from ocopsite/media/pictograms.py COLOURS */\n" + "\n".join(rules) + "\n"


def draw(canvas: Any, name: str, left: float, top: float, size: float) -> None:
    """Draw the pictogram ``name`` with Pillow's ``ImageDraw`` in the square at ``(left,
    top)`` of side ``size`` pixels."""
    k = size / 100

    def xy(x: float, y: float) -> tuple[float, float]:
        return left + x * k, top + y * k

    for shape in SHAPES[name]:
        kind, args, fill = shape[0].rstrip("!"), shape[1:], _colour(shape[0])
        if kind == "circle":
            (x, y), r = xy(args[0], args[1]), args[2] * k
            canvas.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        elif kind == "ellipse":
            (x, y), rx, ry = xy(args[0], args[1]), args[2] * k, args[3] * k
            canvas.ellipse((x - rx, y - ry, x + rx, y + ry), fill=fill)
        elif kind == "rect":
            canvas.rectangle((*xy(args[0], args[1]), *xy(args[0] + args[2], args[1] + args[3])), fill=fill)
        elif kind == "polygon":
            canvas.polygon([xy(args[i], args[i + 1]) for i in range(0, len(args), 2)], fill=fill)
        elif kind == "line":
            canvas.line((*xy(args[0], args[1]), *xy(args[2], args[3])), fill=fill, width=max(1, round(args[4] * k)))
