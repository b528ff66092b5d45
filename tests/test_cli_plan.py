"""`ango-ontology plan` against a live project: renames, rename hints, drift, exit codes, formats."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from ango_ontology.cli import main
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.plan import plan_schema

BASE = """project: PROJECT
classifications:
  - radio: Weather
    id: weather
    options: [Sunny, Rainy]
  - text: Comment
"""


@pytest.fixture
def applied(tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, str]:
    project = local_hub.create_project("P", "")["_id"]
    path = tmp_path / "o.yaml"
    path.write_text(BASE.replace("PROJECT", project))
    hub = f"local:{local_hub.path}"
    assert main(["apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    return path, hub, project


def _plan(path: Path, hub: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["plan", str(path), "--hub", hub, "--detailed-exitcode", *extra])
    return code, capsys.readouterr().out


def test_rename_with_id_is_a_non_destructive_rename(applied: tuple[Path, str, str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, _ = applied
    path.write_text(path.read_text().replace("radio: Weather", "radio: Sky"))
    code, out = _plan(path, hub, capsys)
    assert code == 2
    assert '~ rename classification Sky' in out and 'title: "Weather" → "Sky"' in out
    assert out.splitlines()[-1] == "Plan: 1 to rename — 0 destructive"


def test_title_change_without_id_is_a_delete_and_create_with_the_rename_hint(
        applied: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, _ = applied
    path.write_text(path.read_text().replace("text: Comment", "text: Remark"))
    code, out = _plan(path, hub, capsys)
    assert code == 3
    assert "looks like a rename" in out and "renamed_from: Comment" in out.replace("`", "")


def test_edit_in_the_web_ui_shows_as_drift(applied: tuple[Path, str, str], local_hub: LocalHub,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = applied
    schema = local_hub.get_project(project)["categorySchema"]
    schema["classifications"][0]["options"].append({"value": "Foggy", "schemaId": "ui-fog"})
    local_hub.create_label_set(project, schema)
    code, out = _plan(path, hub, capsys)
    assert code == 3 and "Foggy" in out


def test_json_plan_validates_against_the_published_schema(applied: tuple[Path, str, str],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = applied
    path.write_text(path.read_text().replace("[Sunny, Rainy]", "[Sunny, Rainy, Snowy]"))
    code, out = _plan(path, hub, capsys, "--format", "json")
    assert code == 2
    plan = json.loads(out)
    jsonschema.validate(plan, plan_schema())
    assert plan["project"] == project and plan["summary"]["create"] == 1


def test_plan_against_the_emulator_matches_the_local_hub(applied: tuple[Path, str, str], emulator: Emulator,
                                                         emulator_api_key: str, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path, _, _ = applied
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    code, out = _plan(path, emulator.url, capsys)
    assert code == 0 and "No changes." in out


def test_markdown_plan_is_a_pull_request_comment(applied: tuple[Path, str, str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, _ = applied
    path.write_text(path.read_text().replace("  - text: Comment\n", ""))
    code, out = _plan(path, hub, capsys, "--format", "markdown")
    assert code == 3
    assert "Plan:" in out and "|" in out and "<details>" in out


def _git(repo: Path, *argv: str) -> str:
    import subprocess

    done = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                           *argv], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def test_the_header_of_a_pulled_files_plan_names_the_project_hub_file_and_commit(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("Street scenes", "")["_id"]
    local_hub.create_label_set(project, {"tools": [{"tool": "point", "title": "Sign", "schemaId": "sign"}]})
    hub = f"local:{local_hub.path}"
    path = tmp_path / "labels.yaml"
    assert main(["pull", project, "-o", str(path), "--hub", hub]) == 0
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "labels.yaml")
    _git(tmp_path, "commit", "-qm", "adopt")
    commit = _git(tmp_path, "rev-parse", "HEAD")
    capsys.readouterr()
    code, out = _plan(path, hub, capsys)
    assert code == 0
    assert out.splitlines()[:2] == [f"Plan for project Street scenes ({project}) on {hub}",
                                    f"File: {path} at commit {commit[:12]}"]
    path.write_text(path.read_text() + "  - polygon: Lane\n")
    _, out = _plan(path, hub, capsys, "--format", "markdown")
    assert f"File: {path} at commit {commit[:12]} (with uncommitted changes)" in out
    _, out = _plan(path, hub, capsys, "--format", "json")
    assert json.loads(out)["source"] == {"file": str(path), "commit": commit, "modified": True}


def test_plan_format_html_writes_one_page(applied: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = applied
    path.write_text(path.read_text().replace("[Sunny, Rainy]", "[Sunny, Rainy, Foggy]"))
    code, out = _plan(path, hub, capsys, "--format", "html")
    assert code == 2 and out.startswith("<!DOCTYPE html>") and out.count("<html") == 1
    assert f"Plan for project P ({project})" in out and "create</span>" in out
    path.write_text(path.read_text().replace(f"project: {project}", f"projects: [{project}, other]"))
    code = main(["plan", str(path), "--hub", hub, "--format", "html"])
    assert code == 1 and "one page for one project" in capsys.readouterr().err
def test_renamed_from_matching_nothing_is_a_note_at_its_line(applied: tuple[Path, str, str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, _ = applied
    path.write_text(path.read_text().replace("  - text: Comment\n", "  - text: Remark\n    renamed_from: Coment\n"))
    code = main(["plan", str(path), "--hub", hub, "--detailed-exitcode"])
    out = capsys.readouterr().out
    assert code == 3  # Comment deleted, Remark created: the typo in renamed_from is not an error, it is said
    assert (f"note: {path}:7:5: classifications[Remark]: renamed_from: ignored, neither 'Coment' nor 'Remark' "
            "is live here") in out


def test_plan_shows_the_files_warnings_and_still_plans(applied: tuple[Path, str, str],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, _ = applied
    path.write_text(path.read_text().replace("    options: [Sunny, Rainy]\n", "    options: [Sunny, Rainy]\n"
                                             "    column_field: true\n"))
    code = main(["plan", str(path), "--hub", hub, "--detailed-exitcode"])
    out, err = capsys.readouterr()
    assert code == 2 and "update classification Weather" in out
    assert "1 warning about" in err
    assert f"{path}: warning: classifications[Weather]: column_field is only allowed on instance" in err


def test_a_leftover_renamed_from_plans_clean_against_an_empty_project(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("New environment", "")["_id"]
    path = tmp_path / "o.yaml"
    path.write_text(f"project: {project}\nclassifications:\n  - radio: Sky\n    renamed_from: Weather\n"
                    "    options: [Sunny, Rainy]\n")
    code, out = _plan(path, f"local:{local_hub.path}", capsys)
    assert code == 2 and "+ create classification Sky (radio, first)" in out
    note = (f"note: {path}:4:5: classifications[Sky]: renamed_from: ignored, neither 'Weather' nor 'Sky' is live "
            "here (a new project or environment); remove it once the rename is applied to every project")
    assert out.count("note: ") == 1 and note in out
    assert main(["apply", str(path), "--hub", f"local:{local_hub.path}", "--auto-approve",
                 "--backup-dir", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    code, out = _plan(path, f"local:{local_hub.path}", capsys, "--format", "json")
    plan = json.loads(out)
    assert code == 0 and plan["changes"] == []
    assert plan["notes"] == [f"{path}:4:5: classifications[Sky]: renamed_from: 'Weather' is no longer needed "
                             "here: 'Sky' is live; remove it once the rename is applied to every project"]


def test_a_renamed_from_whose_old_and_new_titles_are_both_live_is_said_to_be_ambiguous(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("Both", "")["_id"]
    local_hub.create_label_set(project, {"tools": [{"tool": "bounding-box", "title": "Car", "schemaId": "car"},
                                                   {"tool": "bounding-box", "title": "Automobile", "schemaId": "auto"}],
                                         "classifications": [], "relations": []})
    path = tmp_path / "o.yaml"
    path.write_text(f"project: {project}\ntools:\n  - bounding-box: Automobile\n    renamed_from: Car\n")
    code, out = _plan(path, f"local:{local_hub.path}", capsys)
    assert code == 3 and "- delete tool Car (bounding-box)" in out and "no longer needed" not in out
    assert (f"note: {path}:4:5: tools[Automobile]: renamed_from: ambiguous here: 'Car' and 'Automobile' are both "
            "live, so nothing is renamed: 'Automobile' keeps its own id and the live 'Car' is deleted with its "
            "annotations; if those are the ones to keep, delete the live 'Automobile' and write `id: car` on this "
            "node, else remove renamed_from") in out
    path.write_text(f"project: {project}\ntools:\n  - bounding-box: Car\n  - bounding-box: Automobile\n"
                    "    renamed_from: Car\n")  # the file keeps both: nothing is deleted, and nothing renamed
    code, out = _plan(path, f"local:{local_hub.path}", capsys)
    assert code == 0 and "renamed_from: 'Car' is no longer needed here: 'Automobile' is live" in out


def test_plan_out_never_replaces_an_input_or_a_file_that_is_not_a_plan(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{local_hub.path}"
    folder = tmp_path / "labels"
    folder.mkdir()
    path = folder / "o.yaml"
    text = "project:\n  name: New\ntools:\n  - point: Dot  # my comments\n  - include: parts.yaml\n"
    path.write_text(text)
    (folder / "parts.yaml").write_text("- point: Shared\n")
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / "link.yaml").symlink_to(path)
    reads, not_a_plan = "which this command reads", "exists and is not a plan file"
    for out, files, said in [(path, [path], reads), (tmp_path / "link.yaml", [path], reads),
                             (folder / "parts.yaml", [folder], reads), (tmp_path / "notes.txt", [path], not_a_plan)]:
        before = out.read_text()
        assert main(["plan", *map(str, files), "--hub", hub, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"--out {out} " in err and said in err
        assert out.read_text() == before
    plan_file = tmp_path / "plan.json"
    assert main(["plan", str(path), "--hub", hub, "--out", str(plan_file)]) == 0
    assert main(["plan", str(path), "--hub", hub, "--out", str(plan_file)]) == 0  # a plan file is replaced
    assert path.read_text() == text and json.loads(plan_file.read_text())["project_name"] == "New"


# -- what apply creates besides the label set: the project and missing batches ---------------------------------

def _outputs(path: Path, hub: str, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[int, str]]:
    shown = {}
    for fmt in ("text", "json", "markdown", "html"):
        code = main(["plan", str(path), "--hub", hub, "--detailed-exitcode", "--format", fmt])
        shown[fmt] = code, capsys.readouterr().out
    return shown


def test_missing_batches_are_planned_shown_in_every_format_saved_and_applied(
        tmp_path: Path, local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("P", "")["_id"]
    local_hub.create_batch(project, "Week 0")
    hub = f"local:{local_hub.path}"
    path = tmp_path / "o.yaml"
    path.write_text(f"project: {project}\nbatches: [Week 0, Week 1]\ntools:\n  - point: Dot\n")
    assert main(["apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 0
    path.write_text(f"project: {project}\nbatches: [Week 0, Week 1, Week 2]\ntools:\n  - point: Dot\n")
    capsys.readouterr()
    shown = _outputs(path, hub, capsys)
    assert {code for code, _ in shown.values()} == {2}
    assert "+ create batch Week 2" in shown["text"][1] and "Plan: 1 batch to create" in shown["text"][1]
    assert json.loads(shown["json"][1])["batches"] == ["Week 2"]
    assert "- create batch Week 2" in shown["markdown"][1] and "<li>create batch Week 2</li>" in shown["html"][1]
    jsonschema.validate(json.loads(shown["json"][1]), plan_schema())
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # no terminal: creating a batch needs approval too
    assert main(["apply", str(path), "--hub", hub, "--backup-dir", str(tmp_path / "b")]) == 1
    assert "--auto-approve" in capsys.readouterr().err
    assert [b["name"] for b in local_hub.get_batches(project)] == ["Week 0", "Week 1"]
    plan_file = tmp_path / "plan.json"
    assert main(["plan", str(path), "--hub", hub, "--out", str(plan_file)]) == 0
    assert main(["apply", str(plan_file), "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 0
    assert "created batches Week 2" in capsys.readouterr().out
    assert [b["name"] for b in local_hub.get_batches(project)] == ["Week 0", "Week 1", "Week 2"]
    assert main(["plan", str(path), "--hub", hub, "--detailed-exitcode"]) == 0


def test_creating_a_project_is_planned_even_with_no_node_and_applied_only_when_approved(
        tmp_path: Path, local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{local_hub.path}"
    path = tmp_path / "o.yaml"
    path.write_text("project:\n  name: Fresh\ntools: []\n")
    shown = _outputs(path, hub, capsys)
    assert {code for code, _ in shown.values()} == {2}
    assert "+ create project Fresh" in shown["text"][1] and "Plan: create project Fresh" in shown["text"][1]
    assert json.loads(shown["json"][1])["create_project"] is True
    assert "- create project Fresh" in shown["markdown"][1] and "<li>create project Fresh</li>" in shown["html"][1]
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["apply", str(path), "--hub", hub, "--backup-dir", str(tmp_path / "b")]) == 1
    assert local_hub.list_projects() == []
    plan_file = tmp_path / "plan.json"
    assert main(["plan", str(path), "--hub", hub, "--out", str(plan_file)]) == 0
    assert main(["apply", str(plan_file), "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 0
    assert [p["name"] for p in local_hub.list_projects()] == ["Fresh"]


def test_a_saved_plan_that_does_not_say_it_creates_a_missing_project_is_refused(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{local_hub.path}"
    path = tmp_path / "o.yaml"
    path.write_text("project:\n  name: Fresh\ntools:\n  - point: Dot\n")
    plan_file = tmp_path / "plan.json"
    assert main(["plan", str(path), "--hub", hub, "--out", str(plan_file)]) == 0
    data = json.loads(plan_file.read_text())
    del data["create_project"]
    plan_file.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["apply", str(plan_file), "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 1
    assert "the plan does not create it" in capsys.readouterr().err and local_hub.list_projects() == []


def test_an_output_is_compared_with_the_inputs_that_exist_by_file_not_by_name(tmp_path: Path) -> None:
    from ango_ontology.commands.options import refuse_overwriting_inputs
    from ango_ontology.errors import InputError

    out = str(tmp_path / "out.json")
    Path(out).write_text("{}")
    refuse_overwriting_inputs(out, [str(tmp_path / "missing.yaml")])  # an input that is not there is no file
    refuse_overwriting_inputs(str(tmp_path / "new.json"), [out])  # nor is an output that is not there yet
    with pytest.raises(InputError, match=r"is the same file as .*/\./out\.json, which this command reads"):
        refuse_overwriting_inputs(out, [f"{tmp_path}/./out.json"])
