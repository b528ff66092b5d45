"""import --from ango-sdk: a Python file building the SDK's categories (run, nothing sent), or a categorySchema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from import_checks import import_and_apply

from ango_ontology import api, category_schema, load
from ango_ontology.errors import InputError

DEFINITION = Path(__file__).parent / "data" / "imports" / "ango-sdk-conditional.py"
EXAMPLES = Path(__file__).parents[1] / "examples" / "ontologies"


@pytest.fixture(scope="module")
def imported() -> api.Imported:
    return api.import_config("ango-sdk", DEFINITION)


def test_the_label_set_passed_to_create_label_set_is_imported_not_sent(imported: api.Imported) -> None:
    ontology = imported.ontology
    assert [(t.title, t.type) for t in ontology.tools] == [("Vehicle", "bounding-box"), ("Road", "segmentation")]
    assert [(c.title, c.type) for c in ontology.classifications] == [("Scene", "tree-dropdown"),
                                                                     ("Weather", "single-dropdown")]
    assert [r.title for r in ontology.relations] == ["Follows"]
    assert imported.warnings == []


def test_conditions_become_when_and_only_the_ids_the_file_gave_are_kept(imported: api.Imported) -> None:
    kind = imported.ontology.tools[0].classifications[0]
    assert [(o.value, o.id) for o in kind.options] == [("Car", "kind-car"), ("Truck", None)]
    assert [(c.title, c.when, c.parent_option_id) for c in kind.classifications] == [
        ("Plate", "Car", None), ("Car state", "Car", None)]
    assert not re.search(r"\b[0-9a-f]{32}\b", imported.text), "an id the SDK made up at random was kept"


def test_colours_the_sdk_made_up_are_left_out_and_given_ones_kept(imported: api.Imported) -> None:
    colors = {item.title: item.color for item in imported.ontology.walk() if hasattr(item, "color")}
    assert colors["Vehicle"] == "#1F77B4"
    assert colors["Road"] is None and colors["Kind"] is None


def test_the_import_round_trips_through_fmt_and_plans_clean_once_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_and_apply("ango-sdk", DEFINITION, tmp_path, capsys)


def test_module_level_lists_are_read_when_nothing_is_pushed(tmp_path: Path) -> None:
    definition = tmp_path / "labels.py"
    definition.write_text(
        "from imerit_ango.models.label_category import ClassificationCategory, Classification, LabelOption\n"
        "classifications = [ClassificationCategory(Classification.Radio, title='Weather',"
        " options=[LabelOption('Sun'), LabelOption('Sun')])]\n", encoding="utf-8")
    imported = api.import_config("ango-sdk", definition)
    assert [o.value for o in imported.ontology.classifications[0].options] == ["Sun"]
    assert [w.message for w in imported.warnings] == ["the answer 'Sun' is listed twice: kept once"]


def test_a_file_that_asks_the_hub_for_anything_is_refused(tmp_path: Path) -> None:
    definition = tmp_path / "labels.py"
    definition.write_text("from ango.sdk import SDK\nSDK('key').get_project('p')\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"asks Ango Hub for GET /v2/project/p while it runs"):
        api.import_config("ango-sdk", definition)


def test_an_error_in_the_file_is_reported_with_its_line(tmp_path: Path) -> None:
    definition = tmp_path / "labels.py"
    definition.write_text("x = 1\nraise ValueError('broken')\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"labels\.py:2: running the file raised ValueError: broken"):
        api.import_config("ango-sdk", definition)


def test_a_file_without_a_label_set_is_refused(tmp_path: Path) -> None:
    definition = tmp_path / "labels.py"
    definition.write_text("tools = []\n", encoding="utf-8")
    with pytest.raises(InputError, match="found no label set"):
        api.import_config("ango-sdk", definition)


@pytest.mark.parametrize("name", ["sdk-conditional-tree.yaml", "autonomous-driving.yaml", "retail-taxonomy.yaml"])
def test_a_category_schema_imports_as_the_same_label_set_without_its_ids(name: str, tmp_path: Path) -> None:
    source = load(EXAMPLES / name)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"categorySchema": category_schema(source)}), encoding="utf-8")
    imported = api.import_config("ango-sdk", schema)
    assert "id:" not in imported.text
    assert [w.breadcrumb for w in imported.warnings] == [""]
    assert "schemaIds" in imported.warnings[0].message
    source.project, source.projects, source.batches = None, [], []
    for item in source.walk():
        item.id = None
    assert category_schema(imported.ontology) == category_schema(source)


def test_a_category_schema_round_trips_and_plans_clean_once_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(category_schema(load(EXAMPLES / "document-understanding.yaml"))), encoding="utf-8")
    import_and_apply("ango-sdk", schema, tmp_path, capsys)


BROKEN_RULES = {
    "tools": [
        {"tool": "bounding-box", "title": "Car", "color": "blue", "shortcutKey": "z", "options": [{"value": "x"}]},
        {"tool": "bounding-box", "title": "Car", "shortcutKey": "1"},
        {"tool": "polygon", "title": "", "shortcutKey": "1"},
    ],
    "classifications": [
        {"tool": "radio", "title": "Empty", "options": [], "regex": "^x$", "columnField": True},
        {"tool": "tree-dropdown", "title": "Tree", "treeOptions": [
            {"title": "A / B", "key": "k1", "children": []}, {"title": "A / B", "key": "k2", "children": []}]},
        {"tool": "tree-dropdown", "title": "Bare", "treeOptions": []},
    ],
}


def test_what_a_category_schema_allows_and_the_file_format_does_not_is_fixed_and_reported(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(BROKEN_RULES), encoding="utf-8")
    imported = api.import_config("ango-sdk", schema)
    tools = imported.ontology.tools
    assert [(t.title, t.color, t.shortcut_key, len(t.options)) for t in tools] == [
        ("Car", "#0000FF", "", 0), ("Car (2)", None, "1", 0), ("Untitled", None, "", 0)]
    empty, tree, bare = imported.ontology.classifications
    assert (empty.type, empty.regex, empty.column_field) == ("text", "^x$", False)
    assert [item.title for item in tree.tree_options] == ["A ∕ B", "A ∕ B (2)"]
    assert bare.type == "text"
    messages = " | ".join(w.message for w in imported.warnings)
    for part in ("takes no options", "shortcut key 'z'", "used twice among its siblings", "no title",
                 "without options: imported as free text", "only instance questions can be table columns",
                 "holds ' / '", "tree dropdown without a tree"):
        assert part in messages
