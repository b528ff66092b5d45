"""apply, saved plans, backups and rollback, end to end against the local hub and the emulator."""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import adopted_corpus
import pytest
from cli_session import Cli

from ango_ontology import api
from ango_ontology.apply import Outcome, apply_plan
from ango_ontology.backups import BackupStore
from ango_ontology.cli import main
from ango_ontology.diff import make_plan
from ango_ontology.errors import ApplyError, StalePlanError, VerificationFailed
from ango_ontology.hub import Hub
from ango_ontology.hub.client import HttpHub, RetryPolicy
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.live import Live
from ango_ontology.loader import load_text
from ango_ontology.locks import LockBook, LockSettings, lock_folder
from ango_ontology.model import ProjectRef
from ango_ontology.projects import Target
from ango_ontology.wire import fingerprint
from ango_ontology.writing import verify

EXAMPLES = Path(__file__).parents[1] / "examples" / "ontologies"
WEATHER = """
project: {id: PROJECT}
tools:
  - bounding-box: Vehicle
    classifications:
      - radio: Kind
        options: [Car, Truck, Bus]
classifications:
  - radio: Weather
    options: [Sunny, Rainy]
"""


@pytest.fixture
def cli(tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, f"local:{local_hub.path}", capsys)


def _schema(hub: LocalHub, project_id: str) -> Any:
    return hub.get_project(project_id)["categorySchema"]


def test_example_applies_then_plans_clean_and_the_named_project_is_created_once(
        cli: Cli, local_hub: LocalHub) -> None:
    example = str(EXAMPLES / "autonomous-driving.yaml")
    code, out, _ = cli("apply", example, "--auto-approve")
    assert code == 0, out
    assert "created the project" in out and "verified" in out
    assert cli("plan", example, "--detailed-exitcode")[0] == 0
    code, out, _ = cli("apply", example, "--auto-approve")
    assert code == 0 and "no changes" in out
    assert [p["name"] for p in local_hub.list_projects()] == ["Driving — staging"]


def test_apply_then_plan_is_clean_against_the_emulator(tmp_path: Path, emulator: Emulator,
                                                       emulator_api_key: str, local_hub: LocalHub,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    cli = Cli(tmp_path, emulator.url, capsys)
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    assert cli("apply", path, "--auto-approve")[0] == 0
    code, out, err = cli("plan", path, "--detailed-exitcode")
    assert code == 0 and "No changes." in out
    assert emulator_api_key not in out + err


def _label_a_bus(hub: LocalHub, project: str) -> None:
    hub.upload_files_cloud(project, [{"data": "https://example.invalid/1.jpg", "externalId": "img-1"}])
    hub.import_labels(project, [{"externalId": "img-1", "objects": [
        {"title": "Vehicle", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4},
         "classifications": [{"title": "Kind", "answer": "Bus"}]}]}])


