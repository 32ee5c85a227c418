"""Errors are user interface: every content problem names its file, line and field."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one content or config file.

    Shape: ``path`` is relative to the project root (POSIX separators), ``line`` and
    ``column`` are 1-based (0 when the problem is about the whole file or line), ``field`` is
    a dotted path into
    the front matter such as ``recognitions.0.stars`` (empty when none applies).
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
        """Format as ``path:line:column: field: message (hint)``, the one format editors see."""
        where = self.path
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.severity in ("warning", "note"):
            text = f"{self.severity}: {text}"
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
        super().__init__(self.report())

    @property
    def errors(self) -> list[ContentError]:
        """Return only the problems of severity ``error``."""
        return [p for p in self.problems if p.is_error]

    def report(self) -> str:
        """Return every problem on its own line, then a count."""
        lines = [str(p) for p in self.problems]
        lines.append(summary_line(self.problems))
        return "\n".join(lines)


def summary_line(problems: list[ContentError]) -> str:
    """Return ``N errors, M warnings`` for a list of problems (``, K notes`` when there are)."""
    errors = sum(1 for p in problems if p.is_error)
    notes = sum(1 for p in problems if p.severity == "note")
    warnings = len(problems) - errors - notes
    text = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    return text + (f", {notes} note{'s' if notes != 1 else ''} on drafts" if notes else "")


def rel(path: Path | str, root: Path | str) -> str:
    """Return ``path`` relative to ``root`` in POSIX form (for messages), or as given."""
    # abspath, not resolve: a symlink must be named as the editor sees it
    full, base = os.path.abspath(path), os.path.abspath(root)
    if full.startswith(base + os.sep):
        return full[len(base) + 1 :].replace(os.sep, "/")
    return "." if full == base else Path(path).as_posix()


def as_json(problems: list[ContentError]) -> list[dict]:
    """Return problems as JSON-ready dicts (for ``check --format json``)."""
    return [
        {"path": p.path, "line": p.line, "column": p.column, "field": p.field, "message": p.message, "hint": p.hint, "severity": p.severity}
        for p in sorted(problems)
    ]


def as_github(problem: ContentError) -> str:
    """Return a GitHub Actions workflow command that annotates the file in a pull request."""

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
    message = problem.message + (f" ({problem.hint})" if problem.hint else "")
    level = "notice" if problem.severity == "note" else problem.severity
    return f"::{level} {where}::{esc(message)}"
