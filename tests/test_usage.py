"""Counting the annotations that point at each node, from exports (values) and task answers (ids)."""

from __future__ import annotations

from typing import Any

import pytest

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


def test_a_deleted_tool_counts_its_objects_and_shows_the_nested_answers_beside() -> None:
    live = _live()
    desired = load_text("tools: []\nclassifications:\n  - checkbox: Weather\n    options: [Rain, Fog]\n"
                        "  - tree-dropdown: Product\n    tree: [Food]\nrelations:\n  - one-to-one: Tows\n")
    plan = with_impact(make_plan(desired, LIVE, project="p"), live,
                       count_usage(live, [_export("t1", sedan=2), _export("t2")]))
    impacts = {change.title: change.impact for change in plan.changes}
    assert impacts["Vehicle"] == Impact(3, 2, nested=3)  # 3 boxes; their 3 Kind answers beside, not added
    assert impacts["Fruit"] == Impact(2, 2)
    assert plan.orphaned_annotations == 5
    text = render_to_string(plan, "text")
    assert "delete tool Vehicle (bounding-box) (3 annotations in 2 tasks, holding 3 nested answers)" in text
    assert text.splitlines()[-1].endswith("would orphan 5 annotations")


def test_a_deleted_question_counts_its_answers_once_not_again_for_the_options_chosen() -> None:
    live = _live()
    desired = load_text("tools:\n  - bounding-box: Vehicle\nclassifications:\n  - checkbox: Weather\n"
                        "    options: [Rain, Fog]\n  - tree-dropdown: Product\n    tree:\n      - Food: [Fruit]\n"
                        "relations:\n  - one-to-one: Tows\n")
    plan = with_impact(make_plan(desired, LIVE, project="p"), live, count_usage(live, [_export("t1", sedan=2)]))
    (change,) = plan.destructive_changes()
    assert (change.title, change.impact) == ("Kind", Impact(2, 1))


def test_two_tasks_sharing_an_external_id_are_two_tasks() -> None:
    records = [_export("t1"), _export("t2")]
    for record in records:
        record["externalId"] = "same.png"
        record["task"]["taskId"] = record.pop("taskId")
    usage = count_usage(_live(), records).covering(2)
    assert usage.impact(["veh"]) == Impact(2, 2)
    assert usage.unknown is None


def test_tasks_are_told_apart_by_task_id_then_by_asset() -> None:
    records: list[dict[str, Any]] = [
        {"task": {"taskId": "a"}, "assetId": "x"}, {"task": {"taskId": "b"}, "assetId": "x"},
        {"assetId": "y", "externalId": "e"}, {"asset": "https://example.invalid/z.png", "externalId": "e"},
        {"_id": "task-from-get-tasks", "answer": {}}, {"externalId": "e"}, {"externalId": "e"}]
    assert len(count_usage(_live(), records).seen) == 7


@pytest.mark.parametrize(("total", "reason"), [(3, "the export listed 2 tasks, but the project has 3"),
                                               (None, "the hub did not say how many tasks the project has")])
def test_an_export_that_does_not_cover_every_task_makes_every_impact_unknown(total: int | None,
                                                                            reason: str) -> None:
    live = _live()
    usage = count_usage(live, [_export("t1"), _export("t2")]).covering(total)
    desired = load_text("tools: []\nclassifications: []\nrelations: []\n")
    plan = with_impact(make_plan(desired, LIVE, project="p"), live, usage)
    assert {change.impact.unknown for change in plan.destructive_changes() if change.impact} == {reason}
    assert all(change.may_orphan for change in plan.destructive_changes())
    text = render_to_string(plan, "text")
    assert f"(at least 2 annotations in 2 tasks; impact unknown: {reason})" in text
    assert text.splitlines()[-1].endswith("would orphan at least 8 annotations (4 of unknown impact)")


@pytest.mark.parametrize("tool", ["brush", "voxel-brush", "medical-brush", "pct", "a-new-kind"])
def test_a_tool_type_exports_do_not_list_has_an_unknown_impact_and_so_does_its_subtree(tool: str) -> None:
    schema = {"tools": [{"tool": tool, "title": "Mask", "schemaId": "mask", "classifications": [
        {"tool": "radio", "title": "Q", "schemaId": "q", "options": [{"value": "A", "schemaId": "a"}]}]}],
        "classifications": [], "relations": []}
    live = resolve_live(from_category_schema(schema))
    usage = count_usage(live, [{"task": {"taskId": "t1", "tools": []}}]).covering(1)
    for desired in ("tools: []\n", "tools:\n  - {type: point, title: Mask, id: mask}\n"):
        plan = with_impact(make_plan(load_text(desired), schema, project="p"), live, usage)
        changes = plan.destructive_changes()
        assert changes and all(change.may_orphan for change in changes)
        assert {change.impact.unknown for change in changes if change.impact} == \
            {f"exports do not list the annotations of a {tool} tool"}  # the question inside the tool too
        assert "no annotations — safe" not in render_to_string(plan, "text")


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
