"""Node identity: match desired nodes to live ones (by id, then title, then `renamed_from`), else derive ids.

Ids and colours made here are deterministic — a hash of the node's path of titles — so serialising
the same ontology twice gives the same bytes and `plan` after `apply` is empty.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import OntologyInvalid, Problem
from .loader import place
from .model import (
    FAMILY,
    SECTIONS,
    TREE_TYPE,
    Classification,
    Item,
    Node,
    Ontology,
    Option,
    TreeOption,
)
from .provenance import borrow, evolve, forget_read, is_as_read, read_from, written_over
from .wire import Choices

_NAMESPACE = uuid.UUID("6f1c2a4e-5b7d-4c8e-9a0b-1d2e3f405162")
# Paths with a title that holds the separator are hashed in their own namespace, written as JSON.
_ESCAPED_NAMESPACE = uuid.UUID("0b7e5c1d-93a4-4f62-8d1e-5a2c7f90b3e4")
_SEP = "\x1f"

N = TypeVar("N", bound=Node)
R = TypeVar("R", bound=Item)
TitlePath = tuple[str, ...]
"""A node's place by kinds and titles from the top (`("tool", "Vehicle", "option", "Car")`): what ids derive from."""


def _hashed(path: TitlePath) -> tuple[uuid.UUID, str]:
    """What a path is hashed as: one name per path, so no title can pass for two (`"A\x1fB"` vs `A`, `B`).

    Joining with the separator is what every id derived so far was made from, and it is one-to-one
    for paths whose titles do not hold the separator: kept as it is, so no existing id changes. A
    path with the separator in a title is written as JSON (one-to-one) under a namespace of its own,
    so it can never hash the same name as a joined path.
    """
    if not any(_SEP in part for part in path):
        return _NAMESPACE, _SEP.join(path)
    return _ESCAPED_NAMESPACE, json.dumps(list(path), ensure_ascii=False)


def deterministic_id(path: TitlePath) -> str:
    """A 32-hex id (uuid5) derived from a node's path of kinds and titles."""
    namespace, name = _hashed(path)
    # uuid.uuid5, with half a surrogate pair (JSON can carry one in a live title) kept instead of refused.
    digest = hashlib.sha1(namespace.bytes + name.encode("utf-8", "surrogatepass"), usedforsecurity=False).digest()
    return uuid.UUID(bytes=digest[:16], version=5).hex


def deterministic_color(path: TitlePath) -> str:
    """A pleasant, readable `#RRGGBB` derived from the same path (never random)."""
    namespace, name = _hashed(path)
    salt = b"" if namespace == _NAMESPACE else namespace.bytes
    digest = hashlib.sha256(salt + name.encode("utf-8", "surrogatepass")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    lightness = 0.42 + digest[2] / 255 * 0.16
    saturation = 0.55 + digest[3] / 255 * 0.3
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(red * 255):02X}{round(green * 255):02X}{round(blue * 255):02X}"


def breadcrumb(path: TitlePath) -> str:
    """`tools[Vehicle] > classifications[Kind] > options[Car]` from a path of (kind, title) pairs."""
    label = {"tool": "tools", "classification": "classifications", "relation": "relations",
             "option": "options", "tree": "tree"}
    pairs = zip(path[::2], path[1::2], strict=False)
    return " > ".join(f"{label.get(kind, kind)}[{title}]" for kind, title in pairs)


@dataclass
class _LiveIndex:
    """Every live node by id, so an explicit id finds its node wherever it now sits."""

    by_id: dict[str, Any] = field(default_factory=dict)

    def add_all(self, ontology: Ontology) -> None:
        for node_id, item in index_by_id(ontology).items():
            self.by_id.setdefault(node_id, item)


def index_by_id(ontology: Ontology) -> dict[str, Item]:
    """Every node with an id (options and tree nodes too), by id; the first one where two share an id."""
    index: dict[str, Item] = {}
    for item in ontology.walk():
        if item.id is not None:
            index.setdefault(item.id, item)
    return index


