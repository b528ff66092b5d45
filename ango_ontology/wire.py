"""The categorySchema wire format: Ango's JSON to models and back, plus its canonical form and fingerprint.

Reading is here; writing is in `wire_write` (re-exported: `to_category_schema` and friends).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from .model import (
    JSON,
    SECTION_NAMES,
    SECTIONS,
    TREE_TYPE,
    Classification,
    Node,
    Ontology,
    Option,
    TreeOption,
    attributes,
    uses_tree,
    wire_keys,
)
from .provenance import forget_read, mark_read
from .wire_write import (
    CHILD_KEYS,
    SDK_ORDER,
    flatten_tree,
    node_to_wire,
    option_to_wire,
    text_of,
    to_category_schema,
    tree_to_wire,
    written_head,
)

__all__ = ["CHILD_KEYS", "SDK_ORDER", "Choices", "canonical_json", "dumps", "fingerprint", "flatten_tree",
           "from_category_schema", "node_to_wire", "option_to_wire", "to_category_schema", "tree_to_wire",
           "written_head"]

OPTION_KEYS = tuple(wire_keys(Option))
TREE_KEYS = tuple(wire_keys(TreeOption))


class Choices:
    """A classification's answers as (value, id) pairs, looked up either way, built on first use.

    A tree dropdown's answers are its flattened paths: tens of thousands in a large tree, so they
    are only computed when a nested classification actually names one.
    """

    def __init__(self, options: list[Option], tree: list[TreeOption] | None = None) -> None:
        self._options = options
        self._tree = tree
        self._by_id: dict[str, str] | None = None
        self._by_value: dict[str, str | None] | None = None

    @classmethod
    def of(cls, node: Node | None) -> Choices:
        """The answers of a node: a tree dropdown's paths, a choice question's options, else none."""
        if node is None:
            return cls([])
        if uses_tree(node):
            return cls(node.options, node.tree_options)
        return cls(node.options)

    def pairs(self) -> Iterator[tuple[str, str | None]]:
        if self._tree is not None:
            return flatten_tree(self._tree)
        return ((option.value, option.id) for option in self._options)

    def value_of(self, option_id: str | None) -> str | None:
        if option_id is None:
            return None
        if self._by_id is None:
            self._by_id = {}
            for value, key in self.pairs():
                if key is not None:
                    self._by_id.setdefault(key, value)
        return self._by_id.get(option_id)

    def id_of(self, value: str) -> str | None:
        if self._by_value is None:
            self._by_value = {}
            for found, key in self.pairs():
                self._by_value.setdefault(found, key)
        return self._by_value.get(value)


# --- wire -> models -------------------------------------------------------------------------------------

@cache
def _all_fields(cls: type[BaseModel]) -> set[str]:
    """One set of field names per model class, shared by every parsed node of that class.

    Each model keeps the set of fields that were set; a fresh set per node is over a kilobyte, a
    hundred megabytes for a large live schema. Parsed nodes set every field, so one set serves all.
    """
    return set(cls.model_fields)


def from_category_schema(data: JSON | None, *, tied: bool = True) -> Ontology:
    """Parse a live categorySchema into models: missing keys and nulls take defaults, unknown keys are kept.

    Each model is tied to the dict it was read from, so it is written back as read (see `provenance`);
    `tied=False` makes the models of a new label set instead (an import), written whole like any new one.
    """
    data = data if data is not None else {}
    sections: dict[str, Any] = {
        section.name: [_parse_node(item, section.model, None) for item in _list(data.get(section.name))]
        for section in SECTIONS
    }
    ontology = Ontology.model_construct(None, project=None, projects=[], batches=[], **sections)
    mark_read(ontology, data)
    if not tied:
        for item in (ontology, *ontology.walk()):
            forget_read(item)
    return ontology


def _list(value: Any) -> list[JSON]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@cache
def _readers(model: type[Node]) -> tuple[tuple[str, str, str, Any], ...]:
    """(wire key, field, form, default) of each plain attribute of a node kind."""
    return tuple((a.wire, a.name, a.form, a.default) for a in attributes(model))


def _plain_fields(item: JSON, model: type[Node]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, name, form, default in _readers(model):
        value = item.get(key)
        if form == "flag":
            value = bool(value)
        elif form == "text":
            value = text_of(value)
            value = default if value is None else value
        fields[name] = value
    return fields


def _file_only() -> dict[str, Any]:
    """The fields only a file holds, given outright: a field left to `model_construct` with a default factory
    has pydantic inspect the factory's signature on every node (seconds on a large live schema)."""
    return {"description": None, "examples": []}


