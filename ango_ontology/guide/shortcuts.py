"""Every shortcut key of a label set, nested questions included, in keyboard order (0-9, ctrl+0-9, a-k)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Node, Ontology
from .flow import SECTIONS, anchor

KEY_ORDER = [str(d) for d in range(10)] + [f"ctrl+{d}" for d in range(10)] + list("abcdefghijk")


@dataclass(frozen=True)
class Shortcut:
    """A key, the titles from the top-level node down to what it selects, that node's anchor and type."""

    key: str
    path: tuple[str, ...]
    anchor: str
    type: str


def shortcuts(ontology: Ontology) -> list[Shortcut]:
    rows: list[Shortcut] = []
    for section, prefix in SECTIONS:
        for index, node in enumerate(getattr(ontology, section)):
            rows += _rows(node, anchor("", prefix, index), ())
    return sorted(rows, key=lambda row: KEY_ORDER.index(row.key) if row.key in KEY_ORDER else len(KEY_ORDER))


def _rows(node: Node, node_anchor: str, path: tuple[str, ...]) -> list[Shortcut]:
    own = (*path, node.title)
    rows = [Shortcut(node.shortcut_key, own, node_anchor, node.type)] if node.shortcut_key else []
    for index, child in enumerate(node.classifications):
        rows += _rows(child, anchor(node_anchor, "q", index), own)
    return rows
