"""Printing to any console: a Windows console or redirected output in cp1252, cp1258 or
latin-1 cannot encode every Vietnamese letter, so letters it lacks degrade to the nearest it
has (tone marks set apart where the encoding has them, as cp1258 does, else dropped;
``đ`` → ``d``) instead of crashing the command."""

from __future__ import annotations

import codecs
import sys
import unicodedata

HANDLER = "ocopsite-readable"


def _nearest(char: str, encoding: str) -> str:
    """Return the closest spelling of ``char`` that ``encoding`` can write."""
    def fits(text: str) -> bool:
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    if char in "đĐ":
        return "d" if char == "đ" else "D"
    parts = unicodedata.normalize("NFD", char)
    base, marks = parts[0], parts[1:]
    for keep in range(len(marks), -1, -1):  # the letter with as many marks as fit, then the tone apart
        letter = unicodedata.normalize("NFC", base + marks[:keep])
        rest = marks[keep:]
        if fits(letter + rest):
            return letter + rest
        if fits(letter):
            return letter
    return "?"


def handler(encoding: str) -> str:
    """Register (once) and return the name of the error handler for ``encoding``: its
    errors only say "charmap", so each encoding gets its own handler."""
    name = f"{HANDLER}-{codecs.lookup(encoding).name}"

    def readable(error: UnicodeError) -> tuple[str, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        chunk = error.object[error.start : error.end]
        return "".join(_nearest(c, encoding) for c in chunk), error.end

    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, readable)
    return name


def readable_output() -> None:
    """Make standard output and error degrade instead of raising on letters their
    encoding lacks (nothing changes on a UTF-8 console)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if encoding and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=handler(encoding))
