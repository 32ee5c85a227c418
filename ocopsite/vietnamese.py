"""Vietnamese text: NFC, slugs, search keys, collation and Babel formats.

Diacritics are kept everywhere text is shown; they are removed only in slugs and search
keys. Formats never depend on the machine's locale: Babel gets an explicit locale.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata

import icu
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal
from slugify import slugify as _slugify

LOCALE = "vi"


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (macOS and some editors write NFD)."""
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=1 << 16)
def slugify(text: str) -> str:
    """Return a lowercase ASCII slug: ``"Cu đơ Thành Đạt"`` → ``"cu-do-thanh-dat"``.

    python-slugify transliterates ``đ`` to ``d`` (NFKD alone would keep it) and drops tones.
    Cached: it costs about 35 µs a call, and references repeat the same names.
    """
    return _slugify(nfc(text), lowercase=True)


def fold(text: str) -> str:
    """Return a search key: lowercase, no tones, ``đ`` → ``d``, single spaces."""
    return " ".join(slugify(text).split("-"))


@functools.cache
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(LOCALE))


def sort_key(text: str) -> bytes:
    """Return an ICU collation key for Vietnamese order (a < ă < â … d < đ …, then tones)."""
    return _collator().getSortKey(nfc(text))


def format_date(value: dt.date, fmt: str = "dd/MM/yyyy") -> str:
    """Format a date the Vietnamese way, ``15/10/2024`` by default (Babel pattern)."""
    return _babel_date(value, fmt, locale=LOCALE)


def format_date_range(start: dt.date, end: dt.date | None) -> str:
    """Format a fair's dates the Vietnamese way, shortest first:
    ``15/11/2024``, ``15–17/11/2024``, ``29/04–01/05/2024``, ``28/12/2024–02/01/2025``."""
    if end is None or end == start:
        return format_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{format_date(start, 'dd')}–{format_date(end)}"
    if start.year == end.year:
        return f"{format_date(start, 'dd/MM')}–{format_date(end)}"
    return f"{format_date(start)}–{format_date(end)}"


def format_number(value: int | float) -> str:
    """Format a number with Vietnamese separators: ``1.234.567``."""
    return format_decimal(value, locale=LOCALE)


def format_vnd(amount: int) -> str:
    """Format an amount in đồng: ``150.000 ₫``."""
    return format_currency(amount, "VND", locale=LOCALE)
