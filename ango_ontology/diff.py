"""The diff engine: resolved desired vs live label sets → changes, by keyed set difference on ids (no I/O).

Two passes, alembic style. First both trees are walked together, children matched by id under
their (already matched) parent; an equal pair of subtrees costs one `==` and is not entered.
Children left unmatched are orphans. Second, every node of the orphan subtrees is indexed by id
on each side: an id on both sides moved (another parent), one only desired is created, one only
live is deleted. A create or delete inside a created or deleted node folds into that node's
change (its summary lists the children), so counts are per subtree, like a table with its columns.

Protection: `protect: true` exists only in the desired file, so it covers that node and all it
contains. A destructive change is flagged `protected` when it replaces or moves a protected node,
deletes something inside one, or deletes the live twin of a protected node re-created under a new
title (the rename hint pairs them). Removing a protected node from the file altogether is taken as
removing its protection: nothing is left to say otherwise.
"""

from __future__ import annotations

from typing import Any

from .diff_hints import hint_renames
from .diff_nodes import (
    Key,
    Place,
    attribute_changes,
    child_place,
    node_key,
    parent_option,
    slots,
    summary,
    title_of,
    type_of,
    when_of,
)
from .identity import resolve
from .live import Live, as_live
from .model import JSON, SECTIONS, Item, Kind, Ontology, Option
from .plan import DESTRUCTIVE_ACTIONS, Action, Change, Plan, ordered
from .wire import to_category_schema

REQUIRED_WARNING = ("required is turned on: tasks labelled before have no answer for it and will not "
                    "pass review until one is added")


ROOT = Place("", None, (), (), False)


class _Differ:
    def __init__(self, live_is_empty: bool) -> None:
        self.changes: list[Change] = []
        self.desired_orphans: list[tuple[Item, Place]] = []
        self.live_orphans: list[tuple[Item, Place]] = []
        self.creates: list[tuple[int, Item, Place]] = []
        self.deletes: list[tuple[int, Item, Place]] = []
        self.live_is_empty = live_is_empty

    def add(self, action: Action, kind: Kind, place: Place, node_id: str | None, before: JSON | None,
            after: JSON | None, protected: bool = False, warnings: tuple[str, ...] = ()) -> int:
        self.changes.append(Change(action, kind, place.path, place.kinds, node_id, before, after,
                                   action in DESTRUCTIVE_ACTIONS, protected, None, warnings))
        return len(self.changes) - 1

    # --- first pass: walk matched parents ------------------------------------------------------------

    def match(self, slot: Kind, desired: list[Any], live: list[Any], owner: Place,
              owner_key: Key | None) -> None:
        """Pair children by id under one matched parent; the rest become orphans."""
        by_id = {node_key(item): item for item in live}
        paired: set[Key] = set()
        for item in desired:
            key = node_key(item)
            place = child_place(owner, owner_key, slot, item, owner.protected or item.protect)
            twin = by_id.get(key)
            if twin is None or key in paired:
                self.desired_orphans.append((item, place))
                continue
            paired.add(key)
            self.pair(item, twin, place, place, nested=True)
        self.live_orphans.extend((item, child_place(owner, owner_key, slot, item, owner.protected))
                                 for item in live if node_key(item) not in paired)
        self.reorder(slot, desired, live, owner, owner_key)

    def pair(self, desired: Item, live: Item, place: Place, live_place: Place, nested: bool) -> None:
        """Compare one matched pair; `nested` walks its children, else they are indexed orphans."""
        if nested and desired == live:
            return
        self.compare(desired, live, place, live_place)
        key = node_key(desired)
        for (slot, want), (_, have) in zip(slots(desired), slots(live), strict=True):
            if nested:
                self.match(slot, want, have, place, key)
            else:
                self.reorder(slot, want, have, place, key)

    def compare(self, desired: Item, live: Item, place: Place, live_place: Place) -> None:
        kind, protected = desired.kind, place.protected
        if kind != live.kind or type_of(desired) != type_of(live):
            before: JSON = {"type": type_of(live)}
            after: JSON = {"type": type_of(desired)}
            if kind != live.kind:
                before["kind"], after["kind"] = live.kind, kind
            self.add("replace", kind, place, desired.id, before, after, protected)
        if title_of(desired) != title_of(live):
            name = "value" if isinstance(desired, Option) else "title"
            self.add("rename", kind, place, desired.id, {name: title_of(live)}, {name: title_of(desired)},
                     protected)
        before, after = attribute_changes(desired, live)
        if before:
            warn = (REQUIRED_WARNING,) if after.get("required") is True else ()
            self.add("update", kind, place, desired.id, before, after, protected, warn)
        self.move(desired, live, place, live_place)

    def move(self, desired: Item, live: Item, place: Place, live_place: Place) -> None:
        before: JSON = {}
        after: JSON = {}
        # Only another parent node counts: a tool that became a top-level classification is a replace.
        if place.parent_node != live_place.parent_node:
            before["parent"], after["parent"] = list(live_place.path[:-1]), list(place.path[:-1])
        if parent_option(desired) != parent_option(live):
            before["when"], after["when"] = when_of(live), when_of(desired)
        if before:
            self.add("move", desired.kind, place, desired.id, before, after, place.protected)

    def reorder(self, slot: Kind, desired: list[Any], live: list[Any], owner: Place,
                owner_key: Key | None) -> None:
        """One change on the parent when the children present on both sides are in another order."""
        live_keys = {node_key(item) for item in live}
        desired_keys = {node_key(item) for item in desired}
        want = [item for item in desired if node_key(item) in live_keys]
        have = [item for item in live if node_key(item) in desired_keys]
        if [node_key(item) for item in want] != [node_key(item) for item in have]:
            before = {"order": [title_of(item) for item in have]}
            after = {"order": [title_of(item) for item in want]}
            self.add("reorder", slot, owner, owner_key[1] if owner_key else None, before, after)

    # --- second pass: orphans ------------------------------------------------------------------------

    def settle(self) -> None:
        desired = index(self.desired_orphans)
        live = index(self.live_orphans)
        for key, (item, place) in desired.items():
            twin = live.get(key)
            if twin is not None:
                self.pair(item, twin[0], place, twin[1], nested=False)
            elif not _inside_new(place, desired, live):
                self.create(item, place)
        for key, (item, place) in live.items():
            if key not in desired and not _inside_new(place, live, desired):
                self.delete(item, place, desired)

    def create(self, item: Item, place: Place) -> None:
        required = getattr(item, "required", False) and not self.live_is_empty
        warnings = (REQUIRED_WARNING,) if required else ()
        at = self.add("create", item.kind, place, item.id, None, summary(item), place.protected, warnings)
        self.creates.append((at, item, place))

    def delete(self, item: Item, place: Place, desired: dict[Key, tuple[Item, Place]]) -> None:
        # Say where it was under the parent's new title when the parent itself moved or was renamed.
        parent = desired.get(place.parent_node) if place.parent_node else None
        if parent is not None:
            where = parent[1]
            place = Place(place.parent, place.parent_node, where.path + place.path[-1:],
                          where.kinds + place.kinds[-1:], place.protected or where.protected)
        at = self.add("delete", item.kind, place, item.id, summary(item), None, place.protected)
        self.deletes.append((at, item, place))


