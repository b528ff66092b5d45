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
from .fmt import ranker
from .normalise import ALIASES


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
        self.carried: set[int] = set()  # edits copied into moved text by `render`

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
        """The text between two offsets with the splices made so far inside it (they travel with that text:
        a larger splice may now replace it)."""
        inside = [edit for edit in self.edits if start <= edit.start and edit.end <= end
                  and not (edit.start == edit.end in (start, end))]
        self.carried.update(edit.order for edit in inside)
        return _spliced(self.text[start:end], inside, start, self.carried)

    def result(self) -> str:
        return _spliced(self.text, self.edits, 0, self.carried)


def _spliced(text: str, edits: list[_Edit], base: int, carried: set[int]) -> str:
    """The text with the edits made; one inside a larger splice must have travelled with `render`."""
    out: list[str] = []
    at = base
    cover = (-1, -1)
    for edit in sorted(edits, key=_Edit.key):
        if cover[0] <= edit.start and edit.end <= cover[1] and not edit.start == edit.end in cover:
            if edit.order not in carried:  # it would be lost: a bug in the caller, never a user's problem
                raise ValueError("an edit inside a replaced range")
            continue
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


class Editor:
    """Edits to the mappings of a document in a patch: a model field found under any of its keys, set, added
    where it ranks among its siblings, or removed; refused where an anchor shares the text."""

    def __init__(self, patch: Patch, filename: str) -> None:
        self.patch = patch
        self.filename = filename

    def refuse_shared(self, root: Node) -> None:
        """Refuse when an edit falls inside YAML that an anchor shares: it would change the other uses too."""
        for start, end in [(start_of(node), end_of(node)) for node in shared(root)]:
            if any(start < edit.end and edit.start < end for edit in self.patch.edits):
                line = self.patch.line_of(start) + 1
                raise InputError(f"{self.filename}:{line}: the live project changed something this file writes "
                                 "with a YAML anchor or alias; pull --into cannot edit it without changing every "
                                 "place that uses it: expand the alias, then pull again")

    # --- mappings -------------------------------------------------------------------------------------

    def find(self, mapping: Node, field: str) -> tuple[Node, Node] | None:
        """The (key, value) nodes of a model field in a mapping, under any of its aliases."""
        for text, key, value in entries(mapping):
            if isinstance(text, str) and ALIASES.get(text, text) == field:
                return key, value
        return None

    def set(self, mapping: MappingNode, field: str, written: str, value: str, order: tuple[str, ...],
            first: Any = None) -> None:
        """Give a field this value text: replace the value where the field is written, else add the key."""
        found = self.find(mapping, field)
        if found is None:
            self.add(mapping, field, f"{written}: {value}", order, first)
        elif is_flow(mapping):
            self.patch.replace(start_of(found[1]), end_of(found[1]), value)
        else:
            self.patch.replace(end_of(found[0]), end_of(found[1]), f": {value}")

    def add(self, mapping: MappingNode, field: str, entry: str, order: tuple[str, ...], first: Any = None) -> None:
        """Add `key: value` where the field ranks among the mapping's keys (never before the first key)."""
        rank = ranker(order, first)
        pairs = entries(mapping)
        later = [index for index, (text, _, _) in enumerate(pairs) if index and rank(text) > rank(field)]
        if is_flow(mapping):  # after the entry it follows: that end survives a removal of the next entry
            self.patch.insert(end_of(pairs[later[0] - 1 if later else -1][2]), f", {entry}")
            return
        line = f"{' ' * pairs[0][1].start_mark.column}{entry}\n"
        if later:
            self.patch.insert(self.patch.line_start(self.patch.line_of(start_of(pairs[later[0]][1]))), line)
        else:
            self.patch.insert(self.patch.line_end(self.patch.line_of(end_of(pairs[-1][2]) - 1)), line)

    def remove(self, mapping: MappingNode, field: str) -> None:
        found = self.find(mapping, field)
        if found is None:
            return
        pairs = [(key, value) for _, key, value in entries(mapping)]
        index = next(i for i, (key, _) in enumerate(pairs) if key is found[0])
        key, value = found
        if is_flow(mapping):
            start, end = (start_of(key), start_of(pairs[index + 1][0])) if index + 1 < len(pairs) else \
                (end_of(pairs[index - 1][1]), end_of(value))
            self.patch.replace(start, end, "")
            return
        first = self.patch.line_of(start_of(key))
        last = self.patch.line_of(end_of(value) - 1)
        if self.patch.text[self.patch.line_start(first):start_of(key)].strip():  # `- id: x` on the dash line
            self.patch.replace(start_of(key), start_of(pairs[index + 1][0]), "")
        else:
            self.patch.replace(self.patch.line_start(first), self.patch.line_end(last), "")

    def new_list(self, mapping: MappingNode, field: str, written: str, lines: list[str], flow: str,
                 order: tuple[str, ...], first: Any = None) -> None:
        """Write a list where the file has none (or an empty one): a block under its key (flow in a flow mapping)."""
        if is_flow(mapping):
            self.set(mapping, field, written, flow, order, first)
            return
        column = entries(mapping)[0][1].start_mark.column
        block = "".join("\n" + " " * (column + 2) + line for line in lines)
        found = self.find(mapping, field)
        if found is not None:
            self.patch.replace(end_of(found[0]), end_of(found[1]), ":" + block)
        else:
            self.add(mapping, field, f"{written}:{block}", order, first)
