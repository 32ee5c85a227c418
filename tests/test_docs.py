"""The editors' guide (docs/editing.md) matches the code: its examples build cleanly."""

from __future__ import annotations

import re

from ocopsite.pipeline import build, check

from .conftest import PROJECT, TODAY

EXAMPLE = re.compile(r"<!-- example: (\S+) -->\s*```markdown\n(.*?)```", re.S)


def test_guide_examples_cover_every_kind_and_build_with_no_problem(write_site) -> None:
    guide = (PROJECT / "docs/editing.md").read_text(encoding="utf-8")
    examples = dict(EXAMPLE.findall(guide))
    kinds = {path.split("/")[1] for path in examples}
    assert kinds == {"products", "producers", "crafts", "fairs", "pages", "communes", "outlets"}
    root = write_site(examples)
    assert check(root, TODAY) == []
    result = build(root, TODAY)
    assert result.warnings == []
    for path in examples:
        kind, slug = path.split("/")[1], path.split("/")[2].removesuffix(".md")
        section = {"products": "san-pham", "producers": "chu-the", "crafts": "lang-nghe", "fairs": "hoi-cho", "communes": "xa-phuong",
                   "outlets": "diem-ban"}.get(kind)
        page = root / "output" / (f"{section}/{slug}" if section else slug) / "index.html"
        assert page.is_file(), page


def test_guide_quotes_real_error_messages() -> None:
    from ocopsite.errors import catalogue

    guide = (PROJECT / "docs/editing.md").read_text(encoding="utf-8")
    vi = catalogue("vi")  # the guide quotes them as editors see them: in Vietnamese
    for message in ("must be 3, 4 or 5 (got '{value}')", "is not a known field", "the front matter has no closing --- line", "the file is not UTF-8 text"):
        shown = vi.gettext(message).split("{")[0]
        assert shown != message and shown in guide, shown
