"""Apply a plan: refuse what is unsafe or stale, back up, write the whole categorySchema, read back and verify."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .backups import BackupStore
from .changes import Change, Plan
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
from .identity import resolve_live
from .projects import Target, ensure, ensure_batches, find, live_schema
from .render.wording import impact_note
from .usage import count_usage, with_impact
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


def describe(change: Change) -> str:
    """`delete option Vehicle > Kind > Car (12 annotations in 3 tasks)` — one change in a few words."""
    return f"{change.action} {change.kind} {' > '.join(change.path)}{impact_note(change)}"


def _listing(changes: Sequence[Change], limit: int = 10) -> str:
    lines = [f"  - {describe(c)}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"  … and {len(changes) - limit} more")
    return "\n".join(lines)


def count_impact(hub: Hub, plan: Plan, live: dict[str, Any] | None) -> Plan:
    """The plan with the live annotation count of each destructive change (one export of the project)."""
    if not plan.destructive or plan.project is None:
        return plan
    live_ontology = resolve_live(from_category_schema(live))
    return with_impact(plan, live_ontology, count_usage(live_ontology, hub.export(plan.project)))


def _essence(change: Change) -> tuple[Any, ...]:
    return (change.action, change.kind, change.path, change.id, change.before, change.after, change.destructive)


def check_saved(plan: Plan, live: dict[str, Any] | None) -> None:
    """Refuse a saved plan whose changes are not what its own categorySchema makes of the live project.

    The fingerprint protects the schema to push; this protects the list of changes shown for it, so a
    destructive change edited to look harmless is caught. `protect` lives only in the ontology file and
    cannot be re-derived here: whoever can edit the plan can edit the file.
    """
    if fingerprint(live) != plan.live_fingerprint:
        return  # stale: apply_plan says so
    fresh = _replanned(plan, live)
    if sorted(map(_essence, fresh.changes), key=repr) != sorted(map(_essence, plan.changes), key=repr):
        raise PlanFileInvalid("the saved plan's changes are not what its categorySchema makes of the live "
                              "project: the file was edited by hand; run plan again")


def check_allowed(plan: Plan, allow_destructive: bool) -> None:
    """Refuse protected nodes always, and destructive changes without `--allow-destructive`."""
    protected = plan.protected_violations()
    if protected:
        raise ProtectedNodeError(f"the plan would delete or replace nodes marked `protect: true`; no flag "
                                 f"allows that — remove `protect` first:\n{_listing(protected)}")
    # A destructive change counted as touching no annotation is safe; one not counted may not be.
    risky = [c for c in plan.destructive_changes() if c.impact is None or c.impact.annotations > 0]
    if risky and not allow_destructive:
        raise DestructiveRefused(f"refusing {len(risky)} destructive change(s) that can orphan "
                                 f"existing annotations; pass --allow-destructive to apply them:\n"
                                 f"{_listing(risky)}")


def current_schema(hub: Hub, target: Target) -> tuple[Target, dict[str, Any] | None]:
    """The project as it is now (found again by name if it had no id), and its categorySchema."""
    fresh = target if target.project_id is not None else find(hub, target.ref)
    return fresh, live_schema(hub, fresh)


def apply_plan(hub: Hub, plan: Plan, target: Target, *, store: BackupStore, source: str | None = None,
               batches: Sequence[str] = (), allow_destructive: bool = False) -> Outcome:
    """Apply one project's plan; raises an ApplyError (or HubError) and never reports a failure as success.

    Destructive changes are checked against a fresh count of the annotations they would orphan.
    """
    check_allowed(plan, allow_destructive)
    target, live = current_schema(hub, target)
    if fingerprint(live) != plan.live_fingerprint:
        raise StalePlanError(f"the plan is stale: project {target.label} changed since it was planned "
                             "(someone edited it, or another apply ran); run plan again")
    plan = count_impact(hub, plan, live)
    check_allowed(plan, allow_destructive)
    store.check_writable()  # before a project is created: a failure here must leave the hub untouched
    project_id, created = ensure(hub, target)
    backup = None
    if not plan.is_empty:
        backup = store.save(project_id, live, hub=hub.name, plan_fingerprint=plan.desired_fingerprint,
                            source=source)
        _write(hub, project_id, plan, live, backup)
        verify(hub, project_id, plan)
    made = ensure_batches(hub, project_id, list(batches)) if batches else []
    return Outcome(project_id, plan, not plan.is_empty, created, tuple(made), backup)


def _write(hub: Hub, project_id: str, plan: Plan, live: dict[str, Any] | None, backup: Path) -> None:
    try:
        hub.create_label_set(project_id, plan.desired_schema)
    except HubError as error:
        state = _state_after_failure(hub, project_id, plan, live, backup)
        raise ApplyError(f"the write to project {project_id} failed: {error}\n{state}") from None


def _state_after_failure(hub: Hub, project_id: str, plan: Plan, live: dict[str, Any] | None,
                         backup: Path) -> str:
    try:
        now = hub.get_project(project_id).get("categorySchema")
    except HubError:
        return "The project's state could not be read back: run plan to see it."
    if fingerprint(now) == fingerprint(live):
        return "Nothing was changed: the project still holds its previous label set."
    if _replanned(plan, now).is_empty:
        return ("Although the hub reported a failure, the project now holds the planned label set; "
                "run plan to confirm.")
    return (f"The project now holds neither the old nor the planned label set. The old one is saved in "
            f"{backup}: `ango-ontology rollback {project_id}` restores it.")


def _replanned(plan: Plan, live: Any) -> Plan:
    """The plan's own categorySchema planned again against `live` (empty when the project holds it)."""
    return make_plan(from_category_schema(plan.desired_schema), live if isinstance(live, dict) else None)


def verify(hub: Hub, project_id: str, plan: Plan) -> None:
    """Read the project back and plan again: anything but no changes is a failed apply."""
    check = _replanned(plan, hub.get_project(project_id).get("categorySchema"))
    if not check.is_empty:
        raise VerificationFailed(f"the apply to project {project_id} did not take: reading it back shows "
                                 f"{len(check.changes)} difference(s) from the plan:\n"
                                 f"{_listing(list(check.changes))}")
