"""Front matter: bytes → text → ``---`` split → YAML → plain data with the line of every key.

Shared by content entries and ``site_config.yaml``. Every YAML scalar is read as the exact
text typed (no YAML 1.1 guessing: ``0243456701``, ``8:30`` and ``no`` stay text); the
pydantic models then parse numbers, dates and booleans. YAML is composed with libyaml's C
parser when PyYAML has it (about 16× faster than the pure-Python one: 30 µs against 470 µs
for a product's front matter); a file it refuses is parsed again by the pure-Python parser,
whose messages editors see.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from collections.abc import Callable
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ContentError, Msg, msg, number
from .vietnamese import nfc

MAX_YAML_NODES = 20_000
#: Deepest nesting of lists and groups accepted in front matter (real entries use 3).
MAX_YAML_DEPTH = 20
#: Deepest nesting the pre-scan lets reach the YAML parser. libyaml's C composer recurses once
#: per level and crashed the process (no message) at about 20,000 levels on Linux's 8 MB
#: stack, so about 2,500 on Windows' 1 MB; real entries use 3.
MAX_NESTING = 100
_NULLS = {"", "~", "null", "Null", "NULL"}
#: Fields of running text, where a '#' is far more likely text than a YAML comment (used
#: when no model says which fields are text: ``site_config.yaml``).
_FREE_TEXT = {"name", "title", "summary", "address", "venue", "organiser", "batch", "unit", "menu_title", "craft"}
#: Characters that are never text: C0 controls but tab and newline, DEL, C1 controls, and
#: invisible ones with no place in Vietnamese text: line and paragraph separators (YAML reads
#: them as line breaks), zero-width space, word joiner, byte order mark (past the file's
#: start) and bidirectional controls. The zero-width joiner (U+200D) stays: emoji need it.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_CONTROL_NAMES = {0x0B: msg("vertical tab, often pasted from Word"), 0x0C: msg("page break, often pasted from Word"), 0x00: "NUL",
                  0x07: msg("bell"), 0x08: msg("backspace"), 0x1B: msg("escape")}
_INVISIBLE_NAMES = {
    0x200B: msg("zero-width space, often pasted from web pages"), 0x200E: msg("left-to-right mark"), 0x200F: msg("right-to-left mark"),
    0x2028: msg("line separator, often pasted from Word or a web page"), 0x2029: msg("paragraph separator, often pasted from Word"),
    0x2060: msg("word joiner"), 0xFEFF: msg("byte order mark, left where two files were joined"),
    **{c: msg("a bidirectional text control") for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
CONTROL_HINT = msg("delete it: retype that part, or paste the text again as plain text")
_SEPARATOR_HINT = msg("replace it with a space, or delete it")


def control_message(char: str, in_text: bool = False) -> Msg:
    """Return how a control or invisible character is named in messages:
    ``contains an invisible control character U+000B (vertical tab …)`` (``in_text``: of the
    Markdown text, ``the text contains …``)."""
    code = f"{ord(char):04X}"
    if (name := _INVISIBLE_NAMES.get(ord(char))) is not None:
        if in_text:
            return msg("the text contains an invisible character U+{code} ({name})", code=code, name=name)
        return msg("contains an invisible character U+{code} ({name})", code=code, name=name)
    if (name := _CONTROL_NAMES.get(ord(char))) is not None:
        if in_text:
            return msg("the text contains an invisible control character U+{code} ({name})", code=code, name=name)
        return msg("contains an invisible control character U+{code} ({name})", code=code, name=name)
    if in_text:
        return msg("the text contains an invisible control character U+{code}", code=code)
    return msg("contains an invisible control character U+{code}", code=code)


def control_hint(char: str) -> Msg:
    """Return how to fix a character ``CONTROL`` matches: line and paragraph separators
    stand for a space or a line break, the others are deleted."""
    return _SEPARATOR_HINT if char in "\u2028\u2029" else CONTROL_HINT


def find_controls(text: str, first_line: int = 1) -> list[tuple[int, int, str]]:
    """Return ``(line, column, character)`` of each control character in ``text``."""
    found = []
    for m in CONTROL.finditer(text):
        line = text.count("\n", 0, m.start())
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        found.append((first_line + line, column, m.group()))
    return found


_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


_DEFAULT_TAGS = {
    yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
    yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
}


class _TextResolver:
    """No implicit types: every plain scalar is the text typed (and no resolver is tried,
    which is a fifth of composing on the C parser)."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return _DEFAULT_TAGS[kind]


