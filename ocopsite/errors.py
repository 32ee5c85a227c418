"""Errors are user interface: every content problem names its file, line and field.

Messages to editors are written in English in the code, as message ids of the gettext
domain ``check`` (``ocopsite/locales/vi/LC_MESSAGES/check.po`` translates them), and stay
message ids until they are shown: ``msg("the file is {size} bytes, over the limit of
{limit}", size=…, limit=…)`` is a ``Msg``, a ``str`` holding the English text (so
``str(problem)``, sorting and comparisons see English) that also keeps its template and
values. Where a message is shown (the command line's text, JSON and GitHub output, the
preview's error page, ``BuildError``'s report) it is translated into the message language:
Vietnamese unless ``--lang en`` is given or the environment's language (the first of
``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set) starts with ``en``. The
template is translated first, then the values are put in (a value that is a ``Msg`` is
translated too), so a sentence is never glued from fragments.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The gettext domain of messages to editors (``check.po``).
DOMAIN = "check"
#: Languages messages can be shown in; the first is the default.
MESSAGE_LANGUAGES = ("vi", "en")
#: Environment variables naming the user's language, in the order gettext reads them.
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class Msg(str):
    """A message to an editor: the English text (the ``str`` value), and what it is made
    of: ``template`` (the message id, with ``{name}`` placeholders), ``params`` (the
    values), and for a count, ``plural`` and ``n`` (the message id's plural form and the
    number that chooses between them). Picklable (caches and worker processes keep it)."""

    template: str
    params: dict[str, Any]
    plural: str | None
    n: int | None

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None, plural: str | None = None, n: int | None = None) -> Msg:
        values = dict(params or {})
        chosen = template if plural is None or n == 1 else plural
        self = super().__new__(cls, chosen.format(**values) if values else chosen)
        self.template, self.params, self.plural, self.n = template, values, plural, n
        return self

    def __reduce__(self) -> tuple:
        return (Msg, (self.template, self.params, self.plural, self.n))

    def localized(self, tr: gettext.NullTranslations) -> str:
        """Return the message in the language of ``tr`` (values put in after translating)."""
        text = tr.gettext(self.template) if self.plural is None else tr.ngettext(self.template, self.plural, self.n or 0)
        if not self.params:
            return text
        return text.format(**{k: v.localized(tr) if isinstance(v, (Msg, Number)) else v for k, v in self.params.items()})


class Number(int):
    """A count or size in a message, written with the grouping of the language it is shown
    in: ``1,000,000`` in English, ``1.000.000`` in Vietnamese (``number(n)`` makes one)."""

    def __format__(self, spec: str) -> str:
        return format(int(self), spec or ",")

    def __str__(self) -> str:
        return format(self)

    def __reduce__(self) -> tuple:
        return (Number, (int(self),))

    def localized(self, tr: gettext.NullTranslations) -> str:
        """Return the number as written in the language of ``tr``."""
        from babel.numbers import format_decimal

        from .i18n import BABEL_LOCALES

        lang = tr.info().get("language", "en") if isinstance(tr, gettext.GNUTranslations) else "en"
        return format_decimal(int(self), locale=BABEL_LOCALES.get(lang, lang))


def number(n: int) -> Number:
    """Mark a count or size in a message to be written with the language's grouping."""
    return Number(n)


def msg(template: str, **params: Any) -> Msg:
    """Mark a message to an editor (``pybabel extract -k msg`` finds it); ``params`` are
    its ``{name}`` values. A message without values is never formatted: write ``{`` as is."""
    return Msg(template, params)


def msgn(singular: str, plural: str, n: int, **params: Any) -> Msg:
    """Mark a message that counts (``-k msgn:1,2``): ``{n}`` is the count."""
    return Msg(singular, {"n": n, **params}, plural, n)


