"""The live side of a plan: a project's categorySchema read once into its models and its fingerprint."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .identity import resolve, resolve_live
from .model import JSON, Ontology
from .wire import fingerprint, from_category_schema, to_category_schema


@dataclass(frozen=True)
class Live:
    """A live label set: the categorySchema as the hub holds it (None: no project yet) and its models.

    Parsed once per read; the plan, the usage count and the staleness check all use this one copy.
    """

    schema: JSON | None
    ontology: Ontology = field(compare=False)

    @classmethod
    def read(cls, schema: JSON | None) -> Live:
        """From the categorySchema a hub returned (nodes stored without an id get the ids plan derives)."""
        return cls(schema, resolve_live(from_category_schema(schema)))

    @classmethod
    def of(cls, ontology: Ontology) -> Live:
        """From a label set in a file, as if a project held it (ids and colours derived as apply would)."""
        resolved = resolve(ontology)
        return cls(to_category_schema(resolved), resolved)

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.schema)


def as_live(live: Live | Ontology | JSON | None) -> Live:
    """Whatever stands for the live side — a Live, a label set, a categorySchema or nothing — as a Live."""
    if isinstance(live, Live):
        return live
    if isinstance(live, Ontology):
        return Live.of(live)
    return Live.read(live)
