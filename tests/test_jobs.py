"""A run over a folder of label sets: every project of every file planned in one run, one roll-up, one
comment, one JSON document, the worst outcome as exit code; projects two label sets claim are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from ango_ontology import api
from ango_ontology.cli import main
from ango_ontology.errors import AngoOntologyError
from ango_ontology.hub.local import LocalHub
from ango_ontology.jobs import Job, claimed_once, jobs_of
from ango_ontology.model import Ontology, ProjectRef
from ango_ontology.render.runs import COMMENT_LIMIT

SCHEMAS = Path(__file__).parents[1] / "schemas"


def run_schema() -> Any:
    """A validator of the run document, resolving its reference to the plan schema."""
    plan = Resource.from_contents(json.loads((SCHEMAS / "plan.schema.json").read_text()))
    registry = Registry().with_resource("https://ango-ontology.dev/schemas/plan.schema.json", plan)
    schema = json.loads((SCHEMAS / "plan-run.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, registry=registry).validate


def _label_set(index: int, projects: list[str]) -> str:
    return (f"projects: [{', '.join(projects)}]\nbatches: [Week {index}]\ntools:\n"
            f"  - bounding-box: Vehicle {index}\n    classifications:\n      - radio: Kind\n"
            f"        options: [Car, Truck]\n  - polygon: Road\n")


@pytest.fixture
def folder(tmp_path: Path, local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[list[str]]]:
    """12 label sets in `ontology/` targeting 30 projects (6 files with 3, 6 with 2), plus a fragment."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ontology" / "shared").mkdir(parents=True)
    (tmp_path / "ontology" / "shared" / "unused.yaml").write_text("- text: Comment\n")
    projects: list[list[str]] = []
    for index in range(12):
        ids = [local_hub.create_project(f"P{index}-{n}", "")["_id"] for n in range(3 if index < 6 else 2)]
        projects.append(ids)
        (tmp_path / "ontology" / f"set-{index:02}.yaml").write_text(_label_set(index, ids))
    return tmp_path / "ontology", projects


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_folder_of_12_files_and_30_projects_plans_in_one_run(
        folder: tuple[Path, list[list[str]]], local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    path, projects = folder
    hub = f"local:{local_hub.path}"
    code, out, _ = _run(capsys, "apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", "b")
    assert code == 0 and "Apply complete: 30 of 30 project(s) succeeded." in out
    assert all(b["name"] == "Week 3" for b in local_hub.get_batches(projects[3][0]))
    first = path / "set-00.yaml"
    first.write_text(first.read_text().replace("[Car, Truck]", "[Car, Truck, Bus]"))
    last = path / "set-11.yaml"
    last.write_text(last.read_text().replace("  - polygon: Road\n", ""))

    code, out, err = _run(capsys, "plan", str(path), "--hub", hub, "--detailed-exitcode")
    assert code == 3  # the worst outcome: a destructive change in one of the 30
    assert out.count("Summary:") == 1 and out.rstrip().endswith(
        "30 projects in 12 files: 5 with changes (2 destructive), 25 without.")
    assert out.count("== ") == 30 and "unused.yaml" not in out
    assert err.count("Planned ") == 30  # not a terminal: one line per project, for CI logs

    code, comment, _ = _run(capsys, "plan", str(path), "--hub", hub, "--format", "markdown")
    assert code == 0 and comment.count("## Ontology plan") == 1 and len(comment) < COMMENT_LIMIT
    assert comment.count("<summary>") == 5 + 5  # a section per changed project (each holds its tree)
    assert comment.count("| `") == 30  # one table row per project

    code, text, _ = _run(capsys, "plan", str(path / "*.yaml"), "--hub", hub, "--format", "json")
    document = json.loads(text)
    run_schema()(document)
    assert document["summary"] == {"files": 12, "projects": 30, "unchanged": 25, "changed": 5, "destructive": 2,
                                   "failed": 0}
    assert [run["project"] for run in document["runs"]] == [p for ids in projects for p in ids]


def test_one_bad_file_fails_its_own_runs_and_the_exit_code_only(
        folder: tuple[Path, list[list[str]]], local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = folder
    (path / "set-05.yaml").write_text("projects: [x]\ntools:\n  - point: P\n    colour: red\n")
    code, out, err = _run(capsys, "plan", str(path), "--hub", f"local:{local_hub.path}", "--detailed-exitcode")
    assert code == 1
    assert "28 projects in 12 files: 27 with changes, 0 without, 1 failed." in out
    assert err.count("unknown key 'colour'") == 1 and "set-05.yaml:4:5" in err


def test_project_and_env_flags_narrow_a_folder_run(folder: tuple[Path, list[list[str]]], local_hub: LocalHub,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path, projects = folder
    hub = f"local:{local_hub.path}"
    code, out, _ = _run(capsys, "plan", str(path), "--hub", hub, "--project", projects[2][1], "--format", "json")
    assert code == 0 and [run["project"] for run in json.loads(out)["runs"]] == [projects[2][1]]
    code, _, err = _run(capsys, "plan", str(path), "--hub", hub, "--project", "nowhere")
    assert code == 1 and "no file targets project nowhere" in err


@pytest.mark.parametrize("command", [["plan", "--detailed-exitcode"], ["apply", "--auto-approve"], ["drift"]])
def test_an_env_no_file_defines_is_an_error_not_an_empty_run(tmp_path: Path, local_hub: LocalHub,
                                                              capsys: pytest.CaptureFixture[str],
                                                              command: list[str]) -> None:
    (tmp_path / "a.yaml").write_text("tools:\n  - point: P\nenvironments:\n  production:\n    project: {name: Prod}\n")
    (tmp_path / "b.yaml").write_text("project: {name: Plain}\ntools:\n  - point: P\n")
    hub = ["--hub", f"local:{local_hub.path}", "--backup-dir", str(tmp_path / "b")]
    code, out, err = _run(capsys, command[0], str(tmp_path), "--env", "prodution", *command[1:], *hub)
    assert code == 1 and out == ""
    assert "--env prodution: no file defines it; they define production" in err
    code, _, err = _run(capsys, command[0], str(tmp_path), "--env", "production", "--env", "qa", *command[1:], *hub)
    assert code == 1 and "--env qa: no file defines it" in err
    assert local_hub.list_projects() == []  # nothing was created


def test_a_project_two_files_target_is_refused_for_both(tmp_path: Path, local_hub: LocalHub,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("Shared", "")["_id"]
    other = local_hub.create_project("Other", "")["_id"]
    (tmp_path / "a.yaml").write_text(f"projects: [{project}, {other}]\ntools:\n  - point: A\n")
    (tmp_path / "b.yaml").write_text(f"project: {project}\ntools:\n  - point: B\n")
    code, out, err = _run(capsys, "apply", str(tmp_path), "--hub", f"local:{local_hub.path}", "--auto-approve",
                          "--backup-dir", str(tmp_path / "b"))
    assert code == 1
    assert err.count("is the target of several label sets") == 2
    assert f"Project {other}: applied 1 change(s)" in out
    assert local_hub.get_project(project)["categorySchema"]["tools"] == []


def test_jobs_of_a_file_with_environments_need_their_projects() -> None:
    ontology = Ontology.model_validate({"tools": [{"type": "point", "title": "P"}], "environments": {
        "staging": {"project": "s"}, "production": {"projects": ["p1", "p2"]}}})
    assert [(job.environment, job.ref.id) for job in jobs_of(ontology)] == [
        ("staging", "s"), ("production", "p1"), ("production", "p2")]
    assert [job.ref.id for job in jobs_of(ontology, environments=["production"], projects=["p2"])] == ["p2"]
    with pytest.raises(AngoOntologyError, match="no environment 'qa'"):
        jobs_of(ontology, environments=["qa"])
    with pytest.raises(AngoOntologyError, match="is in no environment"):
        jobs_of(ontology, projects=["elsewhere"])


def test_claimed_once_keeps_one_file_listing_a_project_by_id_and_by_name_apart() -> None:
    jobs = [Job(Ontology(), ProjectRef(id="p"), "a.yaml"), Job(Ontology(), ProjectRef(name="p"), "b.yaml")]
    assert all(job.error is None for job in claimed_once(jobs))


def test_plan_files_is_the_python_api_of_a_folder_run(folder: tuple[Path, list[list[str]]],
                                                      local_hub: LocalHub) -> None:
    path, projects = folder
    seen: list[tuple[int, int]] = []
    runs = api.plan_files(local_hub, [path], done=lambda _run, done, total: seen.append((done, total)))
    assert [run.label for run in runs] == [p for ids in projects for p in ids]
    assert all(run.source is not None and run.source.startswith(str(path)) for run in runs)
    assert sorted(seen) == [(n, 30) for n in range(1, 31)]


def test_a_shared_fragment_changed_once_shows_in_every_label_sets_plan(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ontology" / "shared").mkdir(parents=True)
    fragment = tmp_path / "ontology" / "shared" / "occlusion.yaml"
    fragment.write_text("- radio: Occlusion\n  options: [None, Partial]\n")
    for name in ("cars", "bikes", "signs"):
        project = local_hub.create_project(name, "")["_id"]
        (tmp_path / "ontology" / f"{name}.yaml").write_text(
            f"project: {project}\ntools:\n  - bounding-box: {name.title()}\n    classifications:\n"
            "      - include: shared/occlusion.yaml\n")
    hub = f"local:{local_hub.path}"
    assert _run(capsys, "apply", "ontology", "--hub", hub, "--auto-approve", "--backup-dir", "b")[0] == 0
    fragment.write_text("- radio: Occlusion\n  options: [None, Partial, Heavy]\n")
    code, out, _ = _run(capsys, "plan", "ontology", "--hub", hub, "--format", "json", "--detailed-exitcode")
    runs = json.loads(out)["runs"]
    assert code == 2 and len(runs) == 3
    for run in runs:
        (change,) = run["plan"]["changes"]
        assert (change["action"], change["kind"], change["path"][1:]) == ("create", "option",
                                                                           ["Occlusion", "Heavy"])


def test_planning_a_fragment_on_its_own_says_what_to_plan_instead(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "piece.yaml").write_text("- text: Comment\n")
    code, _, err = _run(capsys, "plan", str(tmp_path / "piece.yaml"), "--hub", f"local:{tmp_path / 'h.db'}")
    assert code == 1 and "is a fragment (a list that label sets include)" in err
