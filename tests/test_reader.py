"""Reader: real awkward files from editors (tests/data/content, see its README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocopsite.errors import ContentError
from ocopsite.models import Entry
from ocopsite.reader import load_yaml, read_entry

DATA = Path(__file__).parent / "data" / "content"


def read(name: str, root: Path = DATA) -> Entry | list[ContentError]:
    return read_entry(root / name, root, "product")


def messages(result) -> list[str]:
    assert isinstance(result, list), "expected errors"
    return [str(e) for e in result]


def test_bom_and_crlf_read_like_a_clean_file() -> None:
    entry = read("bom_crlf.md")
    assert isinstance(entry, Entry)
    assert entry.meta.name == "Kẹo cu đơ Hà Tĩnh"
    assert entry.meta.commune == "Xã Cẩm Bình"
    assert entry.body == "Kẹo làm từ mật mía, lạc và gừng.\n"
    assert entry.position("recognitions", 0, "stars") == (6, 5)


def test_nfd_text_is_normalised_to_nfc() -> None:
    entry = read("nfd_text.md")
    assert isinstance(entry, Entry)
    assert entry.meta.name == "Nước mắm Lộc Hà"  # NFC literal
    assert entry.meta.name.encode() == "Nước mắm Lộc Hà".encode()
    assert "truyền thống" in entry.body


def test_windows_1258_file_is_an_error_naming_the_encoding() -> None:
    assert messages(read("legacy_cp1258.md")) == [
        "legacy_cp1258.md:2: the file is not UTF-8 text; it looks like Windows-1258 or another old Vietnamese encoding "
        "(open it in your editor and save it again with the encoding UTF-8)"
    ]


def test_unclosed_front_matter_names_the_missing_delimiter() -> None:
    assert messages(read("unclosed_front_matter.md")) == [
        "unclosed_front_matter.md:6: the front matter has no closing --- line (add a line with only --- after the last field)"
    ]


def test_every_bad_value_is_reported_in_one_run_with_lines() -> None:
    assert messages(read("bad_values.md")) == [
        "bad_values.md:3:1: group: must be one of food, beverages, herbal, handicrafts, ornamentals, tourism (got 'drinks-and-snacks')",
        "bad_values.md:6:5: recognitions.0.stars: must be 3, 4 or 5 (got '6')",
        "bad_values.md:8:5: recognitions.0.date: 2023-02-30 is not a real date",
        "bad_values.md:9:5: recognitions.0.kind: must be one of first, renewal, upgrade (got 'firts') (did you mean 'first'?)",
        "bad_values.md:10:5: recognitions.1.stars: must be 3, 4 or 5 (got 'ba')",
        "bad_values.md:11:5: recognitions.1.date: is not a date (got 'yesterday'); write 2024-10-15 or 15/10/2024",
        "bad_values.md:12:1: stras: is not a known field (did you mean 'stars'? It belongs under 'recognitions:')",
    ]


def test_yaml_1_1_traps_keep_the_text_typed(tmp_path: Path) -> None:
    # yaml_traps.md with its free-form keys moved under `extra`, as the model asks.
    text = (DATA / "yaml_traps.md").read_text(encoding="utf-8")
    text = text.replace("  mobile: 0912345678\n", "  zalo: 0912345678\n")
    text = text.replace("barcode: 0893500180001\n", "")
    text = text.replace("opening_hours: 8:30\nexport: no\n", "extra:\n  barcode: 0893500180001\n  opening_hours: 8:30\n  export: no\n")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text(text, encoding="utf-8")
    entry = read_entry(tmp_path / "p" / "index.md", tmp_path, "product")
    assert isinstance(entry, Entry), entry
    assert entry.meta.contact.phone == "0243456701"
    assert entry.meta.contact.zalo == "0912345678"
    assert entry.meta.extra == {"barcode": "0893500180001", "opening_hours": "8:30", "export": "no"}
    assert entry.meta.price.amount == 120000
    assert str(entry.meta.recognitions[0].date.value) == "2024-10-15"


def test_yaml_traps_file_as_written_reports_its_unknown_keys() -> None:
    assert messages(read("yaml_traps.md")) == [
        "yaml_traps.md:7:3: contact.mobile: is not a known field (check the spelling, or put it under 'extra:')",
        "yaml_traps.md:8:1: barcode: is not a known field (check the spelling, or put it under 'extra:')",
        "yaml_traps.md:10:1: opening_hours: is not a known field (check the spelling, or put it under 'extra:')",
        "yaml_traps.md:11:1: export: is not a known field (check the spelling, or put it under 'extra:')",
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a: 1\na: 2\n", ["a: appears twice (first on line 2)"]),
        ("a: !!python/object:os.system x\n", ["a: the YAML tag !!python/object:os.system is not allowed"]),
        ("!!python/name:os.system name: X\n", ["name: the YAML tag !!python/name:os.system is not allowed"]),  # on a key too
    ],
)
def test_duplicate_keys_and_python_tags_are_problems(source: str, expected: list[str]) -> None:
    _data, _lines, problems = load_yaml(source)
    assert [f"{p.field}: {p.message}" for p in problems] == expected


def test_tabs_get_a_hint(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "index.md").write_text("---\nname: A\nrecognitions:\n\t- stars: 3\n---\n", encoding="utf-8")
    [error] = messages(read_entry(tmp_path / "x" / "index.md", tmp_path, "product"))
    assert error.startswith("x/index.md:4:1: YAML syntax error:")
    assert error.endswith("(indent with spaces, not tabs)")


def test_empty_file_and_missing_opening_delimiter(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.md").write_text("", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.md").write_text("name: B\n---\n", encoding="utf-8")
    assert messages(read_entry(tmp_path / "a" / "index.md", tmp_path, "product")) == [
        "a/index.md:1: the file is empty (start it with a --- line, the fields, then another --- line)"
    ]
    assert messages(read_entry(tmp_path / "b" / "index.md", tmp_path, "product")) == [
        "b/index.md:1: the file does not start with a --- line (put --- on the first line, before the fields)"
    ]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: ("---\n" + t + "\n---\n").encode()))
def test_reader_returns_an_entry_or_content_errors_for_any_bytes(tmp_path_factory, data: bytes) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "p").mkdir()
    (root / "p" / "index.md").write_bytes(data)
    result = read_entry(root / "p" / "index.md", root, "product")
    assert isinstance(result, Entry) or (result and all(isinstance(e, ContentError) for e in result))


def test_hash_in_free_text_warns_that_the_rest_was_dropped(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text("---\nname: Sản phẩm #1\nrecognitions:\n  - stars: 3  # ba sao\n    date: 2024\n---\n", encoding="utf-8")
    entry = read_entry(tmp_path / "p" / "index.md", tmp_path, "product")
    assert isinstance(entry, Entry) and entry.meta.name == "Sản phẩm"
    assert [str(w) for w in entry.warnings] == [
        "warning: p/index.md:2:7: name: the text after '#' was read as a comment, leaving 'Sản phẩm' (put the whole text in quotes: \"…\")"
    ]


def test_empty_required_text_and_fair_dates_in_the_wrong_order(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text("---\nname:\nrecognitions: [{stars: 3, date: 2024}]\n---\n", encoding="utf-8")
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "index.md").write_text("---\nname: Hội chợ\nstart: 17/11/2024\nend: 15/11/2024\n---\n", encoding="utf-8")
    assert messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product")) == ["p/index.md:2:1: name: is empty (write a value after the ':')"]
    assert messages(read_entry(tmp_path / "f" / "index.md", tmp_path, "fair")) == ["f/index.md:4:1: end: is before the start (2024-11-17)"]


def test_nfd_folder_names_give_nfc_slugs(tmp_path: Path) -> None:
    import unicodedata

    from ocopsite.reader import read_content

    folder = tmp_path / "content/products" / unicodedata.normalize("NFD", "Nước mắm Lộc Hà")
    folder.mkdir(parents=True)
    (folder / "index.md").write_bytes((DATA / "nfd_text.md").read_bytes())
    [entry], problems, _ = read_content(tmp_path)
    assert problems == [] and entry.slug == "nuoc-mam-loc-ha"
    assert entry.meta.name == unicodedata.normalize("NFC", entry.meta.name)


def test_wrong_types_and_missing_required_fields(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text(
        "---\nname: [một, hai]\ngroup: food\nrecognitions:\n  - date: 2024\n    score: cao\ndraft: có\nprice: {amount: 12.5}\n---\n", encoding="utf-8"
    )
    assert messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product")) == [
        "p/index.md:2:1: name: must be text (write the text on the same line, in quotes if it has a ':')",
        "p/index.md:5:5: recognitions.0.stars: is required (add a line 'stars: …')",
        "p/index.md:6:5: recognitions.0.score: must be a whole number (got 'cao')",
        "p/index.md:7:1: draft: must be true or false (got 'có')",
        "p/index.md:8:9: price.amount: is not an amount in đồng (got '12.5'); write 150000 or 150.000",
    ]  # sorted by line


# --- hostile and careless input, round two ------------------------------------------------


@pytest.mark.parametrize(("yaml_text", "where", "message"), [
    ("name: &a [*a]\n", "2:7: name.0", "refers to itself: an alias ('*') inside the list or group it names ('&')"),
    ("name: &a\n  x: *a\n", "2:7: name.x", "refers to itself: an alias ('*') inside the list or group it names ('&')"),
    ("name: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     "2:7: d.16.8", "repeats itself too many times through aliases ('*')"),             # a billion laughs
    ("tags: [" + "a, " * 25_000 + "]\n", "2:60002: tags", "has more than 20,000 values"),  # flat, no alias: not "nesting"
    ("name: " + "[" * 30 + "]" * 30 + "\n", "2:27: name.0.0", "is nested too deeply: more than 20 levels of lists and groups"),
    ("name: " + "[" * 500 + "]" * 500 + "\n", "2:106: name", "is nested too deeply: more than 100 levels of lists and groups"),  # found before parsing
    ("".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v\n", "102:101: k0", "is nested too deeply: more than 100 levels of lists and groups"),
])
def test_self_referring_aliases_and_endless_nesting_are_one_clear_error(tmp_path: Path, yaml_text: str, where: str, message: str) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text("---\n" + yaml_text + "---\n", encoding="utf-8")
    [error] = messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product"))
    assert error.startswith(f"p/index.md:{where}: {message} (")


def test_an_unclosed_bracket_deeper_than_the_parser_recurses_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text("---\nname: " + "[" * 5000 + "\n---\n", encoding="utf-8")
    [error] = messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product"))
    assert error == ("p/index.md:2:106: name: is nested too deeply: more than 100 levels of lists and groups "
                     "(write it out plainly: real entries use three levels at most)")


@pytest.mark.parametrize(("typed", "where", "what"), [
    ('name: "Kẹo\\x07 lạc"', "2:7: name", "U+0007 (bell)"),                       # an escape in quotes
    ("name: Kẹo\x0b lạc", "2:10: name", "U+000B (vertical tab, often pasted from Word)"),  # pasted raw
    ("name: Kẹo\x1b[0m lạc", "2:10: name", "U+001B (escape)"),
    ('summary: "a\\u0085b"', "4:10: summary", "U+0085"),
])
def test_control_characters_are_refused_with_field_file_and_real_line(tmp_path: Path, typed: str, where: str, what: str) -> None:
    (tmp_path / "p").mkdir()
    text = f"---\n{typed}\nrecognitions: [{{stars: 3, date: 2024}}]\n---\nCâu chuyện.\n"
    if typed.startswith("summary"):
        text = f"---\nname: Kẹo lạc\nrecognitions: [{{stars: 3, date: 2024}}]\n{typed}\n---\nCâu chuyện.\n"
    (tmp_path / "p" / "index.md").write_text(text, encoding="utf-8")
    errors = messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product"))
    assert [e for e in errors if "control character" in e] == [
        f"p/index.md:{where}: contains an invisible control character {what} "
        "(delete it: retype that part, or paste the text again as plain text)"
    ]


def test_a_control_character_in_the_story_is_refused_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text("---\nname: Kẹo\nrecognitions: [{stars: 3, date: 2024}]\n---\nDòng một.\nDòng\x0chai.\n", encoding="utf-8")
    assert messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product")) == [
        "p/index.md:6:5: the text contains an invisible control character U+000C (page break, often pasted from Word) "
        "(delete it: retype that part, or paste the text again as plain text)"
    ]


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text(
        '---\nname: "Kẹo lạc Hà Tĩnh\ngroup: food\nrecognitions:\n  - stars: 3\n    date: 2024\nsummary: Ngon.\n---\n', encoding="utf-8")
    assert messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product")) == [
        'p/index.md:2:7: name: the text starting with " is never closed (end it with " on the same line, or remove the ")'
    ]


def test_empty_required_values_say_is_empty_never_none(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text("---\nname: Kẹo\ngroup:\nrecognitions:\n  - stars:\n    date:\n    kind:\n---\n", encoding="utf-8")
    errors = messages(read_entry(tmp_path / "p" / "index.md", tmp_path, "product"))
    assert not [e for e in errors if "None" in e]
    assert errors == [
        "p/index.md:3:1: group: is empty; write one of food, beverages, herbal, handicrafts, ornamentals, tourism",
        "p/index.md:5:5: recognitions.0.stars: is empty (write a value after the ':')",
        "p/index.md:6:5: recognitions.0.date: is empty (write a value after the ':')",
    ]


@pytest.mark.parametrize(("field", "typed", "value"), [
    ("group", "thực phẩm", "food"), ("group", "Thuc pham", "food"), ("group", "thủ công mỹ nghệ", "handicrafts"),
    ("group", "Du lịch", "tourism"), ("kind", "Nâng hạng", "upgrade"), ("kind", "danh gia lai", "renewal"),
])
def test_choices_accept_the_vietnamese_labels_shown_on_the_site(tmp_path: Path, field: str, typed: str, value: str) -> None:
    (tmp_path / "p").mkdir()
    group = f"group: {typed}\n" if field == "group" else "group: food\n"
    kind = f"\n    kind: {typed}" if field == "kind" else ""
    (tmp_path / "p" / "index.md").write_text(f"---\nname: Kẹo\n{group}recognitions:\n  - stars: 3\n    date: 2024{kind}\n---\n", encoding="utf-8")
    entry = read_entry(tmp_path / "p" / "index.md", tmp_path, "product")
    assert isinstance(entry, Entry), entry
    got = entry.meta.group.value if field == "group" else entry.meta.recognitions[0].kind
    assert got == value


def test_a_producer_type_for_household_producers(tmp_path: Path) -> None:
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "index.md").write_text("---\nname: Hộ ông A\ntype: hộ sản xuất\n---\n", encoding="utf-8")
    entry = read_entry(tmp_path / "h" / "index.md", tmp_path, "producer")
    assert entry.meta.type.value == "household_producer" and entry.meta.type.label == "Hộ sản xuất"


@pytest.mark.parametrize("typed", ["unknown", "chưa rõ", "Không rõ"])
def test_a_recognition_date_can_be_honestly_unknown(tmp_path: Path, typed: str) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.md").write_text(f"---\nname: Kẹo\ngroup: food\nrecognitions:\n  - stars: 4\n    date: {typed}\n---\n", encoding="utf-8")
    entry = read_entry(tmp_path / "p" / "index.md", tmp_path, "product")
    assert entry.meta.recognitions[0].date.precision == "unknown"
