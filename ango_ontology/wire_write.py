"""Models to Ango's categorySchema: a new node whole, as the official SDK writes it; a node that continues a
live one as the dict it was read from, with only what changed written over it."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from .model import (
    JSON,
    SECTIONS,
    Classification,
    Item,
    Node,
    Ontology,
    Option,
    TreeOption,
    attributes,
    same_json,
    uses_tree,
    wire_keys,
)
from .provenance import read_from

# The order in which the official SDK (1.4.10) writes a node's keys; attributes it does not know follow.
SDK_ORDER = ("tool", "title", "required", "schemaId", "columnField", "color", "shortcutKey", "classifications",
             "options", "treeOptions", "regex", "parentOptionId", "frameSpecific", "showDropdown", "richText",
             "exportName", "displayName", "abbreviatedName", "attributeType", "defaultValue", "multiple")

# A node that continues a live one (see `model.read_from`) is written as the dict it was read from, with only
# the values that differ from the node that dict stands for written over it: unknown keys, JSON types, nulls
# and missing keys stay as the hub holds them, and an unchanged subtree is the live dict itself (no copy).
# A new node is written whole, with the keys the official SDK sends, in its order.

CHILD_KEYS = ("classifications", "options", "treeOptions")


def to_category_schema(ontology: Ontology) -> JSON:
    """The categorySchema for a label set; ids and colours must already be resolved (see `identity.resolve`).

    Keys at the top that the toolkit does not model are those of the schema the label set continues. A
    section is always a list (a missing or null one is written `[]`: the fingerprint and Ango read them alike),
    except where the hub holds something else there (an object, a text) and the label set has no node for it:
    that is kept as it is.
    """
    read = read_from(ontology)
    raw: JSON = read[0] if read is not None else {}
    out = dict(raw)
    changed = False
    for section in SECTIONS:
        written = [node_to_wire(node) for node in ontology.section(section.name)]
        old = raw.get(section.name)
        if (isinstance(old, list) and _same_items(old, written)) or (not written and unlisted(old)):
            continue
        out[section.name] = _with_kept(old, written)
        changed = True
    return out if changed else raw


@cache
def _writers(model: type[Node]) -> tuple[tuple[str, str, bool, Any], ...]:
    """(wire key, field, omitted at its default?, default) for each key of a node kind, in SDK order."""
    omitted = {a.wire: a.default for a in attributes(model) if a.omit_default}
    rank = {key: index for index, key in enumerate(SDK_ORDER)}
    keys = sorted(wire_keys(model).items(), key=lambda item: rank.get(item[0], len(SDK_ORDER)))
    return tuple((key, field, key in omitted, omitted.get(key)) for key, field in keys)


def node_to_wire(node: Node) -> JSON:
    """One tool, classification or relation with its nested classifications and options."""
    read = read_from(node)
    if read is None:
        return _new_node(node)
    raw, was = read
    if was is not node and node == was:
        return raw  # the whole subtree is as the hub holds it
    out = dict(raw)
    changed = was is not node and _write_changes(out, node, was)
    changed |= _put(out, raw, "classifications", [node_to_wire(child) for child in node.classifications])
    if isinstance(node, Classification):
        changed |= _put(out, raw, "treeOptions", [tree_to_wire(child) for child in node.tree_options])
    if uses_tree(node):
        changed |= _put_flattened(out, raw, node, was)
    else:
        changed |= _put(out, raw, "options", [option_to_wire(option) for option in node.options])
    return out if changed else raw


def _new_node(node: Node) -> JSON:
    out: JSON = {}
    for key, field, omit, default in _writers(type(node)):
        if key == "classifications":
            value: Any = [node_to_wire(child) for child in node.classifications]
        elif key == "options":
            value = _reflattened([], node, {}) if uses_tree(node) else [option_to_wire(o) for o in node.options]
        elif key == "treeOptions":
            value = [tree_to_wire(child) for child in getattr(node, field)]
        else:
            value = getattr(node, field)
        if not (omit and value == default):
            out[key] = value
    for key, value in node.extra.items():
        out.setdefault(key, value)
    return out


def _write_changes(out: JSON, node: Item, was: Any) -> bool:
    """Write over `out` each modelled value and extra key of `node` that differs from `was`; whether any did."""
    changed = False
    for key, field in _plain_keys(type(node)):
        value = getattr(node, field)
        if not same_json(value, getattr(was, field, _default(node, field))):
            out[key] = value
            changed = True
    for key, value in node.extra.items():
        if key not in was.extra or not same_json(was.extra[key], value):
            out[key] = value
            changed = True
    return changed


@cache
def _plain_keys(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(wire key, field) of each value a node kind holds that is not a list of children."""
    children = (*CHILD_KEYS, "children")
    return tuple((key, field) for key, field in wire_keys(model).items() if key not in children)


