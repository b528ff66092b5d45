"""The label-set models: an Ontology of tools, classifications and relations, with options and tree options."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

TOOL_TYPES = (
    "bounding-box",
    "rotated-bounding-box",
    "polygon",
    "polyline",
    "segmentation",
    "point",
    "ner",
    "pdf",
    "brush",
    "pct",
    "spline",
)
CLASSIFICATION_TYPES = (
    "radio",
    "checkbox",
    "single-dropdown",
    "multi-dropdown",
    "tree-dropdown",
    "text",
    "instance",
    "boolean",
    "rank",
)
RELATION_TYPES = ("one-to-one", "one-to-many", "group")
OPTION_TYPES = ("radio", "checkbox", "single-dropdown", "multi-dropdown", "rank")
TREE_TYPE = "tree-dropdown"
TEXT_TYPE = "text"
COLUMN_TYPES = ("instance",)

Scalar = str | int | float | bool | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


class Option(_Model):
    """An answer of a radio, checkbox, dropdown or rank classification."""

    value: str
    id: str | None = None
    renamed_from: str | None = None
    protect: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)


class TreeOption(_Model):
    """A node of a tree dropdown; its `id` is the wire `key`."""

    title: str
    id: str | None = None
    value: str | None = None
    children: list[TreeOption] = Field(default_factory=list)
    renamed_from: str | None = None
    protect: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("children", mode="before")
    @classmethod
    def _titles_as_nodes(cls, value: Any) -> Any:
        return _tree_shorthand(value)


class _Node(_Model):
    """What tools, classifications and relations share."""

    type: str
    title: str
    id: str | None = None
    required: bool = False
    column_field: bool = False
    color: str | None = None
    shortcut_key: str = ""
    classifications: list[Classification] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    renamed_from: str | None = None
    protect: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("options", mode="before")
    @classmethod
    def _values_as_options(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"value": item} if isinstance(item, str) else item for item in value]
        return value


class Tool(_Node):
    """A drawing or marking tool: bounding box, polygon, NER span…"""


class Relation(_Node):
    """A relation between objects: one-to-one, one-to-many or group."""


class Classification(_Node):
    """A question: radio, checkbox, dropdowns, tree dropdown, text, instance, boolean, rank."""

    tree_options: list[TreeOption] = Field(default_factory=list)
    when: str | None = None
    parent_option_id: str | None = None
    regex: str | None = None
    frame_specific: bool = False
    show_dropdown: bool = False
    rich_text: bool = False
    multiple: bool = False
    export_name: str | None = None
    display_name: str | None = None
    abbreviated_name: str | None = None
    attribute_type: str | None = None
    default_value: Scalar = None

    @field_validator("tree_options", mode="before")
    @classmethod
    def _titles_as_nodes(cls, value: Any) -> Any:
        return _tree_shorthand(value)


Node = Tool | Classification | Relation


class ProjectRef(_Model):
    """The project a label set belongs to: an id, or a name (and description) to find or create."""

    id: str | None = None
    name: str | None = None
    description: str = ""


class Ontology(_Model):
    """A whole label set, with the project(s) it targets and the batches they should have."""

    project: ProjectRef | None = None
    projects: list[ProjectRef] = Field(default_factory=list)
    batches: list[str] = Field(default_factory=list)
    tools: list[Tool] = Field(default_factory=list)
    classifications: list[Classification] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)

    @field_validator("project", mode="before")
    @classmethod
    def _id_as_project(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    @field_validator("projects", mode="before")
    @classmethod
    def _ids_as_projects(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value

    def targets(self) -> list[ProjectRef]:
        """Every project this label set is meant for, in file order."""
        return ([self.project] if self.project else []) + list(self.projects)

    def counts(self) -> dict[str, int]:
        """How many tools, classifications (nested included), relations, options and tree nodes."""
        counts = {"tools": len(self.tools), "classifications": len(self.classifications),
                  "relations": len(self.relations), "options": 0, "tree_options": 0}
        stack: list[_Node] = [*self.tools, *self.classifications, *self.relations]
        while stack:
            node = stack.pop()
            counts["options"] += len(node.options)
            if isinstance(node, Classification):
                counts["tree_options"] += _count_tree(node.tree_options)
            counts["classifications"] += len(node.classifications)
            stack.extend(node.classifications)
        return counts


M = TypeVar("M", bound=BaseModel)


def evolve(model: M, update: dict[str, Any]) -> M:
    """`model` with `update` applied, like `model_copy(update=…)` without a fresh fields-set per copy.

    Resolution copies every node of an ontology; pydantic's copy also copies the set of fields that
    were set, which costs more memory than the node's own values on a large label set.
    """
    copied = model.model_copy(update=update)
    object.__setattr__(copied, "__pydantic_fields_set__", model.__pydantic_fields_set__)
    return copied


def _count_tree(nodes: list[TreeOption]) -> int:
    total = 0
    stack = list(nodes)
    while stack:
        node = stack.pop()
        total += 1
        stack.extend(node.children)
    return total


def _tree_shorthand(value: Any) -> Any:
    """Accept `"Leaf"` and `{"Branch": [children]}` as tree nodes, besides full mappings."""
    if not isinstance(value, list):
        return value
    return [_tree_item(item) for item in value]


def _tree_item(item: Any) -> Any:
    if isinstance(item, str):
        return {"title": item}
    if isinstance(item, dict) and len(item) == 1:
        ((title, children),) = item.items()
        if title not in TreeOption.model_fields and isinstance(title, str):
            return {"title": title, "children": children if children is not None else []}
    return item


_Node.model_rebuild()
Tool.model_rebuild()
Relation.model_rebuild()
Classification.model_rebuild()
TreeOption.model_rebuild()
