"""The categorySchema wire format: models to Ango's JSON and back, plus its canonical form and fingerprint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from .model import (
    TREE_TYPE,
    Classification,
    Ontology,
    Option,
    Relation,
    Tool,
    TreeOption,
    _Node,
)

JSON = dict[str, Any]

BASE_KEYS = ("tool", "title", "required", "schemaId", "columnField", "color", "shortcutKey",
             "classifications", "options")
CLASSIFICATION_KEYS = ("treeOptions", "regex", "parentOptionId", "frameSpecific", "showDropdown", "richText",
                       "exportName", "displayName", "abbreviatedName", "attributeType", "defaultValue",
                       "multiple")
OPTION_KEYS = ("value", "schemaId")
TREE_KEYS = ("title", "key", "value", "children")
# Wire key -> model field, for the attributes that are plain values.
_BASE_FIELDS = {"required": "required", "columnField": "column_field", "color": "color",
                "shortcutKey": "shortcut_key"}
_CLASSIFICATION_FIELDS = {"regex": "regex", "frameSpecific": "frame_specific",
                          "showDropdown": "show_dropdown", "richText": "rich_text", "multiple": "multiple",
                          "exportName": "export_name", "displayName": "display_name",
                          "abbreviatedName": "abbreviated_name", "attributeType": "attribute_type",
                          "defaultValue": "default_value"}
WIRE_TO_FIELD = {**_BASE_FIELDS, **_CLASSIFICATION_FIELDS, "schemaId": "id", "tool": "type",
                 "treeOptions": "tree_options", "parentOptionId": "parent_option_id"}
SECTIONS = ("tools", "classifications", "relations")


# --- models -> wire -------------------------------------------------------------------------------------

def to_category_schema(ontology: Ontology) -> JSON:
    """The categorySchema for a label set; ids and colours must already be resolved (see `identity.resolve`)."""
    return {
        "tools": [node_to_wire(tool) for tool in ontology.tools],
        "classifications": [node_to_wire(c) for c in ontology.classifications],
        "relations": [node_to_wire(r) for r in ontology.relations],
    }


def node_to_wire(node: _Node) -> JSON:
    """One tool, classification or relation with its nested classifications and options."""
    out: JSON = {
        "tool": node.type,
        "title": node.title,
        "required": node.required,
        "schemaId": node.id,
        "columnField": node.column_field,
    }
    if node.color is not None:
        out["color"] = node.color
    out["shortcutKey"] = node.shortcut_key
    out["classifications"] = [node_to_wire(child) for child in node.classifications]
    if isinstance(node, Classification) and node.type == TREE_TYPE:
        out["options"] = [{"value": value, "schemaId": key} for value, key in flatten_tree(node.tree_options)]
    else:
        out["options"] = [option_to_wire(option) for option in node.options]
    if isinstance(node, Classification):
        out.update(_classification_wire(node))
    for key, value in node.extra.items():
        out.setdefault(key, value)
    return out


def _classification_wire(node: Classification) -> JSON:
    out: JSON = {
        "treeOptions": [tree_to_wire(child) for child in node.tree_options],
        "regex": node.regex,
        "parentOptionId": node.parent_option_id,
        "frameSpecific": node.frame_specific,
        "showDropdown": node.show_dropdown,
        "richText": node.rich_text,
        "exportName": node.export_name,
        "displayName": node.display_name,
        "abbreviatedName": node.abbreviated_name,
        "attributeType": node.attribute_type,
        "defaultValue": node.default_value,
    }
    if node.multiple:
        out["multiple"] = True
    return out


def option_to_wire(option: Option) -> JSON:
    out: JSON = {"value": option.value, "schemaId": option.id}
    for key, value in option.extra.items():
        out.setdefault(key, value)
    return out


def tree_to_wire(node: TreeOption) -> JSON:
    out: JSON = {
        "title": node.title,
        "key": node.id,
        "value": node.value if node.value is not None else node.id,
        "children": [tree_to_wire(child) for child in node.children],
    }
    for key, value in node.extra.items():
        out.setdefault(key, value)
    return out


def flatten_tree(nodes: list[TreeOption], prefix: str = "") -> Iterator[tuple[str, str | None]]:
    """Each tree node as (`"Parent / Child"` path, key), depth first, as the SDK flattens trees."""
    for node in nodes:
        path = f"{prefix} / {node.title}" if prefix else node.title
        yield path, node.id
        yield from flatten_tree(node.children, path)


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

    def _pairs(self) -> Iterator[tuple[str, str | None]]:
        if self._tree is not None:
            return flatten_tree(self._tree)
        return ((option.value, option.id) for option in self._options)

    def value_of(self, option_id: str | None) -> str | None:
        if option_id is None:
            return None
        if self._by_id is None:
            self._by_id = {}
            for value, key in self._pairs():
                if key is not None:
                    self._by_id.setdefault(key, value)
        return self._by_id.get(option_id)

    def id_of(self, value: str) -> str | None:
        if self._by_value is None:
            self._by_value = {}
            for found, key in self._pairs():
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


def from_category_schema(data: JSON | None) -> Ontology:
    """Parse a live categorySchema into models: missing keys and nulls take defaults, unknown keys are kept."""
    data = data or {}
    return Ontology.model_construct(
        project=None,
        projects=[],
        batches=[],
        tools=[_parse_node(item, Tool) for item in _list(data.get("tools"))],
        classifications=[_parse_classification(item, None) for item in _list(data.get("classifications"))],
        relations=[_parse_node(item, Relation) for item in _list(data.get("relations"))],
    )


def _list(value: Any) -> list[JSON]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _base_fields(item: JSON) -> dict[str, Any]:
    return {
        "type": _text(item.get("tool")) or "",
        "title": _text(item.get("title")) or "",
        "id": _text(item.get("schemaId")),
        "required": bool(item.get("required")),
        "column_field": bool(item.get("columnField")),
        "color": _text(item.get("color")),
        "shortcut_key": _text(item.get("shortcutKey")) or "",
        "renamed_from": None,
        "protect": False,
    }


def _parse_node(item: JSON, cls: type[Tool] | type[Relation]) -> Any:
    fields = _base_fields(item)
    fields["options"] = [_parse_option(o) for o in _list(item.get("options"))]
    choices = Choices(fields["options"])
    fields["classifications"] = [
        _parse_classification(child, choices) for child in _list(item.get("classifications"))
    ]
    fields["extra"] = {k: v for k, v in item.items() if k not in BASE_KEYS}
    return cls.model_construct(_fields_set=_all_fields(cls), **fields)


def _parse_classification(item: JSON, parent: Choices | None) -> Classification:
    fields = _base_fields(item)
    tree = [_parse_tree(t) for t in _list(item.get("treeOptions"))]
    is_tree = fields["type"] == TREE_TYPE and (tree or not item.get("options"))
    # A tree dropdown's options are the flattened tree: derived, so not kept separately.
    fields["options"] = [] if is_tree else [_parse_option(o) for o in _list(item.get("options"))]
    fields["tree_options"] = tree
    for wire_key, field in _CLASSIFICATION_FIELDS.items():
        value = item.get(wire_key)
        if field in ("frame_specific", "show_dropdown", "rich_text", "multiple"):
            value = bool(value)
        elif wire_key != "defaultValue":
            value = _text(value)
        fields[field] = value
    parent_id = _text(item.get("parentOptionId")) or None
    fields["parent_option_id"] = parent_id
    fields["when"] = parent.value_of(parent_id) if parent is not None else None
    own = Choices(fields["options"], tree if is_tree else None)
    fields["classifications"] = [
        _parse_classification(child, own) for child in _list(item.get("classifications"))
    ]
    fields["extra"] = {k: v for k, v in item.items() if k not in BASE_KEYS and k not in CLASSIFICATION_KEYS}
    return Classification.model_construct(_fields_set=_all_fields(Classification), **fields)


def _parse_option(item: JSON) -> Option:
    return Option.model_construct(
        _fields_set=_all_fields(Option),
        value=_text(item.get("value")) or "",
        id=_text(item.get("schemaId")),
        renamed_from=None,
        protect=False,
        extra={k: v for k, v in item.items() if k not in OPTION_KEYS},
    )


def _parse_tree(item: JSON) -> TreeOption:
    # The official SDK stores an explicit key as `schemaId`: accept both.
    key = _text(item.get("key")) or _text(item.get("schemaId"))
    value = _text(item.get("value"))
    return TreeOption.model_construct(
        _fields_set=_all_fields(TreeOption),
        title=_text(item.get("title")) or "",
        id=key,
        value=None if value == key else value,
        children=[_parse_tree(child) for child in _list(item.get("children"))],
        renamed_from=None,
        protect=False,
        extra={k: v for k, v in item.items() if k not in TREE_KEYS and not (k == "schemaId" and key)},
    )


# --- canonical form -------------------------------------------------------------------------------------

def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(category_schema: JSON | None) -> str:
    """A hash of the canonical categorySchema; a missing or empty project has one too."""
    normal = category_schema or {}
    normal = {section: normal.get(section) or [] for section in SECTIONS} | {
        k: v for k, v in normal.items() if k not in SECTIONS
    }
    return "sha256:" + hashlib.sha256(canonical_json(normal)).hexdigest()


def dumps(category_schema: JSON) -> str:
    """The categorySchema as stable, readable JSON text (the order of keys as Ango sends them)."""
    return json.dumps(category_schema, indent=2, ensure_ascii=False) + "\n"
