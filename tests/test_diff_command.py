"""diff OLD NEW: two definitions compared offline, from files or git revisions, with plan's renderers and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ango_ontology.cli import main

V1 = """\
tools:
  - bounding-box: Vehicle
    id: vehicle
    classifications:
      - radio: Kind
        options: [Car, Truck]
  - polygon: Road
"""
V2_ADDS = V1.replace("[Car, Truck]", "[Car, Truck, Bus]")
V3_DELETES = V2_ADDS.replace("  - polygon: Road\n", "")
PY = """\
from ango_ontology import Ontology, Tool

ontology = Ontology(tools=[Tool(type="bounding-box", title="Vehicle", id="vehicle"), Tool(type="point", title="Pole")])
"""


def _git(repo: Path, *argv: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
                    *argv], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with three commits of ontology.yaml (v1, bus added, road deleted) and a Python file."""
    _git(tmp_path, "init", "-q", "-b", "main")
    for message, text in (("v1", V1), ("add bus", V2_ADDS), ("delete road", V3_DELETES)):
        (tmp_path / "ontology.yaml").write_text(text)
        (tmp_path / "labels.py").write_text(PY)
        _git(tmp_path, "add", "ontology.yaml", "labels.py")
        _git(tmp_path, "commit", "-q", "-m", message)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_between_two_revisions_reports_the_created_option(repo: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "HEAD~2:ontology.yaml", "HEAD~1:ontology.yaml", "--detailed-exitcode")
    assert code == 2
    assert "Bus" in out


def test_diff_of_a_deletion_is_destructive_with_exit_code_3(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "HEAD~1:ontology.yaml", "ontology.yaml", "--detailed-exitcode",
                        "--format", "json")
    assert code == 3
    plan = json.loads(out)
    assert [(c["action"], c["path"]) for c in plan["changes"]] == [("delete", ["Road"])]


def test_diff_of_the_same_definition_is_empty_and_exits_0(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "main:ontology.yaml", "ontology.yaml", "--detailed-exitcode")[0] == 0
    code, out, _ = _run(capsys, "HEAD~2:ontology.yaml", "HEAD:ontology.yaml")
    assert code == 0 and out


def test_diff_renders_markdown(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "HEAD~2:ontology.yaml", "HEAD:ontology.yaml", "--format", "markdown")
    assert code == 0 and "Bus" in out and "Road" in out


def test_diff_reads_a_python_definition_at_a_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ontology.yaml", "HEAD:labels.py", "--detailed-exitcode")
    assert code == 3
    assert "create tool Pole" in out and "delete classification Kind" in out


def test_diff_of_a_bad_revision_or_path_is_a_clear_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "nosuchrev:ontology.yaml", "ontology.yaml")
    assert code == 1 and "unknown git revision 'nosuchrev'" in err
    code, _, err = _run(capsys, "HEAD:missing.yaml", "ontology.yaml")
    assert code == 1 and "no file 'missing.yaml' at revision HEAD" in err
    code, _, err = _run(capsys, "missing.yaml", "ontology.yaml")
    assert code == 1 and "missing.yaml: no such file" in err


def test_diff_outside_a_repository_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "a.yaml").write_text(V1)
    code, _, err = _run(capsys, "HEAD:a.yaml", "a.yaml")
    assert code == 1 and "not inside a git repository" in err


