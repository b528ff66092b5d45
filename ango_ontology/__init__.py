"""ango-ontology: declarative, ontology-as-code label sets for Ango Hub, with a safe plan/apply cycle."""

from __future__ import annotations

from .api import (
    Imported,
    Rollback,
    Validation,
    apply,
    choose_targets,
    diff,
    drift_base,
    files,
    format_text,
    guide,
    import_config,
    load,
    load_text,
    open_hub,
    plan,
    plan_files,
    plan_rollback,
    plan_saved,
    pull,
    pull_into,
    read_plan,
    rollback,
    validate,
)
from .errors import AngoOntologyError, OntologyInvalid, Problem
from .identity import resolve
from .model import Classification, Environment, Node, Ontology, Option, ProjectRef, Relation, Tool, TreeOption
from .plan import Change, Plan
from .runs import ProjectRun
from .wire import from_category_schema, to_category_schema


def category_schema(ontology: Ontology) -> dict[str, object]:
    """The categorySchema Ango Hub would store for this label set on its own (deterministic ids and colours)."""
    return to_category_schema(resolve(ontology))


__all__ = [
    "AngoOntologyError",
    "Change",
    "Classification",
    "Environment",
    "Imported",
    "Node",
    "Ontology",
    "OntologyInvalid",
    "Option",
    "Plan",
    "Problem",
    "ProjectRef",
    "ProjectRun",
    "Relation",
    "Rollback",
    "Tool",
    "TreeOption",
    "Validation",
    "apply",
    "category_schema",
    "choose_targets",
    "diff",
    "drift_base",
    "files",
    "format_text",
    "from_category_schema",
    "guide",
    "import_config",
    "load",
    "load_text",
    "open_hub",
    "plan",
    "plan_files",
    "plan_rollback",
    "plan_saved",
    "pull",
    "pull_into",
    "read_plan",
    "resolve",
    "rollback",
    "to_category_schema",
    "validate",
]