def _default(item: Item, field: str) -> Any:
    return type(item).model_fields[field].get_default(call_default_factory=True)


def _put(out: JSON, raw: JSON, key: str, written: list[JSON]) -> bool:
    """Put a written list of children under `key`, keeping the list read (or its null or absence) when it holds
    exactly those children; whether it changed."""
    old = raw.get(key)
    if isinstance(old, list) and _same_items(old, written):
        return False
    if not written and not isinstance(old, list):
        return False  # nothing to write where the hub holds no list (null, nothing, or anything else)
    out[key] = _with_kept(old, written)
    return True


def unlisted(value: Any) -> bool:
    """Whether the hub holds neither null, nor nothing, nor a list where a list of nodes goes (an object, a text):
    kept while nothing is written there, replaced (a change the plan shows) when something is."""
    return value is not None and not isinstance(value, list)


def _same_items(old: list[Any], written: list[JSON]) -> bool:
    """Whether `written` is the very dicts of `old` (anything else `old` holds, which no model reads, kept)."""
    kept = old if len(old) == len(written) else [item for item in old if isinstance(item, dict)]
    return len(kept) == len(written) and all(map(operator.is_, kept, written))


def _with_kept(old: Any, written: list[JSON]) -> list[Any]:
    """`written`, with each entry of the list read that is not a node (a text, a number, a null) kept where it
    was: after as many nodes as it followed. No model reads them, so none may be dropped unseen."""
    if not isinstance(old, list) or all(isinstance(item, dict) for item in old):
        return written
    out: list[Any] = []
    at = 0
    for item in old:
        if not isinstance(item, dict):
            out.append(item)
        elif at < len(written):
            out.append(written[at])
            at += 1
    return out + written[at:]


def _put_flattened(out: JSON, raw: JSON, node: Classification, was: Any) -> bool:
    """A tree dropdown's options are its flattened tree: whatever the hub holds there is kept as read while the
    tree is; once it changes, only the entries of the nodes it changes are (see `_reflattened`)."""
    if out.get("treeOptions") is raw.get("treeOptions") and isinstance(was, Node) and uses_tree(was):
        return False
    old = raw.get("options")
    if unlisted(old):
        return False  # no list to keep the flattened tree in: kept as the hub holds it
    written = _reflattened(old or [], node, _answers(raw))
    if (not written and not isinstance(old, list)) or (isinstance(old, list) and _same_items(old, written)):
        return False
    out["options"] = written
    return True


def _answers(raw: JSON) -> dict[str, str]:
    """The id and value of each answer the hub holds for a node: its flattened tree, else its options. Read from
    the dict (a node's own model may already hold the tree as changed in place)."""
    tree = [item for item in raw.get("treeOptions") or () if isinstance(item, dict)]
    if tree:
        return {key: path for path, key in _held_paths(tree, "") if key is not None}
    options = raw.get("options")
    pairs = ((text_of(o.get("value")) or "", text_of(o.get("schemaId")))
             for o in (options if isinstance(options, list) else ()) if isinstance(o, dict))
    return {key: value for value, key in pairs if key is not None}


def _held_paths(tree: list[Any], prefix: str) -> Iterator[tuple[str, str | None]]:
    for item in tree:
        if isinstance(item, dict):
            title = text_of(item.get("title")) or ""
            path = f"{prefix} / {title}" if prefix else title
            yield path, text_of(item.get("key")) or text_of(item.get("schemaId"))
            children = item.get("children")
            yield from _held_paths(children if isinstance(children, list) else [], path)


