"""Text for people: titles made safe for HTML, Markdown and Mermaid, and node types said in words.

A title comes from a file anyone may edit. Escaping stops it from becoming markup; control and
bidirectional-override characters are shown as visible codes so they cannot reorder or hide what
is around them (`Car\u202e` must not make the next word read backwards).
"""

from __future__ import annotations

import html
import re

from .. import markdown_text as markdown
from ..characters import reveal, spaced

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
    """A title as HTML, isolated from the text around it (a right-to-left title keeps its own direction), quoted
    when spaces around it would not show (`"Car "`)."""
    return f"<bdi>{html_text(spaced(text))}</bdi>"


def html_paragraphs(text: str) -> str:
    """A description as paragraphs: its blank lines separate them, its line breaks are kept."""
    parts = [part.strip("\n") for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]
    return "".join("<p>" + "<br>".join(html_text(line) for line in part.split("\n")) + "</p>" for part in parts)


def markdown_text(text: str) -> str:
    """Text for Markdown (the one escaping plans use too, `ango_ontology.markdown_text`), hidden code points shown
    as the guide shows them (`⟨U+202E⟩`)."""
    return markdown.markdown_text(text, _code)


def markdown_title(title: str) -> str:
    """A title (option value, tree node) for Markdown: quoted when spaces around it would not show (`"Car "`),
    which also keeps `**Car **` from losing its bold."""
    return markdown_text(spaced(title))


def code_span(text: str, *, table: bool = False) -> str:
    """Text as a Markdown code span no backtick in it can close, hidden code points shown as `⟨U+202E⟩`."""
    return markdown.code_span(text, _code, table=table)


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
