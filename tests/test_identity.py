"""Identity: explicit ids win, titles match live siblings, renamed_from bridges renames, the rest is derived."""

from __future__ import annotations

import pytest

from ango_ontology import Classification, Ontology, OntologyInvalid, Option, Tool, TreeOption
from ango_ontology.identity import breadcrumb, deterministic_color, deterministic_id, resolve, resolve_live
from ango_ontology.wire import from_category_schema, to_category_schema


def _live() -> Ontology:
    return from_category_schema({"tools": [
        {"tool": "bounding-box", "title": "Vehicle", "schemaId": "live-v", "color": "#111111",
         "classifications": [{"tool": "radio", "title": "Kind", "schemaId": "live-k",
                              "options": [{"value": "Car", "schemaId": "live-car"}]}]},
    ], "classifications": [{"tool": "tree-dropdown", "title": "T", "schemaId": "live-t",
                            "treeOptions": [{"title": "A", "key": "live-a", "value": "va", "children": []}]}]})


def test_deterministic_ids_and_colours_depend_only_on_the_path() -> None:
    assert deterministic_id(("tool", "A")) == deterministic_id(("tool", "A"))
    assert deterministic_id(("tool", "A")) != deterministic_id(("classification", "A"))
    assert len(deterministic_id(("tool", "A"))) == 32
    assert deterministic_color(("tool", "A")) == deterministic_color(("tool", "A"))
    assert deterministic_color(("tool", "A")).startswith("#") and len(deterministic_color(("tool", "A"))) == 7


def test_nodes_without_id_adopt_the_live_id_and_colour_by_title() -> None:
    desired = Ontology(tools=[Tool(type="bounding-box", title="Vehicle", classifications=[
        Classification(type="radio", title="Kind", options=["Car", "Bus"])])])
    tool = resolve(desired, _live()).tools[0]
    assert (tool.id, tool.color) == ("live-v", "#111111")
    kind = tool.classifications[0]
    assert kind.id == "live-k"
    assert kind.options[0].id == "live-car"
    assert kind.options[1].id == deterministic_id(("tool", "Vehicle", "classification", "Kind", "option", "Bus"))


def test_explicit_id_is_never_replaced_and_is_not_claimed_by_title() -> None:
    desired = Ontology(tools=[Tool(type="bounding-box", title="Vehicle", id="mine"),
                              Tool(type="polygon", title="Other", id="live-v")])
    tools = resolve(desired, _live()).tools
    assert [t.id for t in tools] == ["mine", "live-v"]


def test_renamed_from_adopts_the_old_node() -> None:
    desired = Ontology(tools=[Tool(type="bounding-box", title="Car or truck", renamed_from="Vehicle")])
    assert resolve(desired, _live()).tools[0].id == "live-v"


def test_renamed_from_that_matches_nothing_is_an_error() -> None:
    desired = Ontology(tools=[Tool(type="bounding-box", title="X", renamed_from="Nope")])
    with pytest.raises(OntologyInvalid, match="renamed_from: 'Nope' matches nothing"):
        resolve(desired, _live())


def test_tree_nodes_match_by_title_and_keep_their_live_value() -> None:
    desired = Ontology(classifications=[Classification(type="tree-dropdown", title="T",
                                                       tree_options=[TreeOption(title="A"), "B"])])
    tree = resolve(desired, _live()).classifications[0].tree_options
    assert (tree[0].id, tree[0].value) == ("live-a", "va")
    assert tree[1].id == deterministic_id(("classification", "T", "tree", "B"))


def test_when_resolves_to_the_parent_option_id_and_back() -> None:
    desired = Ontology(classifications=[Classification(type="radio", title="Q", options=[
        Option(value="a", id="opt-a")], classifications=[Classification(type="text", title="T", when="a")])])
    child = resolve(desired).classifications[0].classifications[0]
    assert child.parent_option_id == "opt-a"
    by_id = Ontology(classifications=[Classification(type="radio", title="Q", options=[
        Option(value="a", id="opt-a")], classifications=[
        Classification(type="text", title="T", parent_option_id="opt-a")])])
    assert resolve(by_id).classifications[0].classifications[0].when == "a"


def test_live_nodes_without_ids_get_deterministic_ones() -> None:
    live = from_category_schema({"tools": [{"tool": "point", "title": "P"}]})
    assert resolve_live(live).tools[0].id == deterministic_id(("tool", "P"))
    assert resolve_live(live).tools[0].color is None


def test_breadcrumb_reads_like_the_ui() -> None:
    assert breadcrumb(("tool", "Vehicle", "classification", "Kind", "option", "Car")) == \
        "tools[Vehicle] > classifications[Kind] > options[Car]"


def test_new_node_taking_a_renamed_nodes_old_title_gets_a_fresh_id() -> None:
    first = resolve(Ontology(classifications=[Classification(type="radio", title="Q", options=["Car", "Truck"])]))
    car_id = first.classifications[0].options[0].id
    live = from_category_schema(to_category_schema(first))
    for renamed in (Option(value="Auto", id=car_id), Option(value="Auto", renamed_from="Car")):
        desired = Ontology(classifications=[Classification(type="radio", title="Q",
                                                           options=[renamed, "Truck", "Car"])])
        options = resolve(desired, live).classifications[0].options
        ids = [o.id for o in options]
        assert ids[0] == car_id and len(set(ids)) == 3
        applied = from_category_schema(to_category_schema(resolve(desired, live)))
        assert [o.id for o in resolve(desired.model_copy(), applied).classifications[0].options][2] == ids[2]


RENAMED_FILE = """\
project: p1
classifications:
  - radio: Kind
    id: kind
    options:
      - {value: Automobile, OPTION}
      - {value: Truck, id: truck}
    classifications:
      - text: Plate
        id: plate
        when: Car
"""


def _kind_live() -> dict[str, object]:
    from ango_ontology.loader import load_text

    text = RENAMED_FILE.replace("Automobile, OPTION", "Car, id: car")
    return to_category_schema(resolve(load_text(text)))


@pytest.mark.parametrize("option", ["id: car", "renamed_from: Car"])
def test_when_follows_an_option_renamed_with_its_id_or_renamed_from_so_a_rename_is_one_edit(option: str) -> None:
    from ango_ontology.diff import make_plan
    from ango_ontology.loader import load_text

    desired = load_text(RENAMED_FILE.replace("OPTION", option))
    plan = make_plan(desired, _kind_live())
    assert [(c.action, c.path, c.before, c.after) for c in plan.changes] == [
        ("rename", ("Kind", "Automobile"), {"value": "Car"}, {"value": "Automobile"})]
    plate = resolve(desired, from_category_schema(_kind_live())).classifications[0].classifications[0]
    assert (plate.when, plate.parent_option_id) == ("Automobile", "car")


def test_when_naming_an_old_value_the_live_project_does_not_have_is_an_error_at_plan() -> None:
    from ango_ontology.diff import make_plan
    from ango_ontology.loader import load_text

    desired = load_text(RENAMED_FILE.replace("OPTION", "id: car").replace("when: Car", "when: Cab"))
    with pytest.raises(OntologyInvalid, match="names no option of the parent radio 'Kind', nor the old value"):
        make_plan(desired, _kind_live())
    with pytest.raises(OntologyInvalid, match="renamed_from: Cab"):
        make_plan(desired, None)
