"""Plan renderers by format name; each writes one plan to an injected text stream."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO

from ..plan import Plan
from . import html, json, markdown, text
from .wording import summary_line

Renderer = Callable[..., None]
RENDERERS: dict[str, Renderer] = {"text": text.render, "json": json.render, "markdown": markdown.render,
                                   "html": html.render}
FORMATS = tuple(RENDERERS)


def render(plan: Plan, fmt: str, out: TextIO, *, color: bool = False) -> None:
    """Write `plan` to `out` in format `fmt` (text, json, markdown or html); colour applies to text only."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown plan format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    renderer(plan, out, color=color)


def render_to_string(plan: Plan, fmt: str, *, color: bool = False) -> str:
    """The same as `render`, returned as a string."""
    buffer = io.StringIO()
    render(plan, fmt, buffer, color=color)
    return buffer.getvalue()


__all__ = ["FORMATS", "RENDERERS", "render", "render_to_string", "summary_line"]