def test_destructive_change_is_refused_without_the_flag_and_applied_with_it(
        cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    assert cli("apply", path, "--auto-approve")[0] == 0
    _label_a_bus(local_hub, project)
    before = _schema(local_hub, project)
    cli.write("o.yaml", WEATHER.replace("PROJECT", project).replace(", Bus", ""))
    assert cli("plan", path, "--detailed-exitcode")[0] == 3
    code, _, err = cli("apply", path, "--auto-approve")
    assert code == 1 and "refusing 1 destructive change" in err
    assert "Bus (1 annotation in 1 task)" in err
    assert _schema(local_hub, project) == before
    assert cli("apply", path, "--auto-approve", "--allow-destructive")[0] == 0
    assert cli("plan", path, "--detailed-exitcode")[0] == 0


def test_protected_node_blocks_destructive_changes_even_with_the_flag(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    assert cli("apply", path, "--auto-approve")[0] == 0
    weather = _schema(local_hub, project)["classifications"][0]["schemaId"]
    protected = WEATHER.replace("PROJECT", project).replace(
        "  - radio: Weather\n", f"  - radio: Weather\n    id: {weather}\n    protect: true\n")
    cli.write("o.yaml", protected.replace(", Rainy", ""))
    code, _, err = cli("apply", path, "--auto-approve", "--allow-destructive")
    assert code == 1 and "protect: true" in err
    assert [o["value"] for o in _schema(local_hub, project)["classifications"][0]["options"]] == \
        ["Sunny", "Rainy"]


def test_saved_plan_applies_exactly_what_it_shows(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    plan_file = str(tmp_path / "plan.json")
    assert cli("plan", path, "--out", plan_file)[0] == 0
    assert cli("apply", plan_file, "--auto-approve")[0] == 0
    assert _schema(local_hub, project) == json.loads(Path(plan_file).read_text())["desired_schema"]


def test_stale_saved_plan_is_refused(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    plan_file = str(tmp_path / "plan.json")
    assert cli("plan", path, "--out", plan_file)[0] == 0
    edited = {"tools": [{"tool": "point", "title": "Edited in the UI", "schemaId": "ui1"}]}
    local_hub.create_label_set(project, edited)
    code, _, err = cli("apply", plan_file, "--auto-approve")
    assert code == 1 and "stale" in err
    assert _schema(local_hub, project) == edited
    assert "Changed in the project since the plan was made:\n  - create tool Edited in the UI" in err


def test_stale_refusal_shows_the_short_diff_of_a_web_ui_edit(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    assert cli("apply", path, "--auto-approve")[0] == 0
    plan_file = str(tmp_path / "plan.json")
    assert cli("plan", cli.write("o.yaml", WEATHER.replace("PROJECT", project).replace("Rainy", "Rainy, Foggy")),
               "--out", plan_file)[0] == 0
    saved = json.loads(Path(plan_file).read_text())
    assert saved["live_schema"] == _schema(local_hub, project)
    schema = _schema(local_hub, project)
    schema["tools"][0]["classifications"][0]["options"].append({"value": "Tram", "schemaId": "tram1"})
    schema["classifications"][0]["title"] = "Sky"
    local_hub.create_label_set(project, schema)
    code, _, err = cli("apply", plan_file, "--auto-approve")
    assert code == 1
    assert err.split("since the plan was made:\n", 1)[1].splitlines()[:2] == [
        "  - create option Vehicle > Kind > Tram", "  - rename classification Sky"]


def test_saved_plan_whose_live_schema_was_edited_is_refused(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    assert cli("apply", cli.write("o.yaml", WEATHER.replace("PROJECT", project)), "--auto-approve")[0] == 0
    plan_file = tmp_path / "plan.json"
    assert cli("plan", cli.write("o.yaml", WEATHER.replace("PROJECT", project).replace("Bus", "Bus, Van")),
               "--out", str(plan_file))[0] == 0
    data = json.loads(plan_file.read_text())
    data["live_schema"]["tools"] = []
    plan_file.write_text(json.dumps(data))
    code, _, err = cli("apply", str(plan_file), "--auto-approve")
    assert code == 1 and "live schema does not match" in err


def test_plan_for_a_missing_project_is_stale_once_someone_else_creates_it(
        cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    path = cli.write("o.yaml", WEATHER.replace("{id: PROJECT}", "{name: Fresh}"))
    plan_file = str(tmp_path / "plan.json")
    assert cli("plan", path, "--out", plan_file)[0] == 0
    other = local_hub.create_project("Fresh", "")["_id"]
    local_hub.create_label_set(other, {"tools": [{"tool": "point", "title": "X", "schemaId": "x"}]})
    code, _, err = cli("apply", plan_file, "--auto-approve")
    assert code == 1 and "stale" in err
    assert len(local_hub.list_projects()) == 1


@pytest.mark.parametrize("edit", ["corrupt", "hand-edited", "other-version"])
def test_corrupt_or_hand_edited_plan_file_is_refused(cli: Cli, local_hub: LocalHub, tmp_path: Path,
                                                     edit: str) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    plan_file = tmp_path / "plan.json"
    assert cli("plan", path, "--out", str(plan_file))[0] == 0
    data = json.loads(plan_file.read_text())
    if edit == "corrupt":
        plan_file.write_text(plan_file.read_text()[:200])
    elif edit == "hand-edited":
        data["desired_schema"]["classifications"] = []
        plan_file.write_text(json.dumps(data))
    else:
        data["format_version"] = 99
        plan_file.write_text(json.dumps(data))
    code, _, err = cli("apply", str(plan_file), "--auto-approve")
    assert code == 1 and "plan" in err
    assert _schema(local_hub, project) == {"tools": [], "classifications": [], "relations": []}


def test_saved_plan_for_another_hub_is_refused(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    plan_file = str(tmp_path / "plan.json")
    assert cli("plan", path, "--out", plan_file)[0] == 0
    cli.hub = f"local:{tmp_path / 'other.db'}"
    code, _, err = cli("apply", plan_file, "--auto-approve")
    assert code == 1 and "was made against" in err


def test_unknown_live_fields_survive_an_apply(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    live = {"tools": [], "relations": [], "classifications": [
        {"tool": "radio", "title": "Weather", "schemaId": "w", "aiHint": {"model": "m1"},
         "options": [{"value": "Sunny", "schemaId": "s", "synonyms": ["clear"]}]}]}
    local_hub.create_label_set(project, live)
    path = cli.write("o.yaml", f"project: {project}\nclassifications:\n  - radio: Weather\n"
                               "    color: '#123456'\n    options: [Sunny, Rainy]\n")
    assert cli("apply", path, "--auto-approve")[0] == 0
    weather = _schema(local_hub, project)["classifications"][0]
    assert weather["aiHint"] == {"model": "m1"}
    assert weather["options"][0]["synonyms"] == ["clear"]
    assert weather["color"] == "#123456"


def test_rollback_restores_the_previous_schema_byte_for_byte(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    original = {"classifications": [{"title": "Q", "tool": "radio", "schemaId": "q", "color": None,
                                     "options": [{"schemaId": "a", "value": "A"}], "custom": 1}],
                "tools": [], "relations": []}
    local_hub.create_label_set(project, original)
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    assert cli("apply", path, "--auto-approve", "--allow-destructive")[0] == 0
    code, out, _ = cli("history", project)
    assert code == 0 and len(out.splitlines()) == 1
    code, out, err = cli("rollback", project, "--auto-approve", "--allow-destructive")
    assert code == 0, err
    assert json.dumps(_schema(local_hub, project)) == json.dumps(original)
    assert len(cli("history", project)[1].splitlines()) == 2


def test_rollback_of_a_project_without_backups_says_so(cli: Cli) -> None:
    code, _, err = cli("rollback", "nope", "--auto-approve")
    assert code == 1 and "no backups of project nope" in err


class _FailingWrite:
    """The emulator client, with a fault switched on just before the write (the only seam we need)."""

    def __init__(self, hub: HttpHub, emulator: Emulator, fault: str) -> None:
        self.hub, self.emulator, self.fault = hub, emulator, fault

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hub, name)

    def create_label_set(self, project_id: str, schema: Any, **precondition: Any) -> Any:
        setattr(self.emulator.faults, self.fault, self.hub.retry.attempts if self.fault == "drop_next" else 1)
        return self.hub.create_label_set(project_id, schema, **precondition)


@pytest.mark.parametrize("fault", ["fail_next", "drop_next"])
def test_fault_during_the_write_is_reported_truthfully(emulator: Emulator, emulator_api_key: str,
                                                       local_hub: LocalHub, tmp_path: Path, fault: str) -> None:
    client = HttpHub(emulator.url, emulator_api_key, rate_limit=None, sleep=lambda _: None,
                     retry=RetryPolicy())
    project = local_hub.create_project("P", "")["_id"]
    ontology = load_text(WEATHER.replace("PROJECT", project))
    plan = make_plan(ontology, None, project=project, hub=client.name)
    hub = _FailingWrite(client, emulator, fault)
    with pytest.raises(ApplyError) as caught:
        apply_plan(hub, plan, Target(ProjectRef(id=project), project),  # type: ignore[arg-type]
                   store=BackupStore(tmp_path / "b"))
    assert "Nothing was changed" in str(caught.value)
    assert not make_plan(ontology, _schema(local_hub, project)).is_empty
    client.close()


def test_three_projects_applied_at_once_each_end_clean(cli: Cli, local_hub: LocalHub) -> None:
    ids = [local_hub.create_project(f"P{i}", "")["_id"] for i in range(3)]
    text = WEATHER.replace("project: {id: PROJECT}", "projects: [" + ", ".join(ids) + "]")
    path = cli.write("o.yaml", text)
    code, out, _ = cli("apply", path, "--auto-approve")
    assert code == 0 and "3 of 3 project(s) succeeded" in out
    assert cli("plan", path, "--detailed-exitcode")[0] == 0
    assert cli("plan", path, "--project", ids[1], "--detailed-exitcode")[0] == 0


def test_a_failing_project_does_not_stop_the_others(cli: Cli, local_hub: LocalHub) -> None:
    good = local_hub.create_project("Good", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("project: {id: PROJECT}", f"projects: [{good}, missing]"))
    code, out, err = cli("apply", path, "--auto-approve")
    assert code == 1
    assert "1 of 2 project(s) succeeded; failed: missing" in out
    assert "missing" in err
    assert _schema(local_hub, good)["classifications"][0]["title"] == "Weather"


def test_apply_never_prompts_without_a_terminal(cli: Cli, local_hub: LocalHub,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    project = local_hub.create_project("P", "")["_id"]
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    code, _, err = cli("apply", cli.write("o.yaml", WEATHER.replace("PROJECT", project)))
    assert code == 1 and "--auto-approve" in err
    assert _schema(local_hub, project)["classifications"] == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("yes\n", 0), ("no\n", 1)])
def test_apply_asks_on_a_terminal_and_only_yes_approves(cli: Cli, local_hub: LocalHub,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        answer: str, code: int) -> None:
    project = local_hub.create_project("P", "")["_id"]
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    result = cli("apply", cli.write("o.yaml", WEATHER.replace("PROJECT", project)))
    assert result[0] == code
    assert "Only 'yes' will be accepted" in result[1]
    assert bool(_schema(local_hub, project)["classifications"]) is (code == 0)


def test_batches_are_created_when_missing_and_never_deleted(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    local_hub.create_batch(project, "Old")
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project) + "batches: [Week 1, Old]\n")
    code, out, _ = cli("apply", path, "--auto-approve")
    assert code == 0 and "created batches Week 1" in out
    assert sorted(b["name"] for b in local_hub.get_batches(project)) == ["Old", "Week 1"]


def test_ambiguous_project_name_is_an_error_listing_the_ids(cli: Cli, local_hub: LocalHub) -> None:
    ids = [local_hub.create_project("Twin", "")["_id"] for _ in range(2)]
    code, _, err = cli("plan", cli.write("o.yaml", WEATHER.replace("{id: PROJECT}", "{name: Twin}")))
    assert code == 1 and "ambiguous" in err and all(i in err for i in ids)


def test_plan_without_any_project_is_an_error(cli: Cli) -> None:
    code, _, err = cli("plan", cli.write("o.yaml", "tools:\n  - point: P\n"))
    assert code == 1 and "no project to act on" in err


def test_plan_out_of_several_projects_saves_a_plan_set_that_apply_applies(cli: Cli, local_hub: LocalHub,
                                                                          tmp_path: Path) -> None:
    ids = [local_hub.create_project(f"P{i}", "")["_id"] for i in range(2)]
    path = cli.write("o.yaml", "projects: [" + ", ".join(ids) + "]\nbatches: [Week 1]\ntools:\n  - point: P\n")
    saved = tmp_path / "plans.json"
    code, _, err = cli("plan", path, "--out", str(saved))
    assert code == 0 and "Saved the plans of 2 projects" in err
    assert [entry["plan"]["project"] for entry in json.loads(saved.read_text())["plans"]] == ids
    code, out, _ = cli("apply", str(saved), "--auto-approve", "--project", ids[1])
    assert code == 0 and f"Project {ids[1]}: applied 1 change(s), verified; created batches Week 1" in out
    assert _schema(local_hub, ids[0])["tools"] == []
    code, out, err = cli("apply", str(saved), "--auto-approve")
    assert code == 1 and "the plan is stale" in err
    assert _schema(local_hub, ids[0])["tools"][0]["title"] == "P"


def test_plan_formats_for_several_projects(cli: Cli, local_hub: LocalHub) -> None:
    ids = [local_hub.create_project(f"P{i}", "")["_id"] for i in range(2)]
    path = cli.write("o.yaml", "projects: [" + ", ".join(ids) + "]\ntools:\n  - point: P\n")
    code, out, _ = cli("plan", path, "--format", "json")
    assert code == 0 and [p["project"] for p in json.loads(out)] == ids
    code, out, _ = cli("plan", path, "--format", "markdown")
    assert code == 0 and out.startswith("## Ontology plan\n\n**2 projects: 2 with changes, 0 without.**")
    assert all(out.count(f"→ project {project}: Plan: 1 to create") == 1 for project in ids)
    assert out.count("### Plan for project") == 2


def test_saved_plan_with_a_destructive_change_edited_to_look_harmless_is_refused(
        cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    assert cli("apply", path, "--auto-approve")[0] == 0
    _label_a_bus(local_hub, project)
    cli.write("o.yaml", WEATHER.replace("PROJECT", project).replace(", Bus", ""))
    plan_file = tmp_path / "plan.json"
    assert cli("plan", path, "--out", str(plan_file))[0] == 0
    data = json.loads(plan_file.read_text())
    for change in data["changes"]:
        change["destructive"] = False
    data["summary"]["destructive"] = 0
    plan_file.write_text(json.dumps(data))
    code, _, err = cli("apply", str(plan_file), "--auto-approve")
    assert code == 1 and "edited by hand" in err
    assert "Bus" in json.dumps(_schema(local_hub, project))


def test_rollback_refuses_a_backup_of_another_project(cli: Cli, local_hub: LocalHub) -> None:
    first, second = (local_hub.create_project(name, "")["_id"] for name in ("A", "B"))
    assert cli("apply", cli.write("o.yaml", WEATHER.replace("PROJECT", first)), "--auto-approve")[0] == 0
    (backup,) = BackupStore(cli.tmp_path / "backups").list(first)
    code, _, err = cli("rollback", second, "--to", str(backup.path), "--auto-approve")
    assert code == 1 and f"is a backup of project {first}, not of {second}" in err


def test_inconsistent_saved_plan_is_a_clear_error(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    plan_file = tmp_path / "plan.json"
    assert cli("plan", cli.write("o.yaml", WEATHER.replace("PROJECT", project)), "--out", str(plan_file))[0] == 0
    data = json.loads(plan_file.read_text())
    data["changes"][0]["path_kinds"] = []
    plan_file.write_text(json.dumps(data))
    code, _, err = cli("apply", str(plan_file), "--auto-approve")
    assert code == 1 and "not consistent" in err


def test_saved_plan_is_recognised_whatever_its_file_name(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    plan_file = str(tmp_path / "reviewed.plan")
    assert cli("plan", cli.write("o.yaml", WEATHER.replace("PROJECT", project)), "--out", plan_file)[0] == 0
    assert cli("apply", plan_file, "--auto-approve")[0] == 0
    assert _schema(local_hub, project)["classifications"][0]["title"] == "Weather"


def test_unwritable_backup_folder_stops_apply_before_the_write(cli: Cli, local_hub: LocalHub,
                                                              tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    (tmp_path / "a-file").write_text("")
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    code = main(["apply", path, "--hub", cli.hub, "--auto-approve", "--backup-dir", str(tmp_path / "a-file" / "x")])
    assert code == 1 and "cannot write" in cli.capsys.readouterr().err
    assert _schema(local_hub, project)["classifications"] == []


def test_the_same_project_named_twice_is_applied_once(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    code, out, _ = cli("apply", path, "--project", project, "--project", project, "--auto-approve")
    assert code == 0 and out.count(f"Project {project}: applied") == 1


def test_saved_plan_for_another_project_than_asked_is_refused(cli: Cli, local_hub: LocalHub,
                                                              tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    plan_file = str(tmp_path / "plan.json")
    assert cli("plan", cli.write("o.yaml", WEATHER.replace("PROJECT", project)), "--out", plan_file)[0] == 0
    code, _, err = cli("apply", plan_file, "--project", "other", "--auto-approve")
    assert code == 1 and f"this plan is for project {project}, not other" in err


# -- concurrent runs -------------------------------------------------------------------------------------------

def _concurrently(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread, all released at once; what each returned or raised."""
    start, results = threading.Barrier(len(work)), [None] * len(work)

    def one(index: int) -> None:
        start.wait()
        try:
            results[index] = work[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _planned_apply(hub_path: Path, text: str, backups: Path) -> Callable[[], Any]:
    """Plan now (as a run would before asking for confirmation); the returned call applies it, on a hub
    connection of its own."""
    hub = LocalHub(hub_path)
    runs = api.plan(load_text(text), hub)

    def apply() -> Any:
        try:
            (run,) = api.apply(hub, runs, backups=BackupStore(backups), lock_timeout=30)
            return run.error or run.outcome
        finally:
            hub.close()

    return apply


def test_two_concurrent_applies_never_both_succeed_with_a_change_lost(local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    base = WEATHER.replace("PROJECT", project)
    for round_ in range(10):
        local_hub.create_label_set(project, {"tools": [], "classifications": [], "relations": []})
        texts = [base + f"relations:\n  - one-to-one: {who} {round_}\n" for who in ("Alice", "Bob")]
        applies = [_planned_apply(local_hub.path, text, tmp_path / "b") for text in texts]
        results = _concurrently(*applies)
        won = [i for i, result in enumerate(results) if isinstance(result, Outcome)]
        assert len(won) == 1, results
        (lost,) = [result for result in results if not isinstance(result, Outcome)]
        assert isinstance(lost, StalePlanError), lost
        relations = [r["title"] for r in _schema(local_hub, project)["relations"]]
        assert relations == [f"{('Alice', 'Bob')[won[0]]} {round_}"]


def test_two_runs_creating_a_project_by_name_create_it_once(local_hub: LocalHub, tmp_path: Path) -> None:
    text = WEATHER.replace("{id: PROJECT}", "{name: Fresh}")
    results = _concurrently(*(_planned_apply(local_hub.path, text, tmp_path / "b") for _ in range(2)))
    assert [p["name"] for p in local_hub.list_projects()] == ["Fresh"]
    created = [r for r in results if isinstance(r, Outcome)]
    assert len(created) == 1 and created[0].created_project
    assert all(isinstance(r, (Outcome, StalePlanError)) for r in results), results


def test_a_project_listed_by_id_and_by_name_is_planned_applied_and_batched_once(cli: Cli,
                                                                                 local_hub: LocalHub) -> None:
    project = local_hub.create_project("Twin", "")["_id"]
    text = WEATHER.replace("project: {id: PROJECT}", f"projects: [{project}, {{name: Twin}}]") + "batches: [W1]\n"
    path = cli.write("o.yaml", text)
    code, out, _ = cli("plan", path)
    assert code == 0 and out.count("Plan for project") == 1
    code, out, _ = cli("apply", path, "--auto-approve")
    assert code == 0 and out.count(f"Project {project}: applied") == 1
    assert [b["name"] for b in local_hub.get_batches(project)] == ["W1"]


def test_an_apply_waits_for_another_runs_lock_and_then_refuses_naming_it(cli: Cli, local_hub: LocalHub,
                                                                         tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    book = LockBook(lock_folder(local_hub, tmp_path / "backups"), LockSettings())
    with book.hold(f"{local_hub.name}\nid:{project}", "held by a test"):
        code, _, err = cli("apply", path, "--auto-approve", "--lock-timeout", "0.3s")
    assert code == 1
    assert f"Waiting for the lock on project {project}, held by " in err
    assert f"project {project} is locked by another run of ango-ontology (" in err and f"pid {os.getpid()}" in err
    assert _schema(local_hub, project)["classifications"] == []
    assert cli("apply", path, "--auto-approve", "--lock-timeout", "0")[0] == 0


def test_lock_timeout_takes_terraform_like_durations(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project))
    code, _, err = cli("apply", path, "--lock-timeout", "soon")
    assert code == 1  # a usage error, never 2 or 3
    assert "is not a duration like 30s, 5m or 0" in err
    assert cli("rollback", project, "--lock-timeout", "2m", "--auto-approve")[0] == 1  # no backups yet


def test_a_plan_saved_before_positions_and_moves_still_applies(cli: Cli, local_hub: LocalHub,
                                                                tmp_path: Path) -> None:
    """Format version 1 as it was first written: a reorder as two order lists, creates without a position."""
    project = local_hub.create_project("P", "")["_id"]
    assert cli("apply", cli.write("o.yaml", WEATHER.replace("PROJECT", project)), "--auto-approve")[0] == 0
    plan_file = tmp_path / "plan.json"
    edited = WEATHER.replace("PROJECT", project).replace("[Car, Truck, Bus]", "[Bus, Car, Truck, Van]")
    assert cli("plan", cli.write("o.yaml", edited), "--out", str(plan_file))[0] == 0
    data = json.loads(plan_file.read_text())
    for change in data["changes"]:
        change.pop("position", None)
        if change["action"] == "reorder":
            del change["moves"]
            change["before"], change["after"] = {"order": ["Car", "Truck", "Bus"]}, {"order": ["Bus", "Car", "Truck"]}
    del data["live_schema"]
    plan_file.write_text(json.dumps(data))
    code, out, _ = cli("apply", str(plan_file), "--auto-approve")
    assert code == 0, out
    assert "order: Car, Truck, Bus → Bus, Car, Truck" in out
    assert [o["value"] for o in _schema(local_hub, project)["tools"][0]["classifications"][0]["options"]] == [
        "Bus", "Car", "Truck", "Van"]


def test_a_saved_plan_whose_move_was_edited_is_refused(cli: Cli, local_hub: LocalHub, tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    assert cli("apply", cli.write("o.yaml", WEATHER.replace("PROJECT", project)), "--auto-approve")[0] == 0
    plan_file = tmp_path / "plan.json"
    edited = WEATHER.replace("PROJECT", project).replace("[Car, Truck, Bus]", "[Bus, Car, Truck]")
    assert cli("plan", cli.write("o.yaml", edited), "--out", str(plan_file))[0] == 0
    data = json.loads(plan_file.read_text())
    (reorder,) = data["changes"]
    assert reorder["moves"] == [{"title": "Bus", "id": reorder["moves"][0]["id"], "from": 3, "to": 1, "after": None}]
    reorder["moves"][0]["to"] = 2
    plan_file.write_text(json.dumps(data))
    code, _, err = cli("apply", str(plan_file), "--auto-approve")
    assert code == 1 and "edited by hand" in err
def test_apply_shows_the_files_warnings_and_applies(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    adopted = ("classifications:\n  - text: Note\n    id: note\n    column_field: true\n"
               "  - slider: Confidence\n    id: conf\n")
    path = cli.write("o.yaml", f"project: {project}\n" + adopted)
    code, _, err = cli("apply", path, "--auto-approve")
    assert code == 0
    assert "2 warnings about" in err and "unknown classification type 'slider'" in err
    tools = [node["tool"] for node in _schema(local_hub, project)["classifications"]]
    assert tools == ["text", "slider"]


def test_a_project_created_by_name_prints_its_id_and_the_line_that_pins_it(cli: Cli, local_hub: LocalHub) -> None:
    path = cli.write("o.yaml", "project: {name: Fresh, description: new}\ntools:\n  - point: P\n")
    code, out, _ = cli("apply", path, "--auto-approve")
    project = next(p["_id"] for p in local_hub.list_projects() if p["name"] == "Fresh")
    assert code == 0 and f"Created project 'Fresh' with id {project}. Pin it in {path}" in out
    assert f'project: {{id: {project}, name: "Fresh", description: "new"}}' in out
    pinned = cli.write("o.yaml", f'project: {{id: {project}, name: "Fresh", description: "new"}}\n'
                                 "tools:\n  - point: P\n")
    assert cli("plan", pinned, "--detailed-exitcode")[0] == 0


def test_a_project_created_from_a_projects_list_is_pinned_by_replacing_its_item(cli: Cli,
                                                                                local_hub: LocalHub) -> None:
    path = cli.write("o.yaml", "tools:\n  - point: P\nprojects:\n  - {name: PinA}\n  - {name: PinB}\n")
    code, out, _ = cli("apply", path, "--auto-approve")
    ids = {p["name"]: p["_id"] for p in local_hub.list_projects()}
    assert code == 0 and "`project:` line" not in out
    assert (f"Created project 'PinB' with id {ids['PinB']}. Pin it in {path}: replace item 2 of its `projects:` "
            f'list (the one named "PinB") with\n      - {{id: {ids["PinB"]}, name: "PinB"}}\n') in out
    pinned = cli.write("o.yaml", f'tools:\n  - point: P\nprojects:\n  - {{id: {ids["PinA"]}, name: "PinA"}}\n'
                                 f'  - {{id: {ids["PinB"]}, name: "PinB"}}\n')
    assert cli("plan", pinned, "--detailed-exitcode")[0] == 0
    env = cli.write("e.yaml", "tools:\n  - point: P\nenvironments:\n  qa:\n    projects: [{name: PinC}]\n")
    code, out, _ = cli("apply", env, "--auto-approve")
    assert code == 0 and f"Pin it in {env} (environment qa): replace item 1 of its `projects:` list" in out


def test_history_and_rollback_take_the_projects_name_and_a_prefix(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("Named", "")["_id"]
    path = cli.write("o.yaml", f"project: {{id: {project}, name: Named}}\ntools:\n  - point: A\n")
    assert cli("apply", path, "--auto-approve")[0] == 0
    cli.write("o.yaml", f"project: {{id: {project}, name: Named}}\ntools:\n  - point: A\n  - point: B\n")
    assert cli("apply", path, "--auto-approve")[0] == 0
    code, out, _ = cli("history", "Named")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].endswith("then: apply (1 create)") and "0 nodes" in lines[0]
    first = lines[0].split()[0]
    code, out, err = cli("rollback", "Named", "--to", first[:15], "--auto-approve", "--allow-destructive")
    assert code == 1 and "start with" in err  # both within one second
    code, out, _ = cli("rollback", "Named", "--to", first[:-1], "--auto-approve", "--allow-destructive")
    assert code == 0 and f"rolled back to {first}" in out
    assert cli("history", project)[1].splitlines()[-1].endswith(f"then: rollback to {first} (2 delete)")
    assert cli("history", "Nobody")[1] .startswith("No backups of project Nobody")


def test_rollback_finds_a_project_by_its_name_on_the_hub(cli: Cli, local_hub: LocalHub) -> None:
    local_hub.create_project("Only on the hub", "")
    code, _, err = cli("rollback", "Only on the hub", "--auto-approve")
    assert code == 1 and "no backups of project" in err and "Only on the hub" not in err


# --- adopted label sets: what the tool does not model is written back as it was read ----------------------

def _canonical(schema: Any) -> str:
    """The JSON with sorted keys: equal text means equal meaning, JSON types and nulls included."""
    return json.dumps(schema, sort_keys=True)


@pytest.mark.parametrize("name", adopted_corpus.CASES)
def test_unrelated_edit_leaves_every_other_byte_of_an_adopted_label_set(
        name: str, any_hub: tuple[str, Hub], local_hub: LocalHub, tmp_path: Path) -> None:
    _, hub = any_hub
    project = local_hub.create_project(name)["_id"]
    hub.create_label_set(project, adopted_corpus.case(name))
    edited = adopted_corpus.recolour_first_node(api.pull(hub, project))
    live = Live.read(_schema(local_hub, project))
    plan = make_plan(adopted_corpus.read_without_rules(edited), live, project=project, hub=hub.name)
    assert [(c.action, c.after) for c in plan.changes] == [("update", {"color": adopted_corpus.NEW_COLOUR})]
    apply_plan(hub, plan, Target(ProjectRef(id=project), project), store=BackupStore(tmp_path / "b"), live=live)
    assert _canonical(_schema(local_hub, project)) == _canonical(adopted_corpus.recoloured(adopted_corpus.case(name)))


@pytest.mark.parametrize("name", adopted_corpus.CASES)
def test_unrelated_edit_applied_from_the_command_line_keeps_an_adopted_label_set(
        name: str, any_hub: tuple[str, Hub], local_hub: LocalHub, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    spec, hub = any_hub
    cli = Cli(tmp_path, spec, capsys)
    project = local_hub.create_project(name)["_id"]
    hub.create_label_set(project, adopted_corpus.case(name))
    assert cli("pull", project, "-o", str(tmp_path / "pulled.yaml"))[0] == 0
    path = cli.write("pulled.yaml", adopted_corpus.recolour_first_node((tmp_path / "pulled.yaml").read_text()))
    code, out, err = cli("apply", path, "--auto-approve")
    assert code == 0, out + err
    assert _canonical(_schema(local_hub, project)) == _canonical(adopted_corpus.recoloured(adopted_corpus.case(name)))
    assert cli("plan", path, "--detailed-exitcode")[0] == 0


# --- a saved plan is checked whole ------------------------------------------------------------------------

def _reseal(data: dict[str, Any]) -> None:
    """Recompute a plan file's desired fingerprint after an edit, as someone covering their tracks would."""
    data["desired_fingerprint"] = fingerprint(data["desired_schema"])


TAMPERING = {
    "a key at the top": lambda schema: schema.update(telemetry={"on": True}),
    "a key on a node": lambda schema: schema["classifications"][0].update(hidden=True),
    "a key on an option": lambda schema: schema["classifications"][0]["options"][0].update(score=1),
    "an id's JSON type": lambda schema: schema["tools"][0].update(schemaId=7),
    "a null made false": lambda schema: schema["tools"][0].update(required=False),
    "a live key dropped": lambda schema: schema.pop("version"),
}


@pytest.mark.parametrize("edit", sorted(TAMPERING))
def test_saved_plan_whose_categoryschema_was_edited_and_resealed_is_refused(
        cli: Cli, local_hub: LocalHub, tmp_path: Path, edit: str) -> None:
    project = local_hub.create_project("P", "")["_id"]
    held = {"version": 3, "tools": [{"tool": "point", "title": "Pole", "schemaId": "7", "required": None}],
            "classifications": [], "relations": []}
    local_hub.create_label_set(project, held)
    path = cli.write("o.yaml", WEATHER.replace("PROJECT", project).replace(
        "tools:\n", "tools:\n  - point: Pole\n    id: \"7\"\n"))
    plan_file = tmp_path / "plan.json"
    assert cli("plan", path, "--out", str(plan_file))[0] == 0
    data = json.loads(plan_file.read_text())
    TAMPERING[edit](data["desired_schema"])
    _reseal(data)
    plan_file.write_text(json.dumps(data))
    code, _, err = cli("apply", str(plan_file), "--auto-approve")
    assert code == 1 and "edited by hand" in err
    assert _schema(local_hub, project) == held


def test_rollback_shows_and_restores_what_only_the_json_says(cli: Cli, local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    original = {"tools": [{"tool": "point", "title": "Pole", "schemaId": 7, "required": None}], "mode": "a"}
    local_hub.create_label_set(project, original)
    path = cli.write("o.yaml", f"project: {project}\ntools:\n  - point: Pole\n    id: \"7\"\n    required: true\n")
    assert cli("apply", path, "--auto-approve")[0] == 0
    changed = {**_schema(local_hub, project), "mode": "b"}
    local_hub.create_label_set(project, changed)
    code, out, err = cli("rollback", project, "--auto-approve")
    assert code == 0, err
    assert "mode: \"b\" → \"a\"" in out and "required: true → false" in out
    assert json.dumps(_schema(local_hub, project)) == json.dumps(original)


def test_a_read_back_that_stores_the_same_meaning_its_own_way_is_a_successful_apply(local_hub: LocalHub,
                                                                                   tmp_path: Path) -> None:
    project = local_hub.create_project("P", "")["_id"]
    plan = make_plan(load_text("tools:\n  - point: Pole\n    id: p\n"), None, project=project)
    stored = json.loads(json.dumps(plan.desired_schema))
    stored["tools"][0].update(required=None, schemaId="p")
    del stored["tools"][0]["shortcutKey"]
    local_hub.create_label_set(project, stored)
    backup = tmp_path / "backup.json"
    verify(local_hub, project, plan, None, backup)  # a hub that keeps null and drops empty keys: the same meaning
    stored["tools"][0]["title"] = "Post"
    local_hub.create_label_set(project, stored)
    with pytest.raises(VerificationFailed, match="Post"):
        verify(local_hub, project, plan, None, backup)
