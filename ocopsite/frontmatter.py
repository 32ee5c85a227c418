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
import re
import types
import typing
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ContentError
from .vietnamese import nfc

MAX_YAML_NODES = 20_000
#: Deepest nesting of lists and groups accepted in front matter (real entries use 3).
MAX_YAML_DEPTH = 20
_NULLS = {"", "~", "null", "Null", "NULL"}
#: Fields of running text, where a '#' is far more likely text than a YAML comment.
_FREE_TEXT = {"name", "title", "summary", "address", "venue", "organiser", "batch", "unit", "menu_title", "craft"}
#: Characters that are never text: C0 controls but tab and newline, DEL, and C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {0x0B: "vertical tab, often pasted from Word", 0x0C: "page break, often pasted from Word", 0x00: "NUL",
                  0x07: "bell", 0x08: "backspace", 0x1B: "escape"}
CONTROL_HINT = "delete it: retype that part, or paste the text again as plain text"


def control_message(char: str) -> str:
    """Return how a control character is named in messages: ``U+000B (vertical tab …)``."""
    name = _CONTROL_NAMES.get(ord(char))
    return f"contains an invisible control character U+{ord(char):04X}" + (f" ({name})" if name else "")


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


def _compose(source: str) -> yaml.Node | None:
    """Compose YAML with the C parser; on any error, again with the Python parser, whose
    messages and marks are the ones editors are shown."""
    try:
        return yaml.compose(source, Loader=_FastTextLoader)
    except yaml.YAMLError:
        pass
    try:
        return yaml.compose(source, Loader=_TextLoader)
    except RecursionError:  # the pure-Python parser recurses once per nesting level
        raise yaml.YAMLError("the front matter is nested too deeply") from None


class Problem(Exception):
    """A problem found while reading front matter; ``error(path)`` makes it a ``ContentError``."""

    def __init__(self, line: int, field: str, message: str, hint: str = "", column: int = 0, severity: str = "error") -> None:
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
            raise Problem(1, "", "the file is saved as UTF-16 (Notepad calls it 'Unicode'), not UTF-8",
                           "open it and save it again with the encoding UTF-8") from None
        guess = ""
        try:
            data.decode("cp1258")
            guess = "; it looks like Windows-1258 or another old Vietnamese encoding"
        except UnicodeDecodeError:
            pass
        raise Problem(
            line,
            "",
            f"the file is not UTF-8 text{guess}",
            "open it in your editor and save it again with the encoding UTF-8",
        ) from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from the body, line by line so line numbers stay exact.

    Returns ``(yaml_text, body, body_first_line)``; the YAML text starts on line 2.
    Raises ``Problem`` when the file is empty or a delimiter is missing.
    """
    if not text.strip():
        raise Problem(1, "", "the file is empty", "start it with a --- line, the fields, then another --- line")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise Problem(1, "", "the file does not start with a --- line", "put --- on the first line, before the fields")
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise Problem(
        len(text.rstrip("\n").split("\n")), "", "the front matter has no closing --- line",
        "add a line with only --- after the last field",
    )


def load_yaml(source: str, first_line: int = 2) -> tuple[dict[str, Any], dict[tuple, tuple[int, int]], list[Problem]]:
    """Parse front matter YAML into plain dicts, lists and text.

    Returns ``(data, lines, problems)``: ``lines`` maps each key path to its 1-based
    ``(line, column)`` (``first_line`` is the file line of the YAML's first line). Duplicate keys and
    non-standard tags (``!!python/object``) are problems; a syntax error raises ``Problem``.
    """
    if controls := _raw_controls(source, first_line):  # PyYAML would name the wrong line, in its own words
        raise Problems(controls)
    try:
        node = _compose(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        lines = source.split("\n")
        at = mark.line if mark else 0
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if (quote := _unclosed_quote(lines, at)) is not None:  # the cause is above where PyYAML stopped
            index, column, char = quote
            raise Problem(first_line + index, _key_of(lines[index]), f"the text starting with {char} is never closed",
                          f"end it with {char} on the same line, or remove the {char}", column) from None
        hint = "check the indentation and that text with a ':' or '#' is in quotes"
        if "\t" in lines[at] or "'\\t'" in problem:
            hint = "indent with spaces, not tabs"
        raise Problem(first_line + at, "", f"YAML syntax error: {problem}", hint, mark.column + 1 if mark else 0) from None
    except yaml.YAMLError as exc:
        raise Problem(first_line, "", f"YAML error: {exc}") from None
    if node is None:
        return {}, {}, []
    walker = _Walker(source, first_line)
    data = walker.walk(node, ())
    if not isinstance(data, dict):
        raise Problem(first_line, "", "the front matter must be 'field: value' lines")
    return data, walker.lines, walker.problems


class Problems(Exception):
    """Several problems that stop a file being read (``problems``: a list of ``Problem``)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*?:\s+)?(["'])(.*)$""")


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int, str] | None:
    """Return ``(line index, column, quote)`` of the first value on lines ``0..upto`` that
    opens a quote and does not close it on its line, or None."""
    for index, text in enumerate(lines[: upto + 1]):
        m = _QUOTED_VALUE.match(text)
        if not m:
            continue
        quote, rest = m.group(1), m.group(2)
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else "'" in rest.replace("''", "")
        if not closed:
            return index, m.start(1) + 1, quote
    return None


def _key_of(text: str) -> str:
    key = re.match(r"\s*(?:-\s+)?([^\s:#][^:#]*?):", text)
    return key.group(1).strip() if key else ""


