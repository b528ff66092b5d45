"""Annotation impact end to end: labels imported over the emulator, counted by plan, guarding apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ango_ontology.cli import main
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub

ONTOLOGY = """project: PROJECT
tools:
  - bounding-box: Vehicle
    classifications:
      - radio: Kind
        options: [Sedan, Van, Bus]
  - point: Landmark
classifications:
  - tree-dropdown: Scene
    tree:
      - Urban: [Street, Plaza]
      - Rural
"""
BOX = {"x": 1, "y": 1, "width": 5, "height": 5}


def _applied(tmp_path: Path, emulator: Emulator, local_hub: LocalHub) -> tuple[Path, str]:
    """A new project on the emulator holding ONTOLOGY, and the file that says so."""
    project = local_hub.create_project("P", "")["_id"]
    path = tmp_path / "o.yaml"
    path.write_text(ONTOLOGY.replace("PROJECT", project))
    assert main(["apply", str(path), "--hub", emulator.url, "--auto-approve",
                 "--backup-dir", str(tmp_path / "b")]) == 0
    return path, project


@pytest.fixture
def labeled(tmp_path: Path, emulator: Emulator, emulator_api_key: str, local_hub: LocalHub,
            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, str]:
    """A project on the emulator with the ontology applied and labels in three tasks."""
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    path, project = _applied(tmp_path, emulator, local_hub)
    local_hub.upload_files_cloud(project, [{"data": f"https://example.invalid/{i}.jpg", "externalId": f"img{i}"}
                                           for i in range(4)])
    sedan = {"title": "Vehicle", "bounding-box": BOX, "classifications": [{"title": "Kind", "answer": "Sedan"}]}
    local_hub.import_labels(project, [
        {"externalId": "img0", "objects": [sedan, sedan], "classifications": [
            {"title": "Scene", "answer": ["Urban / Street"]}]},
        {"externalId": "img1", "objects": [sedan], "stage": "Review"},
        {"externalId": "img2", "classifications": [{"title": "Scene", "answer": ["Urban / Street"]}],
         "stage": "Label"},
    ])
    capsys.readouterr()
    return path, emulator.url, project


def _plan(path: Path, hub: str, capsys: pytest.CaptureFixture[str]) -> Any:
    code = main(["plan", str(path), "--hub", hub, "--check-usage", "--format", "json", "--detailed-exitcode"])
    assert code == 3
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("edit", "title", "impact"), [
    (("  - bounding-box: Vehicle\n    classifications:\n      - radio: Kind\n        options: [Sedan, Van, Bus]\n",
      ""), "Vehicle", {"annotations": 3, "tasks": 2, "nested": 3}),  # 3 boxes, holding 3 answers of Kind
    (("      - radio: Kind\n        options: [Sedan, Van, Bus]\n", "      - text: Note\n"),
     "Kind", {"annotations": 3, "tasks": 2}),  # 3 answers, each choosing Sedan: counted once
    (("[Sedan, Van, Bus]", "[Van, Bus]"), "Sedan", {"annotations": 3, "tasks": 2}),
    (("[Street, Plaza]", "[Plaza]"), "Street", {"annotations": 2, "tasks": 2}),
])
def test_plan_counts_the_labels_each_deletion_would_orphan_over_all_stages(
        labeled: tuple[Path, str, str], capsys: pytest.CaptureFixture[str],
        edit: tuple[str, str], title: str, impact: dict[str, int]) -> None:
    path, hub, _ = labeled
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1]))
    plan = _plan(path, hub, capsys)
    deleted = [c for c in plan["changes"] if c["action"] == "delete"]
    assert [(c["path"][-1], c["impact"]) for c in deleted] == [(title, impact)]
    assert plan["summary"]["orphaned_annotations"] == impact["annotations"]


def test_apply_refuses_to_orphan_labels_without_the_flag_and_they_stay(
        labeled: tuple[Path, str, str], local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = labeled
    path.write_text(path.read_text().replace("[Sedan, Van, Bus]", "[Van, Bus]"))
    code = main(["apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", str(path.parent / "b")])
    err = capsys.readouterr().err
    assert code == 1 and "Sedan (3 annotations in 2 tasks)" in err
    values = [o["value"] for o in local_hub.get_project(project)["categorySchema"]["tools"][0]
              ["classifications"][0]["options"]]
    assert values == ["Sedan", "Van", "Bus"]
    exported = local_hub.export(project)
    assert sum(len(r["task"]["tools"]) for r in exported) == 3


def test_deleting_unused_nodes_needs_no_flag(labeled: tuple[Path, str, str], local_hub: LocalHub,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = labeled
    path.write_text(path.read_text().replace("[Sedan, Van, Bus]", "[Sedan]").replace("  - point: Landmark\n", ""))
    code = main(["apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", str(path.parent / "b")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "(no annotations — safe)" in out
    assert [t["title"] for t in local_hub.get_project(project)["categorySchema"]["tools"]] == ["Vehicle"]


def test_protect_blocks_deleting_a_used_option_even_with_the_flag(
        labeled: tuple[Path, str, str], local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = labeled
    kind = local_hub.get_project(project)["categorySchema"]["tools"][0]["classifications"][0]["schemaId"]
    protected = path.read_text().replace("      - radio: Kind\n",
                                         f"      - radio: Kind\n        id: {kind}\n        protect: true\n")
    path.write_text(protected.replace("[Sedan, Van, Bus]", "[Van, Bus]"))
    code = main(["apply", str(path), "--hub", hub, "--auto-approve", "--allow-destructive",
                 "--backup-dir", str(path.parent / "b")])
    assert code == 1 and "protect: true" in capsys.readouterr().err
    assert len(local_hub.get_project(project)["categorySchema"]["tools"][0]["classifications"][0]["options"]) == 3


def test_labels_imported_with_the_official_sdk_are_counted(tmp_path: Path, emulator: Emulator,
                                                           emulator_api_key: str, local_hub: LocalHub,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    sdk_module = pytest.importorskip("imerit_ango.sdk")
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    path, project = _applied(tmp_path, emulator, local_hub)
    sdk = sdk_module.SDK(emulator_api_key, host=emulator.url)
    sdk.upload_files_cloud(project, [{"data": "https://example.invalid/a.jpg", "externalId": "a"},
                                     {"data": "https://example.invalid/b.jpg", "externalId": "b"}])
    sdk.import_labels(project, [
        {"externalId": "a", "objects": [{"title": "Landmark", "point": [3, 4]}]},
        {"externalId": "b", "objects": [{"title": "Landmark", "point": [1, 2]},
                                        {"title": "Landmark", "point": [5, 6]}]},
    ])
    capsys.readouterr()
    path.write_text(path.read_text().replace("  - point: Landmark\n", ""))
    plan = _plan(path, emulator.url, capsys)
    (deleted,) = [c for c in plan["changes"] if c["action"] == "delete"]
    assert (deleted["path"], deleted["impact"]) == (["Landmark"], {"annotations": 3, "tasks": 2})


def test_a_labelled_brush_class_is_refused_without_the_flag_because_exports_do_not_list_it(
        tmp_path: Path, emulator: Emulator, emulator_api_key: str, local_hub: LocalHub,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    project = local_hub.create_project("Masks", "")["_id"]
    path = tmp_path / "o.yaml"
    path.write_text(f"project: {project}\ntools:\n  - brush: Road\n  - point: Sign\n")
    flags = ["--hub", emulator.url, "--auto-approve", "--backup-dir", str(tmp_path / "b")]
    assert main(["apply", str(path), *flags]) == 0
    # Brush strokes live in a mask (task.brushDataUrl): the export's `tools` never shows them.
    local_hub.upload_files_cloud(project, [{"data": "https://example.invalid/road.png", "externalId": "road"}])
    path.write_text(f"project: {project}\ntools:\n  - point: Sign\n")
    capsys.readouterr()
    assert main(["plan", str(path), "--hub", emulator.url, "--check-usage", "--detailed-exitcode"]) == 3
    assert "delete tool Road (brush) (impact unknown: exports do not list the annotations of a brush tool)" \
        in capsys.readouterr().out
    assert main(["apply", str(path), *flags]) == 1
    err = capsys.readouterr().err
    assert "refusing 1 destructive change(s)" in err and "impact unknown" in err
    assert [t["title"] for t in local_hub.get_project(project)["categorySchema"]["tools"]] == ["Road", "Sign"]
    assert main(["apply", str(path), *flags, "--allow-destructive"]) == 0


def test_an_export_that_misses_tasks_makes_the_impact_unknown(
        labeled: tuple[Path, str, str], emulator: Emulator, local_hub: LocalHub,
        capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = labeled
    path.write_text(path.read_text().replace("  - point: Landmark\n", ""))  # unused: 0 annotations

    def task_arrives_during_the_export(request: Any) -> None:
        if request.path.startswith("/v2/export"):
            emulator.on_request = None
            local_hub.upload_files_cloud(project, [{"data": "https://example.invalid/new.jpg", "externalId": "new"}])

    emulator.on_request = task_arrives_during_the_export
    plan = _plan(path, hub, capsys)
    (deleted,) = [c for c in plan["changes"] if c["action"] == "delete"]
    assert deleted["impact"] == {"annotations": 0, "tasks": 0,
                                 "unknown": "the export listed 5 tasks, but the project has 4"}
    assert plan["summary"]["unknown_impact"] == 1
    assert main(["plan", str(path), "--hub", hub, "--check-usage", "--detailed-exitcode"]) == 2  # now covered


def test_a_failed_export_makes_the_impact_unknown_and_apply_refuses(
        labeled: tuple[Path, str, str], emulator: Emulator, local_hub: LocalHub,
        capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = labeled
    path.write_text(path.read_text().replace("  - point: Landmark\n", ""))

    def export_fails(request: Any) -> None:
        if request.path.startswith("/v2/export"):
            emulator.faults.fail_status, emulator.faults.fail_next = 403, 1

    emulator.on_request = export_fails
    assert main(["apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", str(path.parent / "b")]) == 1
    err = capsys.readouterr().err
    assert "impact unknown: the export failed (" in err and "403" in err
    assert [t["title"] for t in local_hub.get_project(project)["categorySchema"]["tools"]] == ["Vehicle", "Landmark"]


def test_plan_exits_2_when_every_destructive_change_was_counted_at_zero(
        labeled: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, _ = labeled
    path.write_text(path.read_text().replace("  - point: Landmark\n", "").replace("[Sedan, Van, Bus]", "[Sedan]"))
    assert main(["plan", str(path), "--hub", hub, "--check-usage", "--detailed-exitcode"]) == 2
    assert main(["plan", str(path), "--hub", hub, "--detailed-exitcode"]) == 3  # not counted: may orphan


def test_rollback_counts_usage_like_apply_and_speaks_of_rolling_back(
        labeled: tuple[Path, str, str], local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = labeled
    backups = str(path.parent / "b")  # `_applied` left the backup of the empty project here
    flags = ["--hub", hub, "--backup-dir", backups, "--auto-approve"]
    capsys.readouterr()
    # Back to the empty label set: it deletes labelled classes, so it is refused without the flag.
    assert main(["rollback", project, *flags]) == 1
    err = capsys.readouterr().err
    assert "pass --allow-destructive to roll back anyway" in err and "Vehicle (3 annotations in 2 tasks" in err
    assert "protect" not in err and "id:" not in err and "file" not in err
    assert main(["rollback", project, *flags, "--allow-destructive"]) == 0
    # Rolling that rollback back re-creates nodes only: nothing to orphan, no flag needed.
    assert main(["rollback", project, *flags]) == 0
    assert [t["title"] for t in local_hub.get_project(project)["categorySchema"]["tools"]] == ["Vehicle", "Landmark"]


def test_rollback_of_an_unused_addition_needs_no_flag(labeled: tuple[Path, str, str], local_hub: LocalHub,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path, hub, project = labeled
    flags = ["--hub", hub, "--backup-dir", str(path.parent / "b"), "--auto-approve"]
    path.write_text(path.read_text().replace("  - point: Landmark\n", "  - point: Landmark\n  - point: Unused\n"))
    assert main(["apply", str(path), *flags]) == 0
    capsys.readouterr()
    assert main(["rollback", project, *flags]) == 0
    assert "delete tool Unused (point) (no annotations — safe)" in capsys.readouterr().out
    assert [t["title"] for t in local_hub.get_project(project)["categorySchema"]["tools"]] == ["Vehicle", "Landmark"]
