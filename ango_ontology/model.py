"""The label-set models, and the one table of what each node kind holds and how Ango names it.

Every attribute a node carries is declared once, on its model, with its key in Ango's
categorySchema (`Wire`). The loader, the wire format, the diff, `fmt` and `pull` read that table
(`attributes`, `wire_keys`, `SECTIONS`, `FAMILY`): adding an Ango attribute is one line here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .provenance import Continues, before_change

JSON = dict[str, Any]
"""A JSON object as Python reads it."""
JSONValue = Any
"""Any JSON value: text, a number, true or false, null, a list or an object."""


def same_json(left: Any, right: Any) -> bool:
    """Whether two JSON values are the same, types included: `1`, `1.0` and `true` differ (Python's `==` does not)."""
    if left is right:
        return True
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same_json(value, right[key]) for key, value in left.items())
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    return bool(left == right)

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

Kind = Literal["tool", "classification", "relation", "option", "tree-option"]
Family = Literal["node", "option", "tree"]
# Tools, classifications and relations share one id space: a tool that became a classification keeps
# its id (a replacement), while an option that shares an id with a tool is unrelated.
FAMILY: dict[str, Family] = {"tool": "node", "classification": "node", "relation": "node",
                             "option": "option", "tree-option": "tree"}


# --- the table --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Wire:
    """Field metadata: the field's key in Ango's categorySchema, and how files and the wire write it.

    `plain` marks an attribute that is a plain value (compared by the diff, written by `pull` when not
    at its default); the others are a node's identity and structure, each handled by name.
    """

    key: str
    plain: bool = True
    file_key: str | None = None  # the key `pull` writes, when shorter than the field's name
    omit_default: bool = False  # left out of the categorySchema while it holds its default


@dataclass(frozen=True)
class Attribute:
    """One plain-valued attribute of a node kind: its field, wire key, default and form of value."""

    name: str
    wire: str
    default: Any
    form: Literal["flag", "text", "value"]  # a boolean; text (or null); any JSON value
    file_key: str
    omit_default: bool


def _wire_of(model: type[BaseModel], name: str) -> Wire | None:
    return next((m for m in model.model_fields[name].metadata if isinstance(m, Wire)), None)


def _form(annotation: Any) -> Literal["flag", "text", "value"]:
    if annotation is bool:
        return "flag"
    return "text" if annotation in (str, str | None) else "value"


@cache
def attributes(model: type[BaseModel]) -> tuple[Attribute, ...]:
    """The plain-valued attributes of a model class, in the order files list them."""
    out = []
    for name, info in model.model_fields.items():
        wire = _wire_of(model, name)
        if wire is not None and wire.plain:
            out.append(Attribute(name, wire.key, info.default, _form(info.annotation), wire.file_key or name,
                                 wire.omit_default))
    return tuple(out)


@cache
def wire_keys(model: type[BaseModel]) -> dict[str, str]:
    """Every modelled wire key of a model class (structure included) -> its field."""
    return {wire.key: name for name in model.model_fields if (wire := _wire_of(model, name)) is not None}


