"""Messages to editors: Vietnamese by default, English with ``--lang en`` or an English
environment, from one gettext catalogue (domain ``check``) that translates every message id
with the same placeholders, and every message in the engine is marked so pybabel finds it."""

from __future__ import annotations

import ast
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ocopsite.cli import main
from ocopsite.errors import (LANGUAGE_VARIABLES, BuildError, ContentError, Msg, catalogue, message_language, msg, msgn, number,
                             summary_line, use_language)
from ocopsite.i18n import LOCALES_DIR

from .conftest import PROJECT, write_files

NOW = ["--now", "2026-11-30"]
PACKAGE = PROJECT / "ocopsite"
#: A product with three problems: a star rating, a warning (no producer line), a hint.
BROKEN = {"content/products/loi/index.md": "---\nname: Nước mắm lỗi\ncommune: Xã Cẩm Bình\nrecognitions: [{stars: 6, date: 2024}]\n---\n"}


@pytest.fixture
def vietnamese(monkeypatch) -> None:
    """An editor's machine with no language set (or a non-English one): the default."""
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    use_language(None)


@pytest.fixture
def broken_site(write_site) -> Path:
    return write_site(BROKEN)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- the language chosen --------------------------------------------------------------------


def test_the_language_is_vietnamese_unless_the_flag_or_the_environment_says_english() -> None:
    assert message_language(None, {}) == "vi"
    assert message_language(None, {"LANG": "C.UTF-8"}) == "vi"
    assert message_language(None, {"LANG": "vi_VN.UTF-8"}) == "vi"
    assert message_language(None, {"LANG": "en_US.UTF-8"}) == "en"
    assert message_language(None, {"LANGUAGE": "en_GB:vi"}) == "en"
    # the first one set wins, in gettext's order
    assert message_language(None, {"LANGUAGE": "vi", "LANG": "en_US.UTF-8"}) == "vi"
    assert message_language(None, {"LANGUAGE": "", "LC_ALL": "en_US.UTF-8", "LANG": "vi_VN"}) == "en"
    assert message_language(None, {"LC_MESSAGES": "en_AU", "LANG": "vi_VN"}) == "en"
    assert message_language("en", {}) == "en" and message_language("vi", {"LANG": "en_US.UTF-8"}) == "vi"


def test_the_default_cli_output_of_a_content_error_is_vietnamese(broken_site: Path, capsys, vietnamese) -> None:
    code, out, _ = run(capsys, "check", "--root", str(broken_site), *NOW)
    assert code == 1
    assert out.splitlines() == [
        "cảnh báo: content/products/loi/index.md:1:1: chưa có chủ thể (thêm 'producer:' với slug của chủ thể, "
        "hoặc để trống 'producer:' nếu chưa biết)",
        "content/products/loi/index.md:4:17: recognitions.0.stars: phải là 3, 4 hoặc 5 (đang ghi '6')",
        "kiểm tra: 1 lỗi, 1 cảnh báo",
    ]
    code, _, err = run(capsys, "build", "--root", str(broken_site), *NOW)
    assert code == 1
    assert err.splitlines()[-1] == "dựng trang thất bại: 1 lỗi, 1 cảnh báo; thư mục output/ không bị thay đổi"


def test_json_and_github_formats_are_vietnamese_by_default(broken_site: Path, capsys, vietnamese) -> None:
    _, out, _ = run(capsys, "check", "--format", "json", "--root", str(broken_site), *NOW)
    data = json.loads(out)
    assert data["summary"] == "1 lỗi, 1 cảnh báo"
    assert data["problems"][0]["message"] == "chưa có chủ thể" and data["problems"][0]["severity"] == "warning"
    assert data["problems"][1]["message"] == "phải là 3, 4 hoặc 5 (đang ghi '6')"
    assert data["problems"][1]["field"] == "recognitions.0.stars" and data["problems"][1]["severity"] == "error"
    _, out, _ = run(capsys, "check", "--format", "github", "--root", str(broken_site), *NOW)
    assert out.splitlines()[1] == ("::error file=content/products/loi/index.md,line=4,col=17,title=recognitions.0.stars::"
                                   "phải là 3, 4 hoặc 5 (đang ghi '6')")