def _parse_node(item: JSON, model: type[Node], parent: Choices | None) -> Any:
    fields = _plain_fields(item, model)
    fields.update(type=text_of(item.get("tool")) or "", title=text_of(item.get("title")) or "",
                  id=text_of(item.get("schemaId")) or None, renamed_from=None, protect=False, **_file_only())
    if model is Classification:
        own = _classification_fields(item, fields, parent)
    else:
        fields["options"] = [_parse_option(o) for o in _list(item.get("options"))]
        own = Choices(fields["options"])
    fields["classifications"] = [_parse_node(child, Classification, own)
                                 for child in _list(item.get("classifications"))]
    known = wire_keys(model)
    fields["extra"] = {k: v for k, v in item.items() if k not in known}
    node = model.model_construct(_fields_set=_all_fields(model), **fields)
    mark_read(node, item)
    return node


def _classification_fields(item: JSON, fields: dict[str, Any], parent: Choices | None) -> Choices:
    """Fill a classification's tree, options and condition; the answers its own nested questions refer to."""
    tree = [_parse_tree(t) for t in _list(item.get("treeOptions"))]
    is_tree = fields["type"] == TREE_TYPE and (tree or not item.get("options"))
    # A tree dropdown's options are the flattened tree: derived, so not kept separately.
    fields["options"] = [] if is_tree else [_parse_option(o) for o in _list(item.get("options"))]
    fields["tree_options"] = tree
    parent_id = text_of(item.get("parentOptionId")) or None
    fields["parent_option_id"] = parent_id
    fields["when"] = parent.value_of(parent_id) if parent is not None else None
    return Choices(fields["options"], tree if is_tree else None)


def _parse_option(item: JSON) -> Option:
    option = Option.model_construct(
        _fields_set=_all_fields(Option),
        value=text_of(item.get("value")) or "",
        id=text_of(item.get("schemaId")) or None,  # an empty id is none: one is derived
        renamed_from=None,
        protect=False,
        extra={k: v for k, v in item.items() if k not in OPTION_KEYS},
        **_file_only(),
    )
    mark_read(option, item)
    return option


def _parse_tree(item: JSON) -> TreeOption:
    # The official SDK stores an explicit key as `schemaId`: accept both.
    key = text_of(item.get("key")) or text_of(item.get("schemaId"))
    value = text_of(item.get("value"))
    node = TreeOption.model_construct(
        _fields_set=_all_fields(TreeOption),
        title=text_of(item.get("title")) or "",
        id=key,
        value=None if value == key else value,
        children=[_parse_tree(child) for child in _list(item.get("children"))],
        renamed_from=None,
        protect=False,
        extra={k: v for k, v in item.items() if k not in TREE_KEYS and not (k == "schemaId" and key)},
        **_file_only(),
    )
    mark_read(node, item)
    return node


# --- canonical form -------------------------------------------------------------------------------------

def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(category_schema: JSON | None) -> str:
    """A hash of the canonical categorySchema; a missing or empty project has one too."""
    normal = category_schema or {}
    normal = {name: normal.get(name) or [] for name in SECTION_NAMES} | {
        k: v for k, v in normal.items() if k not in SECTION_NAMES
    }
    return "sha256:" + hashlib.sha256(canonical_json(normal)).hexdigest()


def dumps(category_schema: JSON) -> str:
    """The categorySchema as stable, readable JSON text (the order of keys as Ango sends them)."""
    return json.dumps(category_schema, indent=2, ensure_ascii=False) + "\n"