# --- the models -------------------------------------------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)

    def __eq__(self, other: object) -> bool:
        """Equal values, JSON types of free-form values included; where a node was read from is not compared."""
        if not isinstance(other, BaseModel):
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        return type(self) is type(other) and mine == theirs and _strictly_equal(mine, theirs)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self).model_fields:
            before_change(self)
        super().__setattr__(name, value)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy; one with changed values is written back as changes over what the original was read from."""
        copied = super().model_copy(update=update, deep=deep)
        if update:
            before_change(copied, self)
        return copied

    def __copy__(self) -> Any:
        copied = super().__copy__()
        object.__setattr__(copied, "__pydantic_private__", self.__pydantic_private__)  # see `read_from`
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        copied = super().__deepcopy__(memo)
        private = self.__pydantic_private__
        if type(private) is Continues:  # pydantic would make it a plain dict, read as the node's own
            object.__setattr__(copied, "__pydantic_private__", Continues(copy.deepcopy(dict(private), memo)))
        return copied


def _strictly_equal(mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """`==` said equal: check the free-form values, where `1 == 1.0 == True` would hide a change of JSON type."""
    extra = mine.get("extra")
    if extra and not same_json(extra, theirs.get("extra")):
        return False
    return "default_value" not in mine or same_json(mine["default_value"], theirs.get("default_value"))


class Option(_Model):
    """An answer of a radio, checkbox, dropdown or rank classification."""

    kind: ClassVar[Kind] = "option"

    value: Annotated[str, Wire("value", plain=False)]
    id: Annotated[str | None, Wire("schemaId", plain=False)] = None
    renamed_from: str | None = None
    description: str | None = None
    examples: list[str] = Field(default_factory=list)
    protect: bool = False
    extra: JSON = Field(default_factory=dict)

    def walk(self) -> Iterator[Item]:
        yield self


class TreeOption(_Model):
    """A node of a tree dropdown; its `id` is the wire `key`."""

    kind: ClassVar[Kind] = "tree-option"

    title: Annotated[str, Wire("title", plain=False)]
    id: Annotated[str | None, Wire("key", plain=False)] = None
    value: Annotated[str | None, Wire("value", plain=False)] = None
    children: Annotated[list[TreeOption], Wire("children", plain=False)] = Field(default_factory=list)
    renamed_from: str | None = None
    description: str | None = None
    examples: list[str] = Field(default_factory=list)
    protect: bool = False
    extra: JSON = Field(default_factory=dict)

    @field_validator("children", mode="before")
    @classmethod
    def _titles_as_nodes(cls, value: Any) -> Any:
        return _tree_shorthand(value)

    def walk(self) -> Iterator[Item]:
        """This tree node and every one below it, depth first."""
        return _walk([self])


class Node(_Model):
    """What tools, classifications and relations share; `kind` says which one a node is."""

    kind: ClassVar[Kind]

    type: Annotated[str, Wire("tool", plain=False)]
    title: Annotated[str, Wire("title", plain=False)]
    id: Annotated[str | None, Wire("schemaId", plain=False)] = None
    required: Annotated[bool, Wire("required")] = False
    color: Annotated[str | None, Wire("color", omit_default=True)] = None
    shortcut_key: Annotated[str, Wire("shortcutKey", file_key="shortcut")] = ""
    column_field: Annotated[bool, Wire("columnField")] = False
    classifications: Annotated[list[Classification], Wire("classifications", plain=False)] = \
        Field(default_factory=list)
    options: Annotated[list[Option], Wire("options", plain=False)] = Field(default_factory=list)
    renamed_from: str | None = None
    # For people only (the annotator guide): kept in the file, never sent to Ango, never a plan change.
    description: str | None = None
    examples: list[str] = Field(default_factory=list)
    protect: bool = False
    extra: JSON = Field(default_factory=dict)

    @field_validator("options", mode="before")
    @classmethod
    def _values_as_options(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"value": item} if isinstance(item, str) else item for item in value]
        return value

    def walk(self) -> Iterator[Item]:
        """This node and everything inside it — options, tree, nested questions — depth first, in file order."""
        return _walk([self])


class Tool(Node):
    """A drawing or marking tool: bounding box, polygon, NER span…"""

    kind: ClassVar[Kind] = "tool"


class Relation(Node):
    """A relation between objects: one-to-one, one-to-many or group."""

    kind: ClassVar[Kind] = "relation"


class Classification(Node):
    """A question: radio, checkbox, dropdowns, tree dropdown, text, instance, boolean, rank."""

    kind: ClassVar[Kind] = "classification"

    tree_options: Annotated[list[TreeOption], Wire("treeOptions", plain=False)] = Field(default_factory=list)
    when: str | None = None
    parent_option_id: Annotated[str | None, Wire("parentOptionId", plain=False)] = None
    regex: Annotated[str | None, Wire("regex")] = None
    rich_text: Annotated[bool, Wire("richText")] = False
    frame_specific: Annotated[bool, Wire("frameSpecific")] = False
    show_dropdown: Annotated[bool, Wire("showDropdown")] = False
    multiple: Annotated[bool, Wire("multiple", omit_default=True)] = False
    export_name: Annotated[str | None, Wire("exportName")] = None
    display_name: Annotated[str | None, Wire("displayName")] = None
    abbreviated_name: Annotated[str | None, Wire("abbreviatedName")] = None
    attribute_type: Annotated[str | None, Wire("attributeType")] = None
    default_value: Annotated[JSONValue, Wire("defaultValue")] = None  # free-form in Ango: any JSON value

    @field_validator("tree_options", mode="before")
    @classmethod
    def _titles_as_nodes(cls, value: Any) -> Any:
        return _tree_shorthand(value)


Item = Node | Option | TreeOption
"""Anything that has an id in a label set: a tool, classification or relation, an option, a tree node."""


def uses_tree(node: Node) -> TypeGuard[Classification]:
    """Whether a node's answers are its tree: a tree dropdown with a tree, or with no options either.

    Its `options` are then the flattened tree, derived on the wire. (A live tree dropdown may hold plain
    options and no tree; those are its answers, kept as they are.)
    """
    return node.type == TREE_TYPE and isinstance(node, Classification) and bool(node.tree_options or not node.options)


def children_of(item: Item) -> Iterator[Item]:
    """The items directly inside one: a node's options, tree and nested questions; a tree node's children."""
    if isinstance(item, TreeOption):
        yield from item.children
    elif isinstance(item, Node):
        yield from item.options
        if isinstance(item, Classification):
            yield from item.tree_options
        yield from item.classifications


def _walk(roots: list[Any]) -> Iterator[Item]:
    stack = list(reversed(roots))
    while stack:  # a stack, not recursion: a tree may be deeper than Python's recursion limit
        item = stack.pop()
        yield item
        stack.extend(reversed(list(children_of(item))))


@dataclass(frozen=True)
class Section:
    """One of an ontology's three top-level lists: its name, the kind and model of its nodes, its types."""

    name: str
    kind: Kind
    model: type[Node]
    types: tuple[str, ...]


