"""description: and examples: are file-only: loaded, validated and laid out, never sent to Ango, never a change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ango_ontology import OntologyInvalid, category_schema, load, load_text
from ango_ontology.diff import make_plan
from ango_ontology.fmt import format_text
from ango_ontology.hub.local import LocalHub
from ango_ontology.merge import merge_into

DOCUMENTED = """\
tools:
  - bounding-box: Vehicle
    description: Any motor vehicle on the road, parked or moving.
    examples:
      - https://example.org/guide/vehicle-1.jpg
      - images/vehicle-2.png
    classifications:
      - radio: Kind
        options:
          - value: Car
            description: Four wheels, up to nine seats.
            examples: ["images/car.png"]
          - Truck
classifications:
  - tree-dropdown: Product
    tree:
      - title: Food
        description: Anything edible.
        children: [Apple]
"""


def test_descriptions_and_examples_load_on_nodes_options_and_tree_nodes() -> None:
    ontology = load_text(DOCUMENTED)
    vehicle = ontology.tools[0]
    assert vehicle.description == "Any motor vehicle on the road, parked or moving."
    assert vehicle.examples == ["https://example.org/guide/vehicle-1.jpg", "images/vehicle-2.png"]
    car = vehicle.classifications[0].options[0]
    assert (car.description, car.examples) == ("Four wheels, up to nine seats.", ["images/car.png"])
    assert ontology.classifications[0].tree_options[0].description == "Anything edible."


def test_descriptions_and_examples_never_reach_the_category_schema() -> None:
    wire = json.dumps(category_schema(load_text(DOCUMENTED)))
    assert "description" not in wire and "examples" not in wire
    assert "Any motor vehicle" not in wire and "vehicle-1.jpg" not in wire


def test_adding_descriptions_to_an_applied_label_set_plans_no_changes(tmp_path: Path) -> None:
    bare = DOCUMENTED
    for line in ("    description: Any motor vehicle on the road, parked or moving.\n",
                 "            description: Four wheels, up to nine seats.\n"):
        bare = bare.replace(line, "")
    hub = LocalHub(tmp_path / "hub.db")
    project = hub.create_project("Guide", "")
    hub.create_label_set(project["_id"], category_schema(load_text(bare)))
    live = hub.get_project(project["_id"])["categorySchema"]
    hub.close()
    assert make_plan(load_text(DOCUMENTED), live).is_empty


def test_fmt_puts_description_and_examples_after_the_identity_and_before_the_attributes() -> None:
    messy = """\
tools:
  - examples: [a.png]
    required: true
    description: A car
    bounding-box: Car
    id: car
    options: []
"""
    assert format_text(messy) == """\
tools:
  - bounding-box: Car
    id: car
    description: A car
    examples: [a.png]
    required: true
    options: []
"""


def test_pull_into_keeps_the_descriptions_of_the_file() -> None:
    schema = category_schema(load_text(DOCUMENTED))
    assert merge_into(DOCUMENTED, schema) == DOCUMENTED


@pytest.mark.parametrize("link, message", [
    ("javascript:alert(1)", "only http(s) links and relative paths are allowed, not javascript:"),
    ("data:text/html,<b>", "only http(s) links and relative paths are allowed, not data:"),
    ("images/a b.png", "holds spaces or control characters"),
    ("", "the example link is empty"),
])
def test_an_example_link_a_page_could_run_is_refused_where_it_is_written(link: str, message: str) -> None:
    text = f"tools:\n  - point: Pole\n    examples:\n      - {json.dumps(link)}\n"
    with pytest.raises(OntologyInvalid) as caught:
        load_text(text, "labels.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (4, 9)
    assert message in problem.message and problem.breadcrumb == "tools[Pole]"


def test_examples_must_be_a_list_of_links() -> None:
    with pytest.raises(OntologyInvalid, match="expected a list, not a text"):
        load_text("tools:\n  - point: Pole\n    examples: images/pole.png\n")


def test_a_python_definition_takes_descriptions_too(tmp_path: Path) -> None:
    path = tmp_path / "labels.py"
    path.write_text("from ango_ontology import Ontology, Tool\n"
                    "ontology = Ontology(tools=[Tool(type='point', title='Pole', description='Street poles',"
                    " examples=['poles/1.jpg'])])\n", encoding="utf-8")
    tool = load(path).tools[0]
    assert (tool.description, tool.examples) == ("Street poles", ["poles/1.jpg"])


def test_pull_into_a_tree_changed_in_the_web_ui_keeps_what_the_file_said_of_its_nodes() -> None:
    text = """\
classifications:
  - tree-dropdown: Product
    id: product
    tree:
      - title: Food
        id: food
        description: Anything edible.
        examples: [food.png]
        protect: true
        children: [{title: Apple, id: apple}]
"""
    live = category_schema(load_text(text.replace("[{title: Apple, id: apple}]",
                                                  "[{title: Apple, id: apple}, {title: Pear, id: pear}]")))
    merged = merge_into(text, live)
    assert "Pear" in merged
    food = load_text(merged).classifications[0].tree_options[0]
    assert (food.description, food.examples, food.protect) == ("Anything edible.", ["food.png"], True)
