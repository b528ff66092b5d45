"""The Plan model: order, counts, protected violations, and its JSON form (schema-valid, round trip, tamper-proof)."""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]  # ships no stubs
import pytest
from plan_scenarios import SCENARIOS, plan_for

from ango_ontology.errors import PlanFileInvalid
from ango_ontology.plan import FORMAT_VERSION, Change, Impact, Plan, plan_schema
from ango_ontology.wire import fingerprint


def change(action: str, *path: str, destructive: bool = False, protected: bool = False) -> Change:
    kinds = ("tool",) + ("classification",) * (len(path) - 1)
    return Change(action, kinds[-1] if path else "tool", path, kinds[:len(path)], "id-" + "-".join(path),
                  destructive=destructive, protected=protected)


EMPTY_SCHEMA: dict[str, Any] = {"tools": [], "classifications": [], "relations": []}


def test_plan_counts_every_action_and_destructive_changes() -> None:
    plan = plan_for("everything")
    assert plan.counts == {"create": 6, "rename": 1, "update": 1, "replace": 1, "move": 1, "reorder": 1,
                           "delete": 2}
    assert plan.destructive == 4 and not plan.is_empty
    assert plan.summary()["total"] == len(plan.changes) == 13


def test_plan_lists_destructive_changes_first_each_part_in_the_order_given() -> None:
    changes = [change("create", "B"), change("update", "A", "X"), change("delete", "C", destructive=True),
               change("update", "A"), change("move", "A", "Y", destructive=True)]
    plan = Plan.build(changes, EMPTY_SCHEMA, fingerprint(None))
    assert [(c.action, c.path) for c in plan.changes] == [
        ("delete", ("C",)), ("move", ("A", "Y")), ("create", ("B",)), ("update", ("A", "X")), ("update", ("A",))]
    assert Plan.build(plan.changes, EMPTY_SCHEMA, fingerprint(None)).changes == plan.changes


def test_protected_violations_are_only_destructive_changes() -> None:
    plan = Plan.build([change("update", "A", protected=True), change("delete", "B", destructive=True,
                                                                      protected=True)],
                      EMPTY_SCHEMA, fingerprint(None))
    assert [c.path for c in plan.protected_violations()] == [("B",)]


def test_change_refuses_unknown_action_or_mismatched_path() -> None:
    with pytest.raises(ValueError):
        Change("destroy", "tool", ("A",), ("tool",), "a")
    with pytest.raises(ValueError):
        Change("create", "tool", ("A",), (), "a")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_plan_json_is_valid_against_the_published_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(plan_schema())
    jsonschema.validate(plan_for(name).to_json(), plan_schema())


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_plan_json_round_trips(name: str) -> None:
    plan = plan_for(name)
    assert Plan.from_json(plan.to_json()) == plan


def test_plan_json_carries_project_hub_fingerprints_and_version() -> None:
    data = plan_for("delete_option").to_json()
    assert data["format_version"] == FORMAT_VERSION == 1
    assert (data["project"], data["project_name"], data["hub"]) == ("6651f0c2a9d3e4b5c6d7e8f9", "Vehicles",
                                                                     "local:hub.db")
    assert data["live_fingerprint"].startswith("sha256:")
    assert data["desired_fingerprint"] == fingerprint(data["desired_schema"])
    assert data["summary"]["delete"] == data["summary"]["destructive"] == 1


def test_plan_impact_is_optional_and_round_trips() -> None:
    with_impact = Change("delete", "option", ("A", "B"), ("tool", "option"), "b", destructive=True,
                         impact=Impact(annotations=12, tasks=3))
    plan = Plan.build([with_impact, change("create", "C")], EMPTY_SCHEMA, fingerprint(None))
    data = plan.to_json()
    jsonschema.validate(data, plan_schema())
    assert data["changes"][0]["impact"] == {"annotations": 12, "tasks": 3}
    assert "impact" not in data["changes"][1]
    assert Plan.from_json(data) == plan


def test_an_unknown_impact_and_nested_answers_are_in_the_published_format_and_never_safe() -> None:
    unknown = Change("delete", "tool", ("Mask",), ("tool",), "m", destructive=True,
                     impact=Impact(0, 0, unknown="exports do not list the annotations of a brush tool"))
    counted = Change("delete", "tool", ("Car",), ("tool",), "c", destructive=True, impact=Impact(3, 2, nested=6))
    safe = Change("delete", "tool", ("Pin",), ("tool",), "p", destructive=True, impact=Impact(0, 0))
    plan = Plan.build([unknown, counted, safe], EMPTY_SCHEMA, fingerprint(None))
    data = plan.to_json()
    jsonschema.validate(data, plan_schema())
    impacts = {c["path"][0]: c["impact"] for c in data["changes"]}
    assert impacts == {"Mask": {"annotations": 0, "tasks": 0,
                                "unknown": "exports do not list the annotations of a brush tool"},
                       "Car": {"annotations": 3, "tasks": 2, "nested": 6}, "Pin": {"annotations": 0, "tasks": 0}}
    assert data["summary"]["orphaned_annotations"] == 3 and data["summary"]["unknown_impact"] == 1
    assert [c.may_orphan for c in plan.changes] == [True, True, False]
    assert Plan.from_json(data) == plan


def test_saved_plan_of_another_format_version_is_refused() -> None:
    data = plan_for("delete_option").to_json()
    data["format_version"] = 99
    with pytest.raises(PlanFileInvalid, match="format version"):
        Plan.from_json(data)
    with pytest.raises(PlanFileInvalid):
        Plan.from_json(["not", "a", "plan"])


def test_saved_plan_with_an_edited_desired_schema_is_refused() -> None:
    data = plan_for("delete_option").to_json()
    data["desired_schema"]["tools"][0]["title"] = "Edited"
    with pytest.raises(PlanFileInvalid, match="edited"):
        Plan.from_json(data)


def test_saved_plan_with_an_edited_summary_is_refused() -> None:
    data = plan_for("delete_option").to_json()
    data["changes"] = []
    with pytest.raises(PlanFileInvalid, match="edited"):
        Plan.from_json(data)


def test_saved_plan_with_a_broken_change_says_where() -> None:
    data = plan_for("delete_option").to_json()
    data["changes"][0]["action"] = "explode"
    with pytest.raises(PlanFileInvalid, match="changes/0/action"):
        Plan.from_json(data)