def _reflattened(old: list[Any], node: Classification, live: dict[str, str]) -> list[Any]:
    """The options read with the tree's changes made in place: the entry of a node whose path changed takes its
    new path (its other keys kept), one of a node gone (or of an answer the tree replaces) is dropped, a new
    node's follows the entry of the node before it; any other entry stays exactly as read, and a live node the
    hub holds no entry for (options absent or `[]`) gains none."""
    paths = {key: value for value, key in flatten_tree(node.tree_options) if key is not None}
    held = {text_of(item.get("schemaId")) for item in old if isinstance(item, dict)} - {None}
    after: dict[str | None, list[JSON]] = {}
    anchor: str | None = None
    for key, value in paths.items():
        if key in held:
            anchor = key
        elif key not in live:  # a new node; a live one the hub holds no entry for still has none
            after.setdefault(anchor, []).append({"value": value, "schemaId": key})
    out: list[Any] = after.pop(None, [])
    for item in old:
        held_id = text_of(item.get("schemaId")) if isinstance(item, dict) else None
        if held_id is not None and held_id in paths:
            path = paths[held_id]
            out.append(item if live.get(held_id) == path else {**item, "value": path})
            out.extend(after.pop(held_id, []))
        elif held_id not in live:
            out.append(item)
    return out


def option_to_wire(option: Option) -> JSON:
    read = read_from(option)
    if read is not None:
        raw, was = read
        if was is option:
            return raw
        changed = dict(raw)
        return changed if _write_changes(changed, option, was) else raw
    out: JSON = {"value": option.value, "schemaId": option.id}
    for key, value in option.extra.items():
        out.setdefault(key, value)
    return out


def tree_to_wire(node: TreeOption) -> JSON:
    read = read_from(node)
    if read is None:
        return _new_tree(node)
    raw, was = read
    if was is not node and node == was:
        return raw
    out = dict(raw)
    changed = False
    if was is not node:
        assert isinstance(was, TreeOption)
        changed = _write_tree_changes(out, node, was)
    children = [tree_to_wire(child) for child in node.children]
    changed |= _put(out, raw, "children", children)
    return out if changed else raw


def _new_tree(node: TreeOption) -> JSON:
    out: JSON = {
        "title": node.title,
        "key": node.id,
        "value": node.value if node.value is not None else node.id,
        "children": [tree_to_wire(child) for child in node.children],
    }
    for key, value in node.extra.items():
        out.setdefault(key, value)
    return out


def _write_tree_changes(out: JSON, node: TreeOption, was: TreeOption) -> bool:
    value = node.value if node.value is not None else node.id
    changed = False
    # A node stored without a key (nor a value) has, once its key is written, the value it had: that key.
    if value != (was.value if was.value is not None else was.id if was.id is not None else node.id):
        out["value"] = value
        changed = True
    if node.id != was.id:
        out.pop("schemaId", None)  # the official SDK's place for an explicit key
        out["key"] = node.id
        changed = True
    if node.title != was.title:
        out["title"] = node.title
        changed = True
    for key, extra in node.extra.items():
        if key not in was.extra or not same_json(was.extra[key], extra):
            out[key] = extra
            changed = True
    return changed


def written_head(item: Item) -> JSON:
    """What is sent for one item; its lists of children may be left as read (callers look at its own keys)."""
    read = read_from(item)
    if read is not None and read[1] is item:
        return read[0]
    if isinstance(item, Option):
        return option_to_wire(item)
    if isinstance(item, TreeOption):
        return tree_to_wire(item)
    return node_to_wire(item)


def flatten_tree(nodes: list[TreeOption], prefix: str = "") -> Iterator[tuple[str, str | None]]:
    """Each tree node as (`"Parent / Child"` path, key), depth first, as the SDK flattens trees."""
    for node in nodes:
        path = f"{prefix} / {node.title}" if prefix else node.title
        yield path, node.id
        yield from flatten_tree(node.children, path)


def text_of(value: Any) -> str | None:
    """A JSON value read as text: a number as its digits, null as None, anything else (true, a list, an object)
    as its JSON text (`true`, `["x"]`), never Python's spelling of it (`True`, `['x']`)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
