"""Drift told apart from intent: each change of a plan attributed against the last applied version of the file.

With a base — the label set as it was last applied (`--base REV`, or the git commit the project's
latest backup recorded) — three label sets meet: the file now (desired), the file then (base) and
the project now (live). A change of the plan is the file's own (`intent`: the file changed that node
since the base), made outside the tool (`drift`: the live project changed it since; apply reverts
it), or a `conflict` (both changed the same node). Nodes are compared by id, after resolving the base
against the live project as the file is, so a node keeps one id on all three sides.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from .backups import BackupStore
from .diff import diff
from .environments import effective
from .errors import AngoOntologyError
from .identity import resolve
from .live import Live
from .model import FAMILY, Ontology
from .plan import Change, Origin, Plan
from .revisions import exists_at, load_spec, revision_problem, tracked_path
from .runs import ProjectRun

Key = tuple[str, str, str | None]


@dataclass(frozen=True)
class Base:
    """Where the last applied label set is read from: a git revision, and how to say it."""

    revision: str
    label: str


def key(change: Change) -> Key:
    """What a change is about: a node (by id family and id), the order of a parent's children, or the keys at
    the top of the label set."""
    if change.action == "reorder":
        return ("reorder", change.kind, change.id)
    return (FAMILY.get(change.kind, change.kind), "", change.id)


# Where a created or deleted node's summary lists its children, and the id family of each.
_CHILD_FAMILIES = (("classifications", "node"), ("options", "option"), ("tree_options", "tree"), ("children", "tree"))


def keys_of(change: Change) -> set[Key]:
    """What a change touches: its node, and for a created or deleted subtree every node inside it (deleting a
    tool whose option the web UI renamed is a conflict, and so is adding a question to a tool it deleted)."""
    found = {key(change)}
    node = change.after if change.action == "create" else change.before if change.action == "delete" else None
    stack = [node] if node else []
    while stack:
        summary = stack.pop()
        for name, family in _CHILD_FAMILIES:
            for child in summary.get(name) or ():
                found.add((family, "", child.get("id")))
                stack.append(child)
    return found


def origins(desired: Ontology, base: Ontology, live: Live) -> tuple[set[Key], set[Key]]:
    """The nodes the file changed since the base (intent), and those the live project changed (drift), each
    with the nodes inside a subtree created or deleted."""
    mine = resolve(desired, live.ontology)
    then = resolve(base, live.ontology)
    intent = {found for change in diff(mine, then) for found in keys_of(change)}
    drifted = {found for change in diff(live.ontology, then) for found in keys_of(change)}
    return intent, drifted


def origin_of(change: Change, intent: set[Key], drifted: set[Key]) -> Origin:
    """Drift when the live project changed a node the change touches, a conflict when the file did too."""
    touched = keys_of(change)
    if not touched.isdisjoint(drifted):
        return "conflict" if not touched.isdisjoint(intent) else "drift"
    return "intent"


def attribute(plan: Plan, desired: Ontology, base: Ontology, live: Live, label: str) -> Plan:
    """The plan with each change's origin, against `base` (the label set as last applied)."""
    intent, drifted = origins(desired, base, live)
    changes = [replace(change, origin=origin_of(change, intent, drifted)) for change in plan.changes]
    return replace(plan, changes=tuple(_unpaired(changes)), since=label)


def _unpaired(changes: list[Change]) -> list[Change]:
    """Without the rename hint between a node added outside the tool and one the file adds: unrelated."""
    added_outside = {c.id for c in changes if c.origin == "drift" and c.action == "delete" and c.id}
    out = []
    for change in changes:
        paired = change.hint is not None and change.action in ("create", "delete") and (
            change.id in added_outside or any(f"`id: {node}`" in change.hint for node in added_outside))
        out.append(replace(change, hint=None) if paired else change)
    return out


def drifted(plan: Plan) -> list[Change]:
    """The changes that are not the file's alone: drift and conflicts (every change, without a base)."""
    if plan.since is None:
        return list(plan.changes)
    return [change for change in plan.changes if change.origin in ("drift", "conflict")]


