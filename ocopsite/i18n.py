"""Languages: gettext catalogues for the site's words, and Babel formats per locale.

Vietnamese is the source language. UI strings in Python are marked with ``_()`` (the
Vietnamese text is the message id); templates use ``_("…")`` of Jinja's i18n extension, so
``pybabel extract`` finds every string (see ``ocopsite/locales/README.md``). Each
language's catalogue is ``ocopsite/locales/<lang>/LC_MESSAGES/site.po``, read with Babel
when a build starts (no compiled ``.mo`` is kept). The planner translates the strings it
builds with the catalogue of the language it plans; templates translate theirs when they
are compiled (``ConstantTranslations``), once per language.

Dates, numbers and prices are formatted by Babel with the language's own locale, never the
machine's: ``15 tháng 10, 2024`` and ``120.000 ₫`` in Vietnamese, ``15 October 2024`` and
``VND 120,000`` in English.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from collections.abc import Iterator
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.dates import format_interval
from babel.numbers import format_currency, format_decimal
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

#: Where the catalogues are: ``<lang>/LC_MESSAGES/<domain>.po``.
LOCALES_DIR = Path(__file__).parent / "locales"
#: The source language of message ids and of the content.
SOURCE_LANGUAGE = "vi"
#: Babel locale of each language (English uses day-month-year: ``15 October 2024``).
BABEL_LOCALES = {"vi": "vi", "en": "en_GB"}
#: Open Graph locale of each language.
OG_LOCALES = {"vi": "vi_VN", "en": "en_GB"}
#: Each language's own name, for the language switcher.
NATIVE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def _(message: str) -> str:
    """Mark ``message`` for translation; return it unchanged (translated where it is shown)."""
    return message


@functools.lru_cache(maxsize=16)
def _catalogue(lang: str, domain: str, stamp: tuple[int, int]) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=BABEL_LOCALES.get(lang, lang), domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translations(lang: str, domain: str = "site") -> gettext.NullTranslations:
    """Return the translations of ``domain`` into ``lang``: identity for the source language
    (or a language without a catalogue), else the messages of its ``.po`` file (re-read when
    the file changes). Raises ``babel.messages.pofile.PoFileError`` for a broken file."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == SOURCE_LANGUAGE and domain == "site":
        return gettext.NullTranslations()
    try:
        st = path.stat()
    except FileNotFoundError:
        return gettext.NullTranslations()
    return _catalogue(lang, domain, (st.st_mtime_ns, st.st_size))


class Formats:
    """Dates, numbers and prices in one language, by Babel with that language's locale."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.locale = BABEL_LOCALES.get(lang, lang)

    def date(self, value: dt.date) -> str:
        """Return a date in full: ``15 tháng 10, 2024`` / ``15 October 2024``."""
        return _babel_date(value, "long", locale=self.locale)

    def date_range(self, start: dt.date, end: dt.date | None) -> str:
        """Return a fair's dates, shortest first: one day in full, else Babel's interval
        (``15 – 17 thg 11, 2024`` / ``15 – 17 Nov 2024``)."""
        if end is None or end == start:
            return self.date(start)
        return format_interval(start, end, "yMMMd", locale=self.locale)

    def number(self, value: int | float) -> str:
        """Return a number with the locale's separators: ``1.234.567`` / ``1,234,567``."""
        return format_decimal(value, locale=self.locale)

    def money(self, amount: int) -> str:
        """Return an amount in đồng: ``150.000 ₫`` in Vietnamese; ``VND 150,000`` in English
        (the ISO code: a foreign buyer may not know the sign)."""
        if self.lang == SOURCE_LANGUAGE:
            return format_currency(amount, "VND", locale=self.locale)
        return format_currency(amount, "VND", "¤¤ #,##0", locale=self.locale, currency_digits=False)


class ConstantTranslations(Extension):
    """Replace ``_("literal")`` in templates by its translation when the template is
    compiled: the environment serves one language, and a call per string at render time
    was about a tenth of rendering a page (profiled). ``_(expression)`` stays a call."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Yield the template's tokens with constant translations folded in."""
        window: list[Token] = []
        for token in stream:
            window.append(token)
            if len(window) == 4:
                name, lparen, text, rparen = window
                if (name.type, name.value, lparen.type, text.type, rparen.type) == ("name", "_", "lparen", "string", "rparen"):
                    window = [Token(text.lineno, "string", self.environment.globals["gettext"](text.value))]
                    yield window.pop()
                    continue
                yield window.pop(0)
        yield from window
