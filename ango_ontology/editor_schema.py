"""The JSON Schema of the ontology file format, generated from the models, so editors autocomplete and check.

Regenerate the committed copy with `python -m ango_ontology.editor_schema > schemas/ontology.schema.json`.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .model import CLASSIFICATION_TYPES, RELATION_TYPES, SECTION_NAMES, TOOL_TYPES, Ontology
from .normalise import ALIASES
from .validate import SHORTCUT_KEYS

SCHEMA_ID = "https://ango-ontology.dev/schemas/ontology.schema.json"
_NODE_TYPES = {"Tool": TOOL_TYPES, "Classification": CLASSIFICATION_TYPES, "Relation": RELATION_TYPES}
_DESCRIPTIONS = {
    "id": "The schemaId, verbatim. Optional: without it the node is matched by title, or gets a "
          "deterministic id.",
    "color": "#RRGGBB; without it the live colour is kept, or a deterministic one is chosen.",
    "shortcut_key": "'0'-'9', 'ctrl+0'-'ctrl+9' or 'a'-'k'.",
    "when": "The value of the parent classification's option that reveals this one.",
    "renamed_from": "The old title (or value) of a node renamed without an id.",
    "protect": "Never delete or replace this node in a plan.",
    "description": "What annotators should know; shown in the annotator guide, never sent to Ango.",
    "examples": "Links (http(s) or relative paths) to example images, listed in the annotator guide; never sent "
                "to Ango.",
    "extra": "Ango keys the toolkit does not model, sent verbatim.",
}


def ontology_json_schema() -> dict[str, Any]:
    """The schema: the models' own, plus the `<type>: <title>` shorthand, Ango's aliases and plain strings."""
    schema = Ontology.model_json_schema()
    defs = schema["$defs"]
    for name, types in _NODE_TYPES.items():
        _node_def(defs[name], types)
    _aliases(defs["Option"])
    _aliases(defs["TreeOption"])
    for name in ("Option", "TreeOption"):
        _describe(defs[name]["properties"])
    _aliases(defs["ProjectRef"])
    _option_items(defs)
    _tree_items(defs)
    _projects(schema["properties"])
    _projects(defs["Environment"]["properties"])
    schema["properties"]["batches"]["items"] = {"type": ["string", "number"], "minLength": 1}
    defs["Environment"]["properties"]["batches"]["items"] = {"type": ["string", "number"], "minLength": 1}
    _includes(schema, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "ango-ontology file", **schema}


def _node_def(node: dict[str, Any], types: tuple[str, ...]) -> None:
    props = node["properties"]
    props["type"] = {"enum": list(types), "description": "The type; or write `<type>: <title>`."}
    props["color"]["anyOf"][0]["pattern"] = "^#[0-9A-Fa-f]{6}$"
    props["shortcut_key"] = {"enum": ["", *sorted(SHORTCUT_KEYS)], "description": _DESCRIPTIONS["shortcut_key"]}
    _describe(props)
    for kind in types:
        props[kind] = {"type": ["string", "number", "null"], "description": f"A {kind} with this title."}
    _aliases(node)
    node.pop("required", None)
    node["minProperties"] = 1


def _describe(props: dict[str, Any]) -> None:
    for field, text in _DESCRIPTIONS.items():
        if field in props:
            props[field]["description"] = text


def _aliases(model_def: dict[str, Any]) -> None:
    props = model_def["properties"]
    for alias, field in ALIASES.items():
        if field in props and alias not in props and field != "type":
            props[alias] = {"$ref": f"#/$defs/{model_def['title']}/properties/{field}"}
    if "type" in props:
        for alias in ("tool", "classification", "relation"):
            props[alias] = props["type"]


def _projects(props: dict[str, Any]) -> None:
    # An id of digits is an id: the loader reads numbers as the text they were written with.
    props["project"] = {"anyOf": [{"type": ["string", "integer"]}, {"$ref": "#/$defs/ProjectRef"}, {"type": "null"}],
                        "description": "The project: its id, or {name, description} to find or create it; "
                                       "{id, name} pins a project found by name."}
    props["projects"]["items"] = {"anyOf": [{"type": ["string", "integer"]}, {"$ref": "#/$defs/ProjectRef"}]}


def _includes(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """Let every list of nodes, options and tree nodes hold `- include: PATH` items (fragments)."""
    defs["Include"] = {"type": "object", "additionalProperties": False, "required": ["include"],
                       "properties": {"include": {"type": "string", "description": "A fragment (a YAML file "
                                                  "holding a list), relative to this file, spliced in here."}}}
    lists = [(schema, name) for name in SECTION_NAMES] + [(defs["Environment"], name) for name in SECTION_NAMES]
    lists += [(defs[name], "classifications") for name in _NODE_TYPES] + [(defs[name], "options")
                                                                          for name in _NODE_TYPES]
    lists += [(defs["Classification"], "tree_options"), (defs["TreeOption"], "children")]
    for owner, name in lists:
        array = owner["properties"][name]
        array["items"] = {"anyOf": [array["items"], {"$ref": "#/$defs/Include"}]}


def _option_items(defs: dict[str, Any]) -> None:
    item = {"anyOf": [{"type": ["string", "number"]}, {"$ref": "#/$defs/Option"}]}
    for name in _NODE_TYPES:
        defs[name]["properties"]["options"]["items"] = item


def _tree_items(defs: dict[str, Any]) -> None:
    defs["TreeItem"] = {
        "description": "A leaf (its title), a branch `Title: [children]`, or a full mapping.",
        "anyOf": [
            {"type": ["string", "number"]},
            {"$ref": "#/$defs/TreeOption"},
            {"type": "object", "minProperties": 1, "maxProperties": 1,
             "additionalProperties": {"type": ["array", "null"], "items": {"$ref": "#/$defs/TreeItem"}}},
        ],
    }
    ref = {"$ref": "#/$defs/TreeItem"}
    defs["TreeOption"]["properties"]["children"]["items"] = ref
    defs["Classification"]["properties"]["tree_options"]["items"] = ref


def render() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(ontology_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render())