def _inside_new(place: Place, side: dict[Key, Any], other: dict[Key, Any]) -> bool:
    """True when the parent is itself only on this side: the node is part of its parent's change."""
    return place.parent_node is not None and place.parent_node in side and place.parent_node not in other


def index(orphans: list[tuple[Item, Place]]) -> dict[Key, tuple[Item, Place]]:
    """Every node of the orphan subtrees by key, depth first; protection flows down to the children."""
    out: dict[Key, tuple[Item, Place]] = {}
    stack = list(reversed(orphans))
    while stack:
        item, place = stack.pop()
        key = node_key(item)
        out.setdefault(key, (item, place))
        for slot, children in reversed(slots(item)):
            stack.extend((child, child_place(place, key, slot, child, place.protected or child.protect))
                         for child in reversed(children))
    return out


def diff(desired: Ontology, live: Ontology) -> list[Change]:
    """Every change that turns `live` into `desired`, in plan order; both resolved (every node has an id).

    Pure and linear in the number of nodes that differ (equal subtrees cost one comparison each).
    """
    differ = _Differ(live.is_empty())
    for section in SECTIONS:
        differ.match(section.kind, desired.section(section.name), live.section(section.name), ROOT, None)
    differ.settle()
    hint_renames(differ.changes, differ.creates, differ.deletes)
    return list(ordered(differ.changes))


def make_plan(desired: Ontology, live: Live | Ontology | JSON | None, *, project: str | None = None,
              project_name: str | None = None, hub: str | None = None) -> Plan:
    """Plan `desired` against the live side: a `Live`, another label set, a categorySchema, or None for a
    project that does not exist yet.

    Raises OntologyInvalid when a `renamed_from` names nothing in the live project.
    """
    current = as_live(live)
    resolved = resolve(desired, current.ontology)
    return Plan.build(diff(resolved, current.ontology), to_category_schema(resolved), current.fingerprint,
                      project=project, project_name=project_name, hub=hub)
