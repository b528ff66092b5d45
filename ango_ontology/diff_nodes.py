"""What the diff needs to know of each node kind: its title, children, comparable attributes and summary."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import (
    FAMILY,
    JSON,
    SECTION_NAMES,
    Classification,
    Item,
    Kind,
    Node,
    Ontology,
    Option,
    TreeOption,
    same_json,
    uses_tree,
    wire_keys,
)
from .model import attributes as plain_attributes
from .plan import Position
from .provenance import read_from
from .wire import CHILD_KEYS, canonical_json, node_to_wire, written_head
from .wire_write import unlisted

Key = tuple[str, str]
Rank = tuple[tuple[int, ...], ...]
"""Where a node comes in the file's order: per level (slot, index, side, live index); see `slot_rank`."""

# The editor's order: tools, classifications, relations at the top; a node's options (or tree) before the
# questions they reveal.
_SLOT_RANKS = {"tool": 0, "classification": 1, "relation": 2}
_CHILD_SLOT_RANKS = {"option": 0, "tree-option": 1, "classification": 2}


@dataclass(frozen=True)
class Place:
    """Where a node sits: its parent slot, the parent node, its path of titles and kinds, its rank in the
    file's order and its position among its siblings."""

    parent: str
    parent_node: Key | None
    path: tuple[str, ...]
    kinds: tuple[str, ...]
    protected: bool
    rank: Rank = ()
    position: Position | None = None


def slot_rank(slot: str, owner_key: Key | None) -> int:
    return (_SLOT_RANKS if owner_key is None else _CHILD_SLOT_RANKS)[slot]


def siblings_position(items: list[Any], index: int) -> Position:
    """The 1-based position of `items[index]` and the title of the item before it."""
    return Position(index + 1, title_of(items[index - 1]) if index else None)


def node_key(item: Item) -> Key:
    """A node's identity: its id within its family (tools, classifications, relations share one)."""
    if item.id is None:
        raise ValueError(f"{item.kind} {title_of(item)!r} has no id: resolve the ontology first")
    return FAMILY[item.kind], item.id


def child_place(owner: Place, owner_key: Key | None, slot: str, item: Item, protected: bool,
                rank: tuple[int, ...] = (), position: Position | None = None) -> Place:
    """The place of `item` in `owner`'s `slot`; `rank` is its own step in the file's order."""
    parent = f"{owner_key[0]}:{owner_key[1]}/{slot}" if owner_key else f"/{slot}"
    return Place(parent, owner_key, (*owner.path, title_of(item)), (*owner.kinds, item.kind), protected,
                 (*owner.rank, rank), position)


def title_of(item: Item) -> str:
    return item.value if isinstance(item, Option) else item.title


def type_of(item: Item) -> str | None:
    return item.type if isinstance(item, Node) else None


def slots(item: Item) -> tuple[tuple[Kind, list[Any]], ...]:
    """The child lists of a node, each with the kind of its children; the same slots for one family.

    A tree dropdown's `options` are its flattened tree, derived on the wire: only the tree is diffed.
    """
    if isinstance(item, TreeOption):
        return (("tree-option", item.children),)
    if isinstance(item, Option):
        return ()
    options = [] if uses_tree(item) else item.options
    tree = item.tree_options if isinstance(item, Classification) else []
    return (("classification", item.classifications), ("option", options), ("tree-option", tree))


def attributes(item: Item) -> JSON:
    """The attributes an update compares (not identity, title, type, children or placement)."""
    if isinstance(item, Option):
        return {}
    if isinstance(item, TreeOption):
        return {"value": item.value if item.value is not None else item.id}
    return {attribute.name: getattr(item, attribute.name) for attribute in plain_attributes(type(item))}


