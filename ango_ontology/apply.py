"""Apply a plan: refuse what is unsafe or stale, back up, write the whole categorySchema, read back and verify."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .backups import BackupStore
from .diff import make_plan
from .errors import (
    ApplyError,
    DestructiveRefused,
    HubError,
    PlanFileInvalid,
    ProtectedNodeError,
    StalePlanError,
    VerificationFailed,
)
from .hub.base import Hub
from .live import Live
from .model import JSON
from .plan import Change, Plan
from .projects import Target, ensure, ensure_batches, find, live_schema, schema_of
from .usage import read_usage, with_impact
from .wire import fingerprint, from_category_schema


@dataclass(frozen=True)
class Outcome:
    """What one apply did to one project."""

    project_id: str
    plan: Plan
    written: bool
    created_project: bool
    batches_created: tuple[str, ...]
    backup: Path | None


def listing(changes: Sequence[Change], limit: int = 10) -> str:
    """The first `limit` changes, one `  - …` line each, and how many more there are."""
    lines = [f"  - {c.describe()}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"  … and {len(changes) - limit} more")
    return "\n".join(lines)


def count_impact(hub: Hub, plan: Plan, live: Live) -> Plan:
    """The plan with the live annotation count of each destructive change (one export of the project),
    unknown where the count cannot be trusted."""
    if not plan.destructive or plan.project is None:
        return plan
    return with_impact(plan, live.ontology, read_usage(hub, plan.project, live.ontology))


def _essence(change: Change) -> tuple[object, ...]:
    return (change.action, change.kind, change.path, change.id, change.before, change.after, change.destructive)


def check_saved(plan: Plan, live: Live) -> None:
    """Refuse a saved plan whose changes are not what its own categorySchema makes of the live project.

    The fingerprint protects the schema to push; this protects the list of changes shown for it, so a
    destructive change edited to look harmless is caught. `protect` lives only in the ontology file and
    cannot be re-derived here: whoever can edit the plan can edit the file.
    """
    if live.fingerprint != plan.live_fingerprint:
        return  # stale: apply_plan says so
    fresh = replanned(plan, live)
    if sorted(map(_essence, fresh.changes), key=repr) != sorted(map(_essence, plan.changes), key=repr):
        raise PlanFileInvalid("the saved plan's changes are not what its categorySchema makes of the live "
                              "project: the file was edited by hand; run plan again")


def refuse_protected(plan: Plan) -> None:
    """Refuse a plan that deletes, replaces or moves a node marked `protect: true`: no flag allows that."""
    protected = plan.protected_violations()
    if protected:
        raise ProtectedNodeError(f"the plan would delete or replace nodes marked `protect: true`; no flag "
                                 f"allows that — remove `protect` first:\n{listing(protected)}")


def check_allowed(plan: Plan, allow_destructive: bool) -> None:
    """Refuse protected nodes always, and destructive changes without `--allow-destructive`."""
    refuse_protected(plan)
    # A destructive change counted as touching no annotation is safe; one not counted may not be.
    risky = [change for change in plan.changes if change.may_orphan]
    if risky and not allow_destructive:
        raise DestructiveRefused(f"refusing {len(risky)} destructive change(s) that can orphan "
                                 f"existing annotations; pass --allow-destructive to apply them:\n"
                                 f"{listing(risky)}")


def current_state(hub: Hub, target: Target, known: Live | None = None) -> tuple[Target, Live]:
    """The project as it is now (found again by name if it had no id), read once; `known` is reused when
    the project still holds exactly what it read."""
    fresh = target if target.project_id is not None else find(hub, target.ref)
    schema = live_schema(hub, fresh)
    if known is not None and fingerprint(schema) == known.fingerprint:
        return fresh, known
    return fresh, Live.read(schema)


def apply_plan(hub: Hub, plan: Plan, target: Target, *, store: BackupStore, live: Live | None = None,
               source: str | None = None, batches: Sequence[str] = (), allow_destructive: bool = False) -> Outcome:
    """Apply one project's plan; raises an ApplyError (or HubError) and never reports a failure as success.

    `live` is the state the plan was made against, when the caller has it parsed already. Destructive
    changes are checked against a fresh count of the annotations they would orphan.
    """
    refuse_protected(plan)  # before any export: no count makes these allowed
    target, current = current_state(hub, target, live)
    if current.fingerprint != plan.live_fingerprint:
        raise StalePlanError(f"the plan is stale: project {target.label} changed since it was planned "
                             "(someone edited it, or another apply ran); run plan again")
    plan = count_impact(hub, plan, current)
    check_allowed(plan, allow_destructive)
    store.check_writable()  # before a project is created: a failure here must leave the hub untouched
    project_id, created = ensure(hub, target)
    backup = None
    if not plan.is_empty:
        backup = store.save(project_id, current.schema, hub=hub.name, plan_fingerprint=plan.desired_fingerprint,
                            source=source)
        _write(hub, project_id, plan, current, backup)
        verify(hub, project_id, plan)
    made = ensure_batches(hub, project_id, list(batches)) if batches else []
    return Outcome(project_id, plan, not plan.is_empty, created, tuple(made), backup)


def _write(hub: Hub, project_id: str, plan: Plan, live: Live, backup: Path) -> None:
    try:
        hub.create_label_set(project_id, plan.desired_schema)
    except HubError as error:
        state = _state_after_failure(hub, project_id, plan, live, backup)
        raise ApplyError(f"the write to project {project_id} failed: {error}\n{state}") from None


def _state_after_failure(hub: Hub, project_id: str, plan: Plan, live: Live, backup: Path) -> str:
    try:
        now = schema_of(hub.get_project(project_id))
    except HubError:
        return "The project's state could not be read back: run plan to see it."
    if fingerprint(now) == live.fingerprint:
        return "Nothing was changed: the project still holds its previous label set."
    if _holds(plan, now):
        return ("Although the hub reported a failure, the project now holds the planned label set; "
                "run plan to confirm.")
    return (f"The project now holds neither the old nor the planned label set. The old one is saved in "
            f"{backup}: `ango-ontology rollback {project_id}` restores it.")


def replanned(plan: Plan, live: Live | JSON | None) -> Plan:
    """The plan's own categorySchema planned again against `live` (empty when the project holds it)."""
    return make_plan(from_category_schema(plan.desired_schema), live)


def _holds(plan: Plan, schema: JSON | None) -> bool:
    """Whether a categorySchema read back is what the plan pushes: the same bytes, or the same meaning."""
    return fingerprint(schema) == plan.desired_fingerprint or replanned(plan, schema).is_empty


def verify(hub: Hub, project_id: str, plan: Plan) -> None:
    """Read the project back: the planned categorySchema, or one that plans to no changes; else a failed apply."""
    schema = schema_of(hub.get_project(project_id))
    if fingerprint(schema) == plan.desired_fingerprint:
        return
    check = replanned(plan, schema)
    if not check.is_empty:
        raise VerificationFailed(f"the apply to project {project_id} did not take: reading it back shows "
                                 f"{len(check.changes)} difference(s) from the plan:\n"
                                 f"{listing(list(check.changes))}")
