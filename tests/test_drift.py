"""Drift told apart from intent: against the last applied version of the file, a web-UI edit is drift, a file
edit is intent, an edit of one node by both is a conflict; `drift` exits 2 while a project differs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ango_ontology.cli import main
from ango_ontology.diff import make_plan
from ango_ontology.drift import attribute, drifted, key
from ango_ontology.hub.local import LocalHub
from ango_ontology.live import Live
from ango_ontology.loader import load_text
from ango_ontology.plan import Change

LABELS = """\
project: PROJECT
tools:
  - bounding-box: Vehicle
    classifications:
      - radio: Kind
        options: [Car, Truck]
  - polygon: Road
classifications:
  - radio: Weather
    options: [Sunny, Rainy]
"""
GIT = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]


class Repo:
    """A git repository holding ontology/labels.yaml, applied once to a project of a local hub."""

    def __init__(self, root: Path, hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
        self.root, self.hub, self.capsys = root, hub, capsys
        self.project = hub.create_project("Vehicles", "")["_id"]
        self.file = root / "ontology" / "labels.yaml"

    def git(self, *argv: str) -> None:
        subprocess.run([*GIT, *argv], cwd=self.root, check=True, capture_output=True)

    def run(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([*argv, "--hub", f"local:{self.hub.path}"])
        out, err = self.capsys.readouterr()
        return code, out, err

    def web_ui(self, edit: Any) -> None:
        """Change the live label set as someone in the web UI would."""
        schema = self.hub.get_project(self.project)["categorySchema"]
        edit(schema)
        self.hub.create_label_set(self.project, schema)

    def edit(self, old: str, new: str) -> None:
        self.file.write_text(self.file.read_text().replace(old, new))


@pytest.fixture
def repo(tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> Repo:
    root = tmp_path / "repo"
    (root / "ontology").mkdir(parents=True)
    monkeypatch.chdir(root)
    made = Repo(root, local_hub, capsys)
    made.file.write_text(LABELS.replace("PROJECT", made.project))
    made.git("init", "-q", "-b", "main")
    made.git("add", "ontology")
    made.git("commit", "-q", "-m", "labels")
    assert made.run("apply", "ontology/labels.yaml", "--auto-approve")[0] == 0
    return made


def _add_barcode(schema: Any) -> None:
    schema["tools"].append({"tool": "point", "title": "Barcode", "schemaId": "barcode-from-the-ui",
                            "color": "#123456", "required": False, "classifications": []})


def _weather(schema: Any) -> Any:
    return next(c for c in schema["classifications"] if c["title"] == "Weather")


def test_a_web_ui_edit_is_drift_a_file_edit_is_intent_and_both_on_one_node_a_conflict(repo: Repo) -> None:
    repo.web_ui(_add_barcode)
    repo.web_ui(lambda schema: _weather(schema).update(shortcutKey="7"))
    repo.edit("  - polygon: Road\n", "  - polygon: Road\n  - point: Sign\n")
    repo.edit("  - radio: Weather\n", "  - radio: Weather\n    required: true\n")

    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--detailed-exitcode")
    assert code == 3
    conflicts, drift, intent = (out.index(heading) for heading in (
        "Conflicts — changed both in the file and outside", "Drift — changed outside ango-ontology since commit",
        "Changes in the file since commit"))
    assert conflicts < out.index("~ update classification Weather") < drift
    assert drift < out.index("- delete tool Barcode (point)") < intent
    assert intent < out.index("+ create tool Sign (point")

    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--base", "HEAD", "--format", "json")
    plan = json.loads(out)
    assert plan["since"] == "HEAD"
    assert {(c["action"], c["path"][-1], c["origin"]) for c in plan["changes"]} == {
        ("update", "Weather", "conflict"), ("delete", "Barcode", "drift"), ("create", "Sign", "intent")}

    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--format", "markdown")
    assert "| delete (drift) | tool | Barcode |" in out and "| create (file) | tool | Sign |" in out
    assert "1 conflict; 1 drift; 1 file" in out


def test_without_a_base_the_plan_is_what_it_always_was(repo: Repo) -> None:
    repo.web_ui(_add_barcode)
    (repo.root / ".ango-ontology").rename(repo.root / "elsewhere")  # no backup: no base
    code, out, _ = repo.run("plan", "ontology/labels.yaml")
    assert code == 0 and "Drift" not in out and "note:" not in out
    assert out.index("Destructive changes") < out.index("- delete tool Barcode")


def test_drift_exits_2_while_the_project_differs_and_0_once_it_does_not(repo: Repo) -> None:
    assert repo.run("drift", "ontology", "--base", "HEAD")[0] == 0
    repo.web_ui(_add_barcode)
    code, out, _ = repo.run("drift", "ontology", "--base", "HEAD")
    assert code == 2 and "Drift — changed outside ango-ontology since HEAD" in out
    code, out, _ = repo.run("drift", "ontology", "--base", "HEAD", "--format", "markdown")
    assert code == 2 and out.startswith("## Ontology drift") and "delete (drift)" in out
    assert repo.run("apply", "ontology/labels.yaml", "--auto-approve", "--allow-destructive")[0] == 0
    assert repo.run("drift", "ontology", "--base", "HEAD")[0] == 0


def test_drift_without_any_base_counts_every_difference_and_says_why(repo: Repo) -> None:
    repo.edit("  - polygon: Road\n", "  - polygon: Road\n  - point: Sign\n")
    code, out, _ = repo.run("drift", "ontology/labels.yaml", "--backup-dir", "nowhere")
    assert code == 2 and "no base: no backup of this project records the commit last applied" in out


def test_the_last_apply_from_uncommitted_changes_gives_no_base(repo: Repo) -> None:
    repo.edit("  - polygon: Road\n", "  - polygon: Road\n  - point: Sign\n")
    assert repo.run("apply", "ontology/labels.yaml", "--auto-approve")[0] == 0
    repo.web_ui(_add_barcode)
    code, out, _ = repo.run("drift", "ontology/labels.yaml")
    assert code == 2 and "no base: the last apply was made from uncommitted changes" in out


def test_a_file_new_since_the_base_is_all_intent(repo: Repo) -> None:
    other = repo.hub.create_project("Other", "")["_id"]
    (repo.root / "ontology" / "signs.yaml").write_text(f"project: {other}\ntools:\n  - point: Sign\n")
    code, out, _ = repo.run("plan", "ontology", "--base", "HEAD", "--format", "json")
    runs = json.loads(out)["runs"]
    assert code == 0
    assert [change["origin"] for change in runs[1]["plan"]["changes"]] == ["intent"]


def test_attribution_keeps_every_change_and_only_marks_where_it_came_from() -> None:
    base = load_text(LABELS.replace("PROJECT", "p"))
    live = Live.of(load_text(LABELS.replace("PROJECT", "p").replace("[Car, Truck]", "[Car, Truck, Van]")))
    desired = load_text(LABELS.replace("PROJECT", "p").replace("[Sunny, Rainy]", "[Sunny, Rainy, Foggy]"))
    plan = make_plan(desired, live)
    told = attribute(plan, desired, base, live, "v1")
    assert [(c.title, c.origin) for c in told.changes] == [("Van", "drift"), ("Foggy", "intent")]
    assert [c.title for c in drifted(told)] == ["Van"] and drifted(plan) == list(plan.changes)


def test_a_base_that_cannot_be_read_is_said_and_the_plan_is_as_always(repo: Repo, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    repo.web_ui(_add_barcode)
    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--base", "no-such-revision")
    assert code == 0 and "note: no base: unknown git revision 'no-such-revision'" in out
    assert "Destructive changes" in out and "Drift —" not in out
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "labels.yaml").write_text(repo.file.read_text())
    monkeypatch.chdir(outside)
    code, out, _ = repo.run("plan", "labels.yaml", "--base", "HEAD")
    assert code == 0 and "note: no base: labels.yaml is not in a git repository" in out


def test_a_reorder_is_about_the_parent_and_an_environment_is_attributed_on_its_own(repo: Repo) -> None:
    repo.file.write_text(
        "tools:\n  - bounding-box: Vehicle\n    classifications:\n      - radio: Kind\n        options: [Car, Truck]\n"
        "  - polygon: Road\nclassifications:\n  - radio: Weather\n    options: [Sunny, Rainy]\n"
        f"environments:\n  production:\n    project: {repo.project}\n")
    repo.git("commit", "-q", "-am", "environments")
    repo.web_ui(lambda s: s["tools"].reverse())
    repo.edit("    options: [Sunny, Rainy]\n", "    options: [Rainy, Sunny]\n")
    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--base", "HEAD", "--format", "json")
    plan = json.loads(out)
    assert code == 0 and {(c["action"], c["kind"], c["origin"]) for c in plan["changes"]} == {
        ("reorder", "tool", "drift"), ("reorder", "option", "intent")}
    repo.edit(f"  production:\n    project: {repo.project}\n", f"  qa:\n    project: {repo.project}\n")
    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--base", "HEAD", "--format", "json")
    assert {c["origin"] for c in json.loads(out)["changes"]} == {"intent"}  # qa is new since the base


def test_a_change_to_the_label_set_itself_has_its_own_key() -> None:
    change = Change("update", "label-set", (), (), None, {"version": 1}, {"version": 2})
    assert key(change) == ("label-set", "", None)


def test_a_base_that_does_not_load_is_said_with_its_first_problem(repo: Repo) -> None:
    good = repo.file.read_text()
    repo.edit("  - polygon: Road\n", "  - polygon: Road\n    colour: red\n    shortcut: 99\n")
    repo.git("commit", "-q", "-am", "broken")
    repo.file.write_text(good)
    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--base", "HEAD")
    note = next(line for line in out.splitlines() if line.startswith("note: no base"))
    assert code == 0 and note.startswith("note: no base: the file at HEAD does not load: "
                                         "HEAD:ontology/labels.yaml:8:5: tools[Road]: unknown key 'colour'")
    assert note.endswith("(and 1 more)") and "problem found" not in note


def test_a_subtree_one_side_deletes_while_the_other_changes_inside_it_is_a_conflict(repo: Repo) -> None:
    def web_ui(schema: Any) -> None:
        schema["tools"][0]["classifications"][0]["options"][1]["value"] = "Lorry"  # inside Vehicle
        del schema["tools"][1]  # Road

    repo.web_ui(web_ui)
    repo.file.write_text(LABELS.replace("PROJECT", repo.project).replace(
        "  - bounding-box: Vehicle\n    classifications:\n      - radio: Kind\n        options: [Car, Truck]\n", "")
        .replace("  - polygon: Road\n", "  - polygon: Road\n    classifications:\n      - text: Note\n"))
    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--base", "HEAD", "--format", "json")
    changes = json.loads(out)["changes"]
    assert code == 0 and {(c["action"], c["path"][-1], c["origin"]) for c in changes} == {
        ("delete", "Vehicle", "conflict"), ("create", "Road", "conflict")}
    repo.web_ui(lambda schema: schema["tools"].append({"tool": "point", "title": "Sign", "schemaId": "sign"}))
    code, out, _ = repo.run("plan", "ontology/labels.yaml", "--base", "HEAD", "--format", "json")
    origins = {(c["action"], c["path"][-1]): c["origin"] for c in json.loads(out)["changes"]}
    assert origins[("delete", "Sign")] == "drift" and origins[("delete", "Vehicle")] == "conflict"
