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

Order: every change gets its node's rank in the file's order (`diff_nodes.Rank`): a node's own changes,
then its options (or tree), then its nested questions, each list in the desired order, a deleted node
right after the sibling it followed live. A reorder is the fewest moves that explain it: every child
outside a longest common subsequence of the two orders.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .diff_hints import hint_renames
from .diff_nodes import (
    Key,
    Place,
    Rank,
    attribute_changes,
    child_place,
    label_set_changes,
    node_key,
    parent_option,
    same_source,
    siblings_position,
    slot_rank,
    slots,
    summary,
    title_of,
    type_of,
    when_of,
    wire_changes,
)
from .errors import Problem
from .identity import resolve
from .live import Live, as_live
from .model import JSON, SECTIONS, Item, Kind, Ontology, Option
from .plan import (
    ACTION_RANK,
    DESTRUCTIVE_ACTIONS,
    Action,
    Change,
    ChangeKind,
    Move,
    Plan,
    Position,
    SourceFile,
    ordered,
)
from .provenance import is_as_read
from .wire import to_category_schema

REQUIRED_WARNING = ("required is turned on: tasks labelled before have no answer for it and will not "
                    "pass review until one is added")


ROOT = Place("", None, (), (), False)


class _Differ:
    def __init__(self, live_is_empty: bool, exact: bool = True) -> None:
        self.exact = exact
        self.changes: list[Change] = []
        self.ranks: list[Rank] = []
        self.anchors: dict[tuple[Key, str], dict[Key, tuple[int, int, int]]] = {}
        self.desired_orphans: list[tuple[Item, Place]] = []
        self.live_orphans: list[tuple[Item, Place]] = []
        self.creates: list[tuple[int, Item, Place]] = []
        self.deletes: list[tuple[int, Item, Place]] = []
        self.live_is_empty = live_is_empty

    def add(self, action: Action, kind: ChangeKind, place: Place, node_id: str | None, before: JSON | None,
            after: JSON | None, protected: bool = False, warnings: tuple[str, ...] = (), *,
            moves: tuple[Move, ...] = (), rank: Rank | None = None) -> int:
        position = place.position if action in ("create", "delete", "move") else None
        self.changes.append(Change(action, kind, place.path, place.kinds, node_id, before, after,
                                   action in DESTRUCTIVE_ACTIONS, protected, None, warnings, None, position, moves))
        self.ranks.append(place.rank if rank is None else rank)
        return len(self.changes) - 1

    def in_file_order(self) -> list[Change]:
        """The changes by their node's rank; several on one node, the one that orphans annotations first."""
        keyed = sorted(zip(self.ranks, self.changes, strict=True),
                       key=lambda pair: (pair[0], ACTION_RANK[pair[1].action]))
        return [change for _, change in keyed]

    # --- first pass: walk matched parents ------------------------------------------------------------

    def match(self, slot: Kind, desired: list[Any], live: list[Any], owner: Place,
              owner_key: Key | None) -> None:
        """Pair children by id under one matched parent; the rest become orphans."""
        by_id = {node_key(item): item for item in live}
        paired: set[Key] = set()
        rank = slot_rank(slot, owner_key)
        for index, item in enumerate(desired):
            key = node_key(item)
            place = child_place(owner, owner_key, slot, item, owner.protected or item.protect, (rank, index, 0, 0),
                                siblings_position(desired, index))
            twin = by_id.get(key)
            if twin is None or key in paired:
                self.desired_orphans.append((item, place))
                continue
            paired.add(key)
            self.pair(item, twin, place, place, nested=True)
        anchors = live_anchors(desired, live)
        self.live_orphans.extend(
            (item, child_place(owner, owner_key, slot, item, owner.protected, (rank, *anchors[node_key(item)]),
                               siblings_position(live, index)))
            for index, item in enumerate(live) if node_key(item) not in paired)
        self.reorder(slot, desired, live, owner, owner_key)

    def pair(self, desired: Item, live: Item, place: Place, live_place: Place, nested: bool) -> None:
        """Compare one matched pair; `nested` walks its children, else they are indexed orphans."""
        if nested and desired == live and (not self.exact or same_source(desired, live)):
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
        if self.exact:
            sent_before, sent_after = wire_changes(desired, live)
            before.update(sent_before)
            after.update(sent_after)
        if before or after:
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
            if before["when"] == after["when"]:  # another option of the same value: only its id tells them apart
                before["parent_option_id"], after["parent_option_id"] = parent_option(live), parent_option(desired)
        if before:
            self.add("move", desired.kind, place, desired.id, before, after, place.protected)

    def reorder(self, slot: Kind, desired: list[Any], live: list[Any], owner: Place,
                owner_key: Key | None) -> None:
        """One change on the parent when the children present on both sides are in another order: the
        fewest of them moved (those outside a longest common subsequence), each from its live position."""
        moves = fewest_moves(desired, live)
        if moves:
            rank = (*owner.rank, (slot_rank(slot, owner_key), -1, 0, 0))
            self.add("reorder", slot, owner, owner_key[1] if owner_key else None, None, None,
                     moves=moves, rank=rank)

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
                self.delete(item, place, desired, live)

    def create(self, item: Item, place: Place) -> None:
        required = getattr(item, "required", False) and not self.live_is_empty
        warnings = (REQUIRED_WARNING,) if required else ()
        at = self.add("create", item.kind, place, item.id, None, summary(item), place.protected, warnings)
        self.creates.append((at, item, place))

    def delete(self, item: Item, place: Place, desired: dict[Key, tuple[Item, Place]],
               live: dict[Key, tuple[Item, Place]]) -> None:
        # Say where it was under the parent's new title when the parent itself moved or was renamed.
        parent = desired.get(place.parent_node) if place.parent_node else None
        if parent is not None and place.parent_node is not None:
            where = parent[1]
            step = (slot_rank(item.kind, place.parent_node),
                    *self.anchor(place.parent_node, item, parent[0], live[place.parent_node][0]))
            place = Place(place.parent, place.parent_node, where.path + place.path[-1:],
                          where.kinds + place.kinds[-1:], place.protected or where.protected,
                          (*where.rank, step), place.position)
        at = self.add("delete", item.kind, place, item.id, summary(item), None, place.protected)
        self.deletes.append((at, item, place))

    def anchor(self, parent_key: Key, item: Item, desired_parent: Item, live_parent: Item) -> tuple[int, int, int]:
        """Where a child deleted from a moved parent comes among the parent's desired children."""
        cache_key = (parent_key, item.kind)
        if cache_key not in self.anchors:
            want = dict(slots(desired_parent)).get(item.kind, [])
            have = dict(slots(live_parent)).get(item.kind, [])
            self.anchors[cache_key] = live_anchors(want, have)
        return self.anchors[cache_key][node_key(item)]