class Attributor:
    """Finds each run's base and attributes its plan; bases loaded once per (revision, file), thread-safe."""

    def __init__(self, revision: str | None, store: BackupStore | None, *, quiet: bool = False) -> None:
        self.revision = revision
        self.store = store
        self.quiet = quiet  # say nothing when no base is found (a plan that did not ask for one)
        self.lock = threading.Lock()
        self.loaded: dict[tuple[str, str], Ontology | AngoOntologyError] = {}

    def __call__(self, run: ProjectRun, desired: Ontology) -> ProjectRun:
        if run.plan is None or run.live is None or run.source is None:
            return run
        base, why = self.base_of(run)
        if base is None:
            return run if self.quiet else _noted(run, why)
        try:
            then = self.load(base.revision, run.source)
        except NoBase as error:
            return _noted(run, f"no base: {error.message}")
        except AngoOntologyError as error:
            return _noted(run, f"no base: the file at {base.label} does not load: {error.gist}")
        if run.environment is not None:  # an environment new since the base: all of it is the file's
            then = effective(then, run.environment) if run.environment in then.environments else Ontology()
        return replace(run, plan=attribute(run.plan, desired, then, run.live, base.label))

    def base_of(self, run: ProjectRun) -> tuple[Base | None, str]:
        """The base of one run: `--base`, else the commit of the project's latest backup; or why there is none."""
        return base_of(self.revision, self.store, run.target.project_id if run.target else None)

    def load(self, revision: str, source: str) -> Ontology:
        with self.lock:
            found = self.loaded.get((revision, source))
        if found is None:
            try:
                found = _at_revision(revision, source)
            except AngoOntologyError as error:
                found = error
            with self.lock:
                self.loaded[(revision, source)] = found
        if isinstance(found, AngoOntologyError):
            raise found
        return found


def base_of(revision: str | None, store: BackupStore | None, project: str | None) -> tuple[Base | None, str]:
    """Where the label set last applied to `project` is read from: `revision` (`--base`), else the commit of the
    project's latest backup; or why there is none."""
    if revision is not None:
        return Base(revision, revision), ""
    backups = store.list(project) if store is not None and project else []
    if not backups:
        return None, "no base: no backup of this project records the commit last applied (pass --base REV)"
    commit = backups[-1].git_commit
    if not commit or commit.endswith("+dirty"):
        why = "was made from uncommitted changes" if commit else "recorded no git commit (a rollback?)"
        return None, f"no base: the last apply {why}; pass --base REV"
    return Base(commit, f"commit {commit[:12]} (the last apply)"), ""


def last_applied(source: str, project: str, revision: str | None,
                 store: BackupStore | None) -> tuple[Ontology | None, str]:
    """The label set `source` held when it was last applied to `project`, and how to say that version (`commit
    1a2b3c4d5e6f (the last apply)`); (None, why) when it is not known. AngoOntologyError when `revision` was
    asked for and cannot be read."""
    base, why = base_of(revision, store, project)
    if base is None:
        return None, why
    try:
        return _at_revision(base.revision, source), base.label
    except AngoOntologyError as error:
        if revision is not None:
            raise
        return None, f"no base: the file at {base.label} cannot be read: {error.gist}"


class NoBase(AngoOntologyError):
    """The base cannot be read at all (no repository, no such revision): the plan goes without one."""


def _at_revision(revision: str, source: str) -> Ontology:
    """The label set `source` held at `revision`; empty when the file is new since then."""
    problem = revision_problem(revision)
    if problem is not None:
        raise NoBase(problem if "git repository" not in problem else f"{source} is not in a git repository")
    path = tracked_path(source)
    if path is None or not exists_at(revision, path):
        return Ontology()
    return load_spec(f"{revision}:{path}")


def _noted(run: ProjectRun, note: str) -> ProjectRun:
    assert run.plan is not None
    return replace(run, plan=replace(run.plan, notes=(*run.plan.notes, note)))


__all__ = ["Attributor", "Base", "attribute", "base_of", "drifted", "key", "keys_of", "last_applied", "origin_of",
           "origins"]
