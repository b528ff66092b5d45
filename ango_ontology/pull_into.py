"""pull --into's two judgements: which of the file's items the live project lacks to keep, and whether the result loads.

An item of the file that the live project lacks was either added in the file and not applied yet —
kept — or deleted in the web UI — removed. With the label set as it was last applied (the base:
`--base REV`, or the commit the project's latest backup recorded) that is known exactly: an item
the base held was applied, so it was deleted live. Without a base, a tool, classification or relation
written with an explicit `id:` came from the hub (pull writes ids), and one without is new; answers
(options, tree nodes), mostly written bare, are taken as deleted live. Every item removed, and every
one kept, is said.

A merged file that does not load is never written: when the live label set loads on its own, the
merge (what the file adds to it) is the cause, and the sentence says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import InputError, OntologyInvalid
from .identity import resolve
from .loader import load_text
from .model import JSON, Item, Ontology
from .pull import label_set_yaml, live_ontology

Key = tuple[str, str | None]
T = TypeVar("T", bound=Item)


def key(item: Item) -> Key:
    return (item.kind, item.id)


def name(item: Item) -> str:
    """`tool Lamp`, `option Sunny`, `tree node Food`."""
    kind = "tree node" if item.kind == "tree-option" else item.kind
    return f"{kind} {getattr(item, 'title', None) or getattr(item, 'value', '')}"


@dataclass
class Local:
    """Which items of the (resolved) file that the live project lacks are the file's own: kept, not removed."""

    explicit: set[int]  # id() of the resolved items written with an `id:` in the file
    base: set[Key] | None = None  # what the last applied version held, when known
    base_label: str = ""
    said: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, mine: Ontology, resolved: Ontology, live: Ontology, base: Ontology | None = None,
           base_label: str = "") -> Local:
        explicit = {id(done) for item, done in zip(mine.walk(), resolved.walk(), strict=True) if item.id is not None}
        held = None if base is None else {key(item) for item in resolve(base, live).walk()}
        return cls(explicit, held, base_label)

    def keeps(self, item: Item) -> bool:
        """Whether an item the live project lacks stays in the file (said either way)."""
        if self.base is not None:
            kept = key(item) not in self.base
            why = f"{'not ' if kept else ''}in {self.base_label}"
        elif item.kind in ("option", "tree-option"):  # written bare, they carry no id to tell by
            kept, why = False, "with no last applied version to tell, an answer gone live was deleted there: " \
                               "pass --base REV to keep one added in the file"
        else:
            kept = id(item) not in self.explicit
            why = "no `id:` in the file: added there" if kept else f"`id: {item.id}` in the file: it came from the hub"
        verb = "kept" if kept else "removed"
        said = "not in the live project" if kept else "deleted in the web UI"
        self.said.append(f"{verb} {name(item)}: {said} ({why})")
        return kept

    def target(self, mine: Iterable[T], live: Sequence[T]) -> list[T]:
        """The order the list is brought to: the live one, with the file's own items kept after the item before
        them in the file."""
        mine = list(mine)
        out = list(live)
        present = {key(item) for item in live}
        for index, item in enumerate(mine):
            if key(item) in present or not self.keeps(item):
                continue
            before = next((key(prior) for prior in reversed(mine[:index]) if key(prior) in present), None)
            at = next((i + 1 for i, placed in enumerate(out) if key(placed) == before), 0) if before else 0
            out.insert(at, item)
            present.add(key(item))
        return out


def check_merged(merged: str, project_json: JSON | None, filename: str) -> None:
    """InputError when the merged file does not load for a reason the live label set alone does not have."""
    try:
        load_text(merged, filename)
        return
    except OntologyInvalid as error:
        found = error.problems
    try:
        load_text(label_set_yaml(project_json, None, []), filename)
        live: set[tuple[str, str]] = set()
    except OntologyInvalid as error:
        live = {(problem.breadcrumb, problem.message) for problem in error.problems}
    ours = [problem for problem in found if (problem.breadcrumb, problem.message) not in live]
    if ours:
        listed = "\n".join(f"  {problem}" for problem in ours)
        raise InputError(f"{filename}: merging the live label set into it gives a file that does not load, so it "
                         f"was left unchanged:\n{listed}\nThe live label set loads on its own: what the file adds to "
                         "it no longer fits (fix the file, or pull into a new file with -o and compare with "
                         "`ango-ontology diff`)")


__all__ = ["Local", "check_merged", "live_ontology"]
