"""Text for people: titles made safe for HTML, Markdown and Mermaid, and node types said in words.

A title comes from a file anyone may edit. Escaping stops it from becoming markup; control and
bidirectional-override characters are shown as visible codes so they cannot reorder or hide what
is around them (`Car\u202e` must not make the next word read backwards).
"""

from __future__ import annotations

import html
import re

from ..characters import reveal

# Inline Markdown (and GitHub's $math$, @mentions): escaped wherever they are.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$@!])")
# What starts a block at the start of a line: a list item, a numbered item, a heading.
_BLOCK_START = re.compile(r"^(\s*)([-+.=]|\d+(?=[.)]))")
_MERMAID_SAFE = re.compile(r"[\w ,.;:?'/()%+=*-]", re.UNICODE)

TYPE_WORDS = {
    "bounding-box": "bounding box", "rotated-bounding-box": "rotated bounding box", "polygon": "polygon",
    "polyline": "polyline", "segmentation": "segmentation", "point": "point", "ner": "text span (NER)",
    "pdf": "PDF region", "brush": "brush", "pct": "3D point cloud cuboid", "spline": "spline",
    "radio": "one answer", "checkbox": "any number of answers", "single-dropdown": "one answer from a list",
    "multi-dropdown": "any number of answers from a list", "tree-dropdown": "one answer from a tree",
    "text": "free text", "instance": "an instance", "boolean": "yes or no", "rank": "answers in order",
    "one-to-one": "links one object to one other", "one-to-many": "links one object to several",
    "group": "groups objects",
}


def visible(text: str) -> str:
    """The text with control, bidi, line-breaking and invisible characters replaced by visible `⟨U+202E⟩` codes
    (the toolkit's one definition of them, `characters`: a joiner inside an emoji or a Persian word stays)."""
    return reveal(text, _code)


def _code(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩"


def type_words(kind: str) -> str:
    """`one answer` for a radio; an unknown type is shown as it is (made visible)."""
    return TYPE_WORDS.get(kind, visible(kind))


def html_text(text: str) -> str:
    """Text for an HTML element or attribute: visible, then escaped (quotes too)."""
    return html.escape(visible(text), quote=True)


def html_title(text: str) -> str:
    """A title as HTML, isolated from the text around it (a right-to-left title keeps its own direction)."""
    return f"<bdi>{html_text(text)}</bdi>"


def html_paragraphs(text: str) -> str:
    """A description as paragraphs: its blank lines separate them, its line breaks are kept."""
    parts = [part.strip("\n") for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]
    return "".join("<p>" + "<br>".join(html_text(line) for line in part.split("\n")) + "</p>" for part in parts)


def markdown_text(text: str) -> str:
    """Text for Markdown: visible (so on one line), its markup characters backslash-escaped (a leading `-` too)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))
    return _BLOCK_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit()
                                                     else "\\" + m.group(2)), escaped)


def markdown_paragraphs(text: str) -> str:
    """A description as Markdown paragraphs (escaped like titles)."""
    parts = [part for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]
    return "\n\n".join("  \n".join(markdown_text(line) for line in part.strip("\n").split("\n")) for part in parts)


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: letters, digits and plain punctuation as they are, the rest `#123;`."""
    return "".join(ch if _MERMAID_SAFE.fullmatch(ch) else f"#{ord(ch)};" for ch in visible(text))


def short(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
