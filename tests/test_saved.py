"""Saved plans: a plan file or a plan set is read back whole, or refused as what it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ango_ontology.diff import make_plan
from ango_ontology.errors import InputError, PlanFileInvalid
from ango_ontology.model import Ontology, ProjectRef
from ango_ontology.runs import ProjectRun
from ango_ontology.saved import read_plan, read_plans, saved_plans_json


def _runs(count: int) -> list[ProjectRun]:
    desired = Ontology.model_validate({"tools": [{"type": "point", "title": "P"}]})
    return [ProjectRun(ProjectRef(id=f"p{n}"), plan=make_plan(desired, None, project=f"p{n}"), source="o.yaml",
                       batches=("Week 1",)) for n in range(count)]


def test_a_plan_set_reads_back_with_files_environments_and_batches(tmp_path: Path) -> None:
    path = tmp_path / "plans.json"
    path.write_text(json.dumps(saved_plans_json(_runs(2))))
    saved = read_plans(path)
    assert saved is not None and [(s.plan.project, s.source, s.batches) for s in saved] == [
        ("p0", "o.yaml", ("Week 1",)), ("p1", "o.yaml", ("Week 1",))]
    with pytest.raises(PlanFileInvalid, match="holds the plans of 2 projects"):
        read_plan(path)


@pytest.mark.parametrize(("entry", "message"), [
    ("not a mapping", "a plan set holds {file, environment, plan} entries"),
    ({"file": 3, "plan": {}}, "a plan set's file and environment are text"),
    ({"file": "o.yaml", "batches": [1], "plan": {}}, "a plan set's file and environment are text"),
])
def test_a_damaged_plan_set_is_refused(tmp_path: Path, entry: object, message: str) -> None:
    path = tmp_path / "plans.json"
    path.write_text(json.dumps({"format_version": 1, "plans": [entry]}))
    with pytest.raises(PlanFileInvalid, match=message):
        read_plans(path)


def test_what_is_not_a_plan_file_is_none_or_an_error_that_says_so(tmp_path: Path) -> None:
    (tmp_path / "labels.yaml").write_text("tools: []\n")
    (tmp_path / "broken.json").write_text("{ not json")
    (tmp_path / "other.json").write_text('{"something": "else"}')
    (tmp_path / "labels.py").write_text("{}")
    (tmp_path / "binary.json").write_bytes(b"{\xff\xfe")
    assert read_plans(tmp_path / "labels.yaml") is None and read_plans(tmp_path / "other.json") is None
    assert read_plans(tmp_path) is None and read_plans(tmp_path / "missing.json") is None
    assert read_plans(tmp_path / "labels.py") is None and read_plan(tmp_path / "labels.py") is None
    assert read_plans(tmp_path / "binary.json") is None
    with pytest.raises(PlanFileInvalid, match="not a readable plan file"):
        read_plans(tmp_path / "broken.json")
    with pytest.raises(InputError, match="no such file"):
        read_plan(tmp_path / "missing.json")
