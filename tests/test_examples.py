"""The example ontologies: each loads cleanly and gives a stable, valid, round-tripping categorySchema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # ships no stubs
import pytest

from ango_ontology import (
    Ontology,
    TreeOption,
    category_schema,
    from_category_schema,
    load,
    load_text,
    to_category_schema,
)
from ango_ontology.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples" / "ontologies"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*"))
YAML_EXAMPLES = [path for path in EXAMPLES if path.suffix in (".yaml", ".yml")]
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/ontology.schema.json"
SDK_EXAMPLES = (
    "sdk-single-dropdown.yaml",
    "sdk-dropdown-segmentation-relation.yaml",
    "sdk-nested-dropdown.yaml",
    "sdk-tree-dropdown.yaml",
    "sdk-conditional-rich-text.yaml",
    "sdk-conditional-tree.yaml",
)

examples = pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])


def walk_nodes(nodes: list[Any]) -> list[Any]:
    out = []
    for node in nodes:
        out.append(node)
        out.extend(walk_nodes(node.classifications))
    return out


def all_nodes(ontology: Ontology) -> list[Any]:
    return walk_nodes([*ontology.tools, *ontology.classifications, *ontology.relations])


# Known loader bug: a tree-dropdown in a pasted categorySchema carries the flattened tree as `options`
# (as Ango and `to_category_schema` write it); the loader rejects those options and reports every tree
# node's key as a duplicate id of its own flattened option, although docs/format.md says a raw
# categorySchema pasted as YAML loads as it is. Strict, so the fix turns this into a failure to remove.


def has_tree_dropdown(path: Path) -> bool:
    try:
        return any(node.type == "tree-dropdown" for node in all_nodes(load(path)))
    except Exception:  # a broken example fails its own tests, not the collection of this module
        return False


pasted_examples = pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)


def wire_of(path: Path) -> Any:
    """The example's categorySchema, typed loosely so tests can index into it."""
    return category_schema(load(path))


def serialise(ontology: Ontology) -> bytes:
    return json.dumps(category_schema(ontology)).encode("utf-8")


def tree_size(nodes: list[TreeOption]) -> int:
    return sum(1 + tree_size(node.children) for node in nodes)


def tree_depth(nodes: list[TreeOption]) -> int:
    return max((1 + tree_depth(node.children) for node in nodes), default=0)


