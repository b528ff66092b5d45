"""Saved plans: a plan file or a plan set is read back whole, or refused as what it is; applied, it is checked
against the project it names (by id or by name) and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_session import Cli

from ango_ontology.apply import Safety, apply_plan, count_impact
from ango_ontology.backups import BackupStore
from ango_ontology.cli import main
from ango_ontology.diff import make_plan
from ango_ontology.errors import InputError, PlanFileInvalid
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.live import Live
from ango_ontology.model import Ontology, ProjectRef
from ango_ontology.projects import Target
from ango_ontology.runs import ProjectRun
from ango_ontology.saved import read_plan, read_plans, saved_plans_json
from ango_ontology.wire import fingerprint


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


# -- a saved plan applied: edited plans are refused, whatever the project field says ---------------------------

VEHICLES = "project: PROJECT\ntools:\n  - bounding-box: Vehicle\n  - point: Landmark\n"


@pytest.fixture
def cli(tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, f"local:{local_hub.path}", capsys)


def _labelled(cli: Cli, local_hub: LocalHub) -> tuple[str, str]:
    """A project `Prod` with a Vehicle box labelled, and the path of its ontology file."""
    project = local_hub.create_project("Prod", "")["_id"]
    path = cli.write("o.yaml", VEHICLES.replace("PROJECT", project))
    assert cli("apply", path, "--auto-approve")[0] == 0
    local_hub.upload_files_cloud(project, [{"data": "https://example.invalid/a.jpg", "externalId": "a"}])
    local_hub.import_labels(project, [{"externalId": "a", "objects": [
        {"title": "Vehicle", "bounding-box": {"x": 1, "y": 1, "width": 2, "height": 2}}]}])
    return project, path


def _tampered(plan_file: Path, **fields: object) -> None:
    """The plan with `fields` set, the Vehicle tool dropped from what it pushes and its fingerprint recomputed."""
    data = json.loads(plan_file.read_text())
    data.update(fields)
    schema = data["desired_schema"]
    schema["tools"] = [tool for tool in schema["tools"] if tool["title"] != "Vehicle"]
    data["desired_fingerprint"] = fingerprint(schema)
    plan_file.write_text(json.dumps(data))


def _tools(hub: LocalHub, project: str) -> list[str]:
    return [tool["title"] for tool in hub.get_project(project)["categorySchema"]["tools"]]


@pytest.mark.parametrize("fields", [{}, {"project": None, "project_name": "Prod"}])
def test_a_saved_plan_edited_to_delete_a_labelled_node_is_refused_whatever_project_it_names(
        cli: Cli, local_hub: LocalHub, tmp_path: Path, fields: dict[str, object]) -> None:
    project, path = _labelled(cli, local_hub)
    cli.write("o.yaml", VEHICLES.replace("PROJECT", project) + "    color: '#123456'\n")
    plan_file = tmp_path / "plan.json"
    assert cli("plan", path, "--out", str(plan_file))[0] == 0
    _tampered(plan_file, **fields)
    code, _, err = cli("apply", str(plan_file), "--auto-approve")
    assert code == 1 and "edited by hand" in err
    assert _tools(local_hub, project) == ["Vehicle", "Landmark"]


def test_a_saved_plan_is_checked_again_inside_the_lock_against_the_project_found_by_name(
        cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project, path = _labelled(cli, local_hub)
    plan_file = tmp_path / "plan.json"
    cli.write("o.yaml", VEHICLES.replace("PROJECT", project) + "    color: '#123456'\n")
    assert cli("plan", path, "--out", str(plan_file))[0] == 0
    _tampered(plan_file, project=None, project_name="Prod")
    plan = read_plan(plan_file)
    assert plan is not None
    target = Target(ProjectRef(name="Prod"), None)  # as a caller that did not resolve the name would pass it
    with pytest.raises(PlanFileInvalid, match="edited by hand"):
        apply_plan(local_hub, plan, target, store=BackupStore(tmp_path / "b"), safety=Safety(saved=True),
                   allow_destructive=True)
    assert _tools(local_hub, project) == ["Vehicle", "Landmark"]


def test_a_plan_that_names_no_project_counts_its_deletions_as_unknown_never_as_safe(local_hub: LocalHub) -> None:
    live = Live.read({"tools": [{"tool": "point", "title": "Dot", "schemaId": "d"}], "classifications": [],
                      "relations": []})
    plan = make_plan(Ontology(), live)
    counted = count_impact(local_hub, plan, live)
    (change,) = counted.changes
    assert change.impact is not None and change.impact.unknown and change.may_orphan


def test_a_saved_plans_project_is_chosen_by_its_id_or_name_and_nothing_else(
        cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    a, b = (local_hub.create_project(name, "")["_id"] for name in ("A", "B"))
    path = cli.write("o.yaml", f"projects: [{a}, {b}]\ntools:\n  - point: Dot\n")
    plan_file = str(tmp_path / "plan.json")
    assert cli("plan", path, "--project", a, "--out", plan_file)[0] == 0
    code, _, err = cli("apply", plan_file, "--project", a, "--project", b, "--auto-approve")
    assert code == 1 and f"not {b}" in err
    assert _tools(local_hub, a) == [] and _tools(local_hub, b) == []
    code, out, _ = cli("apply", plan_file, "--project", "A", "--auto-approve")
    assert code == 0 and f"Project {a}: applied" in out
    assert _tools(local_hub, a) == ["Dot"] and _tools(local_hub, b) == []


def test_a_plan_sets_projects_are_chosen_by_id_or_name_and_an_unknown_one_is_refused(
        cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    a, b = (local_hub.create_project(name, "")["_id"] for name in ("A", "B"))
    path = cli.write("o.yaml", f"projects: [{a}, {b}]\ntools:\n  - point: Dot\n")
    plan_file = str(tmp_path / "plans.json")
    assert cli("plan", path, "--out", plan_file)[0] == 0
    code, _, err = cli("apply", plan_file, "--project", "A", "--project", "C", "--auto-approve")
    assert code == 1 and "no plan for project C" in err and _tools(local_hub, a) == []
    code, _, _ = cli("apply", plan_file, "--project", "B", "--auto-approve")
    assert code == 0 and _tools(local_hub, b) == ["Dot"] and _tools(local_hub, a) == []


def test_a_plan_made_against_one_spelling_of_a_hub_applies_through_another(
        emulator: Emulator, emulator_api_key: str, local_hub: LocalHub, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    project = local_hub.create_project("P", "")["_id"]
    port = emulator.url.rsplit(":", 1)[1]
    (tmp_path / "o.yaml").write_text(f"project: {project}\ntools:\n  - point: Dot\n")
    plan_file = str(tmp_path / "plan.json")
    assert main(["plan", str(tmp_path / "o.yaml"), "--hub", f"http://127.0.0.1:{port}", "--out", plan_file]) == 0
    assert main(["apply", plan_file, "--hub", f"HTTP://LOCALHOST:{port}/", "--auto-approve",
                 "--backup-dir", str(tmp_path / "b")]) == 0
    assert _tools(local_hub, project) == ["Dot"]
    assert main(["apply", plan_file, "--hub", f"http://127.0.0.1:{int(port) + 1}", "--auto-approve",
                 "--backup-dir", str(tmp_path / "b")]) == 1
    assert "this plan was made against" in capsys.readouterr().err
