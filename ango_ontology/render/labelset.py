"""The label set a plan leaves, as one tree with each change on its node and each deleted node where it was.

Built from the plan alone (its categorySchema and its changes), for the HTML rendering: the reviewer sees
the whole label set, the changed parts coloured, without the file open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import FAMILY, JSON, TREE_TYPE
from ..plan import Change, Move, Plan
from ..wire_write import text_of

_SECTIONS = (("tools", "tool"), ("classifications", "classification"), ("relations", "relation"))


@dataclass
class Entry:
    """One node of the tree: what it is, the changes on it, and its children in the editor's order."""

    kind: str
    title: str
    type: str | None
    id: str | None
    children: list[Entry] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    deleted: bool = False
    created: bool = False  # inside a created node
    moved: Move | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.moved or self.deleted or self.created)

    @property
    def action(self) -> str:
        """The change that colours the node: its first own change, else what its created or deleted parent had."""
        if self.changes:
            return self.changes[0].action
        return "delete" if self.deleted else "create" if self.created else "reorder" if self.moved else ""

    def touched(self) -> bool:
        """Whether this node or anything below it changed."""
        return self.changed or any(child.touched() for child in self.children)

    def size(self) -> int:
        return 1 + sum(child.size() for child in self.children)


def label_set(plan: Plan) -> list[Entry]:
    """The top-level nodes of the planned label set, each change attached, deleted nodes put back."""
    roots = [_from_wire(kind, node) for name, kind in _SECTIONS for node in _dicts(plan.desired_schema.get(name))]
    by_key: dict[tuple[str, Any], Entry] = {(FAMILY[entry.kind], entry.id): entry for root in roots
                                            for entry in _walk(root)}
    for change in plan.changes:
        if change.action == "delete":
            _put_back(roots, change)
        elif change.action == "reorder":
            _mark_moves(by_key, change)
        elif change.kind in FAMILY and (FAMILY[change.kind], change.id) in by_key:  # not a label-set change
            entry = by_key[(FAMILY[change.kind], change.id)]
            entry.changes.append(change)
            if change.action == "create":
                for below in _walk(entry)[1:]:
                    below.created = True
    return roots


def _walk(entry: Entry) -> list[Entry]:
    out, stack = [], [entry]
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(item.children)
    return out


def _from_wire(kind: str, node: JSON) -> Entry:
    """A node of the categorySchema, read as `wire` reads it (ids and titles as text, nulls as nothing, a tree
    node's key where the SDK put it): options (or the tree, for a tree dropdown) before nested questions."""
    if kind == "option":
        return Entry(kind, text_of(node.get("value")) or "", None, text_of(node.get("schemaId")))
    if kind == "tree-option":
        key = text_of(node.get("key")) or text_of(node.get("schemaId"))
        return Entry(kind, text_of(node.get("title")) or "", None, key,
                     [_from_wire("tree-option", child) for child in _dicts(node.get("children"))])
    tree = node.get("tool") == TREE_TYPE and bool(_dicts(node.get("treeOptions")) or not _dicts(node.get("options")))
    children = [_from_wire("tree-option", item) for item in _dicts(node.get("treeOptions"))] if tree else \
        [_from_wire("option", item) for item in _dicts(node.get("options"))]
    children += [_from_wire("classification", item) for item in _dicts(node.get("classifications"))]
    return Entry(kind, text_of(node.get("title")) or "", text_of(node.get("tool")), text_of(node.get("schemaId")),
                 children)


def _dicts(value: Any) -> list[JSON]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _from_summary(kind: str, node: JSON, deleted: bool) -> Entry:
    """A node as a change summary holds it (a deleted subtree)."""
    children = [_from_summary("option", item, deleted) for item in node.get("options") or []]
    children += [_from_summary("tree-option", item, deleted)
                 for item in (node.get("tree_options") or []) + (node.get("children") or [])]
    children += [_from_summary("classification", item, deleted) for item in node.get("classifications") or []]
    title = node.get("title", node.get("value", ""))
    return Entry(kind, str(title), node.get("type"), node.get("id"), children, deleted=deleted)


def _parent_list(roots: list[Entry], change: Change, levels: int) -> list[Entry] | None:
    """The child list that holds the node at `change.path[:levels]`'s children (the roots at the top)."""
    siblings = roots
    for kind, title in list(zip(change.path_kinds, change.path, strict=True))[:levels]:
        found = next((entry for entry in siblings if entry.kind == kind and entry.title == title), None)
        if found is None:
            return None
        siblings = found.children
    return siblings


def _put_back(roots: list[Entry], change: Change) -> None:
    """A deleted node, back where it was: after the sibling it followed (or first)."""
    entry = _from_summary(change.kind, change.before or {}, True)
    entry.changes.append(change)
    siblings = _parent_list(roots, change, len(change.path) - 1)
    if siblings is None:
        roots.append(entry)
        return
    after = change.position.after if change.position else None
    same = [index for index, sibling in enumerate(siblings) if sibling.kind == change.kind]
    at = next((index + 1 for index in same if siblings[index].title == after), same[0] if same else
              _first_of_kind(siblings, change.kind))
    siblings.insert(at, entry)


def _first_of_kind(siblings: list[Entry], kind: str) -> int:
    """Where a list's first child of this kind would go: options and tree before nested questions."""
    if kind == "classification":
        return len(siblings)
    return next((index for index, sibling in enumerate(siblings) if sibling.kind == "classification"),
                len(siblings))


def _mark_moves(by_key: dict[tuple[str, Any], Entry], change: Change) -> None:
    """A reorder shows on its parent (a top-level one has none) and on each child it moves."""
    parent = by_key.get((FAMILY[change.path_kinds[-1]], change.id)) if change.path else None
    if parent is not None:
        parent.changes.append(change)
    for move in change.moves:
        moved = by_key.get((FAMILY[change.kind], move.id))
        if moved is not None:
            moved.moved = move
