"""HTML in Markdown bodies: what the sanitiser removes is removed from the page, and named
in a warning with its file and line (so ``check --strict`` fails on it); code is text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocopsite.cli import main
from ocopsite.pipeline import build, check

from .conftest import DATA, SMALL_SITE, TODAY

HOSTILE_PAGE = """\
---
title: Trang có HTML
---
Đoạn một có <b>chữ đậm</b> và <abbr title="Mỗi xã một sản phẩm">OCOP</abbr>.

<script>alert(1)</script>
<a href="javascript:alert(1)" onclick="steal()">bấm vào đây</a>
<iframe src="https://www.google.com/maps/embed?pb=1"></iframe>
<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Video"></iframe>
<p style="color:red">Chữ đỏ</p>

Trong mã, `<script>` chỉ là chữ; liên kết <https://example.org/> vẫn là liên kết.

```
<style>body{}</style>
```
"""


@pytest.fixture
def site(write_site) -> Path:
    return write_site({**SMALL_SITE, "content/pages/html.md": HOSTILE_PAGE,
                       "content/products/nuoc-mam-ky-phu/chai.jpg": (DATA / "images/hopper.jpg").read_bytes()})


def test_removed_html_is_gone_from_the_page(site: Path) -> None:
    build(site, TODAY)
    html = (site / "output/html/index.html").read_text(encoding="utf-8")
    body = html.split('<article class="entry prose">')[1].split("</article>")[0]
    for gone in ("alert(1)</script>", "javascript:", "onclick", "google.com/maps", 'style="color'):
        assert gone not in body
    assert "<b>chữ đậm</b>" in body and '<abbr title="Mỗi xã một sản phẩm">OCOP</abbr>' in body
    assert 'src="https://www.youtube-nocookie.com/embed/abc"' in body, "a video from an allowed host stays"


def test_each_removal_is_a_warning_with_its_line(site: Path) -> None:
    warnings = [str(p) for p in check(site, TODAY) if p.path == "content/pages/html.md"]
    hint = "(write the text in Markdown instead; only simple formatting is kept)"
    assert warnings == [
        f"warning: content/pages/html.md:6: the HTML tag <script> and what is inside it is removed when the page is made {hint}",
        f"warning: content/pages/html.md:7: the attribute onclick= of <a> is removed when the page is made {hint}",
        "warning: content/pages/html.md:7: the link javascript:alert(1) is removed when the page is made "
        "(only http, https, mailto and tel links are kept: write the full address, such as https://…)",
        "warning: content/pages/html.md:8: the <iframe> from www.google.com is removed when the page is made "
        "(only videos from the hosts in 'video_hosts' (site_config.yaml) are shown; for a map or another page, "
        "write a link instead: [Bản đồ](https://…))",
        f"warning: content/pages/html.md:10: the attribute style= of <p> is removed when the page is made {hint}",
    ]


def test_check_strict_fails_on_removed_html(site: Path, capsys) -> None:
    assert main(["check", "--root", str(site), "--now", "2026-11-30"]) == 0
    assert main(["check", "--strict", "--root", str(site), "--now", "2026-11-30"]) == 1
    assert "content/pages/html.md:6: the HTML tag <script>" in capsys.readouterr().out


def test_plain_markdown_gives_no_warning(small_site: Path) -> None:
    assert check(small_site, TODAY) == []
