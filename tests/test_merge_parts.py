"""pull --into a file made of parts: live changes land in the file or its environment; a change inside a part
other label sets share (a fragment, the shared nodes of environments) is refused, naming the part."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from ango_ontology import api
from ango_ontology.errors import InputError
from ango_ontology.hub.local import LocalHub
from ango_ontology.merge_parts import merge_parts

OCCLUSION = "# shared by every vehicle\n- radio: Occlusion\n  options: [None, Partial]\n"
CARS = """\
project: PROJECT
tools:
  - bounding-box: Car
    classifications:
      - include: shared/occlusion.yaml  # one question, many label sets
      - text: Plate
"""
ENVIRONMENTS = """\
tools:
  - bounding-box: Car
environments:
  production:
    project: PROD
  staging:
    project: STAGE
    tools:
      - point: Debug
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "ontology" / "shared").mkdir(parents=True)
    (tmp_path / "ontology" / "shared" / "occlusion.yaml").write_text(OCCLUSION)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "ontology"


def _applied(hub: LocalHub, path: Path) -> None:
    runs = api.apply(hub, api.plan(api.load(path), hub))
    assert all(run.ok for run in runs), [run.error for run in runs]


def _web_ui(hub: LocalHub, project: str, edit: Any) -> None:
    schema = hub.get_project(project)["categorySchema"]
    edit(schema)
    hub.create_label_set(project, schema)


def _pull(hub: LocalHub, project: str, path: Path) -> str:
    return api.pull_into(hub, project, path.read_text(), str(path))


def test_a_change_in_the_files_own_node_is_merged_and_the_include_kept(folder: Path, local_hub: LocalHub) -> None:
    project = local_hub.create_project("Cars", "")["_id"]
    path = folder / "cars.yaml"
    path.write_text(CARS.replace("PROJECT", project))
    _applied(local_hub, path)
    _web_ui(local_hub, project, lambda s: s["tools"][0]["classifications"][1].update(title="Plate number"))
    _web_ui(local_hub, project, lambda s: s["tools"].append(
        {"tool": "point", "title": "Wheel", "schemaId": "wheel", "color": "#112233", "classifications": []}))
    merged = _pull(local_hub, project, path)
    assert "      - include: shared/occlusion.yaml  # one question, many label sets\n" in merged
    assert "text: Plate number" in merged and "point: Wheel" in merged
    assert (folder / "shared" / "occlusion.yaml").read_text() == OCCLUSION
    path.write_text(merged)
    assert all(run.plan is not None and run.plan.is_empty for run in api.plan(api.load(path), local_hub))


def test_a_change_inside_a_fragment_is_refused_naming_it(folder: Path, local_hub: LocalHub) -> None:
    project = local_hub.create_project("Cars", "")["_id"]
    path = folder / "cars.yaml"
    path.write_text(CARS.replace("PROJECT", project))
    _applied(local_hub, path)
    _web_ui(local_hub, project, lambda s: s["tools"][0]["classifications"][0]["options"].append(
        {"value": "Heavy", "schemaId": "heavy"}))
    with pytest.raises(InputError) as caught:
        _pull(local_hub, project, path)
    assert f"  - {folder / 'shared' / 'occlusion.yaml'}: Occlusion\n" in str(caught.value)
    assert "Edit the fragment yourself" in str(caught.value)


def test_no_live_change_leaves_a_file_with_parts_byte_for_byte(folder: Path, local_hub: LocalHub) -> None:
    project = local_hub.create_project("Cars", "")["_id"]
    path = folder / "cars.yaml"
    path.write_text(CARS.replace("PROJECT", project))
    _applied(local_hub, path)
    assert _pull(local_hub, project, path) == path.read_text()


def test_a_file_with_environments_is_left_as_it_is_when_nothing_differs(folder: Path, local_hub: LocalHub) -> None:
    prod, stage = (local_hub.create_project(name, "")["_id"] for name in ("Prod", "Stage"))
    path = folder / "cars.yaml"
    path.write_text(ENVIRONMENTS.replace("PROD", prod).replace("STAGE", stage))
    _applied(local_hub, path)
    assert _pull(local_hub, stage, path) == path.read_text()


def test_a_file_with_environments_that_differs_is_refused_listing_the_changes(folder: Path,
                                                                              local_hub: LocalHub) -> None:
    prod, stage = (local_hub.create_project(name, "")["_id"] for name in ("Prod", "Stage"))
    path = folder / "cars.yaml"
    path.write_text(ENVIRONMENTS.replace("PROD", prod).replace("STAGE", stage))
    _applied(local_hub, path)
    _web_ui(local_hub, stage, lambda s: s["tools"][0].update(title="Automobile"))
    with pytest.raises(InputError) as caught:
        _pull(local_hub, stage, path)
    assert f"project {stage} (environment 'staging') differs from it" in str(caught.value)
    assert "  - rename tool Car" in str(caught.value) and "writes nothing" in str(caught.value)
    with pytest.raises(InputError, match="is the project of none of the file's environments"):
        merge_parts(path.read_text(), api.load(path), None, "elsewhere", str(path))


def test_a_fragment_inside_a_fragment_folds_back_and_a_flow_include_is_refused(folder: Path,
                                                                              local_hub: LocalHub) -> None:
    shared = folder / "shared"
    (shared / "deep.yaml").write_text("- checkbox: Truncated\n  options: [Left, Right]\n")
    (shared / "occlusion.yaml").write_text(OCCLUSION + "- include: deep.yaml\n")
    project = local_hub.create_project("Cars", "")["_id"]
    path = folder / "cars.yaml"
    path.write_text(CARS.replace("PROJECT", project))
    _applied(local_hub, path)
    _web_ui(local_hub, project, lambda s: s["tools"][0]["classifications"][2].update(title="Licence plate"))
    merged = _pull(local_hub, project, path)
    assert merged == path.read_text().replace("text: Plate", "text: Licence plate")
    _web_ui(local_hub, project, lambda s: s["tools"][0]["classifications"][1]["options"].append(
        {"value": "Top", "schemaId": "top"}))
    with pytest.raises(InputError, match=f"{shared / 'deep.yaml'}: Truncated"):
        _pull(local_hub, project, path)
    with pytest.raises(InputError) as caught:
        _pull(local_hub, project, path)
    assert "occlusion.yaml:" not in str(caught.value)  # only the fragment that changed is named
    path.write_text(path.read_text().replace(
        "      - include: shared/occlusion.yaml  # one question, many label sets\n      - text: Plate\n",
        "      [{include: shared/occlusion.yaml}, {text: Plate}]\n").replace("classifications:\n      [",
                                                                           "classifications: ["))
    with pytest.raises(InputError, match="written on one line of a block list"):
        _pull(local_hub, project, path)
