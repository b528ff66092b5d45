"""pull --into: web-UI edits come back into the file as exactly those edits; comments and layout stay."""

from __future__ import annotations

import copy
import difflib
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ango_ontology.cli import main
from ango_ontology.diff import make_plan
from ango_ontology.errors import InputError
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


def test_pull_into_keeps_the_files_byte_order_mark_and_crlf_line_endings(tmp_path: Path, local_hub: LocalHub,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{local_hub.path}"
    project = local_hub.create_project("Vehicles")["_id"]
    live = _live()
    _add_bus(live)
    local_hub.create_label_set(project, live)
    path = tmp_path / "labels.yaml"
    text = FILE.replace("project: p1", f"project: {project}")
    path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    assert main(["pull", project, "--hub", hub, "--into", str(path)]) == 0
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode()) and data.count(b"\n") == data.count(b"\r\n")
    assert len(_changed_lines(text, data.decode("utf-8-sig").replace("\r\n", "\n"))) == 2
    capsys.readouterr()


def test_pull_into_a_file_of_another_project_is_refused(tmp_path: Path, local_hub: LocalHub,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("Vehicles")["_id"]
    local_hub.create_label_set(project, _live())
    path = tmp_path / "labels.yaml"
    path.write_text(FILE)
    assert main(["pull", project, "--hub", f"local:{local_hub.path}", "--into", str(path)]) == 1
    assert f"is the label set of project p1, not of {project}" in capsys.readouterr().err
    assert path.read_text() == FILE


def test_pull_into_a_file_naming_another_project_by_name_is_refused_and_its_own_name_is_accepted(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    staging = local_hub.create_project("Staging")["_id"]
    production = local_hub.create_project("Production")["_id"]
    local_hub.create_label_set(production, _live())
    path = tmp_path / "staging.yaml"
    text = FILE.replace("project: p1", "project: {name: Staging}")
    path.write_text(text)
    hub = f"local:{local_hub.path}"
    assert main(["pull", production, "--hub", hub, "--into", str(path)]) == 1
    assert f"is the label set of project 'Staging', not of {production} ('Production')" in capsys.readouterr().err
    assert path.read_text() == text
    local_hub.create_label_set(staging, _live())
    assert main(["pull", staging, "--hub", hub, "--into", str(path)]) == 0
    assert "Pulled project" in capsys.readouterr().err


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


TREE = """\
project: p1
classifications:
  - tree-dropdown: Product   # what is on the shelf
    id: product
    tree:
      - Food:
          - Fruit: [Apple, Banana]
          # vegetables come next
          - Vegetables:
              - Carrot
              - Leek
      - Clothing
      - {title: Toys, id: toys, children: [{title: Ball, id: ball}]}
"""


def _tree_live() -> dict[str, Any]:
    return to_category_schema(resolve(load_text(TREE)))


def _tree(live: dict[str, Any], *titles: str) -> dict[str, Any]:
    nodes = live["classifications"][0]["treeOptions"]
    node: dict[str, Any] = {}
    for title in titles:
        node = next(n for n in nodes if n["title"] == title)
        nodes = node["children"]
    return node


def _leaf(title: str, key: str) -> dict[str, Any]:
    return {"title": title, "key": key, "value": key, "children": []}


def _merged_tree(edit: Edit) -> tuple[str, dict[str, Any]]:
    live = _tree_live()
    edit(live)
    merged = merge_into(TREE, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty, merged
    return merged, live


TREE_EDITS: dict[str, tuple[Edit, list[str]]] = {
    "leaf added to a block list": (
        lambda live: _tree(live, "Food", "Vegetables")["children"].insert(1, _leaf("Kale", "k1")),
        ["+              - Kale"]),
    "leaf added to a flow list": (
        lambda live: _tree(live, "Food", "Fruit")["children"].append(_leaf("Cherry", "c1")),
        ["-          - Fruit: [Apple, Banana]", "+          - Fruit: [Apple, Banana, Cherry]"]),
    "leaf deleted": (
        lambda live: _tree(live, "Food", "Vegetables")["children"].pop(0), ["-              - Carrot"]),
    "leaf renamed": (
        lambda live: _tree(live, "Food", "Vegetables", "Leek").update(title="Leeks"),
        ["-              - Leek", "+              - Leeks"]),
    "leaf among mappings added with its id": (
        lambda live: _tree(live, "Toys")["children"].append(_leaf("Kite", "kite")),
        ["-      - {title: Toys, id: toys, children: [{title: Ball, id: ball}]}",
         "+      - {title: Toys, id: toys, children: [{title: Ball, id: ball}, {title: Kite, id: kite}]}"]),
    "a leaf grows a child": (
        lambda live: _tree(live, "Clothing")["children"].append(_leaf("Hats", "h1")),
        ["-      - Clothing", "+      - Clothing:", "+          - Hats"]),
    "branches reordered": (
        lambda live: live["classifications"][0]["treeOptions"].reverse(),
        ["+      - {title: Toys, id: toys, children: [{title: Ball, id: ball}]}", "+      - Clothing",
         "-      - Clothing", "-      - {title: Toys, id: toys, children: [{title: Ball, id: ball}]}"]),
}


@pytest.mark.parametrize("name", sorted(TREE_EDITS))
def test_pull_into_a_tree_edit_changes_only_its_lines_in_the_shorthand(name: str) -> None:
    edit, expected = TREE_EDITS[name]
    merged, _ = _merged_tree(edit)
    assert _changed_lines(TREE, merged) == expected, merged
    assert "# vegetables come next" in merged and "# what is on the shelf" in merged


def test_pull_into_a_moved_item_keeps_its_own_edits_and_comments() -> None:
    text = FILE.replace("  - polygon: Road\n    id: road\n",
                        "  - polygon: Road   # lanes too\n    id: road\n    color: \"#00FF00\"\n")
    live = to_category_schema(resolve(load_text(text)))
    live["tools"].reverse()
    live["tools"][0]["color"] = "#0000FF"
    merged = merge_into(text, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty
    assert merged.index("- polygon: Road   # lanes too") < merged.index("- bounding-box: Vehicle")
    assert '    color: "#0000FF"' in merged and "# keep in sync with the model" in merged


def test_pull_into_adds_a_section_and_a_list_the_file_did_not_have() -> None:
    live = _live()
    live["relations"] = [{"tool": "one-to-one", "title": "Follows", "schemaId": "follows"}]
    live["tools"][1]["classifications"] = [{"tool": "text", "title": "Surface", "schemaId": "surface"}]
    merged = merge_into(FILE, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty
    assert merged.endswith("\nrelations:\n  - one-to-one: Follows\n    id: follows\n")
    assert "    classifications:\n      - text: Surface\n        id: surface\n" in merged


def test_pull_into_empties_a_list_by_removing_its_key() -> None:
    live = _live()
    live["classifications"] = []
    merged = merge_into(FILE, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty
    assert "Weather" not in merged and "# Vehicles label set" in merged


def test_pull_into_refuses_an_edit_inside_yaml_an_anchor_shares() -> None:
    text = ("project: p1\nclassifications:\n  - radio: Kind\n    id: kind\n    options: &answers [Yes, No]\n"
            "  - radio: Other\n    id: other\n    options: *answers\n")
    live = to_category_schema(resolve(load_text(text)))
    live["classifications"][0]["options"].append({"value": "Maybe", "schemaId": "maybe"})
    with pytest.raises(InputError, match="anchor"):
        merge_into(text, {"categorySchema": live}, "shared.yaml")


def test_pull_into_refuses_a_flow_list_with_comments_between_its_items() -> None:
    text = "project: p1\nclassifications:\n  - radio: Kind\n    id: kind\n    options: [Car,  # small\n      Bus]\n"
    live = to_category_schema(resolve(load_text(text)))
    live["classifications"][0]["options"].append({"value": "Van", "schemaId": "van"})
    with pytest.raises(InputError, match="block list"):
        merge_into(text, {"categorySchema": live}, "flow.yaml")


def _git(repo: Path, *argv: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                           *argv], cwd=repo, check=True, capture_output=True, text=True).stdout


def test_pull_into_a_20000_node_tree_after_one_leaf_added_in_the_web_ui_is_a_one_line_git_diff(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("Diagnoses")["_id"]
    lines = [f"project: {project}", "classifications:", "  - tree-dropdown: Diagnosis", "    tree:"]
    for branch in range(5):
        lines.append(f"      - Branch {branch}:")
        for sub in range(20):
            lines.append(f"          - Sub {branch}.{sub}:")
            lines += [f"              - Leaf {branch}.{sub}.{leaf}" for leaf in range(199)]
    text = "\n".join(lines) + "\n"
    live = to_category_schema(resolve(load_text(text)))
    assert sum(1 for _ in resolve(load_text(text)).walk()) > 20_000
    live["classifications"][0]["treeOptions"][2]["children"][3]["children"].insert(
        7, {"title": "Added in the web UI", "key": "7f3e2a1b9c", "value": "7f3e2a1b9c", "children": []})
    local_hub.create_label_set(project, live)
    path = tmp_path / "labels.yaml"
    path.write_text(text)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "labels.yaml")
    _git(tmp_path, "commit", "-qm", "base")
    assert main(["pull", project, "--hub", f"local:{local_hub.path}", "--into", str(path)]) == 0
    assert _git(tmp_path, "diff", "--numstat").split() == ["1", "0", "labels.yaml"]
    assert "+              - Added in the web UI" in _git(tmp_path, "diff").splitlines()
    capsys.readouterr()


MORE = """\
project: p1
tools:
  - {point: Sign, id: sign, shortcut: "2"}
  - polygon: Lane
    id: lane
    required: true
classifications:
  - id: kind
    radio: Kind
    options:
      - Car
      - Van
  - checkbox: Flags
    id: flags
    options: [A]
  - tree-dropdown: Where
    id: where
    tree:
      - {title: Road, id: road, value: R1, children: [City]}
      - title: Sea
        id: sea
"""


def _more() -> dict[str, Any]:
    return to_category_schema(resolve(load_text(MORE)))


def _cls(live: dict[str, Any], title: str) -> dict[str, Any]:
    return next(c for c in live["classifications"] if c["title"] == title)


MORE_EDITS: dict[str, tuple[Edit, list[str]]] = {
    "flag unset removes its line": (lambda live: live["tools"][1].update(required=False), ["-    required: true"]),
    "a key set in a flow mapping": (lambda live: live["tools"][0].update(shortcutKey="5"),
                                    ['-  - {point: Sign, id: sign, shortcut: "2"}',
                                     '+  - {point: Sign, id: sign, shortcut: "5"}']),
    "a key added to a flow mapping": (lambda live: live["tools"][0].update(required=True),
                                      ['-  - {point: Sign, id: sign, shortcut: "2"}',
                                       '+  - {point: Sign, id: sign, required: true, shortcut: "2"}']),
    "type changed rewrites the node": (lambda live: live["tools"][1].update(tool="polyline"),
                                       ["-  - polygon: Lane", "+  - polyline: Lane"]),
    "a block option added as a bare value": (lambda live: _cls(live, "Kind")["options"].insert(
        1, {"value": "Bus", "schemaId": "bus"}), ["+      - Bus"]),
    "a tree node's value changed": (lambda live: _cls(live, "Where")["treeOptions"][0].update(value="R2"),
                                    ["-      - {title: Road, id: road, value: R1, children: [City]}",
                                     "+      - {title: Road, id: road, value: R2, children: [City]}"]),
    "a full tree node grows children": (lambda live: _cls(live, "Where")["treeOptions"][1]["children"].append(
        {"title": "Bay", "key": "bay", "value": "bay", "children": []}),
        ["+        children:", "+          - {title: Bay, id: bay}"]),
    "all options deleted but one new": (lambda live: _cls(live, "Flags").update(
        options=[{"value": "B", "schemaId": "b"}]), ["-    options: [A]", "+    options: [B]"]),
}


@pytest.mark.parametrize("name", sorted(MORE_EDITS))
def test_pull_into_more_edits_change_only_their_lines(name: str) -> None:
    edit, expected = MORE_EDITS[name]
    live = _more()
    edit(live)
    merged = merge_into(MORE, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty, merged
    assert _changed_lines(MORE, merged) == expected, merged


def test_pull_into_removes_a_key_on_the_dash_line_keeping_the_item() -> None:
    text = "project: p1\ntools:\n  - required: true\n    point: Sign\n    id: sign\n"
    live = to_category_schema(resolve(load_text(text)))
    live["tools"][0]["required"] = False
    merged = merge_into(text, {"categorySchema": live})
    assert merged == "project: p1\ntools:\n  - point: Sign\n    id: sign\n"
    assert make_plan(load_text(merged), live).is_empty


def test_pull_into_a_radio_turned_tree_dropdown_keeps_the_nodes_other_lines() -> None:
    text = ("project: p1\nclassifications:\n  - radio: Kind   # the kind of vehicle\n    id: kind\n"
            "    description: What it is\n    options: [Car, Truck]\n")
    live = to_category_schema(resolve(load_text(text)))
    live["classifications"][0].update(tool="tree-dropdown", options=[], treeOptions=[
        {"title": "Car", "key": "car", "value": "car", "children": []}])
    merged = merge_into(text, {"categorySchema": live})
    assert make_plan(load_text(merged), live).is_empty, merged
    assert sorted(_changed_lines(text, merged)) == sorted([
        "-  - radio: Kind   # the kind of vehicle", "-    options: [Car, Truck]",
        "+  - tree-dropdown: Kind   # the kind of vehicle", "+    tree:", "+      - {title: Car, id: car}"])
    back = to_category_schema(resolve(load_text(text)))
    again = merge_into(merged, {"categorySchema": back})
    assert make_plan(load_text(again), back).is_empty, again
    assert "description: What it is" in again


def test_pull_into_a_new_section_comes_after_what_the_last_list_adds_at_the_end_of_the_file() -> None:
    text = "project: p1\nclassifications:\n  - text: Note\n    id: note\n"
    live = to_category_schema(resolve(load_text(text)))
    live["classifications"].append({"tool": "text", "title": "Remark", "schemaId": "remark"})
    live["tools"] = [{"tool": "point", "title": "Sign", "schemaId": "sign"}]
    merged = merge_into(text, {"categorySchema": live})
    assert merged == text + "  - text: Remark\n    id: remark\n\ntools:\n  - point: Sign\n    id: sign\n"
    assert make_plan(load_text(merged), live).is_empty


# --- what the live project lacks: added in the file, or deleted in the web UI ------------------------------------

LOCAL = """\
project: p1
tools:
  - bounding-box: Car
  - polygon: Lamp   # new, apply pending review
    description: street lamps, poles included
  - point: Sign
    id: sign
classifications:
  - radio: Weather
    options: [Sunny, Rainy, Foggy]
"""


def _applied(text: str) -> dict[str, Any]:
    return to_category_schema(resolve(load_text(text)))


def test_without_a_base_an_item_without_an_id_is_kept_and_one_with_an_id_removed_and_both_are_said() -> None:
    live = _applied(LOCAL.replace("  - polygon: Lamp   # new, apply pending review\n"
                                  "    description: street lamps, poles included\n", "").replace(", Foggy", ""))
    live["tools"] = [tool for tool in live["tools"] if tool["title"] != "Sign"]  # deleted in the web UI
    said: list[str] = []
    merged = merge_into(LOCAL, {"categorySchema": live}, said=said)
    assert _changed_lines(LOCAL, merged) == ["-  - point: Sign", "-    id: sign", "-    options: [Sunny, Rainy, Foggy]",
                                             "+    options: [Sunny, Rainy]"]
    assert said[:2] == ["kept tool Lamp: not in the live project (no `id:` in the file: added there)",
                        "removed tool Sign: deleted in the web UI (`id: sign` in the file: it came from the hub)"]
    assert said[2].startswith("removed option Foggy: deleted in the web UI (with no last applied version to tell")
    assert len(said) == 3


def test_with_the_last_applied_version_what_was_applied_and_is_gone_live_is_removed_and_the_rest_kept(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the repository around the working folder, as for plan --base
    hub = f"local:{local_hub.path}"
    project = local_hub.create_project("Streets")["_id"]
    applied = LOCAL.replace("project: p1", f"project: {project}").replace(
        "  - polygon: Lamp   # new, apply pending review\n    description: street lamps, poles included\n",
        "  - point: Pole\n")
    path = tmp_path / "labels.yaml"
    path.write_text(applied)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "labels.yaml")
    _git(tmp_path, "commit", "-qm", "applied")
    live = _applied(applied)
    live["tools"] = [tool for tool in live["tools"] if tool["title"] != "Pole"]  # deleted in the web UI
    local_hub.create_label_set(project, live)
    text = applied.replace("  - point: Pole\n", "  - point: Pole\n  - polygon: Lamp   # new\n")  # added since
    path.write_text(text)
    assert main(["pull", project, "--hub", hub, "--into", str(path), "--base", "HEAD"]) == 0
    assert _changed_lines(text, path.read_text()) == ["-  - point: Pole"]  # without a base, kept (no `id:`)
    err = capsys.readouterr().err
    assert "removed tool Pole: deleted in the web UI (in HEAD)" in err
    assert "kept tool Lamp: not in the live project (not in HEAD)" in err
    assert main(["pull", project, "--hub", hub, "--base", "HEAD"]) == 1
    assert "--base tells pull --into what was last applied" in capsys.readouterr().err


def test_a_kept_item_of_a_flow_list_keeps_its_place_among_the_live_ones() -> None:
    live = _applied(LOCAL.replace(", Foggy", "").replace("Sunny, Rainy", "Sunny, Rainy, Snowy"))
    base = load_text(LOCAL.replace(", Foggy", ""))
    merged = merge_into(LOCAL, {"categorySchema": live}, base=base, base_label="the base")
    assert "    options: [Sunny, Rainy, Foggy, Snowy]\n" in merged


def test_the_live_title_written_over_a_pending_rename_drops_its_renamed_from() -> None:
    text = ("project: p1\ntools:\n  - bounding-box: Auto\n    renamed_from: Car\nclassifications:\n"
            "  - radio: Weather\n    id: weather\n    options:\n      - {value: Rain, id: rainy, renamed_from: Rainy}\n"
            "  - tree-dropdown: Product\n    id: product\n    tree:\n      - title: Fruit\n        id: fruit\n"
            "        renamedFrom: Fruits\n")
    live = _applied(text.replace("Auto", "Car").replace("{value: Rain,", "{value: Rainy,")
                    .replace("title: Fruit\n", "title: Fruits\n").replace("    renamed_from: Car\n", "")
                    .replace(", renamed_from: Rainy", "").replace("        renamedFrom: Fruits\n", ""))
    merged = merge_into(text, {"categorySchema": live})
    assert "renamed_from" not in merged and "renamedFrom" not in merged
    assert "  - bounding-box: Car\n" in merged and "{value: Rainy, id: rainy}" in merged
    assert "      - title: Fruits\n        id: fruit\n" in merged
    load_text(merged)  # it loads: `renamed_from: Car` beside the title Car did not


def test_a_merge_that_would_not_load_is_refused_and_the_file_left_unchanged(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("Vehicles")["_id"]
    text = f"project: {project}\ntools:\n  - bounding-box: Car\n  - bounding-box: Truck\n"
    live = _applied(text)
    live["tools"][1]["title"] = "Car"  # Ango lets two tools have one title
    local_hub.create_label_set(project, live)
    path = tmp_path / "labels.yaml"
    path.write_text(text)
    assert main(["pull", project, "--hub", f"local:{local_hub.path}", "--into", str(path)]) == 1
    err = capsys.readouterr().err
    assert "merging the live label set into it gives a file that does not load, so it was left unchanged" in err
    assert "duplicate title 'Car'" in err and "The live label set loads on its own" in err
    assert path.read_text() == text


def test_the_last_apply_s_backup_names_the_version_to_tell_by(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hub, backups = f"local:{local_hub.path}", str(tmp_path / "backups")
    path = tmp_path / "labels.yaml"
    path.write_text("project: {name: Streets}\ntools:\n  - bounding-box: Car\n  - point: Pole\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "labels.yaml")
    _git(tmp_path, "commit", "-qm", "applied")
    assert main(["apply", str(path), "--hub", hub, "--auto-approve", "--backup-dir", backups]) == 0
    (project,) = [p["_id"] for p in local_hub.list_projects()]
    live = local_hub.get_project(project)["categorySchema"]
    live["tools"] = [tool for tool in live["tools"] if tool["title"] != "Pole"]  # deleted in the web UI
    local_hub.create_label_set(project, live)
    path.write_text(path.read_text() + "  - polygon: Lamp\n")  # added since, not applied
    capsys.readouterr()
    assert main(["pull", project, "--hub", hub, "--into", str(path), "--backup-dir", backups]) == 0
    assert path.read_text() == "project: {name: Streets}\ntools:\n  - bounding-box: Car\n  - polygon: Lamp\n"
    err = capsys.readouterr().err
    assert "removed tool Pole: deleted in the web UI (in commit " in err and "(the last apply))" in err