class _Siblings:
    """Live siblings by title (options: value), so matching a list of n siblings costs O(n), not O(n²).

    Siblings whose id a desired node claims explicitly are left out: that node takes them by id.
    """

    def __init__(self, live: Iterable[Any], key: str, explicit: set[str]) -> None:
        self.key = key
        self.claimed: set[int] = set()
        self.by_key: dict[str, list[Any]] = {}
        # (node, its renamed_from, its path) of nodes matched by their own title: told once all are matched
        self.stale: list[tuple[Item, str, TitlePath]] = []
        for item in live:
            if item.id is None or item.id not in explicit:
                self.by_key.setdefault(getattr(item, key), []).append(item)

    def take(self, wanted: str) -> Any:
        """The first unclaimed sibling of that title, now claimed; None if there is none."""
        for item in self.by_key.get(wanted, ()):
            if id(item) not in self.claimed:
                self.claimed.add(id(item))
                return item
        return None

    def take_this(self, live: Any) -> bool:
        """Claim the very sibling `live` when it is one of these and unclaimed; whether it was."""
        if id(live) in self.claimed or not any(item is live for item in self.by_key.get(getattr(live, self.key), ())):
            return False
        self.claimed.add(id(live))
        return True

    def unclaimed(self, wanted: str) -> Any:
        """The first sibling of that title no desired node took; None if every one was taken."""
        return next((item for item in self.by_key.get(wanted, ()) if id(item) not in self.claimed), None)


