"""pull --into: web-UI edits come back into the file as exactly those edits; comments and layout stay."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ango_ontology.cli import main
from ango_ontology.diff import make_plan
from ango_ontology.hub.local import LocalHub
from ango_ontology.identity import resolve
from ango_ontology.loader import load_text
from ango_ontology.merge import merge_into
from ango_ontology.wire import to_category_schema

FILE = """\
# Vehicles label set
project: p1

tools:
  - bounding-box: Vehicle   # cars and trucks
    id: vehicle
    color: "#1F77B4"
    classifications:
      - radio: Kind
        id: kind
        options: [Car, Truck]   # keep in sync with the model
  - polygon: Road
    id: road

classifications:
  # weather at capture time
  - radio: Weather
    id: weather
    options:
      - {value: Sunny, id: sunny}
      - {value: Rainy, id: rainy}
"""
Edit = Callable[[dict[str, Any]], None]


def _live() -> dict[str, Any]:
    return to_category_schema(resolve(load_text(FILE)))


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _add_bus(live: dict[str, Any]) -> None:
    live["tools"][0]["classifications"][0]["options"].append({"value": "Bus", "schemaId": "6a1b2c3d4e5f6a7b8c9d0e1"})


def _recolour(live: dict[str, Any]) -> None:
    live["tools"][0]["color"] = "#FF0000"


def _rename_option(live: dict[str, Any]) -> None:
    live["classifications"][0]["options"][1]["value"] = "Rain"


def _delete_road(live: dict[str, Any]) -> None:
    del live["tools"][1]


def _require_kind(live: dict[str, Any]) -> None:
    live["tools"][0]["classifications"][0]["required"] = True


def _rename_tool(live: dict[str, Any]) -> None:
    live["tools"][0]["title"] = "Car or truck"


def _add_tool(live: dict[str, Any]) -> None:
    live["tools"].append({"tool": "point", "title": "Pole", "schemaId": "1712654400123", "color": "#00FF00",
                          "shortcutKey": "3"})


EDITS: dict[str, tuple[Edit, list[str]]] = {
    "option added": (_add_bus, ["-        options: [Car, Truck]   # keep in sync with the model",
                                "+        options: [Car, Truck, Bus]   # keep in sync with the model"]),
    "colour changed": (_recolour, ['-    color: "#1F77B4"', '+    color: "#FF0000"']),
    "option renamed": (_rename_option, ["-      - {value: Rainy, id: rainy}", "+      - {value: Rain, id: rainy}"]),
    "tool deleted": (_delete_road, ["-  - polygon: Road", "-    id: road"]),
    "flag set": (_require_kind, ["+        required: true"]),
    "tool renamed": (_rename_tool, ["-  - bounding-box: Vehicle   # cars and trucks",
                                    "+  - bounding-box: Car or truck   # cars and trucks"]),
    "tool added": (_add_tool, ["+  - point: Pole", '+    id: "1712654400123"', '+    color: "#00FF00"',
                               '+    shortcut: "3"']),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_pull_into_after_a_web_ui_edit_changes_only_that_edit(name: str) -> None:
    edit, expected = EDITS[name]
    live = copy.deepcopy(_live())
    edit(live)
    merged = merge_into(FILE, {"categorySchema": live}, "labels.yaml")
    assert _changed_lines(FILE, merged) == expected, merged
    assert make_plan(load_text(merged), live).is_empty


def test_pull_into_without_drift_leaves_the_file_byte_for_byte() -> None:
    assert merge_into(FILE, {"categorySchema": _live()}) == FILE


def test_pull_into_with_several_edits_plans_clean() -> None:
    live = copy.deepcopy(_live())
    for edit, _ in EDITS.values():
        edit(live)
    merged = merge_into(FILE, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty
    assert "# weather at capture time" in merged and "# Vehicles label set" in merged


def test_pull_into_on_the_command_line_writes_the_file_back(tmp_path: Path, local_hub: LocalHub,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{local_hub.path}"
    project = local_hub.create_project("Vehicles")["_id"]
    live = _live()
    _add_bus(live)
    local_hub.create_label_set(project, live)
    path = tmp_path / "labels.yaml"
    text = FILE.replace("project: p1", f"project: {project}")
    path.write_text(text)
    assert main(["pull", project, "--hub", hub, "--into", str(path)]) == 0
    assert len(_changed_lines(text, path.read_text())) == 2
    assert "(written)" in capsys.readouterr().err
    assert main(["pull", project, "--hub", hub, "--into", str(path)]) == 0
    assert "(no changes)" in capsys.readouterr().err


def test_pull_into_a_file_of_another_project_is_refused(tmp_path: Path, local_hub: LocalHub,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("Vehicles")["_id"]
    local_hub.create_label_set(project, _live())
    path = tmp_path / "labels.yaml"
    path.write_text(FILE)
    assert main(["pull", project, "--hub", f"local:{local_hub.path}", "--into", str(path)]) == 1
    assert f"is the label set of project p1, not of {project}" in capsys.readouterr().err
    assert path.read_text() == FILE


def test_pull_into_without_drift_keeps_the_file_byte_for_byte_whatever_its_layout() -> None:
    text = FILE.replace("\n", "   \r\n")
    live = to_category_schema(resolve(load_text(text)))
    assert merge_into(text, {"categorySchema": live}) == text


EXAMPLES = Path(__file__).parents[1] / "examples" / "ontologies"


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_pull_into_an_example_without_drift_keeps_it_byte_for_byte(example: str) -> None:
    text = (EXAMPLES / example).read_text()
    live = to_category_schema(resolve(load_text(text)))
    assert merge_into(text, {"categorySchema": live}) == text


def test_pull_into_a_tree_edit_and_a_moved_condition_plans_clean() -> None:
    text = (EXAMPLES / "sdk-conditional-tree.yaml").read_text()
    live = to_category_schema(resolve(load_text(text)))
    radio = live["classifications"][0]
    tree = radio["classifications"][0]
    tree["treeOptions"][1]["children"].append({"title": "Leaf 4", "key": "leaf-4", "value": "leaf-4",
                                               "children": []})
    tree["parentOptionId"] = radio["options"][1]["schemaId"]
    merged = merge_into(text, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty
    assert "when: Radio Answer 2" in merged and merged.startswith(text.split("classifications:")[0])


def test_pull_into_follows_a_renamed_option_in_when() -> None:
    text = ("project: p1\nclassifications:\n  - radio: Kind\n    id: kind\n"
            "    options: [{value: Car, id: car}, {value: Truck, id: truck}]\n"
            "    classifications:\n      - text: Plate\n        id: plate\n        when: Car\n")
    live = to_category_schema(resolve(load_text(text)))
    live["classifications"][0]["options"][0]["value"] = "Automobile"
    merged = merge_into(text, {"categorySchema": live})
    assert "when: Automobile" in merged and "when: Car" not in merged
    assert make_plan(load_text(merged), live).is_empty
