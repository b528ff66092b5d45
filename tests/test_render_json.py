"""The JSON rendering: golden documents, valid against `schemas/plan.schema.json`, readable as a saved plan."""

from __future__ import annotations

import json
from pathlib import Path

import adopted_corpus
import jsonschema  # type: ignore[import-untyped]  # ships no stubs
import pytest
from golden_files import assert_golden
from plan_scenarios import SCENARIOS, plan_for

from ango_ontology.diff import make_plan
from ango_ontology.plan import Plan
from ango_ontology.render import render_to_string
from ango_ontology.wire import from_category_schema

ROOT_SCHEMA = Path(__file__).parent.parent / "schemas" / "plan.schema.json"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_json_plan_matches_golden(name: str) -> None:
    assert_golden(f"{name}.json", render_to_string(plan_for(name), "json"))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_json_plan_validates_against_the_schema_in_schemas_folder(name: str) -> None:
    schema = json.loads(ROOT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(render_to_string(plan_for(name), "json")), schema)


def test_json_plan_reads_back_as_the_same_plan() -> None:
    plan = plan_for("everything")
    assert Plan.from_json(json.loads(render_to_string(plan, "json"))) == plan


def test_json_plan_lists_destructive_changes_first_with_before_and_after() -> None:
    data = json.loads(render_to_string(plan_for("move_when"), "json"))
    (move,) = data["changes"]
    assert move["destructive"] is True
    assert (move["before"], move["after"]) == ({"when": "Car"}, {"when": "Truck"})
    assert move["path"] == ["Vehicle", "Kind", "Plate"]


def test_json_plan_of_a_complete_plan_validates_and_reads_back() -> None:
    live = {"tools": [{"tool": "angle", "title": "Cobb", "schemaId": 7, "required": None}], "mode": "a"}
    backup = {"tools": [{"tool": "angle", "title": "Cobb", "schemaId": "7"}], "mode": "b"}
    plan = make_plan(from_category_schema(backup), live)
    data = json.loads(render_to_string(plan, "json"))
    jsonschema.validate(data, json.loads(ROOT_SCHEMA.read_text(encoding="utf-8")))
    assert [(c["kind"], c["path"], c["before"], c["after"]) for c in data["changes"]] == [
        ("label-set", [], {"mode": "a"}, {"mode": "b"}),
        ("tool", ["Cobb"], {"wire.schemaId": 7, "wire.required": None}, {"wire.schemaId": "7"})]
    assert Plan.from_json(data) == plan


@pytest.mark.parametrize("name", adopted_corpus.CASES)
def test_every_format_renders_a_plan_of_an_adopted_label_set(name: str) -> None:
    live = adopted_corpus.case(name)
    backup = json.loads(json.dumps(live))
    backup["restored"] = True  # a plan of a categorySchema: its changes include one to the label set
    plan = make_plan(from_category_schema(backup), live, project="p")
    assert [change.kind for change in plan.changes] == ["label-set"]
    for fmt in ("text", "markdown", "json", "html"):
        assert "restored" in render_to_string(plan, fmt)
