"""`init` scaffolds a repository and is idempotent; the CI and pre-commit examples pin the version the project
declares and install the tool the way they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from ango_ontology import scaffold
from ango_ontology.cli import main
from ango_ontology.hub.local import LocalHub

ROOT = Path(__file__).parents[1]
VERSION = re.findall(r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)[0]


def _init(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["init", *argv])
    return code, capsys.readouterr().out.splitlines()


def test_init_scaffolds_a_repository_and_a_second_run_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        local_hub: LocalHub) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("build/")  # no newline at the end
    code, lines = _init(capsys)
    assert code == 0
    assert [line.split()[0] for line in lines[:-1]] == ["created", "created", "updated", "created", "created",
                                                        "created"]
    assert (tmp_path / ".gitignore").read_text() == "build/\n.ango-hub/\n.ango-ontology/\n"
    starter = (tmp_path / "ontology" / "labels.yaml").read_text()
    assert starter.startswith("# yaml-language-server: $schema=ontology.schema.json\n")
    assert (tmp_path / ".github" / "workflows" / "ontology.yml").read_text() == scaffold.template("ontology.yml")
    code, lines = _init(capsys)
    assert code == 0 and all(line.split()[0] == "unchanged" for line in lines[:-1])
    assert main(["plan", "ontology", "--hub", f"local:{local_hub.path}"]) == 0  # the starter plans


def test_init_keeps_a_persons_files_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workflow = tmp_path / ".github" / "workflows" / "ontology.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: mine\n")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    code, lines = _init(capsys, str(tmp_path))
    assert code == 0 and workflow.read_text() == "name: mine\n"
    assert any(line.startswith("     kept") and "--force replaces it" in line for line in lines)
    assert "add these under `repos:` yourself" in "\n".join(lines)
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    code, lines = _init(capsys, str(tmp_path), "--force")
    assert workflow.read_text() == scaffold.template("ontology.yml")
    assert any(line.startswith(" replaced") for line in lines)


def test_init_keeps_an_edited_editor_schema_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(capsys, str(tmp_path))[0] == 0
    schema = tmp_path / "ontology" / scaffold.SCHEMA_FILE
    schema.write_text('{"my": "own schema, edited"}\n')
    code, lines = _init(capsys, str(tmp_path))
    assert code == 0 and schema.read_text() == '{"my": "own schema, edited"}\n'
    assert any(line.startswith("     kept") and scaffold.SCHEMA_FILE in line and "--force replaces it" in line
               for line in lines)
    code, lines = _init(capsys, str(tmp_path), "--force")
    assert code == 0 and schema.read_text().startswith("{\n") and "own schema" not in schema.read_text()


def test_init_pulls_projects_into_the_ontology_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      local_hub: LocalHub) -> None:
    project = local_hub.create_project("Street Scenes", "")["_id"]
    local_hub.create_label_set(project, {"tools": [{"tool": "point", "title": "Pole", "schemaId": "pole"}],
                                         "classifications": [], "relations": []})
    other = local_hub.create_project("Other", "")["_id"]
    code, lines = _init(capsys, str(tmp_path), "--pull", project, "--pull", "Other", "--hub",
                        f"local:{local_hub.path}")
    assert code == 0 and lines[0].endswith("street-scenes.yaml")
    pulled = (tmp_path / "ontology" / "street-scenes.yaml").read_text()
    assert pulled.startswith("# yaml-language-server: $schema=ontology.schema.json\n# Pulled from project")
    assert f'project: "{other}"' in (tmp_path / "ontology" / "other.yaml").read_text()
    assert not (tmp_path / "ontology" / "labels.yaml").exists()
    assert main(["plan", str(tmp_path / "ontology"), "--hub", f"local:{local_hub.path}", "--detailed-exitcode"]) == 0


def test_init_refuses_a_file_for_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("")
    assert main(["init", str(tmp_path / "f")]) == 1
    assert "init scaffolds a folder" in capsys.readouterr().err


def test_the_file_name_of_a_pulled_project() -> None:
    assert scaffold.file_name("p1", "Retail / Shelves (EU)") == "retail-shelves-eu.yaml"
    assert scaffold.file_name("p1", "???") == "p1.yaml" and scaffold.file_name("p1", None) == "p1.yaml"


def test_every_example_pins_the_version_the_project_declares() -> None:
    tag = f"v{VERSION}"
    for name in ("ontology.yml", "ontology-drift.yml"):
        text = scaffold.template(name)
        assert re.findall(r'ANGO_ONTOLOGY: "git\+https://github.com/YOUR-ORG/ango-ontology@(v[^"]+)"', text) == [tag]
        assert "pip install ango-ontology" not in text  # never a version an index does not have
    hooks = YAML(typ="safe").load(scaffold.template("pre-commit-config.yaml"))
    assert hooks["repos"][0]["rev"] == tag
    assert f"rev: {tag}" in (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert {hook["id"] for hook in hooks["repos"][0]["hooks"]} <= {
        hook["id"] for hook in YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def test_the_ci_examples_are_the_files_init_writes_and_plan_a_folder_in_one_job() -> None:
    assert (ROOT / "examples" / "ci" / "github-actions.yml").read_text() == scaffold.template("ontology.yml")
    assert (ROOT / "examples" / "ci" / "drift-check.yml").read_text() == scaffold.template("ontology-drift.yml")
    workflow = YAML(typ="safe").load(scaffold.template("ontology.yml"))
    assert workflow["env"]["ONTOLOGY"] == "ontology" and "matrix" not in str(workflow)
    plan = "\n".join(step.get("run", "") for step in workflow["jobs"]["plan"]["steps"])
    assert 'ango-ontology plan "$ONTOLOGY" --base "$BASE"' in plan and "--out plans.json" in plan
    refused = [step for step in workflow["jobs"]["apply"]["steps"] if "exitcode != '0'" in str(step.get("if"))]
    assert len(refused) == 2 and "ango-ontology plan" in refused[0]["run"]
    drift = YAML(typ="safe").load(scaffold.template("ontology-drift.yml"))
    assert drift["on"]["schedule"]
    assert 'ango-ontology drift "$ONTOLOGY" --base HEAD' in drift["jobs"]["drift"]["steps"][3]["run"]


def test_merge_time_applies_queue_in_order_and_the_re_plan_has_the_commit_it_reads() -> None:
    workflow = YAML(typ="safe").load(scaffold.template("ontology.yml"))
    for name in ("apply", "apply-main"):
        job = workflow["jobs"][name]
        assert job["concurrency"] == {"group": "ontology-apply", "cancel-in-progress": False, "queue": "max"}
    for job in workflow["jobs"].values():
        runs = "\n".join(step.get("run", "") for step in job["steps"])
        checkout = next(step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/checkout"))
        depth = checkout.get("with", {}).get("fetch-depth", 1)
        for back in re.findall(r"HEAD~(\d+)", runs):  # a shallow clone has no HEAD~1: the re-plan had no base
            assert depth == 0 or depth > int(back)