@pytest.mark.parametrize("how", ["flag", "LANG"])
def test_lang_en_and_an_english_environment_give_english(broken_site: Path, capsys, monkeypatch, vietnamese, how: str) -> None:
    args = ["check", "--root", str(broken_site), *NOW]
    if how == "flag":
        args.append("--lang=en")
    else:
        monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, _ = run(capsys, *args)
    assert code == 1
    assert out.splitlines() == [
        "warning: content/products/loi/index.md:1:1: has no producer (add 'producer:' with the slug of its producer, "
        "or leave 'producer:' empty if it is not known)",
        "content/products/loi/index.md:4:17: recognitions.0.stars: must be 3, 4 or 5 (got '6')",
        "check: 1 error, 1 warning",
    ]


def test_lang_vi_wins_over_an_english_environment(broken_site: Path, capsys) -> None:
    _, out, _ = run(capsys, "check", "--lang", "vi", "--root", str(broken_site), *NOW)
    assert out.splitlines()[-1] == "kiểm tra: 1 lỗi, 1 cảnh báo"
    _, out, _ = run(capsys, "check", "--root", str(broken_site), *NOW)  # the flag is not remembered
    assert out.splitlines()[-1] == "check: 1 error, 1 warning"


def test_a_real_process_follows_lang_and_the_flag(broken_site: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    command = [sys.executable, str(PROJECT / "build.py"), "check", "--root", str(broken_site), *NOW]
    vi = subprocess.run(command, capture_output=True, text=True, env={**env, "LANG": "C.UTF-8", "PYTHONUTF8": "1"})
    en = subprocess.run(command, capture_output=True, text=True, env={**env, "LANG": "en_US.UTF-8", "PYTHONUTF8": "1"})
    flag = subprocess.run([*command, "--lang", "en"], capture_output=True, text=True, env={**env, "PYTHONUTF8": "1"})
    assert vi.stdout.splitlines()[-1] == "kiểm tra: 1 lỗi, 1 cảnh báo", vi.stderr
    assert en.stdout.splitlines()[-1] == "check: 1 error, 1 warning", en.stderr
    assert flag.stdout == en.stdout


def test_new_says_what_to_do_next_in_vietnamese(write_site, capsys, vietnamese) -> None:
    root = write_site({})
    code, out, _ = run(capsys, "new", "product", "Mật ong Vũ Quang", "--root", str(root))
    assert code == 0
    assert out.splitlines()[0] == "content/products/mat-ong-vu-quang/index.md"
    assert "tiếp theo:" in out and "python build.py serve" in out and "python build.py check" in out and "'draft: true'" in out
    code, _, err = run(capsys, "new", "product", "Mật ong Vũ Quang", "--root", str(root))
    assert code == 1 and err.strip() == "lỗi: content/products/mat-ong-vu-quang/index.md đã có; không có gì bị thay đổi"
    code, _, err = run(capsys, "new", "page", "San pham", "--root", str(root), "--lang", "en")
    assert err.strip() == "error: the name 'san-pham' is reserved for a section of the site; nothing was created (choose another name)"


def test_a_successful_build_counts_in_vietnamese(small_site: Path, capsys, vietnamese) -> None:
    code, out, _ = run(capsys, "build", "--root", str(small_site), *NOW)
    assert code == 0
    assert out.startswith("đã dựng ") and "tính đến ngày 2026-11-30" in out and "0 lỗi, 0 cảnh báo" in out
    code, out, _ = run(capsys, "build", "--root", str(small_site), *NOW, "--lang", "en")
    assert out.startswith("built ") and "(nothing changed)" in out and "3 producers" not in out and "1 producer," in out


def test_the_preview_error_page_and_build_error_report_follow_the_language(small_site: Path, vietnamese) -> None:
    from ocopsite.serve import PreviewApp, PreviewState

    problem = ContentError("content/pages/x.md", 2, 8, "title", msg("is required"), msg("add a line '{field}: …'", field="title"))
    state = PreviewState()
    state.problems = [problem]
    page = PreviewApp(small_site, state).error_page().decode()
    assert "<html lang=vi>" in page and "Chưa xem trước được: nội dung có lỗi" in page
    assert "content/pages/x.md:2:8: title: là trường bắt buộc (thêm một dòng &#x27;title: …&#x27;)" in page
    assert "1 lỗi, 0 cảnh báo" in page
    page = PreviewApp(small_site, state, lang="en").error_page().decode()
    assert "<html lang=en>" in page and "content/pages/x.md:2:8: title: is required (add a line &#x27;title: …&#x27;)" in page
    report = BuildError([problem])
    assert str(report) == report.report("vi") == "content/pages/x.md:2:8: title: là trường bắt buộc (thêm một dòng 'title: …')\n1 lỗi, 0 cảnh báo"
    assert report.report("en").endswith("1 error, 0 warnings")
    assert str(problem) == "content/pages/x.md:2:8: title: is required (add a line 'title: …')", "str() stays English"


def test_messages_survive_pickling_and_numbers_follow_the_language() -> None:
    m = msg("the file is {size} bytes, over the limit of {limit}", size=number(1_234_567), limit=number(1_000_000))
    again = pickle.loads(pickle.dumps(m))
    assert isinstance(again, Msg) and again == m == "the file is 1,234,567 bytes, over the limit of 1,000,000"
    assert again.localized(catalogue("vi")) == "file có dung lượng 1.234.567 byte, vượt giới hạn 1.000.000"
    count = msgn("{n} error", "{n} errors", 2)
    assert count == "2 errors" and msgn("{n} error", "{n} errors", 1) == "1 error" and count.localized(catalogue("vi")) == "2 lỗi"
    notes = summary_line([ContentError("a.md", 1, 1, "", msg("is empty"), severity="note")])
    assert notes == "0 errors, 0 warnings, 1 note on drafts" and notes.localized(catalogue("vi")) == "0 lỗi, 0 cảnh báo, 1 ghi chú trên bản nháp"


# --- the catalogue ---------------------------------------------------------------------------


def _read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return read_po(f)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"(?<!\{)\{(\w+)\}(?!\})", text))


