"""Text written into Markdown — plans for pull requests, the annotator guide — that stays text, whatever it holds.

A title comes from a file anyone may edit, or from the live project. In Markdown it must not become
a link, an image, emphasis, HTML or a heading, and on GitHub not a mention either: mentions are
made after the Markdown is parsed, from the text it shows, so a backslash does not stop them
(`\\@team` still notifies the team) — a word joiner (U+2060, invisible, no line break) after the
`@` does. Hidden code points are shown as codes (`characters.reveal`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from .characters import reveal
from .links import link_target

WORD_JOINER = "\u2060"
# Inline Markdown (and GitHub's $math$, @mentions): escaped wherever they are.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$@!])")
# What starts a block at the start of a line: a list item, a numbered item, a heading.
_BLOCK_START = re.compile(r"^(\s*)([-+.=#]|\d+(?=[.)]))")
# What GitHub's extended autolinks start from: `scheme://` and `www.`.
_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9]):(?=//)|(?<![A-Za-z0-9])(www)\.", re.IGNORECASE)
# What GitHub turns into a mention after parsing: `@name` (an e-mail address too).
_REFERENCE = re.compile(r"(\\@)(?=[A-Za-z0-9_])")


def markdown_text(text: str, code: Callable[[str], str] | None = None) -> str:
    """Text for Markdown, on one line: hidden code points shown (as `code` writes them, `\\u200b` by default),
    markup characters backslash-escaped (a leading `-` or `#` too), autolinks and mentions broken."""
    shown = reveal(text, code)
    escaped = _SPECIAL.sub(lambda m: m.group() if _intraword(shown, m.start()) else "\\" + m.group(), shown)
    escaped = _AUTOLINK.sub(lambda m: f"{m.group(1)}\\." if m.group(1) else "\\:", escaped)
    escaped = _REFERENCE.sub(lambda m: m.group(1) + WORD_JOINER, escaped)
    return _BLOCK_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit()
                                                     else "\\" + m.group(2)), escaped)


def html_block_text(text: str) -> str:
    """Text on a line of an HTML block of a Markdown document (a `<summary>` line), where Markdown is not read:
    hidden code points shown, HTML-escaped, mentions broken."""
    shown = html.escape(reveal(text), quote=False)
    return re.sub(r"@(?=[A-Za-z0-9_])", "@" + WORD_JOINER, shown)


def _intraword(text: str, at: int) -> bool:
    """An `_` between two letters or digits (`shortcut_key`): never emphasis, so left as it is."""
    return text[at] == "_" and 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()


def code_span(text: str, code: Callable[[str], str] | None = None, *, table: bool = False) -> str:
    """Text as a Markdown code span: fenced by more backticks than it holds in a row, so none of them can close
    it (`` `a`b` ``); in a table cell its `|` escaped (GitHub splits cells before it reads code spans)."""
    shown = reveal(text, code)
    if not shown:
        return "` `"  # an empty span would be no span
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown[:1] in ("`", " ") or shown[-1:] in ("`", " ") else ""
    if table:
        shown = shown.replace("|", "\\|")
    return f"{fence}{pad}{shown}{pad}{fence}"


def markdown_prose(text: str, *, table: bool = False) -> str:
    """The toolkit's own sentences (a hint: add `id: …`): what they put between backticks as code spans, the rest
    as text. Whatever titles they quote stays text or code, either way inert."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: no pairs to trust
        return markdown_text(text)
    return "".join(code_span(part, table=table) if odd else markdown_text(part)
                   for odd, part in ((index % 2 == 1, part) for index, part in enumerate(parts)))


def markdown_link(label: str, link: str) -> str:
    """`[label](<link>)`: the label escaped, the link percent-encoded where it could end, and its `&` written
    `&amp;` (a Markdown reader decodes character references in a link: `&#106;avascript:` must stay text)."""
    return f"[{markdown_text(label)}](<{link_target(link).replace('&', '&amp;')}>)"


__all__ = ["WORD_JOINER", "code_span", "html_block_text", "markdown_link", "markdown_prose", "markdown_text"]
