"""QR codes (segno, SVG) that resolve to a page's canonical URL (traceability, booths)."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, title: str) -> bytes:
    """Return a standalone SVG QR code for ``url`` (error correction M, 4-module border)."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=8, border=4, xmldecl=False, title=title, svgclass="qr", lineclass=None)
    return buf.getvalue()