class _Resolver:
    def __init__(self, live: Ontology | None, assign_colors: bool) -> None:
        self.live = _LiveIndex()
        self.against_live = live is not None
        if live is not None:
            self.live.add_all(live)
        self.assign_colors = assign_colors
        self.explicit: set[str] = set()
        self.taken: set[str] = set()
        self.found: list[tuple[Item, str, Problem]] = []  # renamed_from notes, when there is a live side
        self.conditions: list[tuple[Item, str, Problem]] = []  # raised whatever the live side: a `when:` naming nothing

    def adopted(self, item: Item, match: Any, own: TitlePath) -> dict[str, Any]:
        """Id and extra fields of a desired item given its live match: its own id, else the live one, else derived."""
        if item.id is not None:
            item_id = item.id
        elif match is not None and match.id:
            item_id = match.id
            self.taken.add(item_id)
        else:
            item_id = self.derive(own)
            self.taken.add(item_id)  # a sibling of the same path (the hub allows two) derives the next one
        extra = {**(match.extra if match is not None else {}), **item.extra}
        return {"id": item_id, "extra": extra, "renamed_from": None}

    def derive(self, own: TitlePath) -> str:
        """The id derived from the path, unless an explicit `id:` or an adopted live node already has it.

        That happens when a node took over another's id (a rename with `id:` or `renamed_from`) and a new
        node takes the old title: the same path would give the same id twice. The next candidate is
        derived from the path too, so the choice is the same on every run. (A derived id that only an
        unclaimed live node has is that node, renamed in the web UI: it is kept, and shows as a rename.)
        """
        candidate, attempt = deterministic_id(own), 1
        while candidate in self.explicit or candidate in self.taken:
            attempt += 1
            candidate = deterministic_id(own + (f"#{attempt}",))
        return candidate

    def nodes(self, desired: list[N], live: list[Any], path: TitlePath) -> list[N]:
        siblings = _Siblings(live, "title", self.explicit)
        owns = [path + (node.kind, node.title) for node in desired]
        found = self.matches([(node, node.title, own) for node, own in zip(desired, owns, strict=True)], siblings)
        out = [self.node(node, match, own) for node, match, own in zip(desired, found, owns, strict=True)]
        self.tell_stale(siblings)
        return out

    def node(self, node: N, match: Any, own: TitlePath) -> N:
        color = node.color
        if color is None and match is not None:
            color = match.color
        elif color is None and self.assign_colors:
            color = deterministic_color(own)
        update: dict[str, Any] = {**self.adopted(node, match, own), "color": color}
        live_node = match if isinstance(match, Node) else None
        update["options"] = self.options(node.options, live_node.options if live_node else [], own)
        if isinstance(node, Classification):
            live_tree = match.tree_options if isinstance(match, Classification) else []
            update["tree_options"] = self.tree(node.tree_options, live_tree, own)
        tree = update.get("tree_options", [])
        is_tree = node.type == TREE_TYPE and bool(tree or not update["options"])  # as `model.uses_tree` says
        choices = Choices(update["options"], tree if is_tree else None)
        renamed = {option.renamed_from: resolved for option, resolved in zip(node.options, update["options"],
                                                                              strict=True) if option.renamed_from}
        parent = _Parent(node, choices, renamed, Choices.of(live_node) if live_node else None, own)
        children = self.nodes(node.classifications, live_node.classifications if live_node else [], own)
        update["classifications"] = [self.link(child, parent, written)
                                     for child, written in zip(children, node.classifications, strict=True)]
        return self.continuing(evolve(node, update), node, match, own)

    def link(self, child: Classification, parent: _Parent, written: Classification) -> Classification:
        """Turn `when: <option value>` into the option's resolved id (`parentOptionId`), and back.

        A `when:` may name an option by its value, by its old value in the file (`renamed_from`), or by its
        old value in the live project (an option renamed with its `id:` kept): renaming an option is one
        edit. It then says the option's new value.
        """
        if child.parent_option_id is not None:
            when = parent.choices.value_of(child.parent_option_id)
            return evolve(child, {"when": when if when is not None else child.when})
        if child.when is None:
            return child
        found = parent.choices.id_of(child.when)
        if found is not None:
            return evolve(child, {"parent_option_id": found})
        option = parent.renamed.get(child.when)
        if option is not None:
            return evolve(child, {"when": option.value, "parent_option_id": option.id})
        old = parent.live.id_of(child.when) if parent.live is not None else None
        value = parent.choices.value_of(old)
        if value is not None:
            return evolve(child, {"when": value, "parent_option_id": old})
        self.conditions.append((written, "when", Problem(
            f"when: '{child.when}' names no option of the parent {parent.node.type} '{parent.node.title}', nor "
            "the old value of one of its options in the live project: write the option's value, or add "
            f"`renamed_from: {child.when}` to the renamed option",
            breadcrumb(parent.path + ("classification", child.title)))))
        return child

    def options(self, desired: list[Option], live: list[Option], path: TitlePath) -> list[Option]:
        siblings = _Siblings(live, "value", self.explicit)
        wanted = [(option, option.value, path + ("option", option.value)) for option in desired]
        out = [self.continuing(evolve(option, self.adopted(option, match, own)), option, match, own)
               for (option, _, own), match in zip(wanted, self.matches(wanted, siblings), strict=True)]
        self.tell_stale(siblings)
        return out

    def tree(self, desired: list[TreeOption], live: list[TreeOption], path: TitlePath) -> list[TreeOption]:
        siblings = _Siblings(live, "title", self.explicit)
        wanted = [(item, item.title, path + ("tree", item.title)) for item in desired]
        out = []
        for (item, _, own), match in zip(wanted, self.matches(wanted, siblings), strict=True):
            children = self.tree(item.children, match.children if match is not None else [], own)
            value = item.value if item.value is not None else (match.value if match is not None else None)
            resolved = evolve(item, {**self.adopted(item, match, own), "children": children, "value": value})
            out.append(self.continuing(resolved, item, match, own))
        self.tell_stale(siblings)
        return out

    def continuing(self, resolved: R, desired: Item, match: Any, own: TitlePath) -> R:
        """A node from a file continues its live match: it is written as changes over the dict the match was
        read from. A node read from a categorySchema (a saved plan's, a backup's) keeps its own dict, unless
        it is new to the live project: then it is written whole, as any new node, so that a saved plan holding
        anything else (a number for an id, a null) is not what planning it again makes.

        A live node stored without an id has the one its live path derives: where this node's path derives
        another (it, or a node above it, was renamed or moved), the id is written, or the next plan would take
        it for another node (a delete and a create)."""
        if not is_as_read(desired):
            if match is not None:
                borrow(resolved, match)
                if resolved.id is not None and not stored_id(match) and not derives(own, resolved.id):
                    written_over(resolved, id=None)  # the dict holds none: the id is a change, shown in the plan
        elif match is None and self.against_live:
            forget_read(resolved)
        return resolved

    def matches(self, wanted: Sequence[tuple[Item, str, TitlePath]], siblings: _Siblings) -> list[Any]:
        """The live counterpart of each of a list's items (item, its title or value, its path): by id anywhere,
        else an unclaimed sibling by title, else by renamed_from — for every item first, so that no item takes
        by the id its path derives a sibling that a later one names by its title — else the sibling that holds
        the id its path derives (made from this file, renamed since in the web UI)."""
        found = [self.match(item, title, siblings, own) for item, title, own in wanted]
        found = [match if match is not None or item.id is not None else self.unmatched(item, title, siblings, own)
                 for match, (item, title, own) in zip(found, wanted, strict=True)]
        # the live ids these items continue are theirs before any id is derived for a new sibling
        self.taken.update(match.id for match in found if match is not None and match.id)
        return found

    def match(self, item: Item, title: str, siblings: _Siblings, own: TitlePath) -> Any:
        """The live counterpart by id anywhere, else an unclaimed sibling by title, else by renamed_from."""
        if item.id is not None:
            found = self.live.by_id.get(item.id)
            if found is not None:
                siblings.claimed.add(id(found))
            # An option whose id a tree node now carries (a radio turned tree dropdown) has nothing to
            # lend it: only a live node of the same family is a counterpart; the diff still pairs the ids.
            return found if found is None or FAMILY[found.kind] == FAMILY[item.kind] else None
        renamed_from = item.renamed_from
        for wanted in (title, renamed_from):
            found = siblings.take(wanted) if wanted is not None else None
            if found is not None:
                if wanted == title and renamed_from is not None:
                    siblings.stale.append((item, renamed_from, own))
                return found
        return None

    def unmatched(self, item: Item, title: str, siblings: _Siblings, own: TitlePath) -> Any:
        """The live counterpart of an item without id that nothing else matched: the sibling holding the id its
        path derives; else none (said when it names a `renamed_from`)."""
        renamed_from = item.renamed_from
        found = self.derived(item, siblings, own)
        if found is not None:
            return found
        if renamed_from is not None:  # like Terraform's `moved`: a new project or environment has neither
            self.found.append((item, "renamed_from", Problem(
                f"renamed_from: ignored, neither {renamed_from!r} nor {title!r} is live here (a new project or "
                "environment); remove it once the rename is applied to every project", breadcrumb(own))))
        return None

    def derived(self, item: Item, siblings: _Siblings, own: TitlePath) -> Any:
        """The unclaimed live sibling whose id is the one this node's path derives, if any: the node this file
        made (without ids), renamed since in the web UI. It is this node, with all it holds and all inside it."""
        if not siblings.by_key:  # nothing live here (a new project, a new subtree): no id to compute
            return None
        candidate = deterministic_id(own)
        found = self.live.by_id.get(candidate)
        if found is None or candidate in self.explicit or candidate in self.taken or \
                FAMILY[found.kind] != FAMILY[item.kind] or not siblings.take_this(found):
            return None
        return found

    def tell_stale(self, siblings: _Siblings) -> None:
        """A note for each node matched by its title that also names a `renamed_from`: no longer needed when the
        old title is gone; ambiguous when a live node still has it that no desired node took (like Terraform's
        "moved object still exists": nothing is renamed, and that node is deleted)."""
        for item, renamed_from, own in siblings.stale:
            title = own[-1]
            old = siblings.unclaimed(renamed_from)
            if old is None:
                said = (f"renamed_from: {renamed_from!r} is no longer needed here: {title!r} is live; remove it "
                        "once the rename is applied to every project")
            else:
                said = (f"renamed_from: ambiguous here: {renamed_from!r} and {title!r} are both live, so nothing is "
                        f"renamed: {title!r} keeps its own id and the live {renamed_from!r} is deleted with its "
                        f"annotations; if those are the ones to keep, delete the live {title!r} and write "
                        f"`id: {old.id}` on this node, else remove renamed_from")
            self.found.append((item, "renamed_from", Problem(said, breadcrumb(own))))


