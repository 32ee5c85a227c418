"""A hostile editor, round three: what a reviewer typed to break the site, each as a real
file. Every one gives a clear problem naming file, line and field (check and build agree),
or exactly the output a careful editor would get; none crashes a command or the preview."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from ocopsite.cli import main
from ocopsite.config import ImageSettings
from ocopsite.errors import BuildError
from ocopsite.media import cards, process_photos
from ocopsite.models import Entry, Photo
from ocopsite.pipeline import Session, build, check, resolve_today
from ocopsite.reader import read_entry
from ocopsite.serve import PreviewApp, PreviewState

from .conftest import DATA, PROJECT, SMALL_SITE, TODAY, write_files

#: A valid product; ``{extra}`` adds lines after its recognition (from line 9 on).
PRODUCT = "---\nname: Kẹo lạc\ngroup: food\ncommune: cam-binh\nproducer:\nrecognitions:\n  - stars: 3\n    date: 2024\n{extra}---\nCâu chuyện.\n"


def command(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``build.py`` in its own process (a crash there cannot take the tests with it)."""
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args, "--root", str(root), "--now", "2026-11-30"],
                          capture_output=True, text=True, env=env)


def read(tmp_path: Path, text: str, kind: str = "product") -> Entry | list:
    (tmp_path / "p").mkdir(exist_ok=True)
    (tmp_path / "p" / "index.md").write_text(text, encoding="utf-8")
    return read_entry(tmp_path / "p" / "index.md", tmp_path, kind)


def errors(result) -> list[str]:
    assert isinstance(result, list), f"expected errors, got an entry with {result.warnings}"
    return [str(e) for e in result]


def build_errors(root: Path, session: Session | None = None) -> list[str]:
    with pytest.raises(BuildError) as exc:
        build(root, TODAY, session=session)
    return [str(e) for e in exc.value.errors]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- 1. nesting without end: found before libyaml, whose C parser crashed the process -------

DEEP = {
    "brackets": ("extra: " + "[" * 30_000, "9:107"),
    "dashes": ("extra:\n  " + "- " * 30_000 + "x", "10:3"),
    "braces": ("extra: " + "{a: " * 25_000, "9:404"),
}


@pytest.mark.parametrize("shape", DEEP)
def test_yaml_nested_without_end_is_an_error_in_check_and_build_not_a_crash(small_site: Path, shape: str) -> None:
    text, where = DEEP[shape]
    write_files(small_site, {"content/products/sau/index.md": PRODUCT.format(extra=text + "\n")})
    expected = (f"content/products/sau/index.md:{where}: extra: is nested too deeply: more than 100 levels of lists and groups "
                "(write it out plainly: real entries use three levels at most)")
    for name in ("check", "build"):
        run = command(small_site, name)
        assert run.returncode == 1, f"{name} exited {run.returncode} (-11: the process crashed)"
        assert expected in (run.stdout + run.stderr).splitlines(), run.stdout + run.stderr