def test_diff_of_two_files_with_an_invalid_side_reports_its_problems(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(V1)
    new.write_text("tools:\n  - bounding-box: Vehicle\n    colour: red\n")
    code, _, err = _run(capsys, str(old), str(new))
    assert code == 1 and "colour" in err


def test_dev_null_is_an_empty_label_set_for_git_diff_drivers(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "o.yaml"
    path.write_text("tools:\n  - point: P\n")
    assert main(["diff", "/dev/null", str(path), "--detailed-exitcode"]) == 2
    assert main(["diff", str(path), "/dev/null", "--detailed-exitcode"]) == 3
    assert "create tool P" in capsys.readouterr().out


def _git_diff(repo: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-c", "diff.ango-ontology.command=ango-ontology diff --git", "diff", *argv],
                          cwd=repo, capture_output=True, text=True, env=env, check=False)


def test_as_git_diff_driver_a_valid_edit_shows_the_semantic_plan(repo: Path) -> None:
    (repo / ".gitattributes").write_text("*.yaml diff=ango-ontology\n")
    (repo / "ontology.yaml").write_text(V3_DELETES.replace("Bus]", "Bus, Van]"))
    done = _git_diff(repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "ango-ontology diff ontology.yaml"
    assert "+ create option Van (after Bus)" in done.stdout


def test_as_git_diff_driver_a_half_edited_file_gets_a_plain_text_diff_with_a_note(repo: Path) -> None:
    (repo / ".gitattributes").write_text("*.yaml diff=ango-ontology\n")
    (repo / "ontology.yaml").write_text(V3_DELETES + "  - polygon: [unclosed\n")
    done = _git_diff(repo)
    assert done.returncode == 0 and "external diff died" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ango-ontology diff ontology.yaml"
    assert lines[1].startswith("(a side does not load as a label set — ") and "plain text diff" in lines[1]
    assert "--- a/ontology.yaml" in lines and "+  - polygon: [unclosed" in lines
    assert "ontology.yaml:8:1: YAML syntax error" in lines[1]  # the first problem, not their count


def test_as_git_diff_driver_a_renamed_file_shows_its_plan_under_both_names(repo: Path) -> None:
    # git passes nine arguments for a renamed or copied file: the seven, the new path and a rename header.
    (repo / ".gitattributes").write_text("*.yaml diff=ango-ontology\n")
    _git(repo, "mv", "ontology.yaml", "labels.yaml")
    (repo / "labels.yaml").write_text(V3_DELETES.replace("Bus]", "Bus, Van]"))
    _git(repo, "add", "-A")
    done = _git_diff(repo, "--cached", "-M", "--", "ontology.yaml", "labels.yaml")
    assert done.returncode == 0 and "external diff died" not in done.stderr, done.stderr
    assert "ango-ontology diff ontology.yaml → labels.yaml" in done.stdout.splitlines()
    assert "+ create option Van (after Bus)" in done.stdout


def test_as_git_diff_driver_an_unmerged_file_is_said_never_a_failure(repo: Path) -> None:
    # git passes one argument, the path, for a file with a merge conflict.
    _git(repo, "checkout", "-q", "-b", "other", "HEAD~1")
    (repo / "ontology.yaml").write_text(V3_DELETES.replace("Bus]", "Bus, Tram]"))
    _git(repo, "commit", "-q", "-am", "tram")
    _git(repo, "checkout", "-q", "main")
    (repo / "ontology.yaml").write_text(V3_DELETES.replace("Bus]", "Bus, Van]"))
    _git(repo, "commit", "-q", "-am", "van")
    merged = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "merge", "-q",
                             "other"], cwd=repo, capture_output=True, text=True, check=False)
    assert merged.returncode != 0  # a conflict
    (repo / ".gitattributes").write_text("*.yaml diff=ango-ontology\n")
    done = _git_diff(repo, "--cached")  # the index holds the conflict's stages: git names the path alone
    assert done.returncode == 0 and "external diff died" not in done.stderr, done.stderr
    assert "ango-ontology diff ontology.yaml\n(unmerged: resolve the conflict, then diff again)" in done.stdout


def test_the_shell_function_driver_also_falls_back_when_git_runs_it(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "broken.yaml").write_text("tools: [\n")
    monkeypatch.setenv("GIT_DIFF_PATH_TOTAL", "1")
    code, out, _ = _run(capsys, "ontology.yaml", "broken.yaml", "--detailed-exitcode")
    assert code == 0 and "plain text diff" in out and "+tools: [" in out


def test_diff_refuses_a_wrong_number_of_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "a.yaml")[0] == 1
    code, _, err = _run(capsys, "--git", "a", "b")
    assert code == 1 and "git's seven arguments" in err


def test_diff_of_two_folders_pairs_their_label_sets_by_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "ontology" / "shared").mkdir(parents=True)
    (tmp_path / "ontology" / "shared" / "kinds.yaml").write_text("- Car\n- Truck\n")
    (tmp_path / "ontology" / "vehicles.yaml").write_text(
        "tools:\n  - bounding-box: Vehicle\n    classifications:\n      - radio: Kind\n        options:\n"
        "          - include: shared/kinds.yaml\n")
    (tmp_path / "ontology" / "gone.yaml").write_text("tools:\n  - point: Pole\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "v1")
    (tmp_path / "ontology" / "shared" / "kinds.yaml").write_text("- Car\n- Truck\n- Bus\n")
    (tmp_path / "ontology" / "gone.yaml").unlink()
    (tmp_path / "ontology" / "new.yaml").write_text("tools:\n  - polygon: Road\n")
    code, out, _ = _run(capsys, "main:ontology", "ontology", "--detailed-exitcode")
    assert code == 3
    assert "ontology/gone.yaml → (no project): Plan: 1 to delete — 1 destructive" in out
    assert "ontology/new.yaml → (no project): Plan: 1 to create — 0 destructive" in out
    assert "ontology/vehicles.yaml → (no project): Plan: 1 to create — 0 destructive" in out
    assert "shared/kinds.yaml →" not in out  # a fragment is no label set of its own
    code, out, _ = _run(capsys, "main:ontology", "ontology", "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["files"] == 3
    code, _, err = _run(capsys, "ontology", "ontology/new.yaml")
    assert code == 1 and "diff compares two files or two folders" in err