@dataclass(frozen=True)
class _Parent:
    """What a nested question's `when:` is looked up in: its parent's answers (resolved), the options the
    file renamed (`renamed_from` -> option), the live twin's answers, and the parent's path."""

    node: Node
    choices: Choices
    renamed: dict[str, Option]
    live: Choices | None
    path: TitlePath


def derives(own: TitlePath, item_id: str) -> bool:
    """Whether `item_id` is one that the path `own` derives: its own, or that of a later sibling of the same path
    (`#2`, `#3`…, as `_Resolver.derive` makes them), up to a bound no label set reaches."""
    return any(item_id == deterministic_id(own if attempt == 1 else own + (f"#{attempt}",))
               for attempt in range(1, _SAME_PATH_BOUND))


_SAME_PATH_BOUND = 1_000


def stored_id(item: Item) -> bool:
    """Whether the dict a live item was read from holds its id (a tree node's `key`, or the SDK's `schemaId`)."""
    read = read_from(item)
    if read is None:
        return True
    raw = read[0]
    return bool(raw.get("key") or raw.get("schemaId")) if isinstance(item, TreeOption) else bool(raw.get("schemaId"))


def explicit_ids(ontology: Ontology) -> set[str]:
    return {item.id for item in ontology.walk() if item.id is not None}