@pytest.fixture(scope="module")
def category_schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((ROOT / "schemas" / "category-schema.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_the_examples_directory_holds_the_sdk_and_realistic_examples() -> None:
    names = {path.name for path in EXAMPLES}
    expected = set(SDK_EXAMPLES) | {
        "autonomous-driving.yaml",
        "autonomous-driving.py",
        "document-understanding.yaml",
        "retail-taxonomy.yaml",
    }
    assert expected <= names


@examples
def test_example_loads_without_problems(path: Path) -> None:
    ontology = load(path)
    assert ontology.tools or ontology.classifications or ontology.relations


@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=[path.name for path in YAML_EXAMPLES])
def test_yaml_example_points_editors_at_the_json_schema_on_its_first_line(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == SCHEMA_LINE


@examples
def test_serialising_an_example_twice_gives_identical_bytes(path: Path) -> None:
    assert serialise(load(path)) == serialise(load(path))


@examples
def test_example_category_schema_validates_against_the_json_schema(
    path: Path, category_schema_validator: jsonschema.protocols.Validator
) -> None:
    errors = [error.message for error in category_schema_validator.iter_errors(category_schema(load(path)))]
    assert errors == []


@examples
def test_parsing_an_example_category_schema_back_gives_the_same_category_schema(path: Path) -> None:
    wire = category_schema(load(path))
    parsed = from_category_schema(json.loads(json.dumps(wire)))
    assert json.dumps(to_category_schema(parsed)) == json.dumps(wire)
    assert json.dumps(category_schema(parsed)) == json.dumps(wire)


@pasted_examples
def test_pasting_an_example_category_schema_as_yaml_loads_it_as_it_is(path: Path) -> None:
    wire = category_schema(load(path))
    pasted = load_text(json.dumps(wire, indent=2), f"{path.name}.categorySchema.json")
    assert json.dumps(category_schema(pasted)) == json.dumps(wire)


@examples
def test_example_regexes_compile_in_python(path: Path) -> None:
    for node in all_nodes(load(path)):
        if getattr(node, "regex", None) is not None:
            re.compile(node.regex)


def test_python_and_yaml_driving_ontologies_give_identical_category_schemas() -> None:
    from_python = load(EXAMPLES_DIR / "autonomous-driving.py")
    from_yaml = load(EXAMPLES_DIR / "autonomous-driving.yaml")
    assert serialise(from_python) == serialise(from_yaml)
    assert from_python.project == from_yaml.project


def test_retail_tree_has_at_least_300_nodes_and_4_levels() -> None:
    ontology = load(EXAMPLES_DIR / "retail-taxonomy.yaml")
    trees = [node for node in all_nodes(ontology) if node.type == "tree-dropdown"]
    assert len(trees) == 1
    assert tree_size(trees[0].tree_options) >= 300
    assert tree_depth(trees[0].tree_options) >= 4


def test_retail_tree_is_flattened_into_one_option_per_node_by_path() -> None:
    ontology = load(EXAMPLES_DIR / "retail-taxonomy.yaml")
    wire: Any = category_schema(ontology)
    tree = next(node for node in wire["classifications"] if node["tool"] == "tree-dropdown")
    values = [option["value"] for option in tree["options"]]
    assert len(values) == tree_size(ontology.classifications[0].tree_options) == len(set(values))
    assert "Food / Fruit / Citrus / Orange / Navel" in values


def test_retail_product_code_is_a_table_column() -> None:
    ontology = load(EXAMPLES_DIR / "retail-taxonomy.yaml")
    columns = [node.title for node in all_nodes(ontology) if node.column_field]
    assert columns == ["Product code"]


def test_sdk_examples_keep_no_project() -> None:
    for name in SDK_EXAMPLES:
        ontology = load(EXAMPLES_DIR / name)
        assert ontology.targets() == [], name


@pytest.mark.parametrize(
    ("name", "option_id"),
    [
        ("sdk-conditional-rich-text.yaml", "radioOption1SchemaId"),
        ("sdk-conditional-tree.yaml", "radioOptionSchemaId"),
    ],
)
def test_sdk_conditional_examples_link_the_nested_classification_to_the_sdk_option_id(
    name: str, option_id: str
) -> None:
    radio = wire_of(EXAMPLES_DIR / name)["classifications"][0]
    assert radio["options"][0]["schemaId"] == option_id
    (nested,) = radio["classifications"]
    assert nested["parentOptionId"] == option_id


def test_sdk_rich_text_example_keeps_its_colour_and_rich_text_flag() -> None:
    radio = wire_of(EXAMPLES_DIR / "sdk-conditional-rich-text.yaml")["classifications"][0]
    (text,) = radio["classifications"]
    assert (text["tool"], text["color"], text["richText"]) == ("text", "#333333", True)


def test_sdk_nested_dropdown_is_shown_unconditionally() -> None:
    dropdown = wire_of(EXAMPLES_DIR / "sdk-nested-dropdown.yaml")["classifications"][0]
    assert dropdown["required"] is True
    (nested,) = dropdown["classifications"]
    assert (nested["title"], nested["parentOptionId"]) == ("Position", None)


def test_driving_conditional_attributes_point_at_their_revealing_options() -> None:
    vehicle = wire_of(EXAMPLES_DIR / "autonomous-driving.yaml")["tools"][0]
    kind = vehicle["classifications"][0]
    option_ids = {option["value"]: option["schemaId"] for option in kind["options"]}
    assert option_ids["Truck"] == "adas-vehicle-kind-truck"
    revealed_by = {child["title"]: child["parentOptionId"] for child in kind["classifications"]}
    assert revealed_by["Plate"] == option_ids["Car"]
    assert revealed_by["Axles"] == "adas-vehicle-kind-truck"


def test_driving_top_level_shortcuts_are_unique() -> None:
    ontology = load(EXAMPLES_DIR / "autonomous-driving.yaml")
    keys = [node.shortcut_key for node in (*ontology.tools, *ontology.classifications, *ontology.relations)]
    assert all(keys) and len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("title", "accepted", "rejected"),
    [
        ("IBAN", "DE89370400440532013000", "DE89 3704"),
        ("Invoice date", "2024-03-31", "2024-13-01"),
        ("Invoice number", "INV-2024001", "invoice #1"),
        ("Total amount", "1,234.50", "12.5.0"),
    ],
)
def test_document_regexes_accept_real_values_and_reject_malformed_ones(
    title: str, accepted: str, rejected: str
) -> None:
    ontology = load(EXAMPLES_DIR / "document-understanding.yaml")
    node = next(node for node in ontology.classifications if node.title == title)
    assert node.regex is not None
    assert re.fullmatch(node.regex, accepted)
    assert not re.fullmatch(node.regex, rejected)


def test_every_yaml_example_is_already_in_the_canonical_layout(capsys: pytest.CaptureFixture[str]) -> None:
    yaml_examples = [str(path) for path in EXAMPLES if path.suffix == ".yaml"]
    assert main(["fmt", "--check", *yaml_examples]) == 0, capsys.readouterr()


TEAM = ROOT / "examples" / "team" / "ontology"


def test_the_team_example_applies_then_plans_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"local:{tmp_path / 'hub.db'}"
    backups = str(tmp_path / "backups")
    assert main(["validate", str(TEAM)]) == 0
    assert main(["fmt", "--check", str(TEAM)]) == 0  # what the workflow's fmt step runs
    assert main(["apply", str(TEAM), "--hub", hub, "--auto-approve", "--backup-dir", backups]) == 0
    assert "Apply complete: 3 of 3 project(s) succeeded." in capsys.readouterr().out
    assert main(["plan", str(TEAM), "--hub", hub, "--detailed-exitcode"]) == 0
    for path in (TEAM / "vehicles.yaml", TEAM / "pedestrians.yaml"):
        assert path.read_text().splitlines()[0] == SCHEMA_LINE.replace("../../", "../../../")
        document = load_yaml_text(path.read_text())
        jsonschema.validate(document, json.loads((ROOT / "schemas" / "ontology.schema.json").read_text()))


def load_yaml_text(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)
