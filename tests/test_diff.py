"""The diff engine: each change kind, identity by id, rename hints, protection, drift, and its properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_scenarios import applied, live_id, plan_for, vehicles

from ango_ontology.diff import diff, make_plan
from ango_ontology.identity import resolve, resolve_live
from ango_ontology.model import Classification, Ontology, Option, Relation, Tool, TreeOption
from ango_ontology.plan import Change, Plan
from ango_ontology.pull import live_ontology
from ango_ontology.render import render_to_string
from ango_ontology.wire import fingerprint, from_category_schema


def only(plan: Plan, action: str) -> list[Change]:
    return [change for change in plan.changes if change.action == action]


def test_plan_of_an_applied_ontology_is_empty() -> None:
    plan = plan_for("no_changes")
    assert plan.is_empty
    assert plan.counts == dict.fromkeys(plan.counts, 0)


def test_plan_creates_each_kind_as_one_change_per_new_subtree() -> None:
    plan = plan_for("create_each_kind")
    created = {(c.kind, c.path) for c in only(plan, "create")}
    assert created == {("tool", ("Pedestrian",)), ("option", ("Vehicle", "Kind", "Van")),
                       ("tree-option", ("Scene", "Water")), ("relation", ("Same object",)),
                       ("classification", ("Night",))}
    pedestrian = next(c for c in plan.changes if c.path == ("Pedestrian",))
    assert pedestrian.after is not None and pedestrian.before is None
    assert [o["value"] for o in pedestrian.after["classifications"][0]["options"]] == ["Standing", "Walking"]
    assert plan.destructive == 0


def test_plan_new_required_classification_in_existing_project_warns() -> None:
    night = next(c for c in plan_for("create_each_kind").changes if c.path == ("Night",))
    assert night.warnings and "required" in night.warnings[0]


def test_plan_deleted_option_is_destructive() -> None:
    plan = plan_for("delete_option")
    (change,) = plan.changes
    assert (change.action, change.kind, change.path) == ("delete", "option", ("Vehicle", "Kind", "Bus"))
    assert change.destructive and plan.destructive == 1
    assert change.before == {"value": "Bus", "id": live_id(applied(vehicles()), "Vehicle", "Kind", "Bus")}


def test_plan_deleted_tool_folds_its_subtree_into_one_change() -> None:
    live = applied(vehicles())
    live["tools"][2]["classifications"] = [{"tool": "text", "title": "Width", "schemaId": "w1"}]
    desired = vehicles()
    desired.tools.pop(2)
    (change,) = make_plan(desired, live).changes
    assert change.path == ("Lane",) and change.before is not None
    assert change.before["classifications"][0]["title"] == "Width"


def test_plan_rename_with_id_is_not_destructive() -> None:
    plan = plan_for("rename_with_id")
    renames = {(c.kind, c.path, c.before["title" if c.kind == "tool" else "value"]) for c in plan.changes
               if c.before}
    assert renames == {("tool", ("Car",), "Vehicle"), ("option", ("Car", "Kind", "Lorry"), "Truck")}
    assert plan.counts["rename"] == 2 and plan.destructive == 0


def test_plan_rename_with_renamed_from_reaches_tree_options() -> None:
    plan = plan_for("rename_with_renamed_from")
    assert {c.path for c in only(plan, "rename")} == {("Car",), ("Scene", "Road", "Countryside")}
    assert plan.destructive == 0


def test_plan_renamed_from_kept_after_the_rename_is_no_change() -> None:
    desired = vehicles()
    desired.tools[0].renamed_from = "Automobile"
    assert make_plan(desired, applied(vehicles())).is_empty


def test_plan_renamed_from_that_matches_nothing_is_a_note_not_an_error() -> None:
    desired = vehicles()
    desired.tools[0].classifications[0].options[1] = Option(value="Bike", renamed_from="Bicycle")
    plan = make_plan(desired, applied(vehicles()))
    assert len(plan.notes) == 1 and "neither 'Bicycle' nor 'Bike' is live here" in plan.notes[0]


def test_plan_title_change_without_id_is_delete_and_create_with_rename_hint() -> None:
    plan = plan_for("rename_without_id")
    (deleted,) = only(plan, "delete")
    (created,) = only(plan, "create")
    old_id = live_id(applied(vehicles()), "Vehicle")
    expected = (f"looks like a rename — add `id: {old_id}` (or `renamed_from: Vehicle`) "
                "to keep the existing annotations")
    assert deleted.hint == created.hint == expected
    assert deleted.destructive and not created.destructive


def test_plan_rename_hint_pairs_the_most_similar_siblings() -> None:
    live = applied(Ontology(tools=[Tool(type="point", title="Pedestrian"), Tool(type="point", title="Cyclist")]))
    desired = Ontology(tools=[Tool(type="point", title="Pedestrians"), Tool(type="point", title="Cyclists")])
    plan = make_plan(desired, live)
    hints = {c.path[0]: c.hint for c in plan.changes}
    assert hints["Pedestrians"] == hints["Pedestrian"] and "renamed_from: Pedestrian`" in str(hints["Pedestrian"])
    assert hints["Cyclists"] == hints["Cyclist"] and "renamed_from: Cyclist`" in str(hints["Cyclist"])


def test_plan_gives_no_rename_hint_for_unlike_nodes() -> None:
    live = applied(Ontology(tools=[Tool(type="point", title="Pedestrian"), Tool(type="point", title="Cyclist")]))
    desired = Ontology(tools=[Tool(type="point", title="Zebra"), Tool(type="polygon", title="Cyclists")])
    plan = make_plan(desired, live)
    assert all(c.hint is None for c in plan.changes)


def test_plan_update_lists_each_attribute_before_and_after() -> None:
    plan = plan_for("update_attributes")
    by_path = {c.path: c for c in only(plan, "update")}
    sign = by_path[("Sign",)]
    assert sign.after == {"color": "#112233", "shortcut_key": "3"}
    assert sign.before is not None and sign.before["shortcut_key"] == "2"
    assert by_path[("Comment",)].after == {"extra.maxLength": 200}
    assert by_path[("Vehicle", "Kind")].warnings and plan.destructive == 0


def test_plan_ignores_live_fields_the_toolkit_does_not_model() -> None:
    live = applied(vehicles())
    live["tools"][0]["createdBy"] = "someone"
    live["tools"][0]["classifications"][0]["options"][0]["color"] = "#000000"
    live["classifications"][0]["treeOptions"][0]["icon"] = "road"
    plan = make_plan(vehicles(), live)
    assert plan.is_empty
    assert plan.desired_schema["tools"][0]["createdBy"] == "someone"


def test_plan_missing_and_null_live_keys_are_not_changes() -> None:
    live = applied(vehicles())
    comment = live["classifications"][1]
    for key in ("regex", "exportName", "classifications", "shortcutKey", "frameSpecific"):
        comment.pop(key)
    comment["required"] = None
    assert make_plan(vehicles(), live).is_empty


def test_plan_type_change_is_a_destructive_replace() -> None:
    (change,) = plan_for("replace_type").changes
    assert (change.action, change.before, change.after) == ("replace", {"type": "polygon"}, {"type": "polyline"})
    assert change.destructive


def test_plan_tool_turned_top_level_classification_is_one_replace() -> None:
    live = applied(vehicles())
    desired = vehicles()
    desired.tools.pop(2)
    desired.classifications.append(Classification(type="text", title="Lane", id=live_id(live, "Lane")))
    (change,) = make_plan(desired, live).changes
    assert change.action == "replace" and change.destructive
    assert change.before == {"type": "polygon", "kind": "tool"}
    assert change.after == {"type": "text", "kind": "classification"}


def test_plan_tool_turned_nested_classification_is_replace_and_move() -> None:
    live = applied(vehicles())
    desired = vehicles()
    desired.tools.pop(2)
    desired.tools[1].classifications.append(Classification(type="text", title="Lane", id=live_id(live, "Lane")))
    plan = make_plan(desired, live)
    assert sorted(c.action for c in plan.changes) == ["move", "replace"]
    assert only(plan, "move")[0].after == {"parent": ["Sign"]}


def test_plan_moves_to_another_parent_are_destructive() -> None:
    plan = plan_for("move_nodes")
    moves = {c.path: c for c in only(plan, "move")}
    assert moves[("Sign", "Plate")].before == {"parent": ["Vehicle", "Kind"], "when": "Car"}
    assert moves[("Sign", "Plate")].after == {"parent": ["Sign"], "when": None}
    assert moves[("Vehicle", "Occluded", "Note")].before == {"parent": [], "when": None}
    assert only(plan, "rename")[0].path == ("Vehicle", "Occluded", "Note")
    assert plan.destructive == 2 and not only(plan, "create") and not only(plan, "delete")


def test_plan_another_when_is_a_destructive_move() -> None:
    (change,) = plan_for("move_when").changes
    assert change.action == "move" and change.destructive
    assert (change.before, change.after) == ({"when": "Car"}, {"when": "Truck"})


def test_plan_option_moved_to_another_classification_keeps_its_id() -> None:
    live = applied(vehicles())
    desired = vehicles()
    desired.tools[0].classifications[1].options.pop()
    desired.tools[0].classifications[0].options.append(
        Option(value="Fully", id=live_id(live, "Vehicle", "Occluded", "Fully")))
    (change,) = make_plan(desired, live).changes
    assert change.action == "move" and change.kind == "option"
    assert change.before == {"parent": ["Vehicle", "Occluded"]}


def test_plan_reorder_is_not_destructive() -> None:
    plan = plan_for("reorder")
    reorders = {(c.kind, c.path): c for c in plan.changes}
    assert set(reorders) == {("tool", ()), ("option", ("Vehicle", "Kind"))}
    assert [(m.title, m.origin, m.target, m.after) for m in reorders[("tool", ())].moves] == [
        ("Lane", 3, 1, None), ("Sign", 2, 2, "Lane")]
    assert reorders[("tool", ())].id is None
    assert plan.destructive == 0


def _brands(count: int) -> Ontology:
    return Ontology(classifications=[Classification(type="radio", title="Brand", options=[
        f"Brand {number}" for number in range(1, count + 1)])])


def test_one_option_moved_in_a_list_of_200_is_one_move() -> None:
    live = applied(_brands(200))
    desired = _brands(200)
    options = desired.classifications[0].options
    options.insert(5, options.pop(150))
    (change,) = make_plan(desired, live).changes
    assert change.action == "reorder"
    assert [(m.title, m.origin, m.target, m.after) for m in change.moves] == [("Brand 151", 151, 6, "Brand 5")]


def test_a_reorder_moves_the_fewest_children_whatever_else_changed() -> None:
    live = applied(_brands(8))
    desired = _brands(8)
    options = desired.classifications[0].options
    options[:] = [options[7], options[0], options[2], options[1], *options[3:7], Option(value="New")]
    del options[4]  # Brand 4 deleted: it does not count as moved
    reorder = next(c for c in make_plan(desired, live).changes if c.action == "reorder")
    assert sorted(m.title for m in reorder.moves) in (["Brand 2", "Brand 8"], ["Brand 3", "Brand 8"])


def test_changes_come_in_the_file_order_options_before_the_questions_they_reveal() -> None:
    live = applied(vehicles())
    desired = vehicles()
    kind = desired.tools[0].classifications[0]
    kind.options.insert(0, Option(value="Chips"))
    kind.options.append(Option(value="Candy"))
    kind.classifications.append(Classification(type="text", title="Axles", when="Truck"))
    desired.tools.insert(0, Tool(type="point", title="Zebra"))
    desired.tools.append(Tool(type="point", title="Apple"))
    changes = make_plan(desired, live).changes
    assert [(c.path[-1], c.position.describe() if c.position else None) for c in changes] == [
        ("Zebra", "first"), ("Chips", "first"), ("Candy", "after Bus"), ("Axles", "after Plate"),
        ("Apple", "after Lane")]


def test_a_deleted_node_comes_where_it_was_live_among_its_new_siblings() -> None:
    live = applied(vehicles())
    desired = vehicles()
    kind = desired.tools[0].classifications[0]
    del kind.options[1]  # Truck
    kind.options.append(Option(value="Tram"))
    kind.options.insert(0, Option(value="Bike"))
    plan = make_plan(desired, live)
    assert [(c.action, c.path[-1]) for c in plan.changes] == [("delete", "Truck"), ("create", "Bike"),
                                                               ("create", "Tram")]
    delete = plan.changes[0]
    assert delete.position is not None and (delete.position.index, delete.position.after) == (2, "Car")


def test_plan_flags_destructive_changes_to_protected_nodes() -> None:
    plan = plan_for("protected_replace")
    violations = {(c.action, c.path) for c in plan.protected_violations()}
    assert violations == {("replace", ("Lane",)), ("delete", ("Vehicle", "Occluded", "Fully"))}


def test_plan_protected_node_renamed_without_id_protects_the_deleted_twin() -> None:
    desired = vehicles()
    desired.tools[2].title, desired.tools[2].protect = "Lanes", True
    plan = make_plan(desired, applied(vehicles()))
    assert [(c.action, c.path) for c in plan.protected_violations()] == [("delete", ("Lane",))]


def test_plan_unprotected_changes_are_not_violations() -> None:
    assert plan_for("everything").protected_violations() == []


def test_plan_for_a_project_that_does_not_exist_creates_everything() -> None:
    plan = plan_for("new_project")
    assert [c.action for c in plan.changes] == ["create"]
    assert plan.live_fingerprint == fingerprint(None) == fingerprint({})
    assert plan.project is None and plan.project_name == "Vehicles"


def test_plan_shows_edits_made_in_the_web_ui_as_drift() -> None:
    plan = plan_for("drift_in_web_ui")
    assert {(c.action, c.path) for c in plan.changes} == {
        ("delete", ("Vehicle", "Kind", "Tram")), ("create", ("Sign",)), ("rename", ("Comment",))}


def test_a_deleted_child_of_a_moved_parent_comes_after_the_sibling_it_followed() -> None:
    live = applied(vehicles())
    desired = vehicles()
    occluded = desired.tools[0].classifications.pop(1)
    occluded.id = live_id(live, "Vehicle", "Occluded")
    occluded.options = [Option(value="Fully"), Option(value="Mostly")]
    desired.tools[1].classifications.append(occluded)
    changes = make_plan(desired, live).changes
    assert [(c.action, c.path) for c in changes] == [
        ("move", ("Sign", "Occluded")), ("delete", ("Sign", "Occluded", "Partly")),
        ("create", ("Sign", "Occluded", "Mostly"))]


def test_plan_orders_destructive_changes_first() -> None:
    plan = plan_for("everything")
    flags = [c.destructive for c in plan.changes]
    assert flags == sorted(flags, reverse=True) and flags[0]


def test_plan_tree_dropdown_flattened_options_are_not_diffed() -> None:
    desired = vehicles()
    desired.classifications[0].tree_options[0].children[0].title = "City"
    plan = make_plan(desired, applied(vehicles()))
    assert {c.kind for c in plan.changes} == {"tree-option"}


def test_diff_refuses_unresolved_nodes() -> None:
    with pytest.raises(ValueError, match="resolve"):
        diff(Ontology(tools=[Tool(type="point", title="A")]), Ontology(tools=[Tool(type="point", title="A")]))


def test_diff_of_equal_subtrees_compares_each_top_level_node_once() -> None:
    live = resolve_live(from_category_schema(applied(vehicles())))
    desired = resolve(vehicles(), live)
    calls: list[Any] = []
    original = Tool.__eq__

    def counting(self: Tool, other: object) -> bool:
        calls.append(self.title)
        return original(self, other)

    Tool.__eq__ = counting  # type: ignore[method-assign,assignment]
    try:
        assert diff(desired, live) == []
    finally:
        Tool.__eq__ = original  # type: ignore[method-assign]
    assert calls == ["Vehicle", "Sign", "Lane"]


def large(tools: int) -> Ontology:
    """About 100 nodes per tool: 10 classifications of 9 options each."""
    return Ontology(tools=[
        Tool(type="bounding-box", title=f"T{t}", classifications=[
            Classification(type="radio", title=f"C{c}", options=[f"O{o}" for o in range(9)]) for c in range(10)])
        for t in range(tools)])


def test_plan_of_a_large_schema_finds_exactly_its_two_edits() -> None:
    # Speed is measured by benchmarks/run.py, never here; this checks the answer at size.
    live = applied(large(400))
    desired = large(400)
    desired.tools[7].classifications[3].options[2].value = "Renamed"
    desired.tools[300].classifications[9].required = True
    plan = make_plan(desired, live)
    assert sorted(c.action for c in plan.changes) == ["create", "delete", "update"]


# --- properties ------------------------------------------------------------------------------------------

TITLES = st.text(alphabet="abcxy Z", min_size=1, max_size=3)


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> list[TreeOption]:
    titles = draw(st.lists(TITLES, max_size=3 if depth < 2 else 0, unique=True))
    return [TreeOption(title=title, children=draw(trees(depth + 1))) for title in titles]


@st.composite
def classifications(draw: st.DrawFn, depth: int = 0, choices: tuple[str, ...] = ()) -> list[Classification]:
    out = []
    for title in draw(st.lists(TITLES, max_size=3 if depth < 2 else 0, unique=True)):
        kind = draw(st.sampled_from(("radio", "checkbox", "text", "tree-dropdown")))
        options = draw(st.lists(TITLES, max_size=3, unique=True)) if kind in ("radio", "checkbox") else []
        out.append(Classification(
            type=kind, title=title, options=options, required=draw(st.booleans()),
            tree_options=draw(trees()) if kind == "tree-dropdown" else [],
            when=draw(st.sampled_from((None, *choices))),
            classifications=draw(classifications(depth + 1, tuple(options)))))
    return out


@st.composite
def ontologies(draw: st.DrawFn) -> Ontology:
    tools = [Tool(type=draw(st.sampled_from(("point", "polygon"))), title=title,
                  classifications=draw(classifications(1)))
             for title in draw(st.lists(TITLES, max_size=3, unique=True))]
    relations = [Relation(type="group", title=title) for title in draw(st.lists(TITLES, max_size=2, unique=True))]
    return Ontology(tools=tools, classifications=draw(classifications()), relations=relations)


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(ontologies())
def test_property_planning_an_ontology_against_its_own_serialisation_is_empty(ontology: Ontology) -> None:
    assert make_plan(ontology, applied(ontology)).is_empty


@PROPERTY_SETTINGS
@given(ontologies(), ontologies())
def test_property_plans_are_deterministic(desired: Ontology, live: Ontology) -> None:
    schema = applied(live)
    first = make_plan(desired, schema).to_json()
    assert make_plan(desired, schema).to_json() == first
    assert Plan.from_json(first).to_json() == first


@PROPERTY_SETTINGS
@given(ontologies(), ontologies())
def test_property_pushing_the_desired_schema_then_planning_again_is_empty(desired: Ontology,
                                                                         live: Ontology) -> None:
    plan = make_plan(desired, applied(live))
    assert make_plan(desired, plan.desired_schema).is_empty


@PROPERTY_SETTINGS
@given(ontologies(), ontologies())
def test_property_counts_match_the_changes(desired: Ontology, live: Ontology) -> None:
    plan = make_plan(desired, applied(live))
    assert sum(plan.counts.values()) == len(plan.changes)
    assert plan.destructive == sum(c.action in ("delete", "replace", "move") for c in plan.changes)


def test_plan_live_nodes_stored_without_id_match_their_deterministic_ids() -> None:
    live = applied(vehicles())
    del live["tools"][2]["schemaId"]
    del live["tools"][0]["classifications"][0]["options"][0]["schemaId"]
    assert make_plan(vehicles(), live).is_empty


def test_plan_delete_under_a_moved_parent_is_shown_at_the_new_place() -> None:
    live = applied(vehicles())
    desired = vehicles()
    occluded = desired.tools[0].classifications.pop()
    occluded.id = live_id(live, "Vehicle", "Occluded")
    occluded.options.pop()
    desired.tools[1].classifications.append(occluded)
    plan = make_plan(desired, live)
    assert {(c.action, c.path) for c in plan.changes} == {
        ("move", ("Sign", "Occluded")), ("delete", ("Sign", "Occluded", "Fully"))}


def test_plan_created_tree_node_summary_keeps_an_explicit_value() -> None:
    desired = vehicles()
    desired.classifications[0].tree_options.append(TreeOption(title="Water", value="water-body"))
    (change,) = make_plan(desired, applied(vehicles())).changes
    assert change.after is not None and change.after["value"] == "water-body"


def test_nested_extra_values_show_the_paths_that_changed() -> None:
    live = Ontology(tools=[Tool(type="point", title="P", id="p", color="#000000",
                                extra={"settings": {"size": 3, "hints": ["a", "b"], "keep": True}})])
    desired = Ontology(tools=[Tool(type="point", title="P", id="p", color="#000000",
                                   extra={"settings": {"size": 4, "hints": ["a", "c"], "keep": True,
                                                       "new": None}})])
    (change,) = diff(resolve(desired, live), live)
    assert change.action == "update"
    # `new` is absent live: missing from `before` (shown `(absent)`), never a null that looks like no change
    assert change.before == {"extra.settings.size": 3, "extra.settings.hints[1]": "b"}
    assert change.after == {"extra.settings.size": 4, "extra.settings.hints[1]": "c", "extra.settings.new": None}


def test_an_extra_key_set_to_null_where_the_live_node_has_none_is_a_change() -> None:
    live = Ontology(tools=[Tool(type="point", title="P", id="p", color="#000000")])
    desired = Ontology(tools=[Tool(type="point", title="P", id="p", color="#000000", extra={"hint": None})])
    (change,) = diff(resolve(desired, live), live)
    assert (change.action, change.after) == ("update", {"extra.hint": None})
    assert change.before == {}  # absent live, not null: said `(absent) → null`, never `null → null`
    plan = make_plan(desired, {"tools": [{"tool": "point", "title": "P", "schemaId": "p", "color": "#000000"}]})
    assert "extra.hint: (absent) → null" in render_to_string(plan, "text")


def test_a_move_to_another_option_of_the_same_value_shows_the_option_ids() -> None:
    live = {"tools": [], "relations": [], "classifications": [{
        "tool": "radio", "title": "Q", "schemaId": "q", "color": "#000000",
        "options": [{"value": "Yes", "schemaId": "y1"}, {"value": "Yes", "schemaId": "y2"}],
        "classifications": [{"tool": "text", "title": "Why", "schemaId": "w", "parentOptionId": "y1"}]}]}
    desired = Ontology(classifications=[Classification(
        type="radio", title="Q", id="q", options=[Option(value="Yes", id="y1"), Option(value="Yes", id="y2")],
        classifications=[Classification(type="text", title="Why", id="w", parent_option_id="y2")])])
    plan = make_plan(desired, live)
    (change,) = plan.changes
    assert (change.action, change.before, change.after) == (
        "move", {"when": "Yes", "parent_option_id": "y1"}, {"when": "Yes", "parent_option_id": "y2"})
    shown = render_to_string(plan, "text")
    assert 'when: "Yes" (option id "y1") → "Yes" (option id "y2")' in shown and "parent_option_id" not in shown


# --- a complete plan: what is sent beyond the models ----------------------------------------------------------

def _held() -> dict[str, Any]:
    return {"classifications": [{"tool": "radio", "title": "Car", "schemaId": 17, "color": "#112233",
                                 "required": None, "options": [{"value": 5, "schemaId": "o5", "hint": "h"}]}],
            "tools": [], "relations": [], "version": 1}


def test_plan_of_a_schema_read_from_the_wire_shows_every_key_type_and_null_it_sends_differently() -> None:
    backup = _held()
    backup["classifications"][0].update(schemaId="17", aiModel=None)
    del backup["classifications"][0]["required"]
    backup["classifications"][0]["options"][0].update(value="5")
    del backup["classifications"][0]["options"][0]["hint"]
    backup.update(version=2, owner="qa")
    plan = make_plan(from_category_schema(backup), _held())
    changes = {(c.kind, c.path): (c.action, c.before, c.after) for c in plan.changes}
    assert changes == {
        ("label-set", ()): ("update", {"version": 1}, {"version": 2, "owner": "qa"}),
        ("classification", ("Car",)): ("update", {"wire.schemaId": 17, "wire.required": None},
                                       {"wire.schemaId": "17", "extra.aiModel": None}),
        ("option", ("Car", "5")): ("update", {"wire.value": 5, "extra.hint": "h"}, {"wire.value": "5"}),
    }
    assert plan.desired_schema == backup


def test_plan_of_the_same_schema_read_from_the_wire_is_empty_and_sends_it_as_it_is() -> None:
    plan = make_plan(from_category_schema(_held()), _held())
    assert plan.is_empty and plan.desired_fingerprint == plan.live_fingerprint


def test_a_read_back_is_compared_by_meaning_not_by_how_the_hub_stores_it() -> None:
    normalised = _held()
    normalised["classifications"][0].update(schemaId="17", required=False)
    assert make_plan(from_category_schema(_held()), normalised, exact=False).is_empty
    assert not make_plan(from_category_schema(_held()), normalised).is_empty


def test_an_extra_value_that_changes_json_type_is_a_change() -> None:
    live = {"tools": [{"tool": "point", "title": "P", "schemaId": "p", "flag": 1}]}
    plan = make_plan(Ontology(tools=[Tool(type="point", title="P", id="p", extra={"flag": True})]), live)
    assert [(c.action, c.before, c.after) for c in plan.changes] == [("update", {"extra.flag": 1},
                                                                      {"extra.flag": True})]
    assert plan.desired_schema["tools"][0]["flag"] is True


def _unknown_types() -> dict[str, Any]:
    return {"tools": [
        {"tool": "angle", "title": "Cobb", "schemaId": "a", "unit": "deg", "classifications": [
            {"tool": "slider", "title": "Confidence", "schemaId": "s", "range": [0, 1]}]},
        {"tool": "3d-bounding-box", "title": "Box", "schemaId": "b", "dimensions": {"l": 1}},
        {"tool": "line", "title": "Tape", "schemaId": "l"}]}


def test_a_node_of_an_unknown_type_can_be_renamed_reordered_and_deleted_keeping_what_it_holds() -> None:
    live = _unknown_types()
    desired = live_ontology(_unknown_types())  # as pull reads it
    desired.tools[0].title = "Cobb angle"
    desired.tools = [desired.tools[2], desired.tools[0]]
    plan = make_plan(Ontology.model_validate(desired.model_dump()), live)
    assert sorted((c.action, c.kind, c.path) for c in plan.changes) == [
        ("delete", "tool", ("Box",)), ("rename", "tool", ("Cobb angle",)), ("reorder", "tool", ())]
    tape, cobb = plan.desired_schema["tools"]
    assert tape is live["tools"][2]
    assert cobb == {**live["tools"][0], "title": "Cobb angle"}


# --- nodes the hub stores without an id ----------------------------------------------------------------------

def _idless() -> dict[str, Any]:
    return {"tools": [{"tool": "bounding-box", "title": "Car", "color": "#ff0000", "classifications": [
        {"tool": "radio", "title": "Kind", "schemaId": None, "options": [{"value": "Sedan"}],
         "classifications": [{"tool": "text", "title": "Plate", "schemaId": ""}]},
        {"tool": "tree-dropdown", "title": "Where", "treeOptions": [{"title": "City", "children": []}]}]}],
            "classifications": [], "relations": []}


def test_a_node_the_hub_stores_without_an_id_gets_it_written_when_its_path_changes_and_only_then() -> None:
    from ango_ontology.loader import load_text
    from ango_ontology.pull import label_set_yaml

    text = label_set_yaml(_idless(), "p", [])
    assert make_plan(load_text(text), _idless()).is_empty  # pulled: planned clean, nothing written
    plan = make_plan(load_text(text.replace("bounding-box: Car", "bounding-box: Automobile")), _idless())
    updates = {c.title: (c.before, c.after) for c in plan.changes if c.action == "update"}
    assert [(c.action, c.title) for c in plan.changes if c.action != "update"] == [("rename", "Automobile")]
    assert set(updates) == {"Automobile", "Kind", "Sedan", "Plate", "Where", "City"}
    ids = {node.title if hasattr(node, "title") else node.value: node.id
           for node in live_ontology(_idless()).walk()}
    assert updates["Automobile"] == ({}, {"wire.schemaId": ids["Car"]})
    assert updates["Kind"] == ({"wire.schemaId": None}, {"wire.schemaId": ids["Kind"]})
    assert updates["Plate"] == ({"wire.schemaId": ""}, {"wire.schemaId": ids["Plate"]})
    assert updates["City"] == ({}, {"wire.key": ids["City"]})
    written = plan.desired_schema
    assert written["tools"][0]["schemaId"] == ids["Car"] and written["tools"][0]["color"] == "#ff0000"
    again = make_plan(load_text(text.replace("bounding-box: Car", "bounding-box: Automobile")), written)
    assert again.is_empty  # the next plan finds every node by its id: no delete and create


def test_a_delete_and_create_of_one_title_suggests_the_id_never_renamed_from_that_title() -> None:
    live = {"tools": [{"tool": "point", "title": "Car", "schemaId": "old"}], "classifications": [], "relations": []}
    plan = make_plan(Ontology(tools=[Tool(type="point", title="Car", id="new")]), live)
    assert {c.hint for c in plan.changes} == {"the same title under another id — add `id: old` to keep the existing "
                                              "annotations"}


# --- what the hub holds in a list of nodes that is no node, or in place of such a list ----------------------

def _with_junk() -> dict[str, Any]:
    return {"tools": [{"tool": "point", "title": "Pole", "schemaId": "pole", "classifications": "none",
                       "options": [1, {"value": "Tall", "schemaId": "tall"}]}, "junk", None],
            "classifications": {"legacy": "object"}, "relations": []}


def test_entries_that_are_no_node_are_kept_where_they_were_and_plan_clean() -> None:
    from ango_ontology.loader import load_text
    from ango_ontology.pull import label_set_yaml

    text = label_set_yaml(_with_junk(), "p", [])
    assert make_plan(load_text(text), _with_junk()).is_empty
    plan = make_plan(load_text(text + "  - polygon: Road\n    id: road\n"), _with_junk())
    assert [(c.action, c.title) for c in plan.changes] == [("create", "Road")]
    tools = plan.desired_schema["tools"]
    assert tools[1:3] == ["junk", None] and tools[3]["title"] == "Road"
    assert tools[0] == _with_junk()["tools"][0]
    assert plan.desired_schema["classifications"] == {"legacy": "object"}


def test_what_the_hub_holds_where_the_file_writes_nodes_is_shown_replaced() -> None:
    from ango_ontology.loader import load_text
    from ango_ontology.pull import label_set_yaml

    text = label_set_yaml(_with_junk(), "p", [])
    nested = text.replace("    id: pole\n", "    id: pole\n    classifications:\n      - text: Height\n        id: h\n")
    plan = make_plan(load_text(nested + "classifications:\n  - text: Note\n    id: note\n"), _with_junk())
    changes = {(c.action, c.kind, c.title): (c.before, c.after) for c in plan.changes}
    before, after = changes[("update", "label-set", "")]
    assert before == {"classifications": {"legacy": "object"}}
    assert [node["title"] for node in after["classifications"]] == ["Note"]
    before, after = changes[("update", "tool", "Pole")]
    assert before == {"wire.classifications": "none"}
    assert [node["title"] for node in after["wire.classifications"]] == ["Height"]
    assert plan.desired_schema["tools"][0]["options"] == [1, {"value": "Tall", "schemaId": "tall"}]
    assert make_plan(load_text(nested + "classifications:\n  - text: Note\n    id: note\n"),
                     plan.desired_schema).is_empty


def test_a_tree_change_rewrites_only_the_flattened_options_of_the_nodes_it_changes() -> None:
    from ango_ontology.loader import load_text
    from ango_ontology.pull import label_set_yaml

    held = json.loads((Path(__file__).parent / "data" / "adopted" / "tree_options_not_as_the_sdk_flattens.json")
                      .read_text("utf-8"))
    a2 = "{title: A1, id: a1}\n          - {title: A2, id: a2}"
    text = label_set_yaml(held, "p", []).replace("{title: A1, id: a1}", a2)
    plan = make_plan(load_text(text), held)
    assert [(c.action, c.title) for c in plan.changes] == [("create", "A2")]
    options = plan.desired_schema["classifications"][0]["options"]
    old = held["classifications"][0]["options"]
    assert options[:3] == old[:3] and options[4:] == old[3:] and options[3]["value"] == "A / A2"
