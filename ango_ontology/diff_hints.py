"""Rename intent: a delete and a create among the same siblings that look like one node renamed."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from difflib import SequenceMatcher

from .diff_nodes import Place, slots, title_of, type_of
from .model import Item
from .plan import Change

# A pair must be at least this alike (title and children weigh half each) to be called a rename.
RENAME_THRESHOLD = 0.6
# Comparing every delete with every create is quadratic: past this many pairs among one set of
# siblings only the unambiguous one-to-one case is hinted.
MAX_PAIRS = 2500


# A create or delete change: its index in the change list, the node and where it sits.
Entry = tuple[int, Item, Place]


def hint_renames(changes: list[Change], creates: list[Entry], deletes: list[Entry]) -> None:
    """Put the rename hint on both changes of each likely pair; a protected new node protects the old."""
    groups: dict[tuple[str, str], tuple[list[Entry], list[Entry]]] = defaultdict(lambda: ([], []))
    for entry in creates:
        groups[(entry[1].kind, entry[2].parent)][0].append(entry)
    for entry in deletes:
        groups[(entry[1].kind, entry[2].parent)][1].append(entry)
    for new, old in groups.values():
        for created, deleted in _pairs(new, old):
            alike = similarity(deleted[1], created[1]) >= RENAME_THRESHOLD
            _mark(changes, created, deleted, None if alike else title_of(created[1]))


def _pairs(new: list[Entry], old: list[Entry]) -> list[tuple[Entry, Entry]]:
    candidates = [(c, d) for c in new for d in old if type_of(c[1]) == type_of(d[1])] \
        if len(new) * len(old) <= MAX_PAIRS else []
    if len(new) == 1 and len(old) == 1:
        return candidates  # the only pair: worth the question even when the titles differ
    scored = sorted(((similarity(d[1], c[1]), c[0], d[0], c, d) for c, d in candidates),
                    key=lambda s: (-s[0], s[1], s[2]))
    taken: set[int] = set()
    out = []
    for score, created_at, deleted_at, created, deleted in scored:
        if score >= RENAME_THRESHOLD and created_at not in taken and deleted_at not in taken:
            taken.update((created_at, deleted_at))
            out.append((created, deleted))
    return out


def similarity(old: Item, new: Item) -> float:
    """How alike two nodes look: title similarity, and the overlap of their children's titles."""
    title = SequenceMatcher(None, title_of(old).casefold(), title_of(new).casefold()).ratio()
    old_children, new_children = _child_titles(old), _child_titles(new)
    if not old_children and not new_children:
        return title
    overlap = len(old_children & new_children) / len(old_children | new_children)
    return (title + overlap) / 2


def _child_titles(item: Item) -> set[str]:
    return {title_of(child) for _, children in slots(item) for child in children}


def rename_hint(old: Item, unlike: str | None = None, new: Item | None = None) -> str:
    """The fix; when the new title is `unlike` the old one, only on the condition that they are one thing. For
    a node of the same title under another id, only the id: `renamed_from` naming its own title means nothing."""
    if new is not None and title_of(new) == title_of(old):
        return f"the same title under another id — add `id: {old.id}` to keep the existing annotations"
    key = "renamed_from"
    condition = f" if '{title_of(old)}' and '{unlike}' are the same thing," if unlike is not None else ""
    return (f"looks like a rename —{condition} add `id: {old.id}` (or `{key}: {title_of(old)}`) "
            "to keep the existing annotations")


def _mark(changes: list[Change], created: Entry, deleted: Entry, unlike: str | None) -> None:
    hint = rename_hint(deleted[1], unlike, created[1])
    changes[created[0]] = dataclasses.replace(changes[created[0]], hint=hint)
    protected = changes[deleted[0]].protected or created[2].protected
    changes[deleted[0]] = dataclasses.replace(changes[deleted[0]], hint=hint, protected=protected)