def live_anchors(desired: list[Any], live: list[Any]) -> dict[Key, tuple[int, int, int]]:
    """For each live child not in `desired`: (index of the desired child it followed, 1, its live index).

    A rank step: it sorts after that desired child `(index, 0, …)` and before the next one.
    """
    at = {node_key(item): index for index, item in enumerate(desired)}
    out: dict[Key, tuple[int, int, int]] = {}
    last = -1
    for index, item in enumerate(live):
        key = node_key(item)
        if key in at:
            last = at[key]
        else:
            out[key] = (last, 1, index)
    return out


def fewest_moves(desired: list[Any], live: list[Any]) -> tuple[Move, ...]:
    """The children on both sides that must move so the live order becomes the desired one, in desired order.

    The rest keep their relative order: a longest increasing subsequence of their live positions taken in
    desired order (O(n log n), so a 20,000-node list costs milliseconds).
    """
    live_at = {node_key(item): index for index, item in enumerate(live)}
    common = [(index, item, live_at[node_key(item)]) for index, item in enumerate(desired)
              if node_key(item) in live_at]
    kept = _increasing(common)
    return tuple(Move(title_of(item), item.id, origin + 1, index + 1, title_of(desired[index - 1]) if index else None,
                      Position(origin + 1, title_of(live[origin - 1]) if origin else None))
                 for number, (index, item, origin) in enumerate(common) if number not in kept)


def _increasing(common: list[tuple[int, Any, int]]) -> set[int]:
    """The indices (into `common`) of a longest run of increasing live positions, the earliest on ties."""
    tails: list[int] = []  # tails[k]: index into common of the smallest tail of an increasing run of length k+1
    back: list[int] = []
    for number, (_, _, origin) in enumerate(common):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if common[tails[middle]][2] < origin:
                low = middle + 1
            else:
                high = middle
        back.append(tails[low - 1] if low else -1)
        if low == len(tails):
            tails.append(number)
        else:
            tails[low] = number
    kept: set[int] = set()
    at = tails[-1] if tails else -1
    while at >= 0:
        kept.add(at)
        at = back[at]
    return kept


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
            rank = slot_rank(slot, key)
            stack.extend((child, child_place(place, key, slot, child, place.protected or child.protect,
                                             (rank, index, 0, 0), siblings_position(children, index)))
                         for index, child in reversed(list(enumerate(children))))
    return out


def diff(desired: Ontology, live: Ontology, *, exact: bool = True) -> list[Change]:
    """Every change that turns `live` into `desired`, in plan order; both resolved (every node has an id).

    `exact`: also what is sent differently beyond the models (JSON types, nulls, missing and unknown keys, at
    every level and at the top): a complete plan. Without it, only what the models say (a read-back after a
    write, where a hub may store the same meaning in its own way).
    Pure and linear in the number of nodes that differ (equal subtrees cost one comparison each).
    """
    differ = _Differ(live.is_empty(), exact)
    for section in SECTIONS:
        differ.match(section.kind, desired.section(section.name), live.section(section.name), ROOT, None)
    differ.settle()
    before, after = label_set_changes(desired, live) if exact else ({}, {})
    if before or after:
        differ.add("update", "label-set", ROOT, None, before, after)
    hint_renames(differ.changes, differ.creates, differ.deletes)
    return list(ordered(differ.in_file_order()))


def make_plan(desired: Ontology, live: Live | Ontology | JSON | None, *, project: str | None = None,
              project_name: str | None = None, hub: str | None = None, source: SourceFile | None = None,
              base: SourceFile | None = None, exact: bool = True) -> Plan:
    """Plan `desired` against the live side: a `Live`, another label set, a categorySchema, or None for a
    project that does not exist yet. `source` and `base` name the files of each side, for the header.

    A `renamed_from` that matches nothing here, or is no longer needed, is one of the plan's notes. A label
    set read from a categorySchema (a saved plan's, a backup's) is sent as it was read: no colour is made up
    for it, and its plan shows how what it sends differs from what the hub holds (see `diff`).
    """
    current = as_live(live)
    notes: list[Problem] = []
    resolved = resolve(desired, current.ontology, notes=notes, assign_colors=not is_as_read(desired))
    said = (note if note.file or source is None else replace(note, file=source.file) for note in notes)
    return Plan.build(diff(resolved, current.ontology, exact=exact), to_category_schema(resolved),
                      current.fingerprint, project=project, project_name=project_name, hub=hub, source=source,
                      base=base, live_schema=current.schema, notes=map(str, said))
