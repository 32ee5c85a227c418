"""Markdown bodies: rendered to HTML and sanitised (nh3) by one set of rules, and checked
against those rules beforehand, so nothing an editor wrote is removed silently.

Editors may write HTML inside Markdown; what the rules remove (``<script>``, ``style``,
event handlers, ``javascript:`` links in HTML or Markdown, an ``<iframe>`` from a host not in
``video_hosts``) is reported by ``removed_html`` as a warning with its line, and
``check --strict`` fails on it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from .errors import Msg, msg

#: Tags editors may use in Markdown bodies; everything else is removed.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
#: Attributes kept, by tag; every other attribute is removed.
ATTRIBUTES = {"iframe": {"src", "title", "width", "height", "allowfullscreen"}, "a": {"href", "title"},
              "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")
_MARKDOWN: Any = None


def render_markdown(text: str, base_path: str = "/", video_hosts: frozenset[str] = frozenset()) -> Markup:
    """Render a Markdown body to sanitised HTML (no script, event handlers, ``javascript:``
    or ``data:`` URLs; ``<iframe>`` only for https videos from ``video_hosts``).

    Site-absolute links (``/san-pham/``) get the base path, so they work under a sub-path.
    """
    import markdown
    import nh3

    global _MARKDOWN
    if _MARKDOWN is None:  # one parser per process, reset per use: 30 % faster than a new one
        _MARKDOWN = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")

    def filter_attribute(tag: str, attr: str, value: str) -> str | None:
        if tag == "iframe":
            return value if attr != "src" or _video(value, video_hosts) else None
        if attr in ("href", "src") and value.startswith("/") and not value.startswith("//"):
            return base_path + value[1:]
        return value

    html = _MARKDOWN.reset().convert(text)
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS) | ({"iframe"} if video_hosts else set()),
        attributes=ATTRIBUTES,
        link_rel="noopener noreferrer",
        url_schemes=set(URL_SCHEMES),
        attribute_filter=filter_attribute,
    )
    return Markup(_EMPTY_IFRAME.sub("", clean))


def _video(url: str, video_hosts: frozenset[str]) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname in video_hosts


#: Code (fenced blocks, indented blocks, inline spans) is text, not HTML: blanked before
#: looking for HTML, keeping every newline so line numbers stay right.
_CODE = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]+`|^(?: {4}|\t).*$", re.M | re.S)
_TAG_NAME = re.compile(r"^[a-z][a-z0-9]*$")
#: Markdown link targets: inline ``[text](target)`` (one level of brackets inside, as in
#: ``javascript:alert(1)``) and reference definitions ``[id]: target``.
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))+)|^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s<>]+)", re.M)
HTML_HINT = msg("write the text in Markdown instead; only simple formatting is kept")
LINK_HINT = msg("only http, https, mailto and tel links are kept: write the full address, such as https://…")
IFRAME_HINT = msg("only videos from the hosts in 'video_hosts' (site_config.yaml) are shown; "
                  "for a map or another page, write a link instead: [Bản đồ](https://…)")


def _link_removed(url: str) -> Msg:
    return msg("the link {url} is removed when the page is made", url=url[:40])


#: Deepest nesting of lists a body may have: Python-Markdown recurses once per level and hit
#: Python's recursion limit at about 300 (real stories use 2).
MAX_LIST_NESTING = 100
_FENCED = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_LIST_MARKERS = re.compile(r"((?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|>[ \t]*)+)")


def too_deep(body: str) -> tuple[int, int] | None:
    """Return ``(line in body, levels)`` of the first line whose lists (and quotes) nest
    deeper than ``MAX_LIST_NESTING``, by its indentation and markers (``- - - x``), or None."""
    if body.count("\n") + body.count("- ") + body.count("* ") + body.count("+ ") + body.count(". ") + body.count(") ") <= MAX_LIST_NESTING:
        return None  # cannot be that deep: the common case, at once
    text = _FENCED.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), body)  # indented lines are list levels here, not code
    for index, line in enumerate(text.split("\n")):
        content = line.lstrip(" ")
        if m := _LIST_MARKERS.match(content):  # quotes ('>') nest without limit: only list markers count
            levels = (len(line) - len(content)) // 4 + len(re.findall(r"[-*+]|\d+[.)]", m.group()))
            if levels > MAX_LIST_NESTING:
                return index + 1, levels
    return None


def _bad_scheme(url: str) -> bool:
    """Return True for a link the sanitiser drops: one with a scheme (``javascript:``)
    other than ``URL_SCHEMES``; relative links and ``#anchors`` are kept."""
    return ":" in url.split("/", 1)[0] and urlsplit(url).scheme.lower() not in URL_SCHEMES


class _Finder(HTMLParser):
    def __init__(self, video_hosts: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.video_hosts, self.found = video_hosts, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not _TAG_NAME.match(tag):  # an autolink such as <https://…>, not a tag
            return
        line, _ = self.getpos()
        if tag == "iframe":
            src = dict(attrs).get("src") or ""
            if not _video(src, self.video_hosts):
                if host := urlsplit(src).hostname or src:
                    self.found.append((line, msg("the <iframe> from {host} is removed when the page is made", host=host), IFRAME_HINT))
                else:
                    self.found.append((line, msg("the <iframe> from an unknown address is removed when the page is made"), IFRAME_HINT))
            return
        if tag not in ALLOWED_TAGS:
            if tag in ("script", "style"):
                self.found.append((line, msg("the HTML tag <{tag}> and what is inside it is removed when the page is made", tag=tag), HTML_HINT))
            else:
                self.found.append((line, msg("the HTML tag <{tag}> is removed when the page is made", tag=tag), HTML_HINT))
            return
        for name, value in attrs:
            if name not in ATTRIBUTES.get(tag, ()):
                self.found.append((line, msg("the attribute {name}= of <{tag}> is removed when the page is made", name=name, tag=tag), HTML_HINT))
            elif name in ("href", "src") and value and _bad_scheme(value):
                self.found.append((line, _link_removed(value), LINK_HINT))


def removed_html(body: str, video_hosts: frozenset[str] = frozenset()) -> list[tuple[int, Msg, Msg]]:
    """Return ``(line in body, message, hint)`` for each piece of HTML, and each Markdown link
    (``[x](javascript:…)``), in a Markdown body that rendering would remove. Raises
    nothing; a body with neither ``<`` nor a link is skipped at once."""
    if "<" not in body and "](" not in body and "]:" not in body:
        return []
    text = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), body)
    found: list[tuple[int, Msg, Msg]] = []
    if "<" in text:
        finder = _Finder(video_hosts)
        finder.feed(text)
        finder.close()
        found += finder.found
    for m in _MARKDOWN_LINK.finditer(text):
        url = m.group(1) or m.group(2)
        if _bad_scheme(url):
            found.append((text.count("\n", 0, m.start()) + 1, _link_removed(url), LINK_HINT))
    return sorted(found, key=lambda item: item[0])
