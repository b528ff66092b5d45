"""The conditional flow of a label set: which answer reveals which question, laid out as a tidy tree.

One flow per top-level tool, classification or relation that has a conditional question under it:
its questions are the boxes (column = depth, a parent on the row of its first child), each edge
is labelled with the answer that reveals the child, or none when the child is always shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Classification, Node, Ontology

SECTIONS = (("tools", "tool"), ("classifications", "question"), ("relations", "relation"))


@dataclass(frozen=True)
class Box:
    """One node of a flow: where it sits and what the guide says of it."""

    key: str
    anchor: str
    title: str
    type: str
    required: bool
    color: str | None
    column: int
    row: int


@dataclass(frozen=True)
class Edge:
    """Parent to child; `answer` is the option value that reveals the child (None: always shown)."""

    source: str
    target: str
    answer: str | None


@dataclass(frozen=True)
class Flow:
    """The boxes and edges under one top-level node."""

    anchor: str
    title: str
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]

    @property
    def rows(self) -> int:
        return max(box.row for box in self.boxes) + 1

    @property
    def columns(self) -> int:
        return max(box.column for box in self.boxes) + 1


def anchor(parent: str, prefix: str, index: int) -> str:
    """A node's HTML id from its place (never from its title): `tool-1`, `tool-1-q-2`."""
    return f"{parent}-{prefix}-{index + 1}" if parent else f"{prefix}-{index + 1}"


def top_level(ontology: Ontology) -> Iterator[tuple[str, str, int, Node]]:
    """(section, anchor prefix, index, node) for every top-level node, in file order."""
    for section, prefix in SECTIONS:
        for index, node in enumerate(getattr(ontology, section)):
            yield section, prefix, index, node


def is_conditional(node: Node) -> bool:
    """Whether any question under the node is revealed by an answer."""
    return any(child.when is not None or child.parent_option_id is not None or is_conditional(child)
               for child in node.classifications)


def flows(ontology: Ontology) -> list[Flow]:
    """A flow for each top-level node with a conditional question under it, in file order."""
    out = []
    for _, prefix, index, node in top_level(ontology):
        if is_conditional(node):
            out.append(flow_of(node, anchor("", prefix, index)))
    return out


def flow_of(root: Node, root_anchor: str) -> Flow:
    builder = _Builder()
    builder.place(root, root_anchor, 0, 0)
    return Flow(root_anchor, root.title, tuple(builder.boxes), tuple(builder.edges))


class _Builder:
    def __init__(self) -> None:
        self.boxes: list[Box] = []
        self.edges: list[Edge] = []

    def place(self, node: Node, node_anchor: str, column: int, row: int) -> int:
        """Place the node and its questions from `row` on; the first row free below them."""
        key = f"n{len(self.boxes) + 1}"
        self.boxes.append(Box(key, node_anchor, node.title, node.type, node.required, node.color, column, row))
        if not node.classifications:
            return row + 1
        for index, child in enumerate(node.classifications):
            self.edges.append(Edge(key, f"n{len(self.boxes) + 1}", answer_of(child)))
            row = self.place(child, anchor(node_anchor, "q", index), column + 1, row)
        return row


def answer_of(question: Classification) -> str | None:
    """The answer that reveals the question: its `when`, else its raw parent option id, else None."""
    if question.when is not None:
        return question.when
    return f"option {question.parent_option_id}" if question.parent_option_id is not None else None
