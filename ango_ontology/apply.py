"""Apply a plan: refuse what is unsafe or stale, back up, write the whole categorySchema, read back and verify."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .backups import BackupStore
from .diff import make_plan
from .errors import AngoOntologyError, DestructiveRefused, PlanFileInvalid, ProtectedNodeError, StalePlanError
from .hub.base import Hub
from .live import Live
from .locks import LockSettings, ProjectLocks, project_locks
from .plan import Change, Plan
from .projects import Target, ensure, ensure_batches, find, live_schema
from .usage import Usage, read_usage, with_impact
from .wire import fingerprint, from_category_schema
from .writing import Journal, Wording, listing, replanned, verify, write


@dataclass(frozen=True)
class Outcome:
    """What one apply did to one project."""

    project_id: str
    plan: Plan
    written: bool
    created_project: bool
    batches_created: tuple[str, ...]
    backup: Path | None


def count_impact(hub: Hub, plan: Plan, live: Live, project_id: str | None = None) -> Plan:
    """The plan with the live annotation count of each destructive change (one export of the project
    `project_id`, else the plan's), unknown where the count cannot be trusted or no project is known to count."""
    if not plan.destructive:
        return plan
    project = project_id or plan.project
    if project is None:  # never skipped: a plan that names no project still orphans what its changes delete
        return with_impact(plan, live.ontology, Usage.failed("the plan names no project whose annotations "
                                                             "could be counted"))
    return with_impact(plan, live.ontology, read_usage(hub, project, live.ontology))


def _essence(change: Change, legacy: bool = False) -> tuple[object, ...]:
    """What a saved change must agree on with the change made afresh; a plan saved before positions and moves
    existed is held to what it says (a reorder's order lists are not compared: no change depends on them)."""
    if legacy:
        shown = (None, None) if change.action == "reorder" else (change.before, change.after)
        return (change.action, change.kind, change.path, change.id, *shown, change.destructive)
    return (change.action, change.kind, change.path, change.id, change.before, change.after, change.destructive,
            change.position, change.moves)


def _legacy(plan: Plan) -> bool:
    """A plan saved before changes said where they land (format version 1 without positions and moves)."""
    return any((c.action in ("create", "delete", "move") and c.position is None)
               or (c.action == "reorder" and not c.moves) for c in plan.changes)


def check_saved(plan: Plan, live: Live) -> None:
    """Refuse a saved plan whose changes are not what its own categorySchema makes of the live project.

    The fingerprint protects the schema to push; this protects the list of changes shown for it, so a
    destructive change edited to look harmless is caught. The plan is complete (every difference between
    the live schema and the one pushed is a change, keys and JSON types included), so a key added to its
    categorySchema is a change the saved list lacks. `protect` lives only in the ontology file and cannot
    be re-derived here: whoever can edit the plan can edit the file.
    """
    if live.fingerprint != plan.live_fingerprint:
        return  # stale: apply_plan says so
    fresh = replanned(plan, live)
    legacy = _legacy(plan)
    if fresh.desired_fingerprint != plan.desired_fingerprint or \
            sorted((_essence(c, legacy) for c in fresh.changes), key=repr) != \
            sorted((_essence(c, legacy) for c in plan.changes), key=repr):
        raise PlanFileInvalid("the saved plan's changes are not what its categorySchema makes of the live "
                              "project: the file was edited by hand; run plan again")


def since(plan: Plan, current: Live) -> str:
    """What changed in the project since the plan was made: its state then planned against its state now."""
    if not plan.knows_live_schema:
        return "This plan file does not hold the state it was made against, so what changed cannot be shown."
    changed = make_plan(from_category_schema(current.schema), plan.live_schema).changes
    if not changed:
        return "What changed is only in the stored form of the label set, not in its meaning."
    return f"Changed in the project since the plan was made:\n{listing(changed)}"


def refuse_protected(plan: Plan) -> None:
    """Refuse a plan that deletes, replaces or moves a node marked `protect: true`: no flag allows that."""
    protected = plan.protected_violations()
    if protected:
        raise ProtectedNodeError(f"the plan would delete or replace nodes marked `protect: true`; no flag "
                                 f"allows that — remove `protect` first:\n{listing(protected)}")


def check_allowed(plan: Plan, allow_destructive: bool, *, rollback: bool = False) -> None:
    """Refuse protected nodes always, and destructive changes that may orphan annotations (not counted at
    exactly 0) without `--allow-destructive`."""
    refuse_protected(plan)
    risky = [change for change in plan.changes if change.may_orphan]
    if risky and not allow_destructive:
        then = "to roll back anyway" if rollback else "to apply them"
        raise DestructiveRefused(f"refusing {len(risky)} destructive change(s) that can orphan "
                                 f"existing annotations; pass --allow-destructive {then}:\n"
                                 f"{listing(risky)}")


def current_state(hub: Hub, target: Target, known: Live | None = None) -> tuple[Target, Live]:
    """The project as it is now (found again by name if it had no id), read once; `known` is reused when
    the project still holds exactly what it read."""
    fresh = target if target.project_id is not None else find(hub, target.ref)
    schema = live_schema(hub, fresh)
    if known is not None and fingerprint(schema) == known.fingerprint:
        return fresh, known
    return fresh, Live.read(schema)


def _resolved(hub: Hub, target: Target, known: Live | None, locks: ProjectLocks) -> tuple[Target, Live]:
    """`current_state`, holding the project's lock by id too (before reading it) when it is found by name."""
    if target.project_id is None:
        target = find(hub, target.ref)
        if target.project_id is not None:
            locks.add(target.project_id, None)
    return current_state(hub, target, known)


@dataclass(frozen=True)
class Safety:
    """How an apply keeps out of others' way and says what it did: its run locks, its journal of writes,
    and whether it is a rollback (whose messages cannot send the user to a file or to `plan`)."""

    locks: LockSettings = field(default_factory=LockSettings)
    journal: Journal | None = None
    rollback: bool = False
    rollback_to: str | None = None  # the backup a rollback restores, recorded in the backup it leaves
    saved: bool = False  # the plan was read from a plan file: its changes are checked again inside the lock

    @property
    def wording(self) -> Wording:
        return Wording(self.rollback)


def apply_plan(hub: Hub, plan: Plan, target: Target, *, store: BackupStore, live: Live | None = None,
               source: str | None = None, batches: Sequence[str] = (), allow_destructive: bool = False,
               safety: Safety | None = None) -> Outcome:
    """Apply one project's plan; raises an ApplyError (or HubError) and never reports a failure as success.

    Holds the project's run lock throughout; reads the project again inside it, so a plan made before
    another run wrote is stale. `live` is the state the plan was made against, when the caller has it parsed
    already. Destructive changes are checked against a fresh count of the annotations they would orphan.
    """
    safety = safety or Safety()
    refuse_protected(plan)  # before any export: no count makes these allowed
    store.check_writable()  # before a lock or a project is made: a failure here must leave the hub untouched
    with project_locks(hub, store.root, safety.locks) as locks:
        locks.add(target.project_id, target.ref.name)
        target, current = _resolved(hub, target, live, locks)
        if current.fingerprint != plan.live_fingerprint:
            raise StalePlanError(f"the plan is stale: project {target.label} changed since it was planned "
                                 f"(someone edited it, or another apply ran); {safety.wording.rerun}"
                                 f"\n{since(plan, current)}")
        if safety.saved:
            check_saved(plan, current)  # against the state just read, under the lock
        plan = count_impact(hub, plan, current, target.project_id)
        check_allowed(plan, allow_destructive, rollback=safety.rollback)
        return _carry_out(hub, plan, target, store, source, [*plan.batches, *batches], safety, locks)


def _carry_out(hub: Hub, plan: Plan, target: Target, store: BackupStore, source: str | None, batches: list[str],
               safety: Safety, locks: ProjectLocks) -> Outcome:
    """Create the project if need be, write and verify the label set, create the missing batches; an error
    says what was done before it (a project created, a label set written and verified)."""
    project_id, created = ensure(hub, target)
    done: list[str] = []
    if created:
        locks.add(project_id, None)
        journal = safety.journal if safety.journal is not None else Journal()
        done.append(journal.created(project_id, target.ref).state())
    backup = None
    try:
        if plan.changes:
            backup, before = write(hub, project_id, plan, store=store, source=source, journal=safety.journal,
                                   wording=safety.wording, project_name=target.ref.name or plan.project_name,
                                   rollback_to=safety.rollback_to)
            verify(hub, project_id, plan, before, backup, safety.wording)
            done.append(f"the label set of project {project_id} was written and verified (the label set before "
                        f"it is saved in {backup})")
        made = ensure_batches(hub, project_id, list(dict.fromkeys(batches))) if batches else []
    except AngoOntologyError as error:
        if done:
            error.message = f"{error.message}\nBefore that, {'; '.join(done)}."
        raise
    return Outcome(project_id, plan, bool(plan.changes), created, tuple(made), backup)