def resolve(desired: Ontology, live: Ontology | None = None, *, assign_colors: bool = True,
            notes: list[Problem] | None = None) -> Ontology:
    """Desired nodes with every id, colour and parentOptionId filled in, matched against `live`.

    A `renamed_from` that matches nothing, or is no longer needed, is a note (added to `notes`, at its line
    when `desired` was loaded from a file), never an error: the same file is planned against projects that
    have the old title, the new, or neither. Raises OntologyInvalid for a `when:` that names no answer of
    its parent.
    """
    resolver = _Resolver(live, assign_colors)
    resolver.explicit = explicit_ids(desired)
    empty = Ontology()
    base = live or empty
    resolved = evolve(desired, {
        section.name: resolver.nodes(desired.section(section.name), base.section(section.name), ())
        for section in SECTIONS
    })
    if live is not None and not is_as_read(desired):
        borrow(resolved, live)  # the keys at the top that no model holds are the live schema's
    if resolver.conditions:
        raise OntologyInvalid(place(desired, resolver.conditions))
    if notes is not None and live is not None and resolver.found:
        notes.extend(place(desired, resolver.found))
    return resolved


def resolve_live(live: Ontology) -> Ontology:
    """A live label set with deterministic ids for any node stored without one; colours left as they are.

    Re-resolving a large live schema costs seconds, so one whose every node has an id is returned as is.
    """
    if all(item.id is not None for item in live.walk()):
        return live
    return resolve(live, None, assign_colors=False)


__all__ = ["breadcrumb", "deterministic_color", "deterministic_id", "index_by_id", "resolve", "resolve_live"]
