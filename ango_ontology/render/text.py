"""The terminal rendering of a plan: a tree of changes, destructive ones first, and the summary line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from ..characters import spaced
from ..plan import Change, Plan
from .groups import Group, grouped
from .origins import by_origin
from .wording import (
    DESTRUCTIVE_HEADING,
    MARKERS,
    PROTECTED_NOTE,
    attribute_lines,
    heading,
    headline,
    inert,
    nested_lines,
    notes,
    setup_lines,
    source_line,
    summary_line,
)

# ANSI styles; used only when the caller asks for colour (it knows about terminals and NO_COLOR).
_STYLES = {"create": "32", "delete": "31", "rename": "33", "update": "33", "replace": "35", "move": "31",
           "reorder": "36", "heading": "1;31", "warning": "33", "note": "2", "summary": "1"}
_INDENT = "    "


@dataclass(frozen=True)
class Line:
    """One line of the tree: its depth, its marker (a space for context), its words and style."""

    depth: int
    marker: str
    text: str
    style: str = ""


def render(plan: Plan, out: TextIO, *, color: bool = False) -> None:
    """Write the plan as a tree to `out`, in colour only when asked."""
    title, source = heading(plan), source_line(plan)
    if title:
        out.write(_paint(title, "summary", color) + "\n")
    if source:
        out.write(inert(source) + "\n")
    if title or source:
        out.write("\n")
    for note in plan.notes:
        out.write(_paint(f"note: {note}", "note", color) + "\n")
    if plan.notes:
        out.write("\n")
    if plan.is_empty:
        out.write(_paint(summary_line(plan), "", color) + "\n")
        return
    setup = setup_lines(plan)
    if setup:
        out.write("Project and batches:\n\n")
        _write_lines((Line(0, MARKERS["create"], text, "create") for text in setup), out, color)
        out.write("\n")
    if plan.since is not None:
        for heading_text, changes in by_origin(plan):
            out.write(_paint(heading_text, "heading" if changes[0].origin != "intent" else "summary", color) + "\n\n")
            _write_lines(tree_lines(changes), out, color)
            out.write("\n")
        out.write(_paint(summary_line(plan), "summary", color) + "\n")
        return
    destructive = plan.destructive_changes()
    if destructive:
        out.write(_paint(DESTRUCTIVE_HEADING, "heading", color) + "\n\n")
        _write_lines(tree_lines(destructive), out, color)
        out.write("\n")
    others = [change for change in plan.changes if not change.destructive]
    if others:
        out.write("Changes:\n\n")
        _write_lines(tree_lines(others), out, color)
        out.write("\n")
    out.write(_paint(summary_line(plan), "summary", color) + "\n")


def _write_lines(lines: Iterator[Line], out: TextIO, color: bool) -> None:
    for line in lines:
        text = f"  {_INDENT * line.depth}{line.marker} {line.text}"
        out.write(_paint(text, line.style, color) + "\n")


def _paint(text: str, style: str, color: bool) -> str:
    code = _STYLES.get(style)
    shown = inert(text)
    return f"\x1b[{code}m{shown}\x1b[0m" if color and code else shown


def tree_lines(changes: list[Change]) -> Iterator[Line]:
    """The changes as a tree: unchanged ancestors once as context, each change under its parent, long runs
    of similar changes under one line that counts them."""
    opened: tuple[tuple[str, str], ...] = ()
    for item in grouped(changes):
        change = item.first if isinstance(item, Group) else item
        levels = tuple(zip(change.path_kinds, change.path, strict=True))
        parents = levels if change.action == "reorder" else levels[:-1]
        shared = _shared(opened, parents)
        for depth in range(shared, len(parents)):
            kind, title = parents[depth]
            yield Line(depth, " ", f"{kind} {spaced(title)}", "note")
        if isinstance(item, Group):
            yield from group_lines(item, len(parents))
            last = item.changes[-1]
            levels = tuple(zip(last.path_kinds, last.path, strict=True))
        else:
            yield from change_lines(change, len(parents))
        opened = levels


def group_lines(group: Group, depth: int) -> Iterator[Line]:
    """`+ create 12 options`, then each of them one level down without the verb."""
    yield Line(depth, MARKERS[group.first.action], group.headline(), group.first.action)
    for change in group.changes:
        yield from change_lines(change, depth + 1, verb=False)


def _shared(opened: tuple[tuple[str, str], ...], parents: tuple[tuple[str, str], ...]) -> int:
    shared = 0
    for left, right in zip(opened, parents, strict=False):
        if left != right:
            break
        shared += 1
    return shared


def change_lines(change: Change, depth: int, verb: bool = True) -> Iterator[Line]:
    """One change: headline, attributes, hint and warnings, then the subtree it creates or deletes."""
    marker = MARKERS[change.action]
    protected = f" {PROTECTED_NOTE}" if change.protected and change.destructive else ""
    yield Line(depth, marker, headline(change, verb) + protected, change.action)
    for text in attribute_lines(change):
        yield Line(depth + 1, " ", text)
    for text in notes(change):
        yield Line(depth + 1, " ", text, "warning" if text.startswith("warning") else "")
    node = change.after if change.action == "create" else change.before if change.action == "delete" else None
    for below, text in nested_lines(node) if node else []:
        yield Line(depth + below, marker, text, change.action)
