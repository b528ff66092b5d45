"""Which live project a label set targets: by id, or found by name (and created on apply when absent)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import InputError, NotFoundError
from .hub.base import Hub
from .model import JSON, Ontology, ProjectRef


@dataclass(frozen=True)
class Target:
    """A project reference and, when the project exists, its id."""

    ref: ProjectRef
    project_id: str | None

    @property
    def label(self) -> str:
        return self.project_id or f"{self.ref.name} (new)"


def choose_refs(ontology: Ontology | None, selectors: list[str]) -> list[ProjectRef]:
    """The projects to act on: the file's, narrowed by `--project` (an id or a name); or those given."""
    refs = ontology.targets() if ontology is not None else []
    if not selectors:
        if not refs:
            raise InputError("no project to act on: add `project:` to the file or pass --project ID")
        return refs
    chosen: list[ProjectRef] = []
    for selector in selectors:
        matches = [ref for ref in refs if selector in (ref.id, ref.name)] or [ProjectRef(id=selector)]
        chosen.extend(ref for ref in matches if ref not in chosen)  # each project once, never twice at once
    return chosen


def find(hub: Hub, ref: ProjectRef) -> Target:
    """The live project for a reference; a name matching two projects is an error listing their ids."""
    if ref.id:
        return Target(ref, ref.id)
    matches = [p for p in hub.list_projects() if p.get("name") == ref.name]
    if len(matches) > 1:
        ids = ", ".join(str(p.get("_id")) for p in matches)
        raise InputError(f"project name {ref.name!r} is ambiguous: projects {ids} all have it; "
                         "put the right one's `id:` in the file")
    return Target(ref, str(matches[0]["_id"]) if matches else None)


def live_schema(hub: Hub, target: Target) -> JSON | None:
    """The project's categorySchema, or None for a project that does not exist yet."""
    return live_project(hub, target)[0]


def live_project(hub: Hub, target: Target) -> tuple[JSON | None, str | None]:
    """The project's categorySchema and name, or (None, None) for a project that does not exist yet."""
    if target.project_id is None:
        return None, None
    project = hub.get_project(target.project_id)
    name = project.get("name")
    return schema_of(project), name if isinstance(name, str) and name else None


def schema_of(project: JSON) -> JSON | None:
    """A project object's categorySchema; None when it holds none (or something that is not one)."""
    schema = project.get("categorySchema")
    return schema if isinstance(schema, dict) else None


def ensure(hub: Hub, target: Target) -> tuple[str, bool]:
    """The project's id, creating it when it does not exist yet; and whether it was created."""
    if target.project_id is not None:
        return target.project_id, False
    found = find(hub, target.ref)
    if found.project_id is not None:
        return found.project_id, False
    project = hub.create_project(target.ref.name or "", target.ref.description)
    if "_id" not in project:
        raise NotFoundError(f"creating project {target.ref.name!r} returned no id")
    return str(project["_id"]), True


def missing_batches(hub: Hub, project_id: str | None, names: list[str]) -> tuple[str, ...]:
    """The batches of `names` the project lacks (all of them for a project still to be created), each once."""
    if not names:
        return ()
    existing = {b.get("name") for b in hub.get_batches(project_id)} if project_id is not None else set()
    return tuple(name for name in dict.fromkeys(names) if name not in existing)


def pin_line(ref: ProjectRef, project_id: str, *, listed: bool = False) -> str:
    """The `project:` line (`listed`: the `projects:` item) that names a project created by name by its id."""
    described = f", description: {json.dumps(ref.description, ensure_ascii=False)}" if ref.description else ""
    mapping = f"{{id: {project_id}, name: {json.dumps(ref.name, ensure_ascii=False)}{described}}}"
    return f"- {mapping}" if listed else f"project: {mapping}"


def ensure_batches(hub: Hub, project_id: str, names: list[str]) -> list[str]:
    """Create the batches that are missing (never delete any); the names created."""
    existing = {b.get("name") for b in hub.get_batches(project_id)}
    missing = [name for name in names if name not in existing]
    for name in missing:
        hub.create_batch(project_id, name)
    return missing
