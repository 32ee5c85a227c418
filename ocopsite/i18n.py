"""Translation hooks. Vietnamese is the source language; English comes in a later issue.

UI strings in Python are marked with ``_()`` (kept as the Vietnamese source text and
translated at render time); templates use Jinja's i18n extension (``{% trans %}``,
``_()``), so ``pybabel extract`` finds every string.
"""

from __future__ import annotations

import gettext


def _(message: str) -> str:
    """Mark ``message`` for translation; return it unchanged (translated when rendered)."""
    return message


def translations(language: str) -> gettext.NullTranslations:
    """Return the translations for ``language`` (only Vietnamese exists yet: identity)."""
    return gettext.NullTranslations()
