"""Translation hooks. Vietnamese is the source language; English comes in a later issue.

UI strings in Python are marked with ``_()`` (kept as the Vietnamese source text and
translated at render time); templates use ``_("…")`` and ``{% trans %}`` of Jinja's i18n
extension, so ``pybabel extract`` finds every string. ``ConstantTranslations`` translates
``_("literal")`` when a template is compiled, once per language.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream


def _(message: str) -> str:
    """Mark ``message`` for translation; return it unchanged (translated when rendered)."""
    return message


def translations(language: str) -> gettext.NullTranslations:
    """Return the translations for ``language`` (only Vietnamese exists yet: identity)."""
    return gettext.NullTranslations()


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