def test_the_preview_survives_a_rebuild_of_yaml_nested_without_end(small_site: Path) -> None:
    write_files(small_site, {"content/products/sau/index.md": PRODUCT.format(extra=DEEP["brackets"][0] + "\n")})
    script = textwrap.dedent(f"""
        import datetime as dt
        from pathlib import Path
        from ocopsite.serve import PreviewState, Rebuilder
        state = PreviewState()
        Rebuilder(Path({str(small_site)!r}), dt.date(2026, 11, 30), "http://127.0.0.1:8000/", state)()
        print("\\n".join(str(p) for p in state.problems if p.is_error))
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 0, f"the preview process exited {run.returncode}"
    assert run.stdout.startswith("content/products/sau/index.md:9:107: extra: is nested too deeply")


def test_front_matter_the_pre_scan_lets_through_parses_on_a_1_mb_stack() -> None:
    # Windows gives a thread 1 MB of stack; libyaml's composer recurses once per level.
    script = textwrap.dedent("""
        import threading
        from ocopsite.frontmatter import MAX_NESTING, Problem, load_yaml
        def run():
            n = MAX_NESTING - 2
            for text in ("extra: " + "[" * n + "]" * n, "extra:\\n  " + "- " * n + "x", "extra: " + "{a: " * (n - 1) + "b" + "}" * (n - 1),
                         "extra: " + "[" * 30000, "extra: " + "[" * 30000 + "]" * 30000):
                try:
                    load_yaml(text)
                except Problem as p:
                    print(p.line, p.field, p.message)
        threading.stack_size(1 << 20)
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 0, f"exited {run.returncode}: {run.stderr[-300:]}"
    assert run.stdout.splitlines() == [
        "2 extra.0.0 is nested too deeply: more than 20 levels of lists and groups",
        "3 extra.0.0 is nested too deeply: more than 20 levels of lists and groups",
        "2 extra.a.a is nested too deeply: more than 20 levels of lists and groups",
        "2 extra is nested too deeply: more than 100 levels of lists and groups",
        "2 extra is nested too deeply: more than 100 levels of lists and groups",
    ]


def test_lists_nested_without_end_in_the_text_are_an_error_check_and_build_agree_on(small_site: Path) -> None:
    # Python-Markdown recurses once per level: the page failed as a "template error" at build only.
    write_files(small_site, {"content/pages/sau.md": "---\ntitle: Sâu\n---\nMở đầu.\n\n" + "- " * 30_000 + "x\n"})
    expected = ["content/pages/sau.md:6: the text nests lists 30,000 levels deep, more than 100 "
                "(write the list out plainly: one '- ' at the start of each item)"]
    assert [str(p) for p in check(small_site, TODAY) if p.is_error] == expected
    assert build_errors(small_site) == expected


# --- 2. names too long: refused by the model (check = build), and cards that always fit ------

def test_a_name_too_long_is_one_error_that_check_and_build_agree_on(small_site: Path) -> None:
    edit(small_site / "content/products/keo-cu-do/index.md", "name: Kẹo cu đơ Hà Tĩnh", "name: " + "M" * 900_000)
    expected = ["content/products/keo-cu-do/index.md:2:1: name: is 900,000 characters long, over the limit of 200 "
                "(shorten it; say more in 'summary:' or in the text below the front matter)"]
    assert [str(p) for p in check(small_site, TODAY) if p.is_error] == expected
    assert build_errors(small_site) == expected


@pytest.mark.parametrize("title", ["M" * 50_000, "M" * 200, "Mật ong rừng Vũ Quang " * 20, ""])
def test_a_share_card_never_draws_a_line_wider_than_the_card(tmp_path: Path, title: str) -> None:
    spec = cards.CardSpec(title, "Nhà văn hóa " + "Đ" * 3000, "3 sao OCOP", 3, False, "OCOP " * 400, None, "food")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's DecompressionBombWarning too
        cards.render_card(spec, str(PROJECT / "assets"), str(tmp_path), str(tmp_path / "card.png"))
    with Image.open(tmp_path / "card.png") as im:
        assert im.size == (cards.WIDTH, cards.HEIGHT)


def test_card_lines_are_broken_and_cut_with_an_ellipsis_to_fit() -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = cards._font(str(PROJECT / "assets" / cards.FONT_BOLD), 40)
    lines, complete = cards._fit(draw, "Kẹo " + "M" * 5000 + " lạc", font, 500, 4)
    assert not complete and len(lines) == 4 and lines[0] == "Kẹo" and lines[-1].endswith("…")
    assert all(draw.textlength(line, font=font) <= 500 for line in lines)
    assert cards._fit(draw, "Kẹo cu đơ Hà Tĩnh", font, 500, 4) == (["Kẹo cu đơ Hà Tĩnh"], True)


# --- 3 and 4. photos in sub-folders, renamed photos: incremental = clean ---------------------

@pytest.mark.parametrize("warm", [False, True], ids=["command line", "preview session"])
def test_deleting_a_photo_kept_in_a_sub_folder_is_reported_not_a_crash(small_site: Path, warm: bool) -> None:
    folder = small_site / "content/products/keo-cu-do"
    (folder / "anh").mkdir()
    shutil.copy(DATA / "images/hopper.jpg", folder / "anh/phu.jpg")
    edit(folder / "index.md", "recognitions:", "images:\n  - src: anh/phu.jpg\n    alt: Gói kẹo\nrecognitions:")
    session = Session() if warm else None
    build(small_site, TODAY, session=session)
    (folder / "anh/phu.jpg").unlink()
    expected = ["content/products/keo-cu-do/index.md:7:5: images.0.src: 'anh/phu.jpg' is not in the folder "
                "content/products/keo-cu-do/ (check the file name; letter case matters)"]
    assert build_errors(small_site, session) == expected
    assert [str(p) for p in check(small_site, TODAY) if p.is_error] == expected


def test_a_photo_gone_before_the_media_stage_is_an_error_naming_it(tmp_path: Path) -> None:
    result = process_photos([Photo(tmp_path / "content/products/a/mat.jpg", "Mất")], ImageSettings(), tmp_path)
    assert [str(p) for p in result.problems] == [
        "content/products/a/mat.jpg: the photo cannot be read (No such file or directory) (check that the file is still there, then build again)"
    ]


# --- 5. invisible characters --------------------------------------------------------------

@pytest.mark.parametrize(("char", "what", "hint"), [
    ("\u2028", "U+2028 (line separator, often pasted from Word or a web page)", "replace it with a space, or delete it"),
    ("\u2029", "U+2029 (paragraph separator, often pasted from Word)", "replace it with a space, or delete it"),
    ("\u200b", "U+200B (zero-width space, often pasted from web pages)", "delete it: retype that part, or paste the text again as plain text"),
    ("\u2060", "U+2060 (word joiner)", "delete it: retype that part, or paste the text again as plain text"),
    ("\ufeff", "U+FEFF (byte order mark, left where two files were joined)", "delete it: retype that part, or paste the text again as plain text"),
    ("\u202e", "U+202E (a bidirectional text control)", "delete it: retype that part, or paste the text again as plain text"),
    ("\u2066", "U+2066 (a bidirectional text control)", "delete it: retype that part, or paste the text again as plain text"),
])
def test_invisible_characters_are_refused_at_their_exact_line_and_column(tmp_path: Path, char: str, what: str, hint: str) -> None:
    text = f'---\nname: Kẹo{char}lạc\ngroup: food\nrecognitions:\n  - stars: 3\n    date: 2024\n    decision: "12{char}/QĐ"\n---\nCâu{char} chuyện.\n'
    assert errors(read(tmp_path, text)) == [
        f"p/index.md:2:10: name: contains an invisible character {what} ({hint})",
        f"p/index.md:7:18: recognitions.0.decision: contains an invisible character {what} ({hint})",
        f"p/index.md:9:4: the text contains an invisible character {what} ({hint})",
    ]


def test_the_zero_width_joiner_of_emoji_stays_allowed(tmp_path: Path) -> None:
    entry = read(tmp_path, "---\nname: Mật ong 👨\u200d🌾\nrecognitions: [{stars: 3, date: 2024}]\n---\n")
    assert isinstance(entry, Entry) and entry.meta.name == "Mật ong 👨\u200d🌾"


def test_a_zero_width_space_in_a_commune_is_named_not_taken_for_other_tones(small_site: Path) -> None:
    edit(small_site / "content/products/keo-cu-do/index.md", "commune: cam-binh", "commune: Xã Cẩm\u200bBình")
    assert [str(p) for p in check(small_site, TODAY) if "keo-cu-do" in p.path] == [
        "content/products/keo-cu-do/index.md:5:16: commune: contains an invisible character U+200B (zero-width space, often pasted "
        "from web pages) (delete it: retype that part, or paste the text again as plain text)"
    ]


# --- 6. unclosed quotes: only a quote really left open is blamed ---------------------------

def test_a_value_in_quotes_over_two_lines_is_not_blamed_for_a_later_error(tmp_path: Path) -> None:
    text = '---\nname: Kẹo\nsummary: "một\n  hai"\nrecognitions:\n  - stars: 3\n    date: 2024\nwhere_to_buy:\n  - name: Giờ mở cửa: 7h\n---\n'
    assert errors(read(tmp_path, text)) == [
        "p/index.md:9:21: YAML syntax error: mapping values are not allowed here "
        "(check the indentation and that text with a ':' or '#' is in quotes)"
    ]


@pytest.mark.parametrize(("text", "where"), [
    ('---\nname: "Kẹo lạc\ngroup: food\nrecognitions: [{stars: 3, date: 2024}]\nsummary: "Ngon."\n---\n', "2:7: name"),  # closed by the next value's quote
    ('---\nname: Kẹo\nrecognitions: [{stars: 3, date: 2024}]\nsources:\n  - "https://example.org/a\n  - https://example.org/b\n---\n', "5:5: sources.0"),
    ('---\nname: Kẹo\nrecognitions:\n  - stars: 3\n    date: 2024\n    batch: "đợt 1\n---\n', "6:12: recognitions.0.batch"),
])
def test_an_unclosed_quote_is_blamed_where_it_opens_with_its_field(tmp_path: Path, text: str, where: str) -> None:
    assert errors(read(tmp_path, text)) == [
        f'p/index.md:{where}: the text starting with " is never closed (end it with " on the same line, or remove the ")'
    ]


# --- 7. drafts note every problem publishing would give; `new` refuses reserved names ---------

@pytest.mark.parametrize(("kind", "name"), [
    ("product", "Mật ong rừng Vũ Quang"), ("producer", "HTX Đồng Lộc"), ("craft", "Nón lá Ba Giang"),
    ("fair", "Lễ hội Cam 2026"), ("page", "Hỏi đáp"),
])
def test_a_draft_notes_every_problem_that_publishing_it_would_give(write_site, capsys, kind: str, name: str) -> None:
    root = write_site({})
    assert main(["new", kind, name, "--root", str(root)]) == 0
    path = root / capsys.readouterr().out.splitlines()[0]
    notes = check(root, TODAY)
    assert notes and all(p.severity == "note" for p in notes)
    edit(path, "draft: true\n", "draft: false\n")  # the same lines, published
    published = check(root, TODAY)
    assert all(p.is_error for p in published)
    assert [(p.path, p.line, p.field, p.message) for p in published] == [(p.path, p.line, p.field, p.message) for p in notes]


@pytest.mark.parametrize(("kind", "name", "slug", "what"), [
    ("page", "San pham", "san-pham", "a section of the site"),
    ("page", "Sao", "sao", "a section of the site"),
    ("product", "Hết hạn", "het-han", "a page of the catalogue"),
    ("product", "Trang", "trang", "a page of the catalogue"),
])
def test_new_refuses_a_reserved_name(write_site, capsys, kind: str, name: str, slug: str, what: str) -> None:
    root = write_site({})
    assert main(["new", kind, name, "--root", str(root)]) == 1
    assert capsys.readouterr().err.strip() == f"error: the name '{slug}' is reserved for {what}; nothing was created (choose another name)"
    assert not (root / "content").exists()


# --- 8. every entry whose name gives no slug ------------------------------------------------

def test_every_entry_whose_name_gives_an_empty_slug_is_reported(small_site: Path) -> None:
    write_files(small_site, {"content/products/🍯/index.md": PRODUCT.format(extra=""), "content/products/---/index.md": PRODUCT.format(extra="")})
    assert [str(p) for p in check(small_site, TODAY) if "slug" in p.message] == [
        "content/products/---/index.md: the name gives an empty slug (rename it with letters or digits)",
        "content/products/🍯/index.md: the name gives an empty slug (rename it with letters or digits)",
    ]


# --- lesser ones ----------------------------------------------------------------------------

def test_a_price_of_nothing_is_refused(tmp_path: Path) -> None:
    assert errors(read(tmp_path, PRODUCT.format(extra="price: 0\n"))) == [
        "p/index.md:9:1: price.amount: must be more than 0 đồng (got 0) (write the real price, or leave 'price:' out when it is not known)"
    ]


def test_a_hash_cutting_any_text_value_short_is_a_warning_but_not_a_note_after_a_number(tmp_path: Path) -> None:
    extra = ("    decision: 123/QĐ-UBND #2\n    kind: first  # lần đầu\nprice: 150.000  # đồng\ndraft: false  # xuất bản\n"
             "where_to_buy:\n  - name: Cửa hàng #1\n    address: 02 Nguyễn Du #3\nextra:\n  ghi_chu: xem #4\n")
    entry = read(tmp_path, PRODUCT.format(extra=extra).replace("  - stars: 3\n", "  - stars: 3  # 3, 4 hoặc 5\n"))
    assert isinstance(entry, Entry) and entry.meta.recognitions[0].decision == "123/QĐ-UBND"
    hint = '(put the whole text in quotes: "…")'
    assert [str(w) for w in entry.warnings] == [
        f"warning: p/index.md:9:15: recognitions.0.decision: the text after '#' was read as a comment, leaving '123/QĐ-UBND' {hint}",
        f"warning: p/index.md:14:11: where_to_buy.0.name: the text after '#' was read as a comment, leaving 'Cửa hàng' {hint}",
        f"warning: p/index.md:15:14: where_to_buy.0.address: the text after '#' was read as a comment, leaving '02 Nguyễn Du' {hint}",
        f"warning: p/index.md:17:12: extra.ghi_chu: the text after '#' was read as a comment, leaving 'xem' {hint}",
    ]


def test_a_javascript_link_written_in_markdown_is_a_warning_like_in_html(small_site: Path) -> None:
    edit(small_site / "content/pages/gioi-thieu.md", "Trang giới thiệu.", "Trang giới thiệu.\n\n[bấm vào đây](javascript:alert(1)) và [ở đây][x].\n\n[x]: data:text/html,hi")
    assert [str(p) for p in check(small_site, TODAY) if p.path == "content/pages/gioi-thieu.md"] == [
        "warning: content/pages/gioi-thieu.md:7: the link javascript:alert(1) is removed when the page is made "
        "(only http, https, mailto and tel links are kept: write the full address, such as https://…)",
        "warning: content/pages/gioi-thieu.md:9: the link data:text/html,hi is removed when the page is made "
        "(only http, https, mailto and tel links are kept: write the full address, such as https://…)",
    ]


def test_check_json_is_exact_on_a_cp1252_console(small_site: Path) -> None:
    write_files(small_site, {"content/products/Mật ong lỗi/index.md": PRODUCT.format(extra="price: 0\n")})
    run = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--format", "json", "--root", str(small_site), "--now", "2026-11-30"],
                         capture_output=True, env={**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"})
    assert run.stdout.isascii()
    [problem] = json.loads(run.stdout)["problems"]
    assert problem["path"] == "content/products/Mật ong lỗi/index.md" and problem["message"] == "must be more than 0 đồng (got 0)"


def test_a_photo_listed_twice_however_written_is_caught(small_site: Path) -> None:
    edit(small_site / "content/products/nuoc-mam-ky-phu/index.md", "alt: Chai nước mắm Kỳ Phú",
         "alt: Chai nước mắm Kỳ Phú\n  - src: ./chai.jpg\n    alt: Lại chai đó")
    assert [str(p) for p in check(small_site, TODAY) if p.severity != "note"] == [
        "warning: content/products/nuoc-mam-ky-phu/index.md:23:5: images.1.src: './chai.jpg' is listed twice (remove the repeated photo)"
    ]


def test_a_linked_photo_is_one_error_not_also_unlisted(small_site: Path, tmp_path: Path) -> None:
    folder = small_site / "content/products/nuoc-mam-ky-phu"
    shutil.copy(DATA / "images/hopper.jpg", tmp_path / "ngoai.jpg")
    (folder / "chai.jpg").unlink()
    os.symlink(tmp_path / "ngoai.jpg", folder / "chai.jpg")
    assert [str(p) for p in check(small_site, TODAY) if "nuoc-mam-ky-phu" in p.path] == [
        "content/products/nuoc-mam-ky-phu/index.md:21:5: images.0.src: 'chai.jpg' points outside this entry's folder "
        "(copy the photo into the folder instead of linking it)"
    ]


@pytest.mark.parametrize(("typed", "warning"), [
    ("thưc phẩm", "'thưc phẩm' was taken to be Thực phẩm (food): the tone marks differ (write it as 'thực phẩm' or 'food' if that is what you mean)"),
    ("Thực Phẩm", None), ("thuc pham", None), ("food", None), ("du lịch", None),
])
def test_a_product_group_typed_with_other_tone_marks_warns_as_communes_do(tmp_path: Path, typed: str, warning: str | None) -> None:
    entry = read(tmp_path, PRODUCT.format(extra="").replace("group: food", f"group: {typed}"))
    assert isinstance(entry, Entry)
    assert [str(w) for w in entry.warnings] == ([f"warning: p/index.md:3:1: group: {warning}"] if warning else [])


def test_the_preview_of_a_sub_path_build_redirects_a_page_asked_without_its_slash(small_site: Path) -> None:
    build(small_site, TODAY, base_url="https://example.org/ocop/")
    app = PreviewApp(small_site / "output", PreviewState(), "/ocop/")

    def get(path: str, query: str = "") -> tuple[str, dict]:
        answer: dict = {}
        b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query},
                     lambda status, headers: answer.update(status=status, headers=dict(headers))))
        return answer["status"], answer["headers"]

    assert get("/ocop/san-pham/nuoc-mam-ky-phu") == ("302 Found", {"Location": "/ocop/san-pham/nuoc-mam-ky-phu/", "Content-Length": "0"})
    assert get("/ocop/san-pham", "trang=2")[1]["Location"] == "/ocop/san-pham/?trang=2"
    assert get("/ocop/san-pham/nuoc-mam-ky-phu/")[0] == "200 OK"
    assert get("/ocop/sitemap.xml")[0] == "200 OK"
    assert get("/ocop/khong-co")[0] == "404 Not Found"


