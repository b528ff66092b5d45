"""Plan changes as small frozen value objects, and the Plan that orders, counts and serialises them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, get_args

from .characters import spaced
from .errors import PlanFileInvalid
from .model import JSON, Kind
from .wire import fingerprint

FORMAT_VERSION = 1
Action = Literal["create", "rename", "update", "replace", "move", "reorder", "delete"]
Origin = Literal["intent", "drift", "conflict"]
"""Where a change comes from, against the last applied version of the file: the file's own change
(intent), a change made outside the tool since (drift, which apply reverts), or both on one node."""
ChangeKind = Literal[Kind, "label-set"]
"""What a change is to: a node of a kind, or the label set itself (keys at the top of the categorySchema)."""
# The order in which counts are summed up and said ("Plan: 3 to create, 1 to rename, …").
ACTIONS: tuple[Action, ...] = get_args(Action)
KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
DESTRUCTIVE_ACTIONS: frozenset[Action] = frozenset({"delete", "replace", "move"})
# Within one node, the change that orphans annotations is listed before the ones that do not.
ACTION_RANK = {action: rank for rank, action in enumerate(
    ("delete", "replace", "move", "rename", "update", "reorder", "create"))}


@dataclass(frozen=True)
class Impact:
    """How many existing annotations and tasks a change touches (filled in by a later stage).

    `annotations` counts each annotation of the node once (a tool: its objects); `nested` the answers
    of nested questions inside them, shown beside and never added. `unknown` says why the count cannot
    be trusted (a type an export does not list, an export that misses tasks or failed): the numbers are
    then only what could be counted, and the change is never safe.
    """

    annotations: int
    tasks: int
    nested: int = 0
    unknown: str | None = None

    @property
    def safe(self) -> bool:
        """Counted exactly, at no annotation."""
        return self.unknown is None and self.annotations == 0

    @property
    def note(self) -> str:
        """`no annotations — safe`, `12 annotations in 3 tasks, holding 4 nested answers`, or why unknown."""
        if self.safe:
            return "no annotations — safe"
        counted = f"{count_of(self.annotations, 'annotation')} in {count_of(self.tasks, 'task')}"
        if self.nested:
            counted += f", holding {count_of(self.nested, 'nested answer')}"
        if self.unknown is None:
            return counted
        return (f"at least {counted}; " if self.annotations else "") + f"impact unknown: {self.unknown}"

    def to_json(self) -> JSON:
        out: JSON = {"annotations": self.annotations, "tasks": self.tasks}
        if self.nested:
            out["nested"] = self.nested
        if self.unknown is not None:
            out["unknown"] = self.unknown
        return out

    @classmethod
    def from_json(cls, data: JSON) -> Impact:
        return cls(data["annotations"], data["tasks"], data.get("nested", 0), data.get("unknown"))


@dataclass(frozen=True)
class Position:
    """Where a node sits among its siblings: 1-based `index`, and the title of the sibling before it (None: first)."""

    index: int
    after: str | None

    def describe(self) -> str:
        """`first`, `after Truck` (`after "Truck "`: a title with spaces around it is quoted)."""
        return "first" if self.after is None else f"after {spaced(self.after)}"

    def to_json(self) -> JSON:
        return {"index": self.index, "after": self.after}


@dataclass(frozen=True)
class Move:
    """One child moved within its list by a reorder: from its live 1-based position to its new one, after the
    sibling titled `after` (None: first); `was` is where it sat live, told when its number stays the same."""

    title: str
    id: str | None
    origin: int
    target: int
    after: str | None
    was: Position | None = field(default=None, compare=False)

    def to_json(self) -> JSON:
        out: JSON = {"title": self.title, "id": self.id, "from": self.origin, "to": self.target, "after": self.after}
        return out | ({"was_after": self.was.after} if self.was is not None and self.origin == self.target else {})

    @classmethod
    def from_json(cls, data: JSON) -> Move:
        was = Position(data["from"], data["was_after"]) if "was_after" in data else None
        return cls(data["title"], data["id"], data["from"], data["to"], data["after"], was)


@dataclass(frozen=True)
class Change:
    """One change to one node: what happens (`action`) to what (`kind`, `path`, `id`), before → after.

    `before`/`after` hold the changed attributes for rename, update, replace and move, and the
    whole node summary (nested children included) for create (`after`) and delete (`before`).
    A reorder sits on the parent: `path`/`id` are the parent's, `kind` the kind of the children, and
    `moves` the fewest children moved that explain the new order. `position` says where a created,
    moved or deleted node sits among its siblings (a deleted one: where it was).
    """

    action: Action
    kind: ChangeKind
    path: tuple[str, ...]
    path_kinds: tuple[str, ...]
    id: str | None
    before: JSON | None = field(default=None, hash=False)
    after: JSON | None = field(default=None, hash=False)
    destructive: bool = False
    protected: bool = False
    hint: str | None = None
    warnings: tuple[str, ...] = ()
    impact: Impact | None = None
    position: Position | None = None
    moves: tuple[Move, ...] = ()
    origin: Origin | None = None  # with `since`: the file's change, drift from outside, or both at once

    def __post_init__(self) -> None:
        if self.action not in ACTIONS or self.kind not in KINDS:
            raise ValueError(f"unknown change {self.action!r} of {self.kind!r}")
        if len(self.path) != len(self.path_kinds):
            raise ValueError("path and path_kinds differ in length")

    @property
    def title(self) -> str:
        """The node's own title (option: value); empty for a reorder at the root."""
        return self.path[-1] if self.path else ""

    @property
    def impact_note(self) -> str:
        """` (412 annotations in 97 tasks)`, ` (no annotations — safe)`, why it is unknown, or nothing when not
        counted."""
        return f" ({self.impact.note})" if self.impact is not None else ""

    @property
    def may_orphan(self) -> bool:
        """A destructive change not counted exactly at 0 annotations: apply needs --allow-destructive for it."""
        return self.destructive and (self.impact is None or not self.impact.safe)

    def describe(self) -> str:
        """`delete option Vehicle > Kind > Car (12 annotations in 3 tasks)` — the change in a few words."""
        where = f" {' > '.join(self.path)}" if self.path else ""
        return f"{self.action} {self.kind}{where}{self.impact_note}"

    def to_json(self) -> JSON:
        out: JSON = {
            "action": self.action, "kind": self.kind, "path": list(self.path),
            "path_kinds": list(self.path_kinds), "id": self.id, "before": self.before, "after": self.after,
            "destructive": self.destructive, "protected": self.protected, "hint": self.hint,
            "warnings": list(self.warnings),
        }
        if self.impact is not None:
            out["impact"] = self.impact.to_json()
        if self.position is not None:
            out["position"] = self.position.to_json()
        if self.action == "reorder":
            out["moves"] = [move.to_json() for move in self.moves]
        if self.origin is not None:
            out["origin"] = self.origin
        return out

    @classmethod
    def from_json(cls, data: JSON) -> Change:
        impact, position = data.get("impact"), data.get("position")
        return cls(
            action=data["action"], kind=data["kind"], path=tuple(data["path"]),
            path_kinds=tuple(data["path_kinds"]), id=data["id"], before=data["before"],
            after=data["after"], destructive=data["destructive"], protected=data["protected"],
            hint=data["hint"], warnings=tuple(data["warnings"]),
            impact=Impact.from_json(impact) if impact else None,
            position=Position(position["index"], position["after"]) if position else None,
            moves=tuple(Move.from_json(move) for move in data.get("moves") or ()),
            origin=data.get("origin"),
        )


