"""The public Python API: every step a command takes, done without the command line and without printing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ango_ontology as ango
from ango_ontology.backups import BackupStore
from ango_ontology.errors import InputError, PlanFileInvalid
from ango_ontology.hub.local import LocalHub

ONTOLOGY = """project: {name: Street scenes}
tools:
  - bounding-box: Vehicle
    classifications:
      - radio: Kind
        options: [Car, Truck]
"""


@pytest.fixture
def hub(tmp_path: Path) -> LocalHub:
    return LocalHub(tmp_path / "hub.db")


def test_plan_apply_pull_and_rollback_without_the_command_line(
        tmp_path: Path, hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    store = BackupStore(tmp_path / "backups")
    (run,) = ango.plan(ango.load_text(ONTOLOGY, "o.yaml"), hub)
    assert run.target is not None and run.target.project_id is None and run.plan is not None
    assert run.plan.counts["create"] == 1
    (done,) = ango.apply(hub, [run], backups=store)
    assert done.outcome is not None and done.outcome.created_project and done.outcome.written
    project = done.outcome.project_id

    pulled = ango.pull(hub, project)
    adopted = ango.load_text(pulled, "pulled.yaml")
    assert "bounding-box: Vehicle" in pulled and adopted.targets()[0].id == project
    (again,) = ango.plan(adopted, hub)
    assert again.plan is not None and again.plan.is_empty

    renamed = ango.load_text(pulled.replace("Truck", "Lorry"), "pulled.yaml")
    (rename,) = ango.apply(hub, ango.plan(renamed, hub), backups=store)
    assert rename.outcome is not None and rename.outcome.backup is not None
    back = ango.plan_rollback(hub, project, backups=store)
    assert [c.action for c in back.plan.changes] == ["rename"]
    outcome = ango.rollback(hub, back, backups=store)
    assert outcome.written and "Truck" in json.dumps(hub.get_project(project)["categorySchema"])
    assert capsys.readouterr() == ("", "")


def test_saved_plans_are_read_back_and_checked_against_the_hub(tmp_path: Path, hub: LocalHub) -> None:
    project = hub.create_project("Saved")["_id"]
    ontology = ango.load_text(ONTOLOGY.replace("{name: Street scenes}", project), "o.yaml")
    (run,) = ango.plan(ontology, hub)
    assert run.plan is not None
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(run.plan.to_json()))
    plan = ango.read_plan(saved)
    assert plan is not None and plan.changes == run.plan.changes
    assert ango.read_plan(_write(tmp_path / "o.yaml", ONTOLOGY)) is None
    with pytest.raises(InputError, match="not a readable plan"):
        ango.read_plan(_write(tmp_path / "bad.json", "{oops"))
    with pytest.raises(InputError, match="not other"):
        ango.plan_saved(hub, plan, ["other"])
    ready = ango.plan_saved(hub, plan)
    (done,) = ango.apply(hub, [ready], backups=BackupStore(tmp_path / "b"))
    assert done.outcome is not None and done.outcome.written
    edited = run.plan.to_json() | {"summary": {"create": 9}}
    with pytest.raises(PlanFileInvalid):
        ango.read_plan(_write(tmp_path / "edited.json", json.dumps(edited)))


def test_validate_returns_problems_and_never_raises_them(tmp_path: Path) -> None:
    good = ango.validate(_write(tmp_path / "good.yaml", ONTOLOGY))
    assert good.valid and good.ontology is not None and good.problems == []
    bad = ango.validate(_write(tmp_path / "bad.yaml", "tools:\n  - pointy: P\n"))
    assert not bad.valid and "unknown tool type 'pointy'" in bad.problems[0].message
    assert bad.problems[0].line == 2
    missing = ango.validate(tmp_path / "missing.yaml")
    assert not missing.valid and missing.failure is not None and "no such file" in missing.failure


def test_diff_takes_label_sets_or_files_and_format_text_lays_out_a_file(tmp_path: Path) -> None:
    old = ango.load_text(ONTOLOGY)
    new_file = _write(tmp_path / "new.yaml", ONTOLOGY.replace("Truck", "Truck, Bus"))
    plan = ango.diff(old, new_file)
    assert [(c.action, c.kind, c.title) for c in plan.changes] == [("create", "option", "Bus")]
    assert ango.diff(old, old).is_empty
    assert ango.format_text("tools:\n- point: P\n  id: x\n") == "tools:\n  - point: P\n    id: x\n"


def test_pull_into_refuses_the_file_of_another_project(hub: LocalHub) -> None:
    project = hub.create_project("Into")["_id"]
    with pytest.raises(InputError, match="not of"):
        ango.pull_into(hub, project, "project: 0123456789abcdef01234567\ntools: []\n", "other.yaml")
    merged = ango.pull_into(hub, project, f"project: {project}\n# kept\ntools: []\n", "mine.yaml")
    assert "# kept" in merged


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
