"""What the diff needs to know of each node kind: its title, children, comparable attributes and summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import TREE_TYPE, Classification, Option, Relation, Tool, TreeOption, _Node

Item = _Node | Option | TreeOption
JSON = dict[str, Any]
Key = tuple[str, str]

NODE_ATTRS = ("required", "column_field", "color", "shortcut_key")
CLASSIFICATION_ATTRS = ("regex", "frame_specific", "show_dropdown", "rich_text", "multiple", "export_name",
                        "display_name", "abbreviated_name", "attribute_type", "default_value")
# Tools, classifications and relations share one id space: a tool that became a classification
# keeps its id (a replacement), while an option that shares an id with a tool is unrelated.
_FAMILY = {"tool": "node", "classification": "node", "relation": "node", "option": "option",
           "tree-option": "tree"}


@dataclass(frozen=True)
class Place:
    """Where a node sits: its parent slot, the parent node, its path of titles and kinds."""

    parent: str
    parent_node: Key | None
    path: tuple[str, ...]
    kinds: tuple[str, ...]
    protected: bool


def node_key(item: Item) -> Key:
    """A node's identity: its id within its family (tools, classifications, relations share one)."""
    if item.id is None:
        raise ValueError(f"{kind_of(item)} {title_of(item)!r} has no id: resolve the ontology first")
    return family(kind_of(item)), item.id


def child_place(owner: Place, owner_key: Key | None, slot: str, item: Item, protected: bool) -> Place:
    parent = f"{owner_key[0]}:{owner_key[1]}/{slot}" if owner_key else f"/{slot}"
    return Place(parent, owner_key, (*owner.path, title_of(item)), (*owner.kinds, kind_of(item)), protected)


def kind_of(item: Item) -> str:
    if isinstance(item, Tool):
        return "tool"
    if isinstance(item, Relation):
        return "relation"
    if isinstance(item, Classification):
        return "classification"
    return "option" if isinstance(item, Option) else "tree-option"


def family(kind: str) -> str:
    return _FAMILY[kind]


def title_of(item: Item) -> str:
    return item.value if isinstance(item, Option) else item.title


def type_of(item: Item) -> str | None:
    return item.type if isinstance(item, _Node) else None


def slots(item: Item) -> tuple[tuple[str, list[Any]], ...]:
    """The child lists of a node, each with the kind of its children; the same slots for one family.

    A tree dropdown's `options` are its flattened tree, derived on the wire: only the tree is diffed.
    """
    if isinstance(item, TreeOption):
        return (("tree-option", item.children),)
    if isinstance(item, Option):
        return ()
    options = [] if item.type == TREE_TYPE else item.options
    tree = item.tree_options if isinstance(item, Classification) else []
    return (("classification", item.classifications), ("option", options), ("tree-option", tree))


def attributes(item: Item) -> JSON:
    """The attributes an update compares (not identity, title, type, children or placement)."""
    if isinstance(item, Option):
        return {}
    if isinstance(item, TreeOption):
        return {"value": item.value if item.value is not None else item.id}
    names = NODE_ATTRS + (CLASSIFICATION_ATTRS if isinstance(item, Classification) else ())
    return {name: getattr(item, name) for name in names}


def attribute_changes(desired: Item, live: Item) -> tuple[JSON, JSON]:
    """Each attribute that differs, as (before, after) mappings; live-only `extra` keys are not changes."""
    want, have = attributes(desired), attributes(live)
    before: JSON = {}
    after: JSON = {}
    for name in sorted(want.keys() | have.keys()):
        # An attribute only one kind has (a tool that became a classification) counts at its default.
        default = _default(desired if name in want else live, name)
        if want.get(name, default) != have.get(name, default):
            before[name], after[name] = have.get(name, default), want.get(name, default)
    for key, value in desired.extra.items():
        if live.extra.get(key) != value:
            before[f"extra.{key}"], after[f"extra.{key}"] = live.extra.get(key), value
    return before, after


def _default(item: Item, name: str) -> Any:
    return type(item).model_fields[name].default


def parent_option(item: Item) -> str | None:
    return item.parent_option_id if isinstance(item, Classification) else None


def when_of(item: Item) -> str | None:
    return item.when if isinstance(item, Classification) else None


def summary(item: Item) -> JSON:
    """A node and everything under it, in plain JSON, showing only what differs from the defaults."""
    if isinstance(item, Option):
        return {"value": item.value, "id": item.id}
    if isinstance(item, TreeOption):
        out: JSON = {"title": item.title, "id": item.id}
        if item.value is not None:
            out["value"] = item.value
        return _with_children(out, item)
    out = {"type": item.type, "title": item.title, "id": item.id}
    defaults = type(item).model_fields
    for name, value in attributes(item).items():
        if value != defaults[name].default:
            out[name] = value
    if isinstance(item, Classification) and item.when is not None:
        out["when"] = item.when
    return _with_children(out, item)


def _with_children(out: JSON, item: Item) -> JSON:
    for kind, children in slots(item):
        if children:
            key = "children" if isinstance(item, TreeOption) else _SLOT_KEYS[kind]
            out[key] = [summary(child) for child in children]
    return out


_SLOT_KEYS = {"classification": "classifications", "option": "options", "tree-option": "tree_options"}