def count_of(number: int, noun: str) -> str:
    """`1 annotation`, `3 annotations`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def ordered(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Destructive changes first, each part in the order given (the diff gives the file's order).

    A reviewer must not miss what can orphan annotations, so every format lists those first.
    """
    listed = list(changes)
    return tuple([c for c in listed if c.destructive] + [c for c in listed if not c.destructive])


@dataclass(frozen=True)
class SourceFile:
    """The file a side of a plan comes from: its name as given, and its git commit when it is in a repository
    (`modified`: the file differs from that commit)."""

    file: str
    commit: str | None = None
    modified: bool = False

    def describe(self) -> str:
        """`ontology.yaml at commit 1a2b3c4d5e6f (with uncommitted changes)`."""
        if self.commit is None:
            return self.file
        edited = " (with uncommitted changes)" if self.modified else ""
        return f"{self.file} at commit {self.commit[:12]}{edited}"

    def to_json(self) -> JSON:
        return {"file": self.file, "commit": self.commit, "modified": self.modified}

    @classmethod
    def from_json(cls, data: JSON | None) -> SourceFile | None:
        return cls(data["file"], data["commit"], data["modified"]) if data else None


@dataclass(frozen=True)
class Plan:
    """What apply would do to one project: the ordered changes and the categorySchema it would push.

    `desired_schema` is the complete categorySchema (ids, colours and live-only fields resolved) to
    send with `create_label_set`; `live_fingerprint` is `wire.fingerprint` of the live schema the
    plan was made against, so a saved plan can be refused once the project changed. `live_schema`
    is that schema itself (None: an empty or missing project): a saved plan keeps it, so a stale
    refusal can show what changed since.
    """

    changes: tuple[Change, ...]
    desired_schema: JSON = field(hash=False)
    live_fingerprint: str
    project: str | None = None
    project_name: str | None = None
    hub: str | None = None
    source: SourceFile | None = None
    base: SourceFile | None = None
    live_schema: JSON | None = field(default=None, hash=False, compare=False, repr=False)
    notes: tuple[str, ...] = ()  # what the reader should know that is no change (a leftover renamed_from)
    since: str | None = None  # the last applied version the changes were told apart against (see drift.py)
    creates_project: bool = False  # the project is not on the hub: apply creates it (by its name)
    batches: tuple[str, ...] = ()  # batches the label set asks for that the project lacks: apply creates them

    @classmethod
    def build(cls, changes: Iterable[Change], desired_schema: JSON, live_fingerprint: str, *,
              project: str | None = None, project_name: str | None = None, hub: str | None = None,
              source: SourceFile | None = None, base: SourceFile | None = None,
              live_schema: JSON | None = None, notes: Iterable[str] = ()) -> Plan:
        """A plan with its changes put in the one deterministic order."""
        return cls(ordered(changes), desired_schema, live_fingerprint, project, project_name, hub, source, base,
                   live_schema, tuple(notes))

    @property
    def knows_live_schema(self) -> bool:
        """Whether the plan holds the live schema it was made against (always, for an empty project)."""
        return self.live_schema is not None or self.live_fingerprint == fingerprint(None)

    @property
    def is_empty(self) -> bool:
        """Whether apply has nothing to do: no change to the label set, no project and no batch to create."""
        return not (self.changes or self.creates_project or self.batches)

    @property
    def counts(self) -> dict[str, int]:
        """How many changes of each action, every action present (zero included), in `ACTIONS` order."""
        counts: dict[str, int] = dict.fromkeys(ACTIONS, 0)
        for change in self.changes:
            counts[change.action] += 1
        return counts

    @property
    def destructive(self) -> int:
        return sum(change.destructive for change in self.changes)

    @property
    def desired_fingerprint(self) -> str:
        return fingerprint(self.desired_schema)

    def destructive_changes(self) -> list[Change]:
        return [change for change in self.changes if change.destructive]

    def protected_violations(self) -> list[Change]:
        """Destructive changes to nodes marked `protect: true` (or inside one): apply refuses these."""
        return [change for change in self.changes if change.protected and change.destructive]

    @property
    def usage_checked(self) -> bool:
        """Whether annotation usage was counted for this plan's destructive changes."""
        return any(change.impact is not None for change in self.changes)

    @property
    def orphaned_annotations(self) -> int:
        """How many existing annotations the destructive changes would orphan (0 when not counted; a lower
        bound when `unknown_impacts`)."""
        return sum(c.impact.annotations for c in self.changes if c.impact is not None and c.destructive)

    @property
    def unknown_impacts(self) -> int:
        """How many destructive changes were counted without a trustworthy result."""
        return sum(1 for c in self.changes if c.destructive and c.impact is not None and c.impact.unknown)

    def summary(self) -> JSON:
        out: JSON = {**self.counts, "destructive": self.destructive, "total": len(self.changes)}
        if self.usage_checked:
            out["orphaned_annotations"] = self.orphaned_annotations
            out["unknown_impact"] = self.unknown_impacts
        return out

    def to_json(self, *, saved: bool = False) -> JSON:
        """The documented plan format (`schemas/plan.schema.json`); `saved` adds the live schema for `plan --out`."""
        out: JSON = {
            "format_version": FORMAT_VERSION,
            "project": self.project,
            "project_name": self.project_name,
            "hub": self.hub,
        }
        if self.source is not None:
            out["source"] = self.source.to_json()
        if self.base is not None:
            out["base"] = self.base.to_json()
        out |= {
            "live_fingerprint": self.live_fingerprint,
            "desired_fingerprint": self.desired_fingerprint,
            "summary": self.summary(),
            "changes": [change.to_json() for change in self.changes],
            "desired_schema": self.desired_schema,
            **({"notes": list(self.notes)} if self.notes else {}),
            **({"since": self.since} if self.since is not None else {}),
            **({"create_project": True} if self.creates_project else {}),
            **({"batches": list(self.batches)} if self.batches else {}),
        }
        if saved and self.live_schema is not None:
            out["live_schema"] = self.live_schema
        return out

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        """A saved plan read back; PlanFileInvalid if it is not a valid plan or was edited by hand."""
        _check_format(data)
        try:
            plan = cls.build(
                [Change.from_json(item) for item in data["changes"]], data["desired_schema"],
                data["live_fingerprint"], project=data["project"], project_name=data["project_name"],
                hub=data["hub"], source=SourceFile.from_json(data.get("source")),
                base=SourceFile.from_json(data.get("base")), live_schema=data.get("live_schema"),
                notes=data.get("notes", ()),
            )
            plan = replace(plan, since=data.get("since"), creates_project=data.get("create_project", False),
                           batches=tuple(data.get("batches", ())))
        except ValueError as error:  # what the JSON Schema cannot say: an unknown action, mismatched paths
            raise PlanFileInvalid(f"the saved plan is not consistent ({error}); run plan again") from None
        if plan.desired_fingerprint != data["desired_fingerprint"] or plan.summary() != data["summary"]:
            raise PlanFileInvalid("the saved plan was edited after it was made: its fingerprint or summary "
                                  "does not match its content; run plan again")
        if plan.live_schema is not None and fingerprint(plan.live_schema) != plan.live_fingerprint:
            raise PlanFileInvalid("the saved plan was edited after it was made: its live schema does not match "
                                  "its live fingerprint; run plan again")
        return plan


@lru_cache(maxsize=1)
def plan_schema() -> JSON:
    """The JSON Schema of the plan format."""
    folder = resources.files("ango_ontology").joinpath("schemas")
    text = folder.joinpath("plan.schema.json").read_text("utf-8")
    schema: JSON = json.loads(text)
    return schema


def _check_format(data: Any) -> None:
    version = data.get("format_version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION:
        raise PlanFileInvalid(f"not a plan of format version {FORMAT_VERSION} (found {version!r}); "
                              "run plan again with this version of ango-ontology")
    import jsonschema  # type: ignore[import-untyped]  # no stubs; imported only to check saved plans

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(plan_schema()).iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise PlanFileInvalid(f"the saved plan is not valid at {where}: {error.message}")
