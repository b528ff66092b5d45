"""Counting the annotations that point at each node, from exports (values) and task answers (ids)."""

from __future__ import annotations

from typing import Any

from ango_ontology.diff import make_plan
from ango_ontology.identity import resolve_live
from ango_ontology.loader import load_text
from ango_ontology.plan import Impact
from ango_ontology.render import render_to_string
from ango_ontology.usage import count_usage, with_impact
from ango_ontology.wire import from_category_schema

LIVE: dict[str, Any] = {
    "tools": [{"tool": "bounding-box", "title": "Vehicle", "schemaId": "veh", "classifications": [
        {"tool": "radio", "title": "Kind", "schemaId": "kind",
         "options": [{"value": "Sedan", "schemaId": "sedan"}, {"value": "Van", "schemaId": "van"}]}]}],
    "classifications": [
        {"tool": "checkbox", "title": "Weather", "schemaId": "wea",
         "options": [{"value": "Rain", "schemaId": "rain"}, {"value": "Fog", "schemaId": "fog"}]},
        {"tool": "tree-dropdown", "title": "Product", "schemaId": "prod",
         "treeOptions": [{"title": "Food", "key": "food", "children": [{"title": "Fruit", "key": "fruit",
                                                                        "children": []}]}]}],
    "relations": [{"tool": "one-to-one", "title": "Tows", "schemaId": "tows"}],
}


def _export(task: str, sedan: int = 1) -> dict[str, Any]:
    """An export record: choice answers as values and tree paths."""
    return {"taskId": task, "externalId": f"img-{task}", "task": {
        "tools": [{"schemaId": "veh", "objectId": f"o{i}", "classifications": [
            {"schemaId": "kind", "title": "Kind", "answer": "Sedan"}]} for i in range(sedan)],
        "classifications": [{"schemaId": "wea", "answer": ["Rain", "Fog"]},
                            {"schemaId": "prod", "answer": ["Food / Fruit"]}],
        "relations": [{"schemaId": "tows", "from": "o0", "to": "o1"}]}}


def _live() -> Any:
    return resolve_live(from_category_schema(LIVE))


def test_counts_objects_nested_answers_choices_tree_paths_and_relations() -> None:
    usage = count_usage(_live(), [_export("t1", sedan=2), _export("t2")])
    assert usage.annotations == {"veh": 3, "kind": 3, "sedan": 3, "wea": 2, "rain": 2, "fog": 2,
                                 "prod": 2, "fruit": 2, "tows": 2}
    assert usage.impact(["sedan"]) == Impact(3, 2)


def test_task_answers_with_option_ids_count_the_same() -> None:
    task = {"_id": "t9", "answer": {"classifications": [{"schemaId": "wea", "answer": ["rain"]},
                                                        {"schemaId": "prod", "answer": ["fruit"]}],
                                    "tools": [{"title": "Vehicle", "classifications": [
                                        {"title": "Kind", "answer": {"schemaId": "van"}}]}]}}
    usage = count_usage(_live(), [task, "not a record"])  # type: ignore[list-item]
    assert usage.annotations == {"wea": 1, "rain": 1, "prod": 1, "fruit": 1, "veh": 1, "kind": 1, "van": 1}


def test_deleting_a_subtree_counts_everything_inside_it() -> None:
    live = _live()
    desired = load_text("tools: []\nclassifications:\n  - checkbox: Weather\n    options: [Rain, Fog]\n"
                        "  - tree-dropdown: Product\n    tree: [Food]\nrelations:\n  - one-to-one: Tows\n")
    plan = with_impact(make_plan(desired, LIVE, project="p"), live,
                       count_usage(live, [_export("t1", sedan=2), _export("t2")]))
    impacts = {change.title: change.impact for change in plan.changes}
    assert impacts["Vehicle"] == Impact(9, 2)  # 3 boxes, 3 Kind answers, 3 Sedan choices
    assert impacts["Fruit"] == Impact(2, 2)
    assert plan.orphaned_annotations == 11
    text = render_to_string(plan, "text")
    assert "delete tool Vehicle (bounding-box) (9 annotations in 2 tasks)" in text
    assert text.splitlines()[-1].endswith("would orphan 11 annotations")


def test_unused_node_is_marked_safe() -> None:
    live = _live()
    desired = load_text("tools:\n  - bounding-box: Vehicle\n    classifications:\n      - radio: Kind\n"
                        "        options: [Sedan]\nclassifications:\n  - checkbox: Weather\n"
                        "    options: [Rain, Fog]\n  - tree-dropdown: Product\n    tree:\n      - Food: [Fruit]\n"
                        "relations:\n  - one-to-one: Tows\n")
    plan = with_impact(make_plan(desired, LIVE, project="p"), live, count_usage(live, [_export("t1")]))
    (change,) = plan.changes
    assert change.impact == Impact(0, 0)
    assert "delete option Van (no annotations — safe)" in render_to_string(plan, "text")
    assert plan.summary()["orphaned_annotations"] == 0
