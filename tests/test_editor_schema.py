"""The editor schema is generated from the models, committed up to date, and accepts what the loader accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from ango_ontology.editor_schema import ontology_json_schema, render

ROOT = Path(__file__).parents[1]
COMMITTED = ROOT / "schemas" / "ontology.schema.json"
EXAMPLES = sorted((ROOT / "examples" / "ontologies").glob("*.yaml"))


def test_committed_schema_is_up_to_date() -> None:
    assert COMMITTED.read_text() == render(), (
        "schemas/ontology.schema.json is stale: run "
        "`python -m ango_ontology.editor_schema > schemas/ontology.schema.json`")


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(ontology_json_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_against_the_editor_schema(path: Path) -> None:
    document = YAML(typ="safe").load(path.read_text())
    jsonschema.validate(document, json.loads(COMMITTED.read_text()))


def test_every_example_names_the_schema_on_its_first_line() -> None:
    for path in EXAMPLES:
        first = path.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schemas/ontology.schema.json", path.name


def test_schema_rejects_a_typo_the_loader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(ontology_json_schema())
    errors = list(validator.iter_errors({"tools": [{"bounding-box": "V", "colour": "#FFFFFF"}]}))
    assert errors
    assert not list(validator.iter_errors({"tools": [{"bounding-box": "V", "color": "#FFFFFF"}],
                                           "classifications": [{"tree-dropdown": "T",
                                                                "tree": ["a", {"b": ["c"]}]}]}))
