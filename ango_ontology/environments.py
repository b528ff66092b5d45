"""Environments: variants of one label set, each for its own project(s), adding batches and top-level nodes.

    tools: [...]                       # what every environment has
    environments:
      production: {project: 64c1…}
      staging:
        project: 64c2…
        batches: [Smoke test]          # added to the file's batches
        tools:                         # added after the file's tools
          - point: Debug marker

An environment only adds: its own project(s), batches and nodes. Its label set is the file's nodes
followed by its own, so a node has the same path of titles — and the same derived id — in every
environment, and in every file that includes the same fragment at the same place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .findings import Finding
from .model import SECTION_NAMES, Environment, Ontology
from .validate import check

if TYPE_CHECKING:
    from .normalise import DocPath, Normaliser

ENV_FIELDS = tuple(Environment.model_fields)
_LISTS = ("batches", *SECTION_NAMES)


@dataclass(frozen=True)
class View:
    """The label set one environment gets (`name` None: a file without environments)."""

    name: str | None
    ontology: Ontology


def views(ontology: Ontology) -> list[View]:
    """One view per environment, in file order; the file itself when it has none."""
    if not ontology.environments:
        return [View(None, ontology)]
    return [View(name, effective(ontology, name)) for name in ontology.environments]


def effective(ontology: Ontology, name: str) -> Ontology:
    """The label set of environment `name`: the file's batches and nodes, then the environment's own."""
    from .loader import remember_view  # the loader checks environments: imported when one is made

    env = ontology.environments[name]
    lists = {field: [*getattr(ontology, field), *getattr(env, field)] for field in _LISTS}
    view = Ontology(project=env.project, projects=list(env.projects), **lists)
    remember_view(view, ontology, name)  # a problem met when planning it is placed in the file
    return view


def choose(ontology: Ontology, names: Sequence[str]) -> list[View]:
    """The views of the environments named (all when none is); InputError for a name the file lacks."""
    from .errors import InputError

    if not names:
        return views(ontology)
    if not ontology.environments:
        raise InputError(f"--env {names[0]}: this file defines no environments")
    unknown = [name for name in names if name not in ontology.environments]
    if unknown:
        raise InputError(f"no environment {', '.join(map(repr, unknown))} in this file; it has "
                         f"{', '.join(ontology.environments)}")
    return [view for view in views(ontology) if view.name in names]


# --- checks ---------------------------------------------------------------------------------------------

def check_environments(ontology: Ontology, found: Sequence[Finding]) -> list[Finding]:
    """What is wrong with the environments: each checked as the label set it makes (`found`: the file's own
    findings, not repeated), each with a project, no project named twice, none at the top level as well."""
    if not ontology.environments:
        return []
    out: list[Finding] = []
    if ontology.own_targets():
        where = ("project",) if ontology.project else ("projects",)
        out.append(Finding(where, "project", "with `environments:`, each environment names its own project: "
                                             "move this into the environments"))
    seen = {(finding.path, finding.message) for finding in found}
    claimed: dict[tuple[str | None, str | None], str] = {}
    for name, env in ontology.environments.items():
        out += _targets(name, env, claimed)
        for finding in check(effective(ontology, name)):
            moved = _translate(finding, ontology, name)
            if (moved.path, moved.message) not in seen:
                seen.add((moved.path, moved.message))
                out.append(moved)
    return out


def _targets(name: str, env: Environment, claimed: dict[tuple[str | None, str | None], str]) -> list[Finding]:
    here = ("environments", name)
    if not env.own_targets():
        return [Finding(here, f"environments[{name}]",
                        f"environment '{name}' names no project: add `project: <id>` (or `{{name: …}}`)")]
    out = []
    for index, ref in enumerate(env.own_targets()):
        key = (ref.id, None) if ref.id else (None, ref.name)
        if key in claimed and claimed[key] != name:
            path = here + (("project",) if env.project is ref else ("projects", index - bool(env.project)))
            out.append(Finding(path, f"environments[{name}]", f"project {ref.id or ref.name!r} is already the "
                                                              f"project of environment '{claimed[key]}'"))
        claimed.setdefault(key, name)
    return out


def _translate(finding: Finding, ontology: Ontology, name: str) -> Finding:
    """A finding in the environment's label set, pointed at where the file says it."""
    path = finding.path
    crumb = f"environments[{name}]" + (f" > {finding.breadcrumb}" if finding.breadcrumb else "")
    if path and path[0] in ("project", "projects"):
        return replace(finding, path=("environments", name, *path), breadcrumb=crumb)
    if len(path) >= 2 and path[0] in _LISTS and isinstance(path[1], int):
        own = len(getattr(ontology, path[0]))
        if path[1] >= own:
            return replace(finding, path=("environments", name, path[0], path[1] - own, *path[2:]), breadcrumb=crumb)
        return replace(finding, message=f"{finding.message} (in environment '{name}')")
    return finding


# --- the file's `environments:` mapping, read by the normaliser -------------------------------------------

def normalise(normaliser: Normaliser, value: Any, path: DocPath) -> dict[str, Any]:
    """The `environments:` mapping as plain dicts with the models' field names, every problem noted."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        normaliser.note(path, "environments: expected a mapping of names to environments, "
                              "e.g. `staging: {project: <id>}`")
        return {}
    out: dict[str, Any] = {}
    for name, raw in value.items():
        normaliser.spend()
        here = path + (str(name),)
        normaliser.at_key(value, name, here)
        if not isinstance(name, str) or not name.strip():
            normaliser.note(here, f"an environment's name is a word, like `staging`; got {name!r}")
            continue
        if raw is not None and not isinstance(raw, dict):
            normaliser.note(here, f"environment '{name}' must be a mapping (`project:`, `batches:`, `tools:`…)")
            continue
        out[name] = _environment(normaliser, raw or {}, here)
    return out


def _environment(normaliser: Normaliser, raw: dict[Any, Any], path: DocPath) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _, value, field in normaliser.fields(raw, path, ENV_FIELDS, {}):
        here = path + (field,)
        if field in SECTION_NAMES:
            out[field] = normaliser.nodes(value, here, field)
        elif field == "project":
            out[field] = normaliser.project(value, here)
        elif field == "projects":
            out[field] = normaliser.items(value, here, normaliser.project)
        else:
            out[field] = normaliser.items(value, here, normaliser.batch)
    return out


__all__ = ["View", "check_environments", "choose", "effective", "normalise", "views"]
