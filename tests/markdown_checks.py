"""Markdown read as GitHub reads it (its own cmark-gfm, with GitHub's extensions), and titles that try to be markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

# Titles that would be a link, an image, emphasis, HTML, a mention, an autolink, a heading or a list item.
HOSTILE = [
    "![ok](https://evil.example/pixel.png)", "[Approved by @octo-org/security](https://evil.example)", "**LGTM**",
    "_em_ *em* ~~gone~~", "<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "<b>bold</b>",
    "https://evil.example/x", "www.evil.example", "mail a@evil.example", "@everyone", "`code` ``x`` a`b",
    "&#106;avascript:x &lt;b&gt; &amp;", "# heading", "- item", "1. one", "> quote", "[ref]: https://evil.example",
    "[ref]", "$x$", "[^1]", "a | b", "<https://evil.example>", "Car\u200b", "Car ", "\\*not em\\*",
]
# What a title must never produce in the rendered page.
FORBIDDEN = ("a", "img", "em", "strong", "del", "script", "b", "h1", "h2", "h4", "h5", "h6", "blockquote", "sup",
             "section", "input", "math")
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@[A-Za-z0-9]")


def gfm(text: str) -> str:
    """The HTML GitHub makes of a Markdown text (its extensions: autolinks, tables, strikethrough, task lists)."""
    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.prose: list[str] = []  # outside code, where GitHub looks for mentions
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.code += tag in ("code", "pre")

    def handle_endtag(self, tag: str) -> None:
        self.code -= tag in ("code", "pre")

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self.code:
            self.prose.append(data)


def elements(html: str) -> tuple[list[str], str]:
    """The tags of an HTML text, in order, and the text it shows."""
    parser = _Elements()
    parser.feed(html)
    return parser.tags, "".join(parser.text)


def markup_made(markdown: str, allowed: set[str]) -> list[str]:
    """What a Markdown text became that it should not have: tags outside `allowed`, and mentions in its text
    outside code (GitHub makes them there, after parsing)."""
    parser = _Elements()
    parser.feed(gfm(markdown))
    wrong = sorted({tag for tag in parser.tags if tag not in allowed})
    return wrong + [f"mention {found}" for found in _MENTION.findall(" ".join(parser.prose))]
