"""Saved plans: a plan file (one project, `plan.schema.json`) or a plan set (several, each with its file,
environment and batches), as `plan --out` writes them and `apply PLANFILE` reads them and checks them."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .apply import check_saved, count_impact
from .errors import AngoOntologyError, InputError, PlanFileInvalid
from .hub.base import Hub, hub_identity
from .live import Live
from .model import JSON, ProjectRef
from .plan import FORMAT_VERSION, Plan
from .projects import find, live_schema
from .runs import ProjectRun


def read_plan(path: str | os.PathLike[str]) -> Plan | None:
    """The saved plan in `path` (whatever its name), or None when the file is an ontology definition."""
    name = os.fspath(path)
    if name.endswith(".py"):
        return None
    try:
        text = _object_text(name)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    return None if text is None else _parse_plan(name, text)


def _object_text(name: str) -> str | None:
    """The text of the file `name` when it holds a JSON object, as a plan does; None when it does not or cannot
    be read as UTF-8 text (loading it as an ontology then says what is wrong). A missing file raises."""
    try:
        with open(name, "rb") as handle:
            if not handle.read(256).lstrip().startswith(b"{"):
                return None
        return Path(name).read_text("utf-8")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError):
        return None


def _parse_plan(name: str, text: str) -> Plan | None:
    saved = _parse_saved(name, text)
    if saved is None:
        return None
    if len(saved) != 1:
        raise PlanFileInvalid(f"{name} holds the plans of {len(saved)} projects; read it with read_plans")
    return saved[0].plan


@dataclass(frozen=True)
class SavedPlan:
    """A plan read from a plan file, with the label-set file and environment it was made from."""

    plan: Plan
    source: str | None = None
    environment: str | None = None
    batches: tuple[str, ...] = ()


def read_plans(path: str | os.PathLike[str]) -> list[SavedPlan] | None:
    """The saved plan(s) in `path`: a plan file or a plan set; None when the file is an ontology definition."""
    name = os.fspath(path)
    if name.endswith(".py") or Path(name).is_dir():
        return None
    try:
        text = _object_text(name)
    except FileNotFoundError:
        return None  # a glob, or a missing file: expanding the paths says which
    return None if text is None else _parse_saved(name, text)


def _parse_saved(name: str, text: str) -> list[SavedPlan] | None:
    try:
        data = json.loads(text)
    except ValueError as error:
        if name.endswith(".json"):
            raise PlanFileInvalid(f"{name}: not a readable plan file ({error})") from None
        return None  # a YAML file that starts with a flow mapping
    if not (isinstance(data, dict) and "format_version" in data):
        return None
    try:
        if isinstance(data.get("plans"), list) and "changes" not in data:
            return [_saved_entry(entry) for entry in data["plans"]]
        return [SavedPlan(Plan.from_json(data))]
    except PlanFileInvalid as error:
        raise PlanFileInvalid(f"{name}: {error}") from None


def _saved_entry(entry: object) -> SavedPlan:
    if not isinstance(entry, dict) or not isinstance(entry.get("plan"), dict):
        raise PlanFileInvalid("a plan set holds {file, environment, plan} entries; run plan again")
    source, environment, batches = entry.get("file"), entry.get("environment"), entry.get("batches", [])
    if not isinstance(source, (str, type(None))) or not isinstance(environment, (str, type(None))) or not (
            isinstance(batches, list) and all(isinstance(batch, str) for batch in batches)):
        raise PlanFileInvalid("a plan set's file and environment are text, its batches a list of names; "
                              "run plan again")
    return SavedPlan(Plan.from_json(entry["plan"]), source, environment, tuple(batches))


def saved_plans_json(runs: Sequence[ProjectRun]) -> JSON:
    """What `plan --out` writes: one plan's JSON, or a plan set of several with their files and environments."""
    planned = [run for run in runs if run.plan is not None]
    if len(planned) == 1 and planned[0].environment is None and not planned[0].batches:
        return planned[0].plan.to_json(saved=True)  # type: ignore[union-attr]
    return {"format_version": FORMAT_VERSION,
            "plans": [{"file": run.source, "environment": run.environment, "batches": list(run.batches),
                       "plan": run.plan.to_json(saved=True)} for run in planned if run.plan is not None]}


# --- a saved plan made ready to apply ------------------------------------------------------------------------

def plan_saved(hub: Hub, saved: Plan, projects: Sequence[str] = ()) -> ProjectRun:
    """A saved plan made ready to apply: checked against this hub and project (found by name when the plan
    names no id), its changes re-derived and its destructive changes counted afresh. `projects` (ids or
    names) may only name the plan's own project."""
    others = [selector for selector in projects if selector not in _names_of(saved)]
    if others:
        raise InputError(f"this plan is for project {saved.project or saved.project_name}, not "
                         f"{', '.join(others)}; a saved plan applies to the project it was made for")
    if saved.hub and hub_identity(saved.hub) != hub_identity(hub.name):
        raise InputError(f"this plan was made against {saved.hub}, not {hub.name}; "
                         "pass the same --hub, or plan again")
    ref = ProjectRef(id=saved.project, name=saved.project_name)
    target = find(hub, ref)
    if target.project_id is None and not saved.creates_project:
        raise PlanFileInvalid(f"project {saved.project_name!r} is not on the hub and the plan does not create it "
                              "(it was edited, or made before plans said so); run plan again")
    live = Live.read(live_schema(hub, target))
    check_saved(saved, live)
    return ProjectRun(ref, target, count_impact(hub, saved, live, target.project_id), live=live, saved=True)


def _names_of(saved: Plan) -> set[str]:
    """What `--project` may call a saved plan's project: its id and its name."""
    return {name for name in (saved.project, saved.project_name) if name}


def plan_saved_set(hub: Hub, saved: Sequence[SavedPlan], projects: Sequence[str] = ()) -> list[ProjectRun]:
    """The plans of a plan file made ready to apply, like `plan_saved`; one that fails is a failed run.

    `projects` narrows the set to those plans' projects (ids or names); naming one the set has no plan for is
    an error.
    """
    unknown = [selector for selector in projects if not any(selector in _names_of(s.plan) for s in saved)]
    if unknown:
        raise InputError(f"the plan file holds no plan for project {', '.join(unknown)}")
    chosen = [s for s in saved if not projects or _names_of(s.plan) & set(projects)]
    runs = []
    for entry in chosen:
        ref = ProjectRef(id=entry.plan.project, name=entry.plan.project_name)
        try:
            run = plan_saved(hub, entry.plan)
        except AngoOntologyError as error:
            run = ProjectRun(ref, error=error)
        runs.append(replace(run, source=entry.source, environment=entry.environment, batches=entry.batches))
    return runs


__all__ = ["SavedPlan", "plan_saved", "plan_saved_set", "read_plan", "read_plans", "saved_plans_json"]
