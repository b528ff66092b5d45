"""ango-ontology: declarative, ontology-as-code label sets for Ango Hub, with a safe plan/apply cycle."""

from __future__ import annotations

from .errors import AngoOntologyError, OntologyInvalid, Problem
from .identity import resolve
from .loader import load, load_text
from .model import Classification, Ontology, Option, ProjectRef, Relation, Tool, TreeOption
from .wire import from_category_schema, to_category_schema


def category_schema(ontology: Ontology) -> dict[str, object]:
    """The categorySchema Ango Hub would store for this label set on its own (deterministic ids and colours)."""
    return to_category_schema(resolve(ontology))


__all__ = [
    "AngoOntologyError",
    "Classification",
    "Ontology",
    "OntologyInvalid",
    "Option",
    "Problem",
    "ProjectRef",
    "Relation",
    "Tool",
    "TreeOption",
    "category_schema",
    "from_category_schema",
    "load",
    "load_text",
    "resolve",
    "to_category_schema",
]