SECTIONS = (
    Section("tools", "tool", Tool, TOOL_TYPES),
    Section("classifications", "classification", Classification, CLASSIFICATION_TYPES),
    Section("relations", "relation", Relation, RELATION_TYPES),
)
SECTION_NAMES = tuple(section.name for section in SECTIONS)


class ProjectRef(_Model):
    """The project a label set belongs to: an id, or a name (and description) to find or create."""

    id: str | None = None
    name: str | None = None
    description: str = ""


class _LabelSet(_Model):
    """What a label set file and each of its environments write: project(s), batches, the three sections."""

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

    def own_targets(self) -> list[ProjectRef]:
        """The projects named here (`project:` then `projects:`), in file order."""
        return ([self.project] if self.project else []) + list(self.projects)


class Environment(_LabelSet):
    """One environment of a label set (staging, production…): its project(s), and the batches and
    top-level nodes it adds to the file's own."""


class Ontology(_LabelSet):
    """A whole label set, with the project(s) it targets and the batches they should have; `environments`
    are variants of it, each for its own project(s)."""

    environments: dict[str, Environment] = Field(default_factory=dict)

    def section(self, name: str) -> list[Node]:
        """The nodes of one section (`tools`, `classifications` or `relations`)."""
        nodes: list[Node] = getattr(self, name)
        return nodes

    def nodes(self) -> list[Node]:
        """The top-level nodes of every section, in section order."""
        return [*self.tools, *self.classifications, *self.relations]

    def walk(self) -> Iterator[Item]:
        """Every node of the label set, options and tree nodes included, depth first, in file order."""
        return _walk(self.nodes())

    def is_empty(self) -> bool:
        return not (self.tools or self.classifications or self.relations)

    def targets(self) -> list[ProjectRef]:
        """Every project this label set is meant for, in file order (each environment's included)."""
        return self.own_targets() + [ref for env in self.environments.values() for ref in env.own_targets()]

    def counts(self) -> dict[str, int]:
        """How many tools, classifications (nested included), relations, options and tree nodes."""
        counts = dict.fromkeys(("tools", "classifications", "relations", "options", "tree_options"), 0)
        names = {"tool": "tools", "classification": "classifications", "relation": "relations",
                 "option": "options", "tree-option": "tree_options"}
        for item in self.walk():
            counts[names[item.kind]] += 1
        return counts


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


Node.model_rebuild()
Tool.model_rebuild()
Relation.model_rebuild()
Classification.model_rebuild()
TreeOption.model_rebuild()