def _raw_controls(source: str, first_line: int) -> list[Problem]:
    """Return a problem for each control character typed or pasted into the YAML, at its
    real line and column, with the field of that line."""
    lines = source.split("\n")
    problems = []
    for line, column, char in find_controls(source, first_line):
        problems.append(Problem(line, _key_of(lines[line - first_line]), control_message(char), CONTROL_HINT, column))
    return problems


class _Walker:
    """Turns a composed YAML node tree into plain data, recording every key's position.

    Bounded: at most ``MAX_YAML_NODES`` nodes and ``MAX_YAML_DEPTH`` levels, so an alias
    that refers to itself or nesting without end is one clear problem, not a crash.
    """

    def __init__(self, source: str, first_line: int) -> None:
        self.source_lines = source.split("\n")
        self.first_line = first_line
        self.lines: dict[tuple, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.budget = MAX_YAML_NODES

    def pos(self, n: yaml.Node) -> tuple[int, int]:
        return _shared((self.first_line + n.start_mark.line, n.start_mark.column + 1))

    def walk(self, n: yaml.Node, path: tuple) -> Any:
        self.budget -= 1
        if self.budget < 0 or len(path) > MAX_YAML_DEPTH:
            line, column = self.pos(n)
            raise Problem(line, _dotted(path[:3]), "the front matter is nested too deeply or repeats itself (an alias that refers to itself?)",
                          "write the fields out plainly, without '&' and '*'", column)
        if n.tag not in _STANDARD_TAGS:
            line, column = self.pos(n)
            self.problems.append(Problem(line, _dotted(path), f"the YAML tag {n.tag} is not allowed", "remove the tag; write plain text", column))
            return None
        if isinstance(n, yaml.ScalarNode):
            return self.scalar(n, path)
        if isinstance(n, yaml.SequenceNode):
            out = []
            for i, item in enumerate(n.value):
                self.lines[_shared(path + (i,))] = self.pos(item)
                out.append(self.walk(item, path + (i,)))
            return out
        return self.mapping(n, path)

    def scalar(self, n: yaml.ScalarNode, path: tuple) -> str | None:
        if not n.style and n.value in _NULLS:
            return None
        if (bad := CONTROL.search(n.value)) and n.style == '"':  # typed as an escape, "\x07"
            line, column = self.pos(n)
            self.problems.append(Problem(line, _dotted(path), control_message(bad.group()), CONTROL_HINT, column))
        if not n.style and path and path[-1] in _FREE_TEXT:
            end = n.end_mark
            rest = self.source_lines[end.line][end.column :] if end.line < len(self.source_lines) else ""
            if rest.lstrip().startswith("#"):
                line, column = self.pos(n)
                self.problems.append(Problem(
                    line, _dotted(path), f"the text after '#' was read as a comment, leaving '{n.value}'",
                    "put the whole text in quotes: \"…\"", column, severity="warning",
                ))
        return n.value

    def mapping(self, n: yaml.MappingNode, path: tuple) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in n.value:
            key_pos = self.pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(key_pos[0], _dotted(path), "a key must be plain text", column=key_pos[1]))
                continue
            key = key_node.value
            if key in result:
                first = self.lines[path + (key,)][0]
                self.problems.append(Problem(key_pos[0], _dotted(path + (key,)), f"appears twice (first on line {first})", "keep one of them", key_pos[1]))
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
        hint = ""
        if value is None and kind not in ("missing", "empty"):  # never show Python's None
            out.append(ContentError(where, line, column, field, "is empty", "write a value after the ':'"))
            continue
        if kind == "missing":
            message = "is required"
            hint = f"add a line '{loc[-1]}: …'" if loc else ""
        elif kind == "extra_forbidden":
            message = "is not a known field"
            hint = _did_you_mean_field(model, loc)
        elif kind in ("enum", "literal_error"):
            allowed = [str(v).strip("'") for v in _allowed(err)]
            message = f"must be one of {', '.join(allowed)} (got {value!r})"
            close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else ""
        elif kind == "string_type" and value is None:
            message = "is empty"
            hint = "write a value after the ':'"
        elif kind == "string_type":
            message = "must be text"
            hint = "write the text on the same line, in quotes if it has a ':'"
        elif kind == "list_type":
            message = "must be a list"
            hint = "write one item per line starting with '- '"
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = "must be a group of 'field: value' lines"
        elif kind == "int_parsing":
            message = f"must be a whole number (got {value!r})"
        elif kind == "bool_parsing":
            message = f"must be true or false (got {value!r})"
        elif kind in ("less_than_equal", "greater_than_equal", "too_short", "string_too_short"):
            message = err["msg"][0].lower() + err["msg"][1:] if kind not in ("too_short", "string_too_short") else "must not be empty"
        else:
            message = err["msg"]
            if message.startswith("Value error, "):
                message = message.removeprefix("Value error, ")
        out.append(ContentError(where, line, column, field, message, hint))
    return out


def _allowed(err: dict) -> list[str]:
    ctx = err.get("ctx") or {}
    expected = ctx.get("expected", "")
    return [part.strip() for part in expected.replace(" or ", ", ").split(",") if part.strip()]


def _did_you_mean_field(model: type[BaseModel], loc: tuple) -> str:
    """Suggest the nearest field name, here or in a nested group (``stras`` → ``stars``
    under ``recognitions``)."""
    here = _fields_at(model, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), here, n=1, cutoff=0.75)
    if close:
        return f"did you mean '{close[0]}'?"
    for name in here:
        nested = _fields_at(model, (*loc[:-1], name))
        close = difflib.get_close_matches(str(loc[-1]), nested, n=1, cutoff=0.75)
        if close:
            return f"did you mean '{close[0]}'? It belongs under '{name}:'"
    close = difflib.get_close_matches(str(loc[-1]), here, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "check the spelling, or put it under 'extra:'" if "extra" in _fields_at(model, ()) else "check the spelling"


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
