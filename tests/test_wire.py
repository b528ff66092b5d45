"""The categorySchema wire format: deterministic, SDK-shaped output and a tolerant parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from ango_ontology import Classification, Ontology, Option, Relation, Tool, TreeOption, category_schema
from ango_ontology.identity import resolve
from ango_ontology.wire import canonical_json, fingerprint, from_category_schema, to_category_schema

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "category-schema.schema.json").read_text())


def _sample() -> Ontology:
    return Ontology(
        tools=[Tool(type="bounding-box", title="Vehicle", classifications=[
            Classification(type="radio", title="Kind", options=["Car", "Bus"], classifications=[
                Classification(type="text", title="Plate", when="Car", regex="^[A-Z]+$")])])],
        classifications=[Classification(type="tree-dropdown", title="Product", tree_options=[
            TreeOption(title="Food", children=[TreeOption(title="Fruit", children=["Apple"])]), "Toys"])],
        relations=[Relation(type="one-to-one", title="Follows")],
    )


def test_serialising_twice_gives_identical_bytes() -> None:
    first = canonical_json(category_schema(_sample()))
    assert canonical_json(category_schema(_sample())) == first


def test_output_validates_against_the_wire_schema() -> None:
    jsonschema.validate(category_schema(_sample()), SCHEMA)


def test_nodes_carry_the_keys_the_sdk_sends_in_its_order() -> None:
    schema = category_schema(_sample())
    tool = schema["tools"][0]
    assert list(tool) == ["tool", "title", "required", "schemaId", "columnField", "color", "shortcutKey",
                          "classifications", "options"]
    radio = tool["classifications"][0]
    assert list(radio)[9:] == ["treeOptions", "regex", "parentOptionId", "frameSpecific", "showDropdown",
                               "richText", "exportName", "displayName", "abbreviatedName", "attributeType",
                               "defaultValue"]
    assert radio["classifications"][0]["parentOptionId"] == radio["options"][0]["schemaId"]


def test_tree_is_sent_both_nested_and_flattened_with_the_same_keys() -> None:
    tree = category_schema(_sample())["classifications"][0]
    flat = [(o["value"], o["schemaId"]) for o in tree["options"]]
    food = tree["treeOptions"][0]
    assert [value for value, _ in flat] == ["Food", "Food / Fruit", "Food / Fruit / Apple", "Toys"]
    assert flat[0][1] == food["key"] == food["value"]
    assert flat[2][1] == food["children"][0]["children"][0]["key"]


def test_parsing_back_gives_equal_models_and_schema() -> None:
    resolved = resolve(_sample())
    schema = to_category_schema(resolved)
    back = from_category_schema(schema)
    assert back == resolved
    assert to_category_schema(back) == schema


def test_parser_tolerates_missing_keys_nulls_and_keeps_unknown_keys() -> None:
    live: dict[str, Any] = {"tools": [{"tool": "polygon", "title": None, "schemaId": 17, "shortcutKey": None,
                                       "options": None, "aiModel": {"x": 1}}],
                            "classifications": [{"tool": "radio", "title": "Q", "schemaId": "q",
                                                 "options": [{"value": "a", "schemaId": "a1", "hint": "h"}],
                                                 "classifications": [{"tool": "text", "title": "T",
                                                                      "parentOptionId": "a1"}]}]}
    ontology = from_category_schema(live)
    tool = ontology.tools[0]
    assert (tool.title, tool.id, tool.shortcut_key, tool.options, tool.color) == ("", "17", "", [], None)
    assert tool.extra == {"aiModel": {"x": 1}}
    radio = ontology.classifications[0]
    assert radio.options[0].extra == {"hint": "h"}
    assert radio.classifications[0].when == "a"
    written = to_category_schema(ontology)
    assert written["tools"][0]["aiModel"] == {"x": 1}
    assert "color" not in written["tools"][0]
    assert written["classifications"][0]["options"][0]["hint"] == "h"


def test_tree_keys_stored_as_schema_id_by_the_sdk_are_read_as_keys() -> None:
    live = {"classifications": [{"tool": "tree-dropdown", "title": "T", "schemaId": "t",
                                 "treeOptions": [{"title": "A", "schemaId": "k1", "value": "v1",
                                                  "children": []}],
                                 "options": [{"value": "A", "schemaId": "k1"}]}]}
    node = from_category_schema(live).classifications[0]
    assert node.options == []
    assert (node.tree_options[0].id, node.tree_options[0].value) == ("k1", "v1")
    assert to_category_schema(from_category_schema(live))["classifications"][0]["treeOptions"][0]["key"] == "k1"


def test_fingerprint_is_stable_and_defined_for_missing_projects() -> None:
    assert fingerprint(None) == fingerprint({}) == fingerprint({"tools": [], "classifications": [],
                                                                  "relations": []})
    schema = category_schema(_sample())
    assert fingerprint(schema) == fingerprint(json.loads(json.dumps(schema)))
    assert fingerprint(schema) != fingerprint(None)


def test_multiple_is_sent_only_when_set() -> None:
    on = Ontology(classifications=[Classification(type="radio", title="Q", options=["a"], multiple=True)])
    assert category_schema(on)["classifications"][0]["multiple"] is True
    off = Ontology(classifications=[Classification(type="radio", title="Q", options=["a"])])
    assert "multiple" not in category_schema(off)["classifications"][0]


def test_extra_keys_are_sent_verbatim() -> None:
    ontology = Ontology(tools=[Tool(type="point", title="P", extra={"aiModel": "m"})],
                        classifications=[Classification(type="radio", title="Q",
                                                        options=[Option(value="a", extra={"hint": 1})])])
    schema = category_schema(ontology)
    assert schema["tools"][0]["aiModel"] == "m"
    assert schema["classifications"][0]["options"][0]["hint"] == 1