def attribute_changes(desired: Item, live: Item) -> tuple[JSON, JSON]:
    """Each attribute that differs, as (before, after) mappings; live-only `extra` keys are not changes."""
    want, have = attributes(desired), attributes(live)
    before: JSON = {}
    after: JSON = {}
    for name in sorted(want.keys() | have.keys()):
        # An attribute only one kind has (a tool that became a classification) counts at its default.
        default = _default(desired if name in want else live, name)
        if not same_json(want.get(name, default), have.get(name, default)):  # `default_value: 1` is not `true`
            before[name], after[name] = have.get(name, default), want.get(name, default)
    for key, value in desired.extra.items():
        for path, old, new in json_changes(live.extra.get(key, ABSENT), value, f"extra.{key}"):
            if old is not ABSENT:  # a key one side lacks is missing from its mapping: shown `(absent)`
                before[path] = old
            if new is not ABSENT:
                after[path] = new
    return before, after


ABSENT: Any = object()
"""A key one side does not have (never taken for an equal null)."""


def json_changes(old: Any, new: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """Where two JSON values differ, as (dotted path, before, after): nested objects are entered, so a
    changed leaf of a large Ango setting shows as that leaf, not as two whole blobs (lists are compared
    whole unless they keep their length). A key only one side has is a change, even to or from null (its
    missing side is `ABSENT`); so is a value of another JSON type (`1`, `1.0` and `true` differ)."""
    if old is not ABSENT and new is not ABSENT and same_json(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            yield from json_changes(old.get(key, ABSENT), new.get(key, ABSENT), f"{path}.{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (left, right) in enumerate(zip(old, new, strict=True)):
            yield from json_changes(left, right, f"{path}[{index}]")
    else:
        yield path, old, new


# --- what is sent beyond the models -------------------------------------------------------------------------
#
# A desired node from a file continues the dict of its live twin, so what it sends differs from what the hub
# holds only where its values do. A node read from elsewhere (a saved plan, a backup) is sent as it was read:
# there the JSON type of a value, a null, a missing key or an unknown key can differ while the models agree.

_EVERY_CHILD_KEY = (*CHILD_KEYS, "children")


def raw_of(item: Item | Ontology) -> JSON | None:
    read = read_from(item)
    return read[0] if read is not None else None


def same_source(desired: Item | Ontology, live: Item | Ontology) -> bool:
    """Whether a node continues the very dict the live one was read from, or one that is the same JSON (and
    writes nothing over it that the live node does not stand for)."""
    mine, theirs = raw_of(desired), raw_of(live)
    if mine is theirs:
        return not overwritten(desired, live)
    return mine is not None and theirs is not None and canonical_json(mine) == canonical_json(theirs)


def overwritten(desired: Item | Ontology, live: Item | Ontology) -> bool:
    """Whether `desired` is written over its dict as other than its live twin stands for it: a value the dict
    does not hold although the models agree (an id the hub stores none of; see `provenance.written_over`)."""
    read, twin = read_from(desired), read_from(live)
    return read is not None and twin is not None and read[1] is not twin[1] and read[1] != twin[1]


def wire_changes(desired: Item, live: Item) -> tuple[JSON, JSON]:
    """What a node sends and the hub holds differently although no modelled value explains it, as
    (before, after): `wire.<key>` for a key the toolkit models, `extra.<key>` for one it does not; a key
    absent on one side is missing from that side's mapping."""
    raw = raw_of(desired)
    if raw is raw_of(live) and not overwritten(desired, live) and not any(
            unlisted(raw.get(key)) for key in _EVERY_CHILD_KEY if raw is not None):
        return {}, {}
    sent, held = written_head(desired), written_head(live)
    known = {**wire_keys(type(live)), **wire_keys(type(desired))}
    before: JSON = {}
    after: JSON = {}
    for key in dict.fromkeys([*held, *sent]):
        old, new = held.get(key, ABSENT), sent.get(key, ABSENT)
        if _explained(desired, live, key, known) or (old is not ABSENT and new is not ABSENT
                                                      and same_json(old, new)):
            continue
        name = f"{'wire' if key in known else 'extra'}.{key}"
        if old is not ABSENT:
            before[name] = old
        if new is not ABSENT:
            after[name] = new
    return before, after


def _explained(desired: Item, live: Item, key: str, known: dict[str, str]) -> bool:
    """Whether the plan already shows why `key` differs: a changed value, or changed children."""
    if key in _EVERY_CHILD_KEY:
        return _children_differ(desired, live, key)
    field = known.get(key)
    if field is None:  # not modelled: shown when the file's extra value differs from the live one
        return key in desired.extra and not same_json(live.extra.get(key), desired.extra[key])
    if isinstance(desired, TreeOption) and isinstance(live, TreeOption) and field == "value":
        return attributes(desired) != attributes(live)
    return not same_json(_value(desired, live, field), _value(live, desired, field))


def _value(item: Item, other: Item, field: str) -> Any:
    """A field's value; a field only the other kind has (a tool that became a classification) at its default."""
    return getattr(item, field) if field in type(item).model_fields else _default(other, field)


def _children_differ(desired: Item, live: Item, key: str) -> bool:
    """Children that differ are shown as their own changes; only empty lists differ by representation alone,
    and what the hub holds there that is no list is shown replaced."""
    if unlisted(written_head(live).get(key)):
        return False
    if key == "options" and isinstance(desired, Node) and uses_tree(desired):
        return getattr(desired, "tree_options", []) != getattr(live, "tree_options", [])
    field = {"treeOptions": "tree_options"}.get(key, key)
    return bool(getattr(desired, field, None) or getattr(live, field, None))


def label_set_changes(desired: Ontology, live: Ontology) -> tuple[JSON, JSON]:
    """Keys at the top of the categorySchema that differ (the sections are compared node by node)."""
    mine, theirs = raw_of(desired), raw_of(live)
    before: JSON = {}
    after: JSON = {}
    for name in SECTION_NAMES:  # what the hub holds in a section that is no list is replaced by its nodes
        held_there = (theirs or {}).get(name)
        if unlisted(held_there) and desired.section(name):
            before[name], after[name] = held_there, [node_to_wire(node) for node in desired.section(name)]
    if mine is theirs:
        return before, after
    sent, held = mine or {}, theirs or {}
    for key in dict.fromkeys([*held, *sent]):
        old, new = held.get(key, ABSENT), sent.get(key, ABSENT)
        if key in SECTION_NAMES:
            continue  # compared node by node
        if old is not ABSENT and new is not ABSENT and same_json(old, new):
            continue
        if old is not ABSENT:
            before[key] = old
        if new is not ABSENT:
            after[key] = new
    return before, after


def _default(item: Item, name: str) -> Any:
    return type(item).model_fields[name].default


def parent_option(item: Item) -> str | None:
    return item.parent_option_id if isinstance(item, Classification) else None


def when_of(item: Item) -> str | None:
    return item.when if isinstance(item, Classification) else None


def summary(item: Item) -> JSON:
    """A node and everything under it, in plain JSON, showing only what differs from the defaults (and the
    keys the toolkit does not model, under `extra`)."""
    if isinstance(item, Option):
        return _with_extra({"value": item.value, "id": item.id}, item)
    if isinstance(item, TreeOption):
        out: JSON = {"title": item.title, "id": item.id}
        if item.value is not None:
            out["value"] = item.value
        return _with_children(_with_extra(out, item), item)
    out = {"type": item.type, "title": item.title, "id": item.id}
    defaults = type(item).model_fields
    for name, value in attributes(item).items():
        if value != defaults[name].default:
            out[name] = value
    if isinstance(item, Classification) and item.when is not None:
        out["when"] = item.when
    return _with_children(_with_extra(out, item), item)


def _with_extra(out: JSON, item: Item) -> JSON:
    if item.extra:
        out["extra"] = item.extra
    return out


def _with_children(out: JSON, item: Item) -> JSON:
    for kind, children in slots(item):
        if children:
            key = "children" if isinstance(item, TreeOption) else _SLOT_KEYS[kind]
            out[key] = [summary(child) for child in children]
    return out


_SLOT_KEYS = {"classification": "classifications", "option": "options", "tree-option": "tree_options"}

