"""Environments: one file, several projects with small differences; each checked as the label set it makes,
problems at their own line, ids the same in every environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ango_ontology import OntologyInvalid, api, load_text, resolve
from ango_ontology.cli import main
from ango_ontology.environments import effective, views
from ango_ontology.hub.local import LocalHub
from ango_ontology.model import Environment, Ontology, Tool

FILE = """\
batches: [Week 1]
tools:
  - bounding-box: Car
    classifications:
      - radio: Kind
        options: [Sedan, Van]
environments:
  production:
    project: PROD
  staging:
    project: STAGE
    batches: [Smoke test]
    tools:
      - point: Debug marker
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(OntologyInvalid) as caught:
        load_text(text, "e.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_each_environment_gets_the_files_nodes_then_its_own() -> None:
    ontology = load_text(FILE)
    staging = effective(ontology, "staging")
    assert [tool.title for tool in staging.tools] == ["Car", "Debug marker"]
    assert staging.batches == ["Week 1", "Smoke test"] and staging.project is not None
    assert staging.project.id == "STAGE" and not staging.environments
    assert [view.name for view in views(ontology)] == ["production", "staging"]
    assert [ref.id for ref in ontology.targets()] == ["PROD", "STAGE"]


def test_a_shared_node_has_the_same_derived_id_in_every_environment() -> None:
    ontology = load_text(FILE)
    production, staging = (resolve(view.ontology) for view in views(ontology))
    assert production.tools[0] == staging.tools[0]
    assert production.tools[0].id == resolve(load_text(FILE.split("environments:")[0])).tools[0].id


def test_an_environment_is_checked_as_the_label_set_it_makes() -> None:
    text = FILE.replace("      - point: Debug marker\n", "      - point: Car\n        shortcut: q\n")
    assert _problems(text) == [
        "e.yaml:14:16: environments[staging] > tools[Car]: duplicate title 'Car' among these tools",
        "e.yaml:15:9: environments[staging] > tools[Car]: shortcut key 'q' is not one of '0'-'9', "
        "'ctrl+0'-'ctrl+9', 'a'-'k'",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    (FILE.replace("batches: [Week 1]\n", "project: TOP\n"),
     "e.yaml:1:1: project: with `environments:`, each environment names its own project"),
    (FILE.replace("    project: STAGE\n", ""), "environment 'staging' names no project"),
    (FILE.replace("project: STAGE", "project: PROD"), "project 'PROD' is already the project of environment "
                                                       "'production'"),
    (FILE.replace("    batches: [Smoke test]", "    batches: [Week 1]"), "e.yaml:12:15: environments[staging] > "
                                                                         "batches: duplicate batch 'Week 1'"),
    (FILE + "  qa: [x]\n", "environment 'qa' must be a mapping"),
    (FILE.replace("environments:\n", "environments: [a]\nx:\n"), "environments: expected a mapping of names"),
    (FILE.replace("    project: STAGE\n", "    project: STAGE\n    colour: red\n"), "e.yaml:12:5: unknown key "
                                                                                   "'colour'"),
    (FILE + "  1: {project: x}\n", "an environment's name is a word, like `staging`; got 1"),
    (FILE + "  qa:\n", "environment 'qa' names no project"),
    (FILE.replace("    project: STAGE\n", "    projects: [S1, {name: S2}, S1]\n"),
     "environments[staging] > project: project 'S1' is listed twice"),
    (FILE.replace("  - bounding-box: Car\n", "  - bounding-box: Car\n    shortcut: \"1\"\n").replace(
        "      - point: Debug marker\n", "      - point: Debug marker\n        shortcut: \"1\"\n"),
     "environments[staging] > tools[Debug marker]: shortcut key '1' is already used by 'Car'"),
])
def test_mistakes_in_environments_are_reported_where_they_are(text: str, expected: str) -> None:
    problems = _problems(text)
    assert any(expected in problem for problem in problems), problems


def test_a_python_definition_can_have_environments(tmp_path: Path) -> None:
    path = tmp_path / "labels.py"
    path.write_text("from ango_ontology import Ontology, Tool\nfrom ango_ontology.model import Environment\n"
                    "ontology = Ontology(tools=[Tool(type='point', title='P')], environments={\n"
                    "    'a': Environment(project='pa'), 'b': Environment(project='pa')})\n")
    with pytest.raises(OntologyInvalid, match="already the project of environment 'a'"):
        api.load(path)
    assert Ontology(environments={"a": Environment(project="p", tools=[Tool(type="point", title="Q")])}
                    ).targets()[0].id == "p"


def test_plan_and_apply_each_environment_to_its_project(tmp_path: Path, local_hub: LocalHub,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    prod, stage = (local_hub.create_project(name, "")["_id"] for name in ("Prod", "Stage"))
    path = tmp_path / "labels.yaml"
    path.write_text(FILE.replace("PROD", prod).replace("STAGE", stage))
    hub = f"local:{local_hub.path}"
    assert main(["apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "created batches Week 1, Smoke test" in out and "Apply complete: 2 of 2" in out
    titles = [t["title"] for t in local_hub.get_project(stage)["categorySchema"]["tools"]]
    assert titles == ["Car", "Debug marker"]
    assert [t["title"] for t in local_hub.get_project(prod)["categorySchema"]["tools"]] == ["Car"]
    same = [local_hub.get_project(p)["categorySchema"]["tools"][0]["schemaId"] for p in (prod, stage)]
    assert same[0] == same[1]
    assert main(["plan", str(path), "--hub", hub, "--env", "staging", "--detailed-exitcode",
                 "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["project"] == stage and plan["summary"]["total"] == 0
    assert main(["plan", str(path), "--hub", hub, "--env", "qa"]) == 1
    assert "no environment 'qa' in this file; it has production, staging" in capsys.readouterr().err


def test_diff_of_a_file_with_environments_is_one_plan_per_environment(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(FILE)
    new.write_text(FILE.replace("      - point: Debug marker\n", "      - point: Debug marker\n      - point: X\n"))
    assert main(["diff", str(old), str(new), "--detailed-exitcode"]) == 2
    out = capsys.readouterr().out
    assert f"{new} [production] → (no project): No changes." in out
    assert f"{new} [staging] → (no project): Plan: 1 to create — 0 destructive" in out


def test_an_environment_adding_nothing_can_still_break_a_rule_of_the_files_nodes() -> None:
    text = FILE.replace("    project: PROD\n", "    project: {name: ''}\n")
    assert any("a project needs an `id` or a `name`" in problem for problem in _problems(text))


def test_a_plan_time_note_in_an_environment_is_placed_at_its_line_under_the_environment(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("tools:\n  - point: Car\n    renamed_from: Auto\nenvironments:\n  staging:\n"
                    "    project: {name: Stg}\n    tools:\n      - point: Debug\n        renamed_from: Dbg\n"
                    "    classifications:\n      - radio: Q\n        options: [A]\n"
                    "        classifications:\n          - text: Why\n            when: Nope\n")
    assert main(["plan", str(path), "--hub", f"local:{local_hub.path}"]) == 1
    assert (f"{path}:15:13: environments[staging] > classifications[Q] > classifications[Why]: when: 'Nope' "
            "names no option") in capsys.readouterr().err
    path.write_text(path.read_text().replace("when: Nope", "when: A"))
    assert main(["plan", str(path), "--hub", f"local:{local_hub.path}"]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note: ")]
    assert [note.split(": renamed_from")[0] for note in notes] == [
        f"note: {path}:3:5: tools[Car]", f"note: {path}:9:9: environments[staging] > tools[Debug]"]
