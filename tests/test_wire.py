"""The categorySchema wire format: deterministic, SDK-shaped output and a tolerant parser."""

from __future__ import annotations

import copy
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
    # Written back as the hub holds it: the SDK's `schemaId` stays where it is, no `key` is added.
    assert to_category_schema(from_category_schema(live))["classifications"] == live["classifications"]


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


# --- written back as read -----------------------------------------------------------------------------------

ADOPTED = Path(__file__).parent / "data" / "adopted"


def _read(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((ADOPTED / f"{name}.json").read_text())
    return schema


def test_a_live_label_set_is_written_back_as_it_was_read_types_nulls_and_unknown_keys_included() -> None:
    live = _read("mix")
    written = to_category_schema(from_category_schema(live))
    assert json.dumps(written) == json.dumps(live)
    assert written["tools"][0] is live["tools"][0]  # not a copy: a large schema is not held twice


def test_a_missing_or_null_section_is_written_as_an_empty_list() -> None:
    written = to_category_schema(from_category_schema({"tools": None, "meta": 1}))
    assert written == {"tools": [], "meta": 1, "classifications": [], "relations": []}
    assert fingerprint(written) == fingerprint({"tools": None, "meta": 1})


def _live_tool() -> dict[str, Any]:
    return {"tool": "polygon", "title": "Road", "required": None, "schemaId": 17, "color": "#111111",
            "aiModel": {"threshold": 1.0}, "options": None,
            "classifications": [{"tool": "text", "title": "Note", "schemaId": 18, "regex": None}]}


def test_a_node_from_a_file_is_written_as_its_changes_over_the_live_dict() -> None:
    schema = {"tools": [_live_tool()]}
    desired = Ontology(tools=[Tool(type="polygon", title="Road", id="17", color="#222222", shortcut_key="1",
                                   classifications=[Classification(type="text", title="Note", id="18")])])
    written = to_category_schema(resolve(desired, from_category_schema(schema)))["tools"][0]
    assert json.dumps(written) == json.dumps({**_live_tool(), "color": "#222222", "shortcutKey": "1"})
    assert written["classifications"] is schema["tools"][0]["classifications"]  # unchanged: the live list itself


def test_a_change_made_to_a_parsed_node_is_written_and_nothing_else() -> None:
    live = {"tools": [_live_tool()]}
    ontology = from_category_schema(live)
    ontology.tools[0].title = "Street"
    ontology.tools[0].classifications.append(Classification(type="text", title="Width", id="w"))
    written = to_category_schema(ontology)["tools"][0]
    assert {k: v for k, v in written.items() if k not in ("title", "classifications")} == \
        {k: v for k, v in _live_tool().items() if k not in ("title", "classifications")}
    assert written["title"] == "Street"
    assert written["classifications"][0] is live["tools"][0]["classifications"][0]
    assert written["classifications"][1]["schemaId"] == "w"
    assert to_category_schema(from_category_schema(live))["tools"][0] is live["tools"][0]  # the source is untouched


def test_a_copy_with_changes_is_written_with_them() -> None:
    ontology = from_category_schema({"tools": [_live_tool()]})
    ontology.tools[0] = ontology.tools[0].model_copy(update={"required": True})
    written = to_category_schema(ontology)["tools"][0]
    assert written == {**_live_tool(), "required": True}


def test_a_tree_dropdowns_flattened_options_are_kept_while_its_tree_is_and_derived_when_it_changes() -> None:
    tree = {"tool": "tree-dropdown", "title": "T", "schemaId": "t",
            "treeOptions": [{"title": "A", "key": "a", "value": "a", "children": [], "x": 1}],
            "options": [{"value": "A", "schemaId": "a", "legacy": True}]}
    live = from_category_schema({"classifications": [tree]})
    unchanged = resolve(Ontology(classifications=[Classification(type="tree-dropdown", title="T", id="t",
                                                                 tree_options=[TreeOption(title="A", id="a")])]), live)
    assert to_category_schema(unchanged)["classifications"][0] is tree
    grown = resolve(Ontology(classifications=[Classification(type="tree-dropdown", title="T", id="t", tree_options=[
        TreeOption(title="A", id="a"), TreeOption(title="B", id="b")])]), live)
    written = to_category_schema(grown)["classifications"][0]
    assert written["options"] == [tree["options"][0], {"value": "B", "schemaId": "b"}]
    assert written["treeOptions"][0] is tree["treeOptions"][0]


def test_models_tell_json_types_of_free_form_values_apart() -> None:
    assert Tool(type="point", title="P", extra={"n": 1}) != Tool(type="point", title="P", extra={"n": True})
    assert Tool(type="point", title="P", extra={"n": 1}) == Tool(type="point", title="P", extra={"n": 1})
    assert Classification(type="text", title="T", default_value=1) != \
        Classification(type="text", title="T", default_value=1.0)


def test_a_value_read_as_text_is_its_json_text_and_is_written_back_as_it_was() -> None:
    note = {"tool": "text", "title": "T", "schemaId": "t", "displayName": ["x", None], "exportName": True,
            "abbreviatedName": {"k": "\u00fc"}, "attributeType": 2.5, "defaultValue": {"a": [1, None]}}
    live = from_category_schema({"classifications": [note]})
    (read,) = live.classifications
    assert (read.display_name, read.export_name, read.abbreviated_name, read.attribute_type) == (
        '["x", null]', "true", '{"k": "\u00fc"}', "2.5")
    assert read.default_value == {"a": [1, None]}
    assert to_category_schema(live)["classifications"][0] is note


def test_a_child_added_after_a_value_was_set_to_what_it_was_is_written() -> None:
    live = {"tools": [_live_tool()]}
    ontology = from_category_schema(live)
    tool = ontology.tools[0]
    tool.title = tool.title
    tool.classifications.append(Classification(type="text", title="Width", id="w"))
    written = to_category_schema(ontology)["tools"][0]
    assert [c["schemaId"] for c in written["classifications"]] == [18, "w"]


def test_a_tree_node_from_a_file_is_written_as_its_changes_over_the_live_one() -> None:
    node = {"title": "A", "schemaId": 5, "value": 5, "children": None, "x": 1}
    live = from_category_schema({"classifications": [{"tool": "tree-dropdown", "title": "T", "schemaId": "t",
                                                       "treeOptions": [node]}]})
    desired = Ontology(classifications=[Classification(type="tree-dropdown", title="T", id="t", tree_options=[
        TreeOption(title="A2", id="5", value="v", extra={"y": 2})])])
    written = to_category_schema(resolve(desired, live))["classifications"][0]["treeOptions"][0]
    assert written == {"title": "A2", "schemaId": 5, "value": "v", "children": None, "x": 1, "y": 2}
    moved = Ontology(classifications=[Classification(type="tree-dropdown", title="T", id="t", tree_options=[
        TreeOption(title="A", id="k6")])])
    assert to_category_schema(resolve(moved, live))["classifications"][0]["treeOptions"][0] == \
        {"title": "A", "key": "k6", "value": "k6", "children": []}
    live.classifications[0].tree_options[0].id = "k7"  # the SDK's `schemaId` gives way to `key`
    assert to_category_schema(live)["classifications"][0]["treeOptions"][0] == \
        {"title": "A", "value": "k7", "children": None, "x": 1, "key": "k7"}  # a value that was the key follows it


def test_a_deep_copy_of_a_changed_node_is_still_written_as_changes_over_its_dict() -> None:
    ontology = from_category_schema({"tools": [_live_tool()]})
    ontology.tools[0].color = "#333333"
    copied = copy.deepcopy(ontology)
    assert to_category_schema(copied)["tools"][0] == {**_live_tool(), "color": "#333333"}


def test_entries_that_are_no_node_keep_their_place_among_the_nodes_written() -> None:
    live = {"tools": ["first", {"tool": "point", "title": "A", "schemaId": "a"}, 7,
                      {"tool": "point", "title": "B", "schemaId": "b"}, None], "relations": {"x": 1}}
    ontology = from_category_schema(live)
    ontology.tools.pop(0)
    ontology.tools.append(Tool(type="point", title="C", id="c"))
    written = to_category_schema(ontology)
    assert [t["title"] if isinstance(t, dict) else t for t in written["tools"]] == ["first", "B", 7, "C", None]
    assert written["relations"] == {"x": 1}  # no node written there: kept as the hub holds it


def test_a_tree_node_whose_children_are_no_list_keeps_them_until_one_is_written() -> None:
    node = {"title": "A", "key": "a", "value": "a", "children": "none"}
    tree = {"classifications": [{"tool": "tree-dropdown", "title": "T", "schemaId": "t", "treeOptions": [node]}]}
    live = from_category_schema(tree)
    assert to_category_schema(live)["classifications"][0]["treeOptions"][0] is node
    live.classifications[0].tree_options[0].children.append(TreeOption(title="B", id="b"))
    written = to_category_schema(live)["classifications"][0]["treeOptions"][0]["children"]
    assert written == [{"title": "B", "key": "b", "value": "b", "children": []}]


def _tree_with_odd_options() -> dict[str, Any]:
    return {"tool": "tree-dropdown", "title": "Cat", "schemaId": "c", "treeOptions": [
        {"title": "A", "key": "a", "value": "a", "children": [
            {"title": "A1", "key": "a1", "value": "a1", "children": []}]},
        {"title": "B", "key": "b", "value": "b", "children": []}],
        "options": [{"value": "A", "schemaId": "a", "hits": 5}, "note", {"value": "A/A1", "schemaId": "a1"},
                    {"value": "Stray", "schemaId": "s9"}, {"value": "B", "schemaId": "b"}]}


def _edited_tree(edit: Any) -> list[Any]:
    held = _tree_with_odd_options()
    live = from_category_schema({"classifications": [held]})
    edit(live.classifications[0].tree_options)
    written: list[Any] = to_category_schema(live)["classifications"][0]["options"]
    return written


def test_a_tree_dropdowns_options_keep_every_entry_its_tree_change_does_not_touch() -> None:
    held = _tree_with_odd_options()["options"]
    grown = _edited_tree(lambda tree: tree[0].children.append(TreeOption(title="A2", id="a2")))
    assert grown == [held[0], "note", held[2], {"value": "A / A2", "schemaId": "a2"}, held[3], held[4]]
    first = _edited_tree(lambda tree: tree.insert(0, TreeOption(title="Z", id="z")))
    assert first == [{"value": "Z", "schemaId": "z"}, *held]


def test_a_tree_dropdowns_options_follow_a_rename_and_a_delete_of_its_nodes_only() -> None:
    held = _tree_with_odd_options()["options"]

    def rename_a_delete_b(tree: list[TreeOption]) -> None:
        tree[0].title = "Alpha"
        del tree[1]

    written = _edited_tree(rename_a_delete_b)
    assert written == [{"value": "Alpha", "schemaId": "a", "hits": 5}, "note",
                       {"value": "Alpha / A1", "schemaId": "a1"}, held[3]]


def test_a_tree_dropdowns_options_that_are_no_list_are_kept_when_its_tree_changes() -> None:
    held = {**_tree_with_odd_options(), "options": {"legacy": True}}
    live = from_category_schema({"classifications": [held]})
    live.classifications[0].tree_options.append(TreeOption(title="C", id="c"))
    assert to_category_schema(live)["classifications"][0]["options"] == {"legacy": True}


def test_a_tree_dropdown_whose_hub_holds_no_options_gains_entries_for_its_new_nodes_only() -> None:
    # The plan shows `+ create tree-option C`: C's entry is all that is written, not one for every live node.
    for options in ({}, {"options": []}):
        held = {**_tree_with_odd_options(), **options}
        if not options:
            del held["options"]
        live = from_category_schema({"classifications": [held]})
        live.classifications[0].tree_options.append(TreeOption(title="C", id="c"))
        assert to_category_schema(live)["classifications"][0]["options"] == [{"value": "C", "schemaId": "c"}]