class _TextLoader(_TextResolver, yaml.SafeLoader):
    """SafeLoader with no implicit types."""


if hasattr(yaml, "CSafeLoader"):

    class _FastTextLoader(_TextResolver, yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """The same loader on libyaml's C parser."""

else:  # PyYAML built without libyaml
    _FastTextLoader = _TextLoader  # type: ignore[misc,assignment]


def _compose(source: str, fast: bool = True) -> yaml.Node | None:
    """Compose YAML with the C parser (unless ``fast`` is False); on any error, again with
    the Python parser, whose messages and marks are the ones editors are shown."""
    if fast:
        try:
            return yaml.compose(source, Loader=_FastTextLoader)
        except yaml.YAMLError:
            pass
    try:
        return yaml.compose(source, Loader=_TextLoader)
    except RecursionError:  # the pure-Python parser recurses once per nesting level
        raise yaml.YAMLError(msg("the front matter is nested too deeply")) from None


class Problem(Exception):
    """A problem found while reading front matter; ``error(path)`` makes it a ``ContentError``."""

    def __init__(self, line: int, field: str, message: Msg, hint: Msg | str = "", column: int = 0, severity: str = "error") -> None:
        super().__init__(message)
        self.line, self.field, self.message, self.hint, self.column, self.severity = line, field, message, hint, column, severity

    def error(self, where: str) -> ContentError:
        """Return this problem as a ``ContentError`` in the file ``where``."""
        return ContentError(where, self.line, self.column, self.field, self.message, self.hint, self.severity)


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), turn CRLF/CR into LF and normalise to NFC.

    Raises ``Problem`` naming the line of the first byte that is not UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise Problem(1, "", msg("the file is saved as UTF-16 (Notepad calls it 'Unicode'), not UTF-8"),
                          msg("open it and save it again with the encoding UTF-8")) from None
        message = msg("the file is not UTF-8 text")
        try:
            data.decode("cp1258")
            message = msg("the file is not UTF-8 text; it looks like Windows-1258 or another old Vietnamese encoding")
        except UnicodeDecodeError:
            pass
        raise Problem(line, "", message, msg("open it in your editor and save it again with the encoding UTF-8")) from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from the body, line by line so line numbers stay exact.

    Returns ``(yaml_text, body, body_first_line)``; the YAML text starts on line 2.
    Raises ``Problem`` when the file is empty or a delimiter is missing.
    """
    if not text.strip():
        raise Problem(1, "", msg("the file is empty"), msg("start it with a --- line, the fields, then another --- line"))
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise Problem(1, "", msg("the file does not start with a --- line"), msg("put --- on the first line, before the fields"))
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise Problem(
        len(text.rstrip("\n").split("\n")), "", msg("the front matter has no closing --- line"),
        msg("add a line with only --- after the last field"),
    )


def load_yaml(source: str, first_line: int = 2, model: type[BaseModel] | None = None,
              ) -> tuple[dict[str, Any], dict[tuple, tuple[int, int]], list[Problem]]:
    """Parse front matter YAML into plain dicts, lists and text.

    Returns ``(data, lines, problems)``: ``lines`` maps each key path to its 1-based
    ``(line, column)`` (``first_line`` is the file line of the YAML's first line). Duplicate keys and
    non-standard tags (``!!python/object``) are problems; a syntax error, control characters
    and nesting deeper than ``MAX_NESTING`` raise ``Problem``/``Problems``. ``model`` (the front
    matter model) says which fields are text, where a ``#`` that cut the value short is
    warned about; without one, the fields named in ``_FREE_TEXT``.
    """
    if controls := _raw_controls(source, first_line):  # PyYAML would name the wrong line, in its own words
        raise Problems(controls)
    safe = _nesting(source, first_line)  # raises before libyaml's C composer could crash
    try:
        node = _compose(source, fast=safe)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        lines = source.split("\n")
        at = (mark.line, mark.column) if mark else (0, 0)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if (quote := _unclosed_quote(lines, at)) is not None:  # the cause is above where PyYAML stopped
            index, column, char = quote
            raise Problem(first_line + index, _field_at(lines, index, column), msg("the text starting with {quote} is never closed", quote=char),
                          msg("end it with {quote} on the same line, or remove the {quote}", quote=char), column) from None
        hint = msg("check the indentation and that text with a ':' or '#' is in quotes")
        if "\t" in lines[at[0]] or "'\\t'" in problem:
            hint = msg("indent with spaces, not tabs")
        raise Problem(first_line + at[0], "", msg("YAML syntax error: {problem}", problem=yaml_problem(problem)), hint, at[1] + 1 if mark else 0) from None
    except yaml.YAMLError as exc:
        detail = exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)
        raise Problem(first_line, "", msg("YAML error: {detail}", detail=detail)) from None
    if node is None:
        return {}, {}, []
    walker = _Walker(source, first_line, _text_fields(model))
    data = walker.walk(node, ())
    if not isinstance(data, dict):
        raise Problem(first_line, "", msg("the front matter must be 'field: value' lines"))
    return data, walker.lines, walker.problems


#: PyYAML's words for the syntax errors editors make most, as messages: ``(pattern, message
#: id)``; the pattern's groups are the message's values. Other errors are shown in its words.
_YAML_PROBLEMS = (
    (re.compile(r"mapping values are not allowed here$"), lambda m: msg("mapping values are not allowed here")),
    (re.compile(r"could not find expected ':'$"), lambda m: msg("could not find expected ':'")),
    (re.compile(r"found character (.+) that cannot start any token$"), lambda m: msg("found character {char} that cannot start any token", char=m[1])),
    (re.compile(r"expected <block end>, but found (.+)$"), lambda m: msg("expected <block end>, but found {token}", token=m[1])),
    (re.compile(r"found unexpected end of stream$"), lambda m: msg("found unexpected end of stream")),
    (re.compile(r"expected ',' or '\]', but got (.+)$"), lambda m: msg("expected ',' or ']', but got {token}", token=m[1])),
    (re.compile(r"expected ',' or '\}', but got (.+)$"), lambda m: msg("expected ',' or '}}', but got {token}", token=m[1])),
    (re.compile(r"found undefined alias (.+)$"), lambda m: msg("found undefined alias {alias}", alias=m[1])),
    (re.compile(r"block sequence entries are not allowed here$"), lambda m: msg("block sequence entries are not allowed here")),
    (re.compile(r"found unknown escape character (.+)$"), lambda m: msg("found unknown escape character {char}", char=m[1])),
)


def yaml_problem(problem: str) -> Msg | str:
    """Return PyYAML's description of a syntax error as a message when it is a common one
    (so it is shown in the editor's language), else as PyYAML wrote it."""
    for pattern, message in _YAML_PROBLEMS:
        if m := pattern.match(problem):
            return message(m)
    return problem


class Problems(Exception):
    """Several problems that stop a file being read (``problems``: a list of ``Problem``)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


# --- nesting, found before parsing ---------------------------------------------------------

#: The block indicators a line starts with: ``- - ? `` (each opens one more level).
_INDICATORS = re.compile(r"(?:[-?:](?:[ \t]+|$))*")
_DEEP_HINT = msg("write it out plainly: real entries use three levels at most")


def _too_deep(limit: int) -> Msg:
    return msg("is nested too deeply: more than {limit} levels of lists and groups", limit=limit)


def _nesting(source: str, first_line: int) -> bool:
    """Check how deep lists and groups nest, without parsing: raise ``Problem`` (with the
    line) beyond ``MAX_NESTING``; return True when libyaml's C parser is safe to use.

    Block nesting is counted line by line, from indentation and the indicators a line starts
    with (``- - -``, ``? ?``), each line one level under the less indented line above it. For
    brackets, the count of every ``[`` and ``{`` bounds the depth from above: when that bound
    passes the limit, the brackets are counted again as YAML reads them (outside quotes and
    comments); if they are not that deep after all, the pure-Python parser is used, which
    stops with an error instead of a crash however deep it goes.
    """
    lines = source.split("\n")
    stack: list[tuple[int, int, bool]] = [(-1, 0, False)]  # (indent, depth, starts with '- ') of the lines above
    depths = []
    for index, text in enumerate(lines):
        body = text.lstrip(" ")
        if not body or body[0] == "#":
            depths.append(stack[-1][1])
            continue
        indent = len(text) - len(body)
        dash = body[0] == "-"
        while stack[-1][0] > indent or (stack[-1][0] == indent and (stack[-1][2] or not dash)):
            stack.pop()  # a sibling or a shallower line; a '- ' under 'key:' at its indent is a child
        depth = stack[-1][1] + 1 + (len(_INDICATORS.match(body).group().split()) if body[0] in "-?:" else 0)
        if depth > MAX_NESTING:
            raise Problem(first_line + index, _top_key(lines, index), _too_deep(MAX_NESTING), _DEEP_HINT, indent + 1)
        stack.append((indent, depth, dash))
        depths.append(depth)
    if max(depths, default=0) + source.count("[") + source.count("{") <= MAX_NESTING:
        return True
    _flow_nesting(lines, depths, first_line)
    return False


def _flow_nesting(lines: list[str], depths: list[int], first_line: int) -> None:
    """Raise ``Problem`` where brackets, as YAML reads them, nest past ``MAX_NESTING``."""
    flow, quote = 0, ""
    for index, text in enumerate(lines):
        i, n, prev = 0, len(text), ""  # prev: the last character on this line that is not a space
        while i < n:
            c = text[i]
            if quote:
                if c == "\\" and quote == '"':
                    i += 2
                    continue
                if c == quote:
                    if quote == "'" and text.startswith("''", i):
                        i += 2
                        continue
                    quote, prev = "", c
                i += 1
                continue
            if c in " \t":
                i += 1
                continue
            if c == "#" and (i == 0 or text[i - 1] in " \t"):
                break
            node_start = prev in ("", "[", "{", ",", ":", "-", "?")
            if node_start and c in "&!":  # an anchor or a tag comes before the node it names
                while i < n and text[i] not in " \t":
                    i += 1
                continue
            if node_start and c in "\"'":
                quote = c
            elif node_start and c in "[{":
                flow += 1
                if depths[index] + flow > MAX_NESTING:
                    raise Problem(first_line + index, _top_key(lines, index), _too_deep(MAX_NESTING), _DEEP_HINT, i + 1)
            elif c in "]}" and flow:
                flow -= 1
            prev = c
            i += 1


def _top_key(lines: list[str], index: int) -> str:
    """Return the top-level field that line ``index`` belongs to ('' before the first)."""
    for text in reversed(lines[: index + 1]):
        if text[:1] not in ("", " ", "\t", "#", "-"):
            return _key_of(text)
    return ""


# --- naming the field of a line, and unclosed quotes ----------------------------------------

_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)*(?:[^\s:#'"][^:#]*?:\s+)?(["'])""")
_BLOCK_SCALAR = re.compile(r"""^\s*(?:-\s+)*(?:[^\s:#'"][^:#]*?:\s+)?[|>][-+0-9]*\s*(?:#.*)?$""")


def _unclosed_quote(lines: list[str], at: tuple[int, int]) -> tuple[int, int, str] | None:
    """Return ``(line index, column, quote)`` of the quoted value that caused a syntax error
    found at ``at`` (0-based line and column), or None.

    A quote is blamed when it is not closed before ``at``, or when it closes on a later line
    with more text after it (``name: "Kẹo`` … ``summary: "Ngon"``: the quote meant to close on
    its own line took the lines below into the text). A value in quotes over several lines
    that closes properly (``summary: "một`` / ``hai"``) is valid YAML, and never blamed for an
    error further down.
    """
    index = 0
    while index <= at[0] and index < len(lines):
        text = lines[index]
        if _BLOCK_SCALAR.match(text):  # a | or > block: its lines are text, not values
            indent = len(text) - len(text.lstrip(" "))
            index += 1
            while index < len(lines) and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip(" ")) > indent):
                index += 1
            continue
        m = _QUOTED_VALUE.match(text)
        if not m or (index, m.start(1)) >= at:
            index += 1
            continue
        quote = m.group(1)
        end = _closing_quote(lines, index, m.end(1), quote)
        if end is None or end >= at:
            return index, m.start(1) + 1, quote
        after = lines[end[0]][end[1] + 1 :].strip()
        if end[0] > index and after and not after.startswith(("#", ",", "]", "}", ":")):
            return index, m.start(1) + 1, quote
        index = end[0] + 1
    return None


def _closing_quote(lines: list[str], index: int, start: int, quote: str) -> tuple[int, int] | None:
    """Return ``(line index, column)`` of the quote closing one opened before ``start`` on
    line ``index``, as YAML reads it (``\\"`` and ``''`` do not close), or None."""
    for row in range(index, len(lines)):
        text, i = lines[row], start if row == index else 0
        while i < len(text):
            if quote == '"' and text[i] == "\\":
                i += 2
                continue
            if text[i] == quote:
                if quote == "'" and text.startswith("''", i):
                    i += 2
                    continue
                return row, i
            i += 1
    return None


def _key_of(text: str) -> str:
    key = re.match(r"\s*(?:-\s+)?([^\s:#][^:#]*?):", text)
    return key.group(1).strip() if key else ""


def _field_at(lines: list[str], index: int, column: int) -> str:
    """Return the dotted field (``sources.0``, ``recognitions.1.batch``) whose value starts at
    ``column`` (1-based) on line ``index``: the lines above, with that value as a plain
    placeholder, are parsed to see where it sits. Falls back to the key written on the line."""
    probe = "\n".join([*lines[:index], lines[index][: column - 1] + "x"])
    try:
        node = _compose(probe, fast=False)
        walker = _Walker(probe, 0, lambda path: False)
        if node is not None:
            walker.walk(node, ())
    except (yaml.YAMLError, Problem, RecursionError):
        return _key_of(lines[index])
    above = [(line, len(path), path) for path, (line, _col) in walker.lines.items() if line <= index]
    return _dotted(max(above)[2]) if above else _key_of(lines[index])


def _raw_controls(source: str, first_line: int) -> list[Problem]:
    """Return a problem for each control or invisible character typed or pasted into the
    YAML, at its real line and column, with the field of that line."""
    found = find_controls(source, first_line)
    if not found:
        return []
    # The field of each line, read from the YAML with those characters as spaces (they are
    # only ever read as spaces or line breaks, never as the structure).
    fields = _fields_by_line(CONTROL.sub(" ", source))
    lines = source.split("\n")
    return [Problem(line, fields.get(line - first_line) or _key_of(lines[line - first_line]), control_message(char), control_hint(char), column)
            for line, column, char in found]


def _fields_by_line(source: str) -> dict[int, str]:
    """Return ``{line index: dotted field}``: for each line, the deepest field written on it
    or, for the lines of a value over several lines, the one above (empty when the YAML
    cannot be read)."""
    try:
        if not _nesting(source, 0):
            return {}
        node = _compose(source)
        walker = _Walker(source, 0, lambda path: False)
        if node is not None:
            walker.walk(node, ())
    except (yaml.YAMLError, Problem, RecursionError):
        return {}
    starts: dict[int, tuple] = {}
    for path, (line, _col) in walker.lines.items():
        if len(path) >= len(starts.get(line, ())):
            starts[line] = path
    out, current = {}, ()
    for index in range(len(source.split("\n"))):
        current = starts.get(index, current)
        out[index] = _dotted(current)
    return out


# --- the walk from YAML nodes to plain data --------------------------------------------------


def _tag(tag: str) -> str:
    """Return a tag as typed: ``!!python/object``, not ``tag:yaml.org,2002:python/object``."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _text_fields(model: type[BaseModel] | None) -> Callable[[tuple], bool]:
    """Return whether the field at a path holds running text (a plain value there that a
    ``#`` cut short is worth a warning): by the model's types when there is one."""
    if model is None:
        return lambda path: bool(path) and path[-1] in _FREE_TEXT
    return functools.partial(_is_text_path, model)


@functools.lru_cache(maxsize=4096)
def _is_text_path(model: type[BaseModel], path: tuple) -> bool:
    """Return True when ``path`` leads, in ``model``, to text: ``str`` or free-form data
    (``extra``), not a number, a date, a yes/no or a choice."""
    annotation: Any = model
    for part in path:
        annotation = _field_type(annotation, part)
        if annotation is None:
            return False
    return _is_text(annotation)


def _field_type(annotation: Any, part: Any) -> Any:
    """Return the type of ``part`` (a field name or a list index) inside ``annotation``."""
    if annotation is Any:
        return Any
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _field_type(typing.get_args(annotation)[0], part)
    if origin in (typing.Union, types.UnionType):
        found = [t for a in typing.get_args(annotation) if a is not type(None) and (t := _field_type(a, part)) is not None]
        return found[0] if found else None
    if origin is list and isinstance(part, int):
        return typing.get_args(annotation)[0]
    if origin is dict and isinstance(part, str):
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str) and part in annotation.model_fields:
        return annotation.model_fields[part].annotation
    return None


def _is_text(annotation: Any) -> bool:
    """Return True for ``str``, ``Any`` and lists or optional forms of them."""
    if annotation is str or annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_text(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):  # a text or a list of texts
        return any(_is_text(a) for a in typing.get_args(annotation) if a is not type(None))
    return False


class _Walker:
    """Turns a composed YAML node tree into plain data, recording every key's position.

    Bounded: at most ``MAX_YAML_NODES`` nodes and ``MAX_YAML_DEPTH`` levels, so an alias
    that refers to itself, one repeated without end or nesting without end is one clear
    problem, not a crash.
    """

    def __init__(self, source: str, first_line: int, text_field: Callable[[tuple], bool]) -> None:
        self.source_lines = source.split("\n")
        self.hash_lines = {i for i, text in enumerate(self.source_lines) if "#" in text}
        self.first_line = first_line
        self.text_field = text_field
        self.lines: dict[tuple, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.budget = MAX_YAML_NODES
        self.open: set[int] = set()  # the lists and groups being walked (to find an alias of one inside it)
        self.seen: set[int] = set()  # every list and group walked (a second time is an alias)
        self.aliased = False

    def pos(self, n: yaml.Node) -> tuple[int, int]:
        return _shared((self.first_line + n.start_mark.line, n.start_mark.column + 1))

    def walk(self, n: yaml.Node, path: tuple) -> Any:
        self.budget -= 1
        if self.budget < 0:
            line, column = self.pos(n)
            if self.aliased:
                raise Problem(line, _dotted(path[:3]), msg("repeats itself too many times through aliases ('*')"),
                              msg("write the fields out plainly, without '&' and '*'"), column)
            raise Problem(line, _dotted(path[:1]), msg("has more than {count} values", count=number(MAX_YAML_NODES)),
                          msg("an entry needs far fewer; keep the list to what the page shows"), column)
        if not isinstance(n, yaml.ScalarNode):
            if id(n) in self.open:
                line, column = self.pos(n)
                raise Problem(line, _dotted(path[:3]), msg("refers to itself: an alias ('*') inside the list or group it names ('&')"),
                              msg("write the fields out plainly, without '&' and '*'"), column)
            if id(n) in self.seen:
                self.aliased = True
            self.seen.add(id(n))
        if len(path) > MAX_YAML_DEPTH:
            line, column = self.pos(n)
            raise Problem(line, _dotted(path[:3]), _too_deep(MAX_YAML_DEPTH), _DEEP_HINT, column)
        if n.tag not in _STANDARD_TAGS:
            line, column = self.pos(n)
            self.problems.append(Problem(line, _dotted(path), msg("the YAML tag {tag} is not allowed", tag=_tag(n.tag)),
                                         msg("remove the tag; write plain text"), column))
            return None
        if isinstance(n, yaml.ScalarNode):
            return self.scalar(n, path)
        self.open.add(id(n))
        try:
            if isinstance(n, yaml.SequenceNode):
                out = []
                for i, item in enumerate(n.value):
                    self.lines[_shared(path + (i,))] = self.pos(item)
                    out.append(self.walk(item, path + (i,)))
                return out
            return self.mapping(n, path)
        finally:
            self.open.discard(id(n))

    def scalar(self, n: yaml.ScalarNode, path: tuple) -> str | None:
        if not n.style and n.value in _NULLS:
            return None
        if (bad := CONTROL.search(n.value)) and n.style == '"':  # typed as an escape, "\x07"
            line, column = self.pos(n)
            self.problems.append(Problem(line, _dotted(path), control_message(bad.group()), control_hint(bad.group()), column))
        if not n.style and n.end_mark.line in self.hash_lines and path:
            end = n.end_mark
            rest = self.source_lines[end.line][end.column :]
            if rest.lstrip().startswith("#") and self.text_field(path):
                line, column = self.pos(n)
                self.problems.append(Problem(
                    line, _dotted(path), msg("the text after '#' was read as a comment, leaving '{value}'", value=n.value),
                    msg("put the whole text in quotes: \"…\""), column, severity="warning",
                ))
        return n.value

    def mapping(self, n: yaml.MappingNode, path: tuple) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in n.value:
            key_pos = self.pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(key_pos[0], _dotted(path), msg("a key must be plain text"), column=key_pos[1]))
                continue
            key = key_node.value
            if key_node.tag not in _STANDARD_TAGS:  # as refused as a tag on a value
                self.problems.append(Problem(key_pos[0], _dotted(path + (key,)), msg("the YAML tag {tag} is not allowed", tag=_tag(key_node.tag)),
                                             msg("remove the tag; write plain text"), key_pos[1]))
            if key in result:
                first = self.lines[path + (key,)][0]
                self.problems.append(Problem(key_pos[0], _dotted(path + (key,)), msg("appears twice (first on line {line})", line=first),
                                             msg("keep one of them"), key_pos[1]))
                continue
            self.lines[_shared(path + (key,))] = key_pos
            result[key] = self.walk(value_node, path + (key,))
        return result


_SHARED: dict[tuple, tuple] = {}


def _shared(value: tuple) -> tuple:
    """Return one shared copy of a small tuple: every entry has the same field paths and
    much the same positions, and 16,000 entries' own copies took 50 MB (measured)."""
    if len(_SHARED) > 200_000:
        _SHARED.clear()
    return _SHARED.setdefault(value, value)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def position_of(lines: dict[tuple, tuple[int, int]], field_path: tuple) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of ``field_path``, or of its nearest parent, or
    ``(1, 1)``, from a position map made by ``load_yaml``."""
    for end in range(len(field_path), 0, -1):
        if field_path[:end] in lines:
            return lines[field_path[:end]]
    return (1, 1)


def validation_errors(exc: ValidationError, model: type[BaseModel], where: str, lines: dict[tuple, tuple[int, int]]) -> list[ContentError]:
    """Turn pydantic errors into ``ContentError``s with lines and plain-language messages."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        line, column = position_of(lines, loc)
        field = _dotted(loc)
        kind, value = err["type"], err.get("input")
        ctx = err.get("ctx") or {}
        hint: Msg | str = ""
        if value is None and kind not in ("missing", "empty"):  # never show Python's None
            out.append(ContentError(where, line, column, field, msg("is empty"), msg("write a value after the ':'")))
            continue
        if kind == "missing":
            message = msg("is required")
            hint = msg("add a line '{field}: …'", field=loc[-1]) if loc else ""
        elif kind == "extra_forbidden":
            message = msg("is not a known field")
            hint = _did_you_mean_field(model, loc)
        elif kind in ("enum", "literal_error"):
            allowed = [str(v).strip("'") for v in _allowed(err)]
            message = msg("must be one of {choices} (got {value})", choices=", ".join(allowed), value=repr(value))
            close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
            hint = msg("did you mean '{value}'?", value=close[0]) if close else ""
        elif kind == "string_type":
            message = msg("must be text")
            hint = msg("write the text on the same line, in quotes if it has a ':'")
        elif kind == "list_type":
            message = msg("must be a list")
            hint = msg("write one item per line starting with '- '")
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = msg("must be a group of 'field: value' lines")
        elif kind == "float_parsing":
            message = msg("must be a number with a point for decimals (got {value})", value=repr(value))
        elif kind == "int_parsing":
            message = msg("must be a whole number (got {value})", value=repr(value))
        elif kind == "bool_parsing":
            message = msg("must be true or false (got {value})", value=repr(value))
        elif kind == "less_than_equal":
            message = msg("input should be less than or equal to {limit}", limit=ctx.get("le"))
        elif kind == "greater_than_equal":
            message = msg("input should be greater than or equal to {limit}", limit=ctx.get("ge"))
        elif kind in ("too_short", "string_too_short"):
            message = msg("must not be empty")
        elif isinstance(ctx.get("message"), Msg):  # the models' own errors (errors.pydantic_error)
            message = ctx["message"]
            hint = _HINTS.get(kind, "")
        elif isinstance(error := ctx.get("error"), ValueError) and error.args and isinstance(error.args[0], Msg):  # a validator's ValueError
            message = error.args[0]
        else:  # pydantic's own words, in English
            message = err["msg"].removeprefix("Value error, ")
        out.append(ContentError(where, line, column, field, message, hint))
    return out


#: Hints for the models' own errors (``pydantic_error`` types), where the message alone
#: does not say what to do.
_HINTS = {
    "name_too_long": msg("shorten it; say more in 'summary:' or in the text below the front matter"),
    "price_zero": msg("write the real price, or leave 'price:' out when it is not known"),
    "url": msg("copy the address from the browser's address bar, with its https://"),
    "location_swapped": msg("latitude and longitude look swapped: in Hà Tĩnh the latitude is about 18 and the longitude about 106"),
    "location_comma": msg("write decimals with a point: lat: 18.2395"),
    "location_outside": msg("copy the point from a map of the place, latitude first"),
    "gtin_check": msg("copy the number again from the package, digit by digit"),
    "gtin_form": msg("copy the number printed under the barcode, digits only"),
}


def _allowed(err: dict) -> list[str]:
    ctx = err.get("ctx") or {}
    expected = ctx.get("expected", "")
    return [part.strip() for part in expected.replace(" or ", ", ").split(",") if part.strip()]


def _did_you_mean_field(model: type[BaseModel], loc: tuple) -> Msg:
    """Suggest the nearest field name, here or in a nested group (``stras`` → ``stars``
    under ``recognitions``)."""
    here = _fields_at(model, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), here, n=1, cutoff=0.75)
    if close:
        return msg("did you mean '{value}'?", value=close[0])
    for name in here:
        nested = _fields_at(model, (*loc[:-1], name))
        close = difflib.get_close_matches(str(loc[-1]), nested, n=1, cutoff=0.75)
        if close:
            return msg("did you mean '{value}'? It belongs under '{group}:'", value=close[0], group=name)
    close = difflib.get_close_matches(str(loc[-1]), here, n=1, cutoff=0.6)
    if close:
        return msg("did you mean '{value}'?", value=close[0])
    return msg("check the spelling, or put it under 'extra:'") if "extra" in _fields_at(model, ()) else msg("check the spelling")


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Return the field names of the sub-model found at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _unwrap(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Return the model class inside ``X | None``, ``list[X]`` or ``Annotated[X, …]``."""
    for _ in range(5):
        origin = typing.get_origin(annotation)
        if origin is None:
            return annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, types.UnionType, list, typing.Annotated) and args:
            annotation = args[0]
        else:
            return annotation
    return annotation