# --- wording ------------------------------------------------------------------------------

def test_an_empty_commune_line_says_it_is_empty(tmp_path: Path, write_site) -> None:
    root = write_site({"content/products/keo/index.md": PRODUCT.format(extra="").replace("commune: cam-binh", "commune:")})
    assert [str(p) for p in check(root, TODAY)] == [
        "content/products/keo/index.md:4:1: commune: is empty (write the current commune after 'commune:', "
        "or add 'former_address:' with the old commune and district)"
    ]


def test_source_date_epoch_that_is_not_a_number_is_a_plain_error(small_site: Path) -> None:
    with pytest.raises(ValueError) as exc:
        resolve_today(environ={"SOURCE_DATE_EPOCH": "abc"})
    assert str(exc.value) == ("SOURCE_DATE_EPOCH must be a whole number of seconds since 1 January 1970, such as 1798761600 "
                              "(got 'abc'); unset it to build as of today")
    run = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--root", str(small_site)],
                         capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "abc"})
    assert run.returncode == 2 and "invalid literal" not in run.stderr
    assert run.stderr.splitlines()[-1] == f"build.py: error: {exc.value}"
    assert resolve_today(environ={"SOURCE_DATE_EPOCH": "1798761600"}) == dt.date(2027, 1, 1)


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("product", PRODUCT.format(extra="").replace("date: 2024", "date: 10/2024"),
     "p/index.md:8:5: recognitions.0.date: gives only the month (got '10/2024'); write the full date such as 15/10/2024, or only the year: 2024"),
    ("fair", "---\nname: Hội chợ\nstart: 2024-11\n---\n", "p/index.md:3:1: start: gives only the month (got '2024-11'); write the day too, such as 15/10/2024"),
    ("product", PRODUCT.format(extra="sources: example.com\n"),
     "p/index.md:9:1: sources.0: must be a web address starting with https:// or http:// (got 'example.com') "
     "(copy the address from the browser's address bar, with its https://)"),
])
def test_messages_say_what_to_write(tmp_path: Path, kind: str, text: str, message: str) -> None:
    assert errors(read(tmp_path, text, kind)) == [message]
