"""A flow drawn as inline SVG: boxes in columns, curved edges labelled with the answer that reveals each question.

Plain SVG elements and presentation attributes only (no CSS, no script, no fonts to load), so the
picture needs no network and shows with scripts off. Each box links to its section of the guide.
"""

from __future__ import annotations

import re

from ..model import CLASSIFICATION_TYPES
from .flow import Box, Flow
from .text import html_text, short, type_words

BOX_WIDTH = 190
BOX_HEIGHT = 40
GAP = 150  # between columns: room for an answer label
ROW_GAP = 14
PAD = 10
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_TITLE_CHARS = 24
_ANSWER_CHARS = 17


def draw(flow: Flow, label: str) -> str:
    """The flow as one `<svg>` element; `label` names it for screen readers."""
    width = PAD * 2 + flow.columns * BOX_WIDTH + (flow.columns - 1) * GAP
    height = PAD * 2 + flow.rows * BOX_HEIGHT + (flow.rows - 1) * ROW_GAP
    by_key = {box.key: box for box in flow.boxes}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="13">',
             f"<title>{html_text(label)}</title>"]
    parts += [_edge(by_key[edge.source], by_key[edge.target], edge.answer) for edge in flow.edges]
    parts += [_box(box) for box in flow.boxes]
    parts.append("</svg>")
    return "\n".join(parts)


def _x(box: Box) -> int:
    return PAD + box.column * (BOX_WIDTH + GAP)


def _y(box: Box) -> int:
    return PAD + box.row * (BOX_HEIGHT + ROW_GAP)


def _box(box: Box) -> str:
    x, y = _x(box), _y(box)
    shown = box.color and _COLOR.fullmatch(box.color) and box.type not in CLASSIFICATION_TYPES
    color = box.color if shown else "#C9CDD3"
    mark = " *" if box.required else ""
    title = short(box.title, _TITLE_CHARS) + mark
    return (f'<a href="#{box.anchor}"><g class="box">'
            f"<title>{html_text(box.title + mark)} — {html_text(type_words(box.type))}</title>"
            f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" fill="#FFFFFF" '
            f'stroke="#5B6270"/>'
            f'<rect x="{x}" y="{y}" width="8" height="{BOX_HEIGHT}" rx="3" fill="{color}"/>'
            f'<text x="{x + 16}" y="{y + 17}" fill="#14171C">{html_text(title)}</text>'
            f'<text x="{x + 16}" y="{y + 32}" fill="#5B6270" font-size="11">'
            f"{html_text(short(type_words(box.type), _TITLE_CHARS + 4))}</text></g></a>")


def _edge(source: Box, target: Box, answer: str | None) -> str:
    x1, y1 = _x(source) + BOX_WIDTH, _y(source) + BOX_HEIGHT // 2
    x2, y2 = _x(target), _y(target) + BOX_HEIGHT // 2
    middle = (x1 + x2) // 2
    dash = "" if answer is not None else ' stroke-dasharray="4 3"'
    path = (f'<path d="M{x1} {y1} C{middle} {y1} {middle} {y2} {x2 - 6} {y2}" fill="none" stroke="#5B6270"'
            f'{dash}/><path d="M{x2 - 7} {y2 - 4} L{x2} {y2} L{x2 - 7} {y2 + 4} Z" fill="#5B6270"/>')
    text = answer if answer is not None else "always"
    shown = short(text, _ANSWER_CHARS)
    width = 10 + 7 * len(shown)
    left = x2 - 10 - width  # on the last, level stretch of the curve: each child has a row of its own
    fill = "#E8F1FB" if answer is not None else "#F3F4F6"
    return (f'<g class="answer"><title>{html_text("when: " + text if answer is not None else "always shown")}'
            f"</title>"
            f"{path}"
            f'<rect x="{left}" y="{y2 - 10}" width="{width}" height="20" rx="10" fill="{fill}"/>'
            f'<text x="{left + width // 2}" y="{y2 + 4}" text-anchor="middle" fill="#14171C" font-size="12">'
            f"{html_text(shown)}</text></g>")