def test_every_message_id_has_a_vietnamese_translation_with_the_same_placeholders() -> None:
    template = _read(LOCALES_DIR / "check.pot")
    catalogue_vi = _read(LOCALES_DIR / "vi/LC_MESSAGES/check.po")
    ids = {_ids(m) for m in template if m.id}
    assert len(ids) > 250
    translated = {_ids(m): m for m in catalogue_vi if m.id}
    assert ids <= set(translated), f"run pybabel update: missing {sorted(ids - set(translated))[:5]}"
    assert not [m.id for m in catalogue_vi if m.id and m.fuzzy], "a fuzzy entry is not used"
    for key in ids:
        m = translated[key]
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(s.strip() for s in strings), f"untranslated: {key[0]}"
        for s in strings:
            assert _placeholders(s) == _placeholders(key[-1]) or _placeholders(s) == _placeholders(key[0]), (key[0], s)
            assert s.count("{{") == key[0].count("{{") and s.count("}}") == key[0].count("}}"), (key[0], s)
            assert s != key[0] or not re.search(r"[a-z]{4,}", re.sub(r"\{\w+\}|'[^']*'|\S+\.\w+|--\S+", "", s)), f"not translated: {s}"


def _extract() -> set[str]:
    """Return the message ids pybabel extracts with the README's command (its options)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (LOCALES_DIR / "babel-check.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(PROJECT), method_map, options_map,
                                                                        keywords={"msg": None, "msgn": (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_template_is_up_to_date_with_the_messages_in_the_code() -> None:
    template = {_ids(m)[0] for m in _read(LOCALES_DIR / "check.pot") if m.id}
    assert _extract() == template, "run the two pybabel commands of README.md (Languages)"


def test_the_readme_gives_the_extraction_commands() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "pybabel extract -F ocopsite/locales/babel-check.cfg --no-default-keywords -k msg -k msgn:1,2" in readme
    assert "pybabel update -i ocopsite/locales/check.pot -d ocopsite/locales -D check" in readme


# --- every message in the engine is marked ---------------------------------------------------

#: Constructions whose arguments are messages to editors: ``{name: (positions, keywords)}``.
MESSAGE_ARGS = {
    "ContentError": ((4, 5), ("message", "hint")),
    "Problem": ((2, 3), ("message", "hint")),
    "PlaceError": ((0, 1), ("message", "hint")),
    "PydanticCustomError": ((1,), ("message_template",)),
    "pydantic_error": ((1,), ("message",)),
    "NewEntryError": ((0,), ()),
}
SEVERITIES = ("error", "warning", "note")
#: Modules whose ``ValueError`` messages reach editors (validators, photos, the build date).
VALUE_ERRORS = {"config.py", "models.py", "media/photos.py", "pipeline.py", "geography.py"}


def _is_plain_text(node: ast.AST) -> bool:
    """Return True for text written in place: a literal (not empty), an f-string, text
    glued with ``+`` or ``%``, or ``"…".format(…)``."""
    if isinstance(node, ast.Constant):  # words, not only placeholders ("{message}")
        return isinstance(node.value, str) and bool(re.search(r"[A-Za-z]", re.sub(r"\{\w*\}", "", node.value)))
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_plain_text(node.left) or _is_plain_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_plain_text(node.body) or _is_plain_text(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_plain_text(node.func.value)
    return False


def _name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _engine() -> list[tuple[str, ast.AST]]:
    return [(path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def test_every_message_to_editors_is_marked_for_extraction() -> None:
    unmarked = []
    for where, tree in _engine():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            positions, keywords = MESSAGE_ARGS.get(name, ((0,), ()) if name == "ValueError" and where in VALUE_ERRORS else ((), ()))
            if positions and any(isinstance(a, ast.Starred) for a in node.args):  # (path, *position, field, message, hint, severity)
                positions = tuple(i for i, a in enumerate(node.args) if i and not (isinstance(a, ast.Constant) and a.value in SEVERITIES))
            args = [node.args[i] for i in positions if i < len(node.args)] + [k.value for k in node.keywords if k.arg in keywords]
            unmarked += [f"{where}:{arg.lineno}: {name}({ast.unparse(arg)[:60]})" for arg in args if _is_plain_text(arg)]
    assert not unmarked, "wrap these messages in msg(…):\n" + "\n".join(unmarked)


def test_marked_messages_are_literals_whose_placeholders_are_given() -> None:
    wrong = []
    for where, tree in _engine():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("msg", "msgn")):
                continue
            texts = node.args[: 2 if node.func.id == "msgn" else 1]
            if not all(isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts):
                wrong.append(f"{where}:{node.lineno}: the message id must be a literal (pybabel reads it)")
                continue
            if any(k.arg is None for k in node.keywords):  # **values: checked when it runs
                continue
            given = {k.arg for k in node.keywords} | ({"n"} if node.func.id == "msgn" else set())
            for t in texts:
                if set(_placeholders(t.value)) != given:
                    wrong.append(f"{where}:{node.lineno}: {t.value[:50]!r} has {sorted(_placeholders(t.value))}, given {sorted(given)}")
    assert not wrong, "\n".join(wrong)


def test_the_guide_table_quotes_the_messages_as_shown(small_site: Path, capsys, vietnamese) -> None:
    guide = (PROJECT / "docs/editing.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 7."): guide.index("## 8.")]
    assert "--lang en" in section and "is not" not in section, "the table quotes Vietnamese messages"
    write_files(small_site, {"content/products/loi/index.md": "---\nname: Lỗi\ncommune: Xã Cẩm Bìn\nproducer:\nrecognitions: [{stars: 3, date: 2024}]\n---\n"})
    _, out, _ = run(capsys, "check", "--root", str(small_site), *NOW)
    shown = out.splitlines()[0].split(": ", 2)[2]  # the message and hint, after the file and field
    assert shown == "'Xã Cẩm Bìn' không phải là một trong 69 xã/phường hiện nay của Hà Tĩnh (có phải ý bạn là 'Xã Cẩm Bình'?)"
    assert f"commune: {shown}`" in section


def test_vietnamese_reports_print_under_a_western_windows_console(broken_site: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    run_ = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--root", str(broken_site), *NOW], capture_output=True,
                          env={**env, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"})
    assert run_.returncode == 1 and b"Traceback" not in run_.stderr
    assert run_.stdout.decode("cp1252").splitlines()[-1] == "kiêm tra: 1 lôi, 1 canh báo"  # the nearest letters cp1252 has