def message_language(choice: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Return the language to show messages in: ``choice`` (``--lang``) when given, else
    ``en`` when the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set
    starts with ``en``, else Vietnamese."""
    if choice:
        return choice
    environ = os.environ if environ is None else environ
    for name in LANGUAGE_VARIABLES:
        if value := environ.get(name):
            return "en" if value.lower().startswith("en") else MESSAGE_LANGUAGES[0]
    return MESSAGE_LANGUAGES[0]


_CHOSEN: list[str | None] = [None]


def use_language(choice: str | None) -> str:
    """Set the message language of this process (the command line's ``--lang``; None: from
    the environment); return the language messages are now shown in."""
    _CHOSEN[0] = choice
    return message_language(choice)


def current_language() -> str:
    """Return the message language: the one ``use_language`` set, else the environment's."""
    return message_language(_CHOSEN[0])


def catalogue(lang: str | None = None) -> gettext.NullTranslations:
    """Return the translations of messages into ``lang`` (default: ``current_language()``);
    English is the language of the message ids."""
    lang = lang or current_language()
    if lang == "en":
        return gettext.NullTranslations()
    from .i18n import translations

    return translations(lang, DOMAIN)


def translate(text: Any, to: gettext.NullTranslations | str | None = None) -> Any:
    """Return ``text`` shown in a language (``to``: translations, a language, or None for the
    current one): a ``Msg`` is translated; other text is looked up as a message id; any
    other value is returned as it is."""
    if isinstance(text, Number):
        return text.localized(to if isinstance(to, gettext.NullTranslations) else catalogue(to))
    if not isinstance(text, str) or not text:
        return text
    tr = to if isinstance(to, gettext.NullTranslations) else catalogue(to)
    return text.localized(tr) if isinstance(text, Msg) else tr.gettext(text)


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one content or config file.

    Shape: ``path`` is relative to the project root (POSIX separators), ``line`` and
    ``column`` are 1-based (0 when the problem is about the whole file or line), ``field`` is
    a dotted path into
    the front matter such as ``recognitions.0.stars`` (empty when none applies).
    ``message`` and ``hint`` are ``Msg`` (English until shown, see the module's doc).
    ``severity`` is ``"error"``, ``"warning"`` or ``"note"`` (a problem of a draft: it never
    fails a build or ``check --strict``, it lists what is left to fill in).
    """

    path: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        """Format as ``path:line:column: field: message (hint)`` in English, the message ids'
        language (``text`` shows it in the editors' language)."""
        return self.text("en")

    def text(self, to: gettext.NullTranslations | str | None = None) -> str:
        """Return ``path:line:column: field: message (hint)``, the one format editors see, in
        a language (``to``: translations, a language, or None for the current one);
        warnings and notes start with ``warning:``/``note:`` (translated too)."""
        tr = to if isinstance(to, gettext.NullTranslations) else catalogue(to)
        where = translate(self.path, tr) if isinstance(self.path, Msg) else self.path
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        message = translate(self.message, tr)
        text = f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"
        if self.hint:
            text += f" ({translate(self.hint, tr)})"
        if self.severity == "warning":
            text = msg("warning: {problem}", problem=text).localized(tr)
        elif self.severity == "note":
            text = msg("note: {problem}", problem=text).localized(tr)
        return text

    @property
    def is_error(self) -> bool:
        """Return True unless this is only a warning."""
        return self.severity == "error"


@dataclass
class BuildError(Exception):
    """A build that cannot finish: all the problems found, sorted by file and line."""

    problems: list[ContentError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = sorted(self.problems)
        super().__init__(self.report("en"))

    def __str__(self) -> str:
        return self.report()

    @property
    def errors(self) -> list[ContentError]:
        """Return only the problems of severity ``error``."""
        return [p for p in self.problems if p.is_error]

    def report(self, to: gettext.NullTranslations | str | None = None) -> str:
        """Return every problem on its own line, then a count, in a language (``to``:
        translations, a language, or None for the current one)."""
        tr = to if isinstance(to, gettext.NullTranslations) else catalogue(to)
        lines = [p.text(tr) for p in self.problems]
        lines.append(summary_line(self.problems).localized(tr))
        return "\n".join(lines)


def summary_line(problems: list[ContentError]) -> Msg:
    """Return ``N errors, M warnings`` for a list of problems (``, K notes on drafts`` when
    there are), as a message (``str`` of it is English)."""
    errors = sum(1 for p in problems if p.is_error)
    notes = sum(1 for p in problems if p.severity == "note")
    warnings = len(problems) - errors - notes
    counts = {"errors": msgn("{n} error", "{n} errors", errors), "warnings": msgn("{n} warning", "{n} warnings", warnings)}
    if notes:
        return msg("{errors}, {warnings}, {notes}", **counts, notes=msgn("{n} note on drafts", "{n} notes on drafts", notes))
    return msg("{errors}, {warnings}", **counts)


def rel(path: Path | str, root: Path | str) -> str:
    """Return ``path`` relative to ``root`` in POSIX form (for messages), or as given."""
    # abspath, not resolve: a symlink must be named as the editor sees it
    full, base = os.path.abspath(path), os.path.abspath(root)
    if full.startswith(base + os.sep):
        return full[len(base) + 1 :].replace(os.sep, "/")
    return "." if full == base else Path(path).as_posix()


def as_json(problems: list[ContentError], to: gettext.NullTranslations | str | None = None) -> list[dict]:
    """Return problems as JSON-ready dicts (for ``check --format json``), their messages
    in a language (``to``: translations, a language, or None for the current one)."""
    tr = to if isinstance(to, gettext.NullTranslations) else catalogue(to)
    return [
        {"path": translate(p.path, tr) if isinstance(p.path, Msg) else p.path, "line": p.line, "column": p.column, "field": p.field,
         "message": translate(p.message, tr), "hint": translate(p.hint, tr), "severity": p.severity}
        for p in sorted(problems)
    ]


def as_github(problem: ContentError, to: gettext.NullTranslations | str | None = None) -> str:
    """Return a GitHub Actions workflow command that annotates the file in a pull request
    (the message in a language: ``to`` as for ``as_json``)."""
    tr = to if isinstance(to, gettext.NullTranslations) else catalogue(to)

    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return esc(text).replace(":", "%3A").replace(",", "%2C")

    where = f"file={prop(problem.path)}"
    if problem.line:
        where += f",line={problem.line}"
        if problem.column:
            where += f",col={problem.column}"
    if problem.field:
        where += f",title={prop(problem.field)}"
    message = translate(problem.message, tr) + (f" ({translate(problem.hint, tr)})" if problem.hint else "")
    level = "notice" if problem.severity == "note" else problem.severity
    return f"::{level} {where}::{esc(message)}"


def pydantic_error(kind: str, message: Msg) -> Exception:
    """Return a pydantic ``PydanticCustomError`` of type ``kind`` that says ``message``
    (pydantic's own text of it is the English; ``frontmatter.validation_errors`` takes the
    ``Msg`` back from the error's context)."""
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(kind, "{message}", {"message": message})
