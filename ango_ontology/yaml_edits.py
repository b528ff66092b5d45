"""Edits to a YAML text at the places its parser reports, every other byte left as it was.

`pull --into` must change only the lines of what changed (comments, quoting and layout elsewhere stay),
and must be fast on files of tens of thousands of nodes: the C parser composes the document into nodes
that know where they start and end, and each change is a splice of the original text. Anchors and
aliases are refused where an edit would fall (one edit would change every place that uses them).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import InputError


def compose(text: str) -> Node | None:
    """The document's node tree, with positions (the fastest parser available)."""
    node: Node | None = YAML(typ="safe", pure=False).compose(text)
    return node


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    order: int
    text: str

    def key(self) -> tuple[int, int, int, int]:
        """By start; at one offset insertions first (in the order made), then the widest splice."""
        return (self.start, self.end > self.start, -self.end, self.order)


class Patch:
    """A text and the splices to make in it; splices inside a larger one (a moved or deleted item) give way."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
        self.edits: list[_Edit] = []

    # --- positions ----------------------------------------------------------------------------------------

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def line_start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_end(self, line: int) -> int:
        """The offset just after the line's newline (the end of the text for the last line)."""
        return self.line_start(line + 1) if line + 1 < len(self.starts) else len(self.text)

    def indent_of(self, line: int) -> int:
        start = self.line_start(line)
        body = self.text[start:self.line_end(line)]
        return len(body) - len(body.lstrip(" "))

    # --- splices ------------------------------------------------------------------------------------------

    def replace(self, start: int, end: int, text: str) -> None:
        self.edits.append(_Edit(start, end, len(self.edits), text))

    def insert(self, at: int, text: str) -> None:
        self.replace(at, at, text)

    def render(self, start: int, end: int) -> str:
        """The text between two offsets with the splices made so far inside it."""
        inside = [edit for edit in self.edits if start <= edit.start and edit.end <= end
                  and not (edit.start == edit.end in (start, end))]
        return _spliced(self.text[start:end], inside, start)

    def result(self) -> str:
        return _spliced(self.text, self.edits, 0)


def _spliced(text: str, edits: list[_Edit], base: int) -> str:
    out: list[str] = []
    at = base
    cover = (-1, -1)
    for edit in sorted(edits, key=_Edit.key):
        if cover[0] <= edit.start and edit.end <= cover[1] and not edit.start == edit.end in cover:
            continue  # inside a larger splice: that one replaces it
        if edit.start < at:
            raise ValueError("overlapping edits")  # a bug in the caller, never a user's problem
        out.append(text[at - base:edit.start - base])
        out.append(edit.text)
        at = edit.end
        if edit.end > edit.start:
            cover = (edit.start, edit.end)
    out.append(text[at - base:])
    return "".join(out)


# --- nodes ----------------------------------------------------------------------------------------------

def start_of(node: Node) -> int:
    return int(node.start_mark.index)


def end_of(node: Node) -> int:
    """Where the node's own text ends: a block collection ends with its last value, not at the next token."""
    while isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
    end = int(node.end_mark.index)
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        return end - 1 if end > start_of(node) else end  # a block scalar ends after its last newline
    return end


def is_flow(node: Node) -> bool:
    return isinstance(node, (MappingNode, SequenceNode)) and bool(node.flow_style)


def shared(root: Node) -> list[Node]:
    """The nodes an anchor lets several places use (the parser hands out the same node for each alias)."""
    seen: set[int] = set()
    out: list[Node] = []
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            out.append(item)
            continue
        seen.add(id(item))
        if isinstance(item, MappingNode):
            for key, value in item.value:
                stack += [key, value]
        elif isinstance(item, SequenceNode):
            stack += item.value
    return out


def entries(mapping: Node) -> list[tuple[Any, Node, Node]]:
    """(key text, key node, value node) of a mapping node."""
    if not isinstance(mapping, MappingNode):
        return []
    return [(key.value if isinstance(key, ScalarNode) else None, key, value) for key, value in mapping.value]


@dataclass(frozen=True)
class Items:
    """A sequence node in a patch: where each item's lines (block) or text (flow) are, and how to add one."""

    patch: Patch
    node: SequenceNode

    @property
    def flow(self) -> bool:
        return bool(self.node.flow_style)

    def dash(self, index: int) -> int:
        """The offset of a block item's `-`."""
        at = start_of(self.node.value[index]) - 1
        text = self.patch.text
        while at >= 0 and text[at] in " \n\r\t":
            at -= 1
        if at < 0 or text[at] != "-":  # pragma: no cover - a block item always follows its dash
            raise ValueError("no dash before a block sequence item")
        return at

    @property
    def pad(self) -> str:
        """The indentation of the items' dashes."""
        first = self.dash(0)
        return " " * (first - self.patch.line_start(self.patch.line_of(first)))

    def lines(self, index: int) -> tuple[int, int]:
        """The first and last line of a block item (its dash to its last value), whole lines."""
        first = self.patch.line_of(self.dash(index))
        line_start = self.patch.line_start(first)
        if self.patch.text[line_start:self.dash(index)].strip():
            raise InputError(f"line {first + 1}: pull --into edits lists whose items start their own line; "
                             "put this item on a line of its own")
        return first, self.patch.line_of(end_of(self.node.value[index]) - 1)

    def span(self, index: int) -> tuple[int, int]:
        """The text an item occupies: whole lines for a block item, the item itself in a flow list."""
        if self.flow:
            return start_of(self.node.value[index]), end_of(self.node.value[index])
        first, last = self.lines(index)
        return self.patch.line_start(first), self.patch.line_end(last)

    def delete(self, index: int) -> None:
        start, end = self.span(index)
        if self.flow:  # take one separating comma with it
            count = len(self.node.value)
            if index + 1 < count:
                end = start_of(self.node.value[index + 1])
            elif index > 0:
                start = end_of(self.node.value[index - 1])
        self.patch.replace(start, end, "")

    def insert(self, index: int, block_lines: list[str], flow_text: str) -> None:
        """Add an item before item `index` (at the end when `index` is the length)."""
        count = len(self.node.value)
        if self.flow:
            if count == 0:
                self.patch.insert(end_of(self.node) - 1, flow_text)
            elif index < count:
                self.patch.insert(start_of(self.node.value[index]), flow_text + ", ")
            else:
                self.patch.insert(end_of(self.node.value[-1]), ", " + flow_text)
            return
        text = "".join(line + "\n" for line in block_lines)
        if index < count:
            self.patch.insert(self.patch.line_start(self.lines(index)[0]), text)
        else:
            end = self.patch.line_end(self.lines(count - 1)[1])
            if end == len(self.patch.text) and not self.patch.text.endswith("\n"):
                text = "\n" + text[:-1]
            self.patch.insert(end, text)

    def move(self, index: int, before: int) -> None:
        """Move an item (its text with the edits made inside it) before item `before` (the end: the length)."""
        start, end = self.span(index)
        text = self.patch.render(start, end)
        self.delete(index)
        if self.flow:
            self.insert(before, [], text)
        else:
            self.insert(before, text.rstrip("\n").split("\n"), "")
