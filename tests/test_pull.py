"""pull: live label sets of every origin written as YAML that plans clean against the project it came from."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import adopted_corpus
import pytest

from ango_ontology.api import load_text_with_warnings, pull
from ango_ontology.cli import main
from ango_ontology.diff import make_plan
from ango_ontology.errors import InputError
from ango_ontology.fmt import format_text
from ango_ontology.hub import Hub
from ango_ontology.hub.local import LocalHub
from ango_ontology.live import Live
from ango_ontology.loader import load_text
from ango_ontology.pull import pull_yaml, scalar
from ango_ontology.wire import from_category_schema

EXAMPLES = Path(__file__).parents[1] / "examples" / "ontologies"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
AWKWARD = ["yes", "No", "1", "0123", "1e3", "1.5", "null", "~", "true", "#x", "a: b", "- dash", "[x]", "{y}",
           "@at", "`tick", "'q'", '"dq"', "x #y", "trailing ", " leading", "0x1F", "ünïcode", "tab\there",
           "line\nbreak", "back\\slash", "%pct", "&amp", "*star", "!bang", "a, b", "?", ":", "-", "= eq", "<<"]


def _pulled(schema: dict[str, Any]) -> str:
    return pull_yaml({"_id": "p1", "categorySchema": schema}, project_id="p1", hub_name="local", now=NOW)


def assert_pulls_clean(schema: dict[str, Any]) -> str:
    text = _pulled(schema)
    plan = make_plan(load_text(text, "pulled.yaml"), schema)
    assert plan.is_empty, (text, [(c.action, c.path, c.before, c.after) for c in plan.changes])
    return text


def _radio(ids: list[Any]) -> dict[str, Any]:
    """A tool with a radio (three options) and a text shown for the first option, ids from `ids`."""
    return {"tools": [{"tool": "bounding-box", "title": "Vehicle", "schemaId": ids[0], "color": "#1F77B4",
                       "shortcutKey": "1", "required": True, "classifications": [
                           {"tool": "radio", "title": "Kind", "schemaId": ids[1], "options": [
                               {"value": "Car", "schemaId": ids[2]}, {"value": "Truck", "schemaId": ids[3]},
                               {"value": "Bus", "schemaId": ids[4]}],
                            "classifications": [{"tool": "text", "title": "Plate", "schemaId": ids[5],
                                                 "parentOptionId": ids[2], "regex": "^[A-Z0-9-]+\\d$"}]}]}],
            "classifications": [], "relations": [{"tool": "one-to-one", "title": "Tows", "schemaId": ids[6]}]}


ID_STYLES = {
    "uuid-32-hex": [f"{n:032x}" for n in range(1, 8)],
    "ui-23-hex": [f"6{n:022x}" for n in range(1, 8)],
    "timestamp-text": [str(1700000000000 + n) for n in range(7)],
    "timestamp-number": [1700000000000 + n for n in range(7)],
    "free-text": ["Vehicle tool", "kind: radio", "car", "yes", "#truck", "0042", "tows relation"],
}


@pytest.mark.parametrize("style", sorted(ID_STYLES))
def test_pull_then_plan_is_clean_for_each_id_style(style: str) -> None:
    text = assert_pulls_clean(_radio(ID_STYLES[style]))
    assert "when: Car" in text


def test_pull_then_plan_is_clean_for_nodes_lacking_keys_or_carrying_nulls() -> None:
    schema: dict[str, Any] = {"tools": [
        {"tool": "polygon", "title": "Road", "schemaId": None, "color": None, "shortcutKey": None,
         "required": None, "classifications": None, "options": None},
        {"tool": "point", "title": "Pole"},
        {"tool": "ner", "title": "Entity", "classifications": [
            {"tool": "checkbox", "title": "Flags", "options": [{"value": "A"}, {"value": "B", "schemaId": None}],
             "regex": None, "parentOptionId": None, "frameSpecific": None, "defaultValue": None}]}],
        "classifications": None}
    text = assert_pulls_clean(schema)
    assert "id:" in text.split("- polygon: Road")[1].splitlines()[1]


def test_pull_then_plan_is_clean_for_a_tree_dropdown_made_by_the_official_sdk() -> None:
    tree = [{"title": "tree0", "schemaId": "t0", "value": "8f3a9c1d", "children": [
                {"title": "subtree0", "schemaId": "t00", "value": "0a1b2c3d", "children": []},
                {"title": "subtree1", "schemaId": "t01", "value": "4e5f6a7b", "children": []}]},
            {"title": "tree1", "schemaId": "t1", "value": "9c8d7e6f", "children": []}]
    options = [{"value": "tree0", "schemaId": "t0"}, {"value": "tree0 / subtree0", "schemaId": "t00"},
               {"value": "tree0 / subtree1", "schemaId": "t01"}, {"value": "tree1", "schemaId": "t1"}]
    schema = {"classifications": [{"tool": "tree-dropdown", "title": "Tree One", "schemaId": "tree-one",
                                   "treeOptions": tree, "options": options, "classifications": [
                                       {"tool": "text", "title": "Why", "schemaId": "why",
                                        "parentOptionId": "t00"}]}]}
    text = assert_pulls_clean(schema)
    assert 'value: "0a1b2c3d"' in text and "when: tree0 / subtree0" in text


def test_pull_keeps_a_tree_value_only_when_it_differs_from_the_key() -> None:
    schema = {"classifications": [{"tool": "tree-dropdown", "title": "T", "schemaId": "t", "treeOptions": [
        {"title": "A", "key": "a", "value": "a", "children": []},
        {"title": "B", "key": "b", "value": "vb", "children": []}, {"title": "C"}]}]}
    text = assert_pulls_clean(schema)
    assert "{title: A, id: a}" in text and "{title: B, id: b, value: vb}" in text


def test_pull_writes_unknown_live_keys_under_extra_and_plans_clean() -> None:
    schema = {"tools": [{"tool": "brush", "title": "Paint", "schemaId": "paint", "ocrEnabled": True,
                         "meta": {"a": [1, None, "x: y"], "b": {}}, "nothing": None}],
              "classifications": [{"tool": "single-dropdown", "title": "Pick", "schemaId": "pick", "options": [
                  {"value": "One", "schemaId": "one", "hint": "first"}], "somethingNew": [1, 2]}]}
    text = assert_pulls_clean(schema)
    assert "extra: {ocrEnabled: true" in text


def test_pull_writes_every_attribute_that_differs_from_its_default() -> None:
    schema = {"classifications": [
        {"tool": "instance", "title": "Who", "schemaId": "who", "columnField": True, "shortcutKey": "ctrl+1"},
        {"tool": "text", "title": "Note", "schemaId": "note", "richText": True, "frameSpecific": True,
         "showDropdown": True, "multiple": True, "exportName": "note_x", "displayName": "Note!",
         "abbreviatedName": "N", "attributeType": "string", "defaultValue": "none"}]}
    text = assert_pulls_clean(schema)
    for line in ("column_field: true", 'shortcut: "ctrl+1"', "rich_text: true", "frame_specific: true",
                 "show_dropdown: true", "multiple: true", "export_name: note_x", 'display_name: "Note!"',
                 'abbreviated_name: "N"', "attribute_type: string", "default_value: none"):
        assert line in text


def test_pull_writes_lists_and_objects_as_json_never_as_pythons_spelling() -> None:
    schema = {"classifications": [
        {"tool": "text", "title": "Note", "schemaId": "note", "defaultValue": {"a": [1, None], "b": True},
         "displayName": ["x"], "abbreviatedName": True},
        {"tool": "radio", "title": "R", "schemaId": "r", "options": [{"value": True, "schemaId": "o1"}]}]}
    text = assert_pulls_clean(schema)
    for line in ("default_value: {a: [1, null], b: true}", 'display_name: "[\\"x\\"]"', 'abbreviated_name: "true"',
                 '{value: "true", id: o1}'):
        assert line in text
    assert "None" not in text and "True" not in text
    note = load_text(text, "pulled.yaml").classifications[0]
    assert (note.default_value, note.display_name) == ({"a": [1, None], "b": True}, '["x"]')


def test_pull_writes_parent_option_id_when_no_parent_option_has_it() -> None:
    schema = {"classifications": [{"tool": "radio", "title": "R", "schemaId": "r", "options": [
        {"value": "Same", "schemaId": "s1"}, {"value": "Same", "schemaId": "s2"}],
        "classifications": [{"tool": "text", "title": "T", "schemaId": "t", "parentOptionId": "s2"}]}]}
    assert "parent_option_id: s2" in _pulled(schema)


@pytest.mark.parametrize("title", AWKWARD)
def test_pull_quotes_text_that_yaml_would_read_as_something_else(title: str) -> None:
    # An id with spaces around it or a control character is refused as written by a person (the strict
    # reader), so those titles get plain ids here.
    node_id = title if title == title.strip() and title.isprintable() else "awkward"
    schema = {"classifications": [{"tool": "radio", "title": title, "schemaId": node_id, "options": [
        {"value": title, "schemaId": node_id + "-o"}]}]}
    loaded = load_text_with_warnings(_pulled(schema))
    node = loaded.ontology.classifications[0]
    assert (node.title, node.id, node.options[0].value, node.options[0].id) == (title, node_id, title, node_id + "-o")
    hidden = [problem.message for problem in loaded.warnings]
    assert all("contains U+" in message for message in hidden)
    assert bool(hidden) == (not title.isprintable())


def test_pulled_files_are_already_in_the_canonical_layout() -> None:
    for schema in (_radio(ID_STYLES["free-text"]), _radio(ID_STYLES["timestamp-number"])):
        text = _pulled(schema)
        assert format_text(text) == text


def test_scalar_is_plain_only_when_safe() -> None:
    assert scalar("Vehicle kind") == "Vehicle kind"
    assert scalar("yes") == '"yes"'
    assert scalar(True) == "true" and scalar(3) == "3" and scalar(None) == "null"
    assert scalar({"a": [1, None, "yes"]}) == '{a: [1, null, "yes"]}' and scalar([]) == "[]"


def test_pull_header_names_the_project_hub_and_time_and_the_rest_is_deterministic() -> None:
    schema = _radio(ID_STYLES["uuid-32-hex"])
    text = _pulled(schema)
    lines = text.splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema=")
    assert lines[1] == "# Pulled from project p1 on local at 2026-01-02 03:04:05 UTC by ango-ontology"
    assert lines[2] == "project: p1"
    later = pull_yaml({"categorySchema": schema}, project_id="p1", hub_name="local")
    assert later.splitlines()[2:] == lines[2:]


def test_pull_of_an_empty_project_plans_clean() -> None:
    for schema in ({}, {"tools": [], "classifications": [], "relations": []}):
        assert_pulls_clean(schema)
    assert load_text(pull_yaml(None, project_id="p", hub_name="h")).tools == []


# --- the command line ---------------------------------------------------------------------------------------

def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".py"))


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_every_example_applied_then_pulled_plans_clean(example: str, tmp_path: Path, local_hub: LocalHub,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{local_hub.path}"
    project = local_hub.create_project("Pulled")["_id"]
    backups = str(tmp_path / "backups")
    code, out, err = _run(capsys, "apply", str(EXAMPLES / example), "--project", project, "--hub", hub,
                          "--auto-approve", "--backup-dir", backups)
    assert code == 0, out + err
    pulled = tmp_path / "pulled.yaml"
    code, _, err = _run(capsys, "pull", project, "--hub", hub, "-o", str(pulled))
    assert code == 0, err
    code, out, err = _run(capsys, "plan", str(pulled), "--hub", hub, "--detailed-exitcode")
    assert code == 0, out + err + pulled.read_text()
    assert "No changes" in out or "no changes" in out.lower()


def test_pull_to_stdout_and_a_hand_made_live_schema_through_the_hub(tmp_path: Path, local_hub: LocalHub,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{local_hub.path}"
    project = local_hub.create_project("Hand made")["_id"]
    local_hub.create_label_set(project, _radio(ID_STYLES["ui-23-hex"]))
    code, out, _ = _run(capsys, "pull", project, "--hub", hub)
    assert code == 0 and f"project: {scalar(project)}" in out
    path = tmp_path / "pulled.yaml"
    path.write_text(out)
    assert _run(capsys, "plan", str(path), "--hub", hub, "--detailed-exitcode")[0] == 0
    assert from_category_schema(local_hub.get_project(project)["categorySchema"]).counts()["options"] == 3


def test_pull_of_a_missing_project_exits_1(local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "pull", "0000000000000000000000ff", "--hub", f"local:{local_hub.path}")
    assert code == 1 and out == "" and "Error" in err


def test_pull_warns_when_the_live_label_set_breaks_a_rule(tmp_path: Path, local_hub: LocalHub,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("UI", "")["_id"]
    local_hub.create_label_set(project, {"classifications": [
        {"tool": "radio", "title": "Kind", "schemaId": "k", "options": []}]})
    out = tmp_path / "ui.yaml"
    assert main(["pull", project, "--hub", f"local:{local_hub.path}", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "breaks 1 rule(s) this toolkit applies to new nodes" in err
    assert "warning: classifications[Kind]: a radio needs at least one option" in err
    assert out.exists()


def test_pull_says_which_rules_must_be_fixed_before_plan(tmp_path: Path, local_hub: LocalHub,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project = local_hub.create_project("UI", "")["_id"]
    local_hub.create_label_set(project, {"classifications": [
        {"tool": "radio", "title": "Kind", "schemaId": "kind ", "options": []},
        {"tool": "text", "title": "Note", "schemaId": "twice"},
        {"tool": "text", "title": "Memo", "schemaId": "twice"}]})
    out = tmp_path / "ui.yaml"
    assert main(["pull", project, "--hub", f"local:{local_hub.path}", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "breaks 1 rule(s) this toolkit enforces; fix them" in err and "duplicate id 'twice'" in err
    assert "breaks 2 rule(s) this toolkit applies to new nodes" in err and "needs at least one option" in err
    assert "has spaces around it" in err


# --- adopted label sets (tests/data/adopted/) ---------------------------------------------------------------

def _adopt(hub: Hub, store: LocalHub, name: str) -> str:
    """A project holding one adopted case, stored through `hub` (the local hub, or the emulator over HTTP)."""
    project = store.create_project(f"Adopted {name}")["_id"]
    hub.create_label_set(project, adopted_corpus.case(name))
    return project


@pytest.mark.parametrize("name", adopted_corpus.CASES)
def test_adopted_label_set_pulls_and_plans_clean_before_any_rule_is_checked(
        name: str, any_hub: tuple[str, Hub], local_hub: LocalHub) -> None:
    _, hub = any_hub
    project = _adopt(hub, local_hub, name)
    text = pull(hub, project)
    live = Live.read(hub.get_project(project)["categorySchema"])
    plan = make_plan(adopted_corpus.read_without_rules(text), live)
    assert plan.is_empty, [(c.describe(), c.before, c.after) for c in plan.changes]
    assert plan.desired_fingerprint == plan.live_fingerprint  # what apply would send is what the hub holds


@pytest.mark.parametrize("name", adopted_corpus.CASES)
def test_adopted_label_set_pulls_and_plans_clean(name: str, any_hub: tuple[str, Hub], local_hub: LocalHub,
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, hub = any_hub
    project = _adopt(hub, local_hub, name)
    pulled = tmp_path / "pulled.yaml"
    assert _run(capsys, "pull", project, "--hub", spec, "-o", str(pulled))[0] == 0
    code, out, err = _run(capsys, "plan", str(pulled), "--hub", spec, "--detailed-exitcode")
    assert (code, out.strip().splitlines()[-1:]) == (0, ["No changes."]), out + err


def test_pull_warns_of_each_node_of_a_type_it_does_not_know_and_keeps_it(local_hub: LocalHub, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    project = _adopt(local_hub, local_hub, "unknown_classification_type")
    pulled = tmp_path / "u.yaml"
    code, _, err = _run(capsys, "pull", project, "--hub", f"local:{local_hub.path}", "-o", str(pulled))
    assert code == 0
    for kind, name in (("classification", "likert"), ("classification", "geo-location"),
                       ("relation", "many-to-many")):
        assert f"unknown {kind} type '{name}'" in err
    assert "they are kept as they are, and `plan` accepts them" in err
    text = pulled.read_text()
    assert "- likert: Visibility" in text
    # under a type it does not know, a condition is written as the hub holds it, not as a `when:`
    assert 'parent_option_id: "6501a9e4c3d2b1a0f0e1d203"' in text and "when:" not in text


def test_a_live_title_holding_half_a_surrogate_pair_is_refused_and_nothing_written(
        tmp_path: Path, local_hub: LocalHub, capsys: pytest.CaptureFixture[str]) -> None:
    # Ango stores what its JSON API takes (`"\ud800"`); no YAML file can hold it, escaped or not.
    project = local_hub.create_project("Halves")["_id"]
    local_hub.create_label_set(project, {"tools": [
        {"tool": "bounding-box", "title": "Car\ud800", "schemaId": "car", "color": "#112233"}]})
    out = tmp_path / "pulled.yaml"
    code, stdout, err = _run(capsys, "pull", project, "--hub", f"local:{local_hub.path}", "-o", str(out))
    assert code == 1 and not out.exists() and stdout == ""
    assert "'Car\\ud800' holds U+D800 (half of a surrogate pair), which no YAML file can hold" in err
    with pytest.raises(InputError, match="half of a surrogate pair"):
        scalar("\udc00 alone")
