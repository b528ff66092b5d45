"""Identity: explicit ids win, titles match live siblings, renamed_from bridges renames, the rest is derived."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ango_ontology import Classification, Ontology, OntologyInvalid, Option, Problem, Tool, TreeOption
from ango_ontology.diff import make_plan
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


def test_renamed_from_that_matches_nothing_is_ignored_with_a_note() -> None:
    desired = Ontology(tools=[Tool(type="bounding-box", title="X", renamed_from="Nope")])
    notes: list[Problem] = []
    resolved = resolve(desired, _live(), notes=notes)
    assert resolved.tools[0].id == deterministic_id(("tool", "X"))
    assert [str(note) for note in notes] == [
        "tools[X]: renamed_from: ignored, neither 'Nope' nor 'X' is live here (a new project or environment); "
        "remove it once the rename is applied to every project"]


def test_renamed_from_left_after_the_rename_was_applied_is_a_note_to_remove_it() -> None:
    desired = Ontology(tools=[Tool(type="bounding-box", title="Vehicle", renamed_from="Car")])
    notes: list[Problem] = []
    assert resolve(desired, _live(), notes=notes).tools[0].id == "live-v"
    assert len(notes) == 1 and "'Vehicle' is live; remove it once the rename is applied" in str(notes[0])


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
# --- derived ids: unchanged for every existing title, one-to-one for every title ---------------------------

SEP = "\x1f"
FIRST_NAMESPACE = uuid.UUID("6f1c2a4e-5b7d-4c8e-9a0b-1d2e3f405162")
titles_without_separator = st.text(alphabet=st.characters(blacklist_characters=SEP, blacklist_categories=("Cs",)),
                                   max_size=12)
any_titles = st.text(alphabet=st.sampled_from(["a", "b", SEP, "#", "é", "\\", "\"", "[", ","]), max_size=6)


def ids_as_first_derived(path: tuple[str, ...]) -> str:
    """The formula every id derived so far was made with (before separators in titles were escaped)."""
    return uuid.uuid5(FIRST_NAMESPACE, SEP.join(path)).hex


def test_derived_ids_of_known_paths_are_the_ones_users_already_have() -> None:
    assert deterministic_id(("tool", "Vehicle")) == "b12c2eea2db15e95b8a8a104bb891c44"
    assert deterministic_id(("tool", "Vehicle", "classification", "Kind", "option", "Car")) == \
        "b34ebb70ac215f75bb0dd8efdff1a777"
    assert deterministic_id(("classification", "Product", "tree", "Food", "tree", "Fruit")) == \
        "e2bd7a6fc22c5062b20b9841b71bf4da"


@given(st.lists(titles_without_separator, min_size=1, max_size=8).map(tuple))
def test_derived_ids_never_change_for_titles_without_the_separator(path: tuple[str, ...]) -> None:
    assert deterministic_id(path) == ids_as_first_derived(path)


@given(st.lists(any_titles, min_size=1, max_size=5).map(tuple), st.lists(any_titles, min_size=1, max_size=5).map(tuple))
def test_derived_ids_are_one_to_one(one: tuple[str, ...], other: tuple[str, ...]) -> None:
    assert (deterministic_id(one) == deterministic_id(other)) == (one == other)


@given(st.lists(any_titles, min_size=1, max_size=5).map(tuple))
def test_no_title_forges_another_path_by_holding_the_separator(path: tuple[str, ...]) -> None:
    resplit = tuple(SEP.join(path).split(SEP))
    merged = (SEP.join(path[:2]), *path[2:])
    for forged in (resplit, merged):
        assert (deterministic_id(forged) == deterministic_id(path)) == (forged == path)


def test_half_a_surrogate_pair_in_a_live_title_still_derives_an_id() -> None:
    # JSON can carry "\ud800" on its own; the id must be derived, not crash, and differ from its neighbours'.
    assert deterministic_id(("tool", "\ud800")) != deterministic_id(("tool", "\udc00"))
    assert deterministic_color(("tool", "\ud800")).startswith("#")


def test_a_live_title_holding_the_separator_gets_an_id_of_its_own() -> None:
    live = from_category_schema({"tools": [
        {"tool": "point", "title": "A", "classifications": [{"tool": "text", "title": "B"}]},
        {"tool": "point", "title": f"A{SEP}classification{SEP}B"}]})
    resolved = resolve_live(live)
    nested, forged = resolved.tools[0].classifications[0], resolved.tools[1]
    assert nested.id == ids_as_first_derived(("tool", "A", "classification", "B"))
    assert forged.id != nested.id
    assert deterministic_color(("tool", f"A{SEP}classification{SEP}B")) != deterministic_color(
        ("tool", "A", "classification", "B"))


def test_a_node_the_file_made_without_ids_and_the_web_ui_renamed_is_found_by_its_derived_id() -> None:
    made = Ontology(tools=[Tool(type="polygon", title="Road", classifications=[Classification(
        type="radio", title="Occ", options=[Option(value="Partial"), Option(value="None")])])])
    live = to_category_schema(resolve(made))
    live["tools"][0].update(title="Street", uiMeta={"x": 1}, color="#abcdef")  # a rename in the web UI
    desired = Ontology(tools=[Tool(type="polygon", title="Road", classifications=[Classification(
        type="radio", title="Occ", options=[Option(value="Partially", renamed_from="Partial"),
                                            Option(value="None")])])])
    notes: list[Problem] = []
    plan = make_plan(desired, live)
    resolve(desired, from_category_schema(live), notes=notes)
    assert notes == []  # no "neither 'Partial' nor 'Partially' is live"
    assert [(c.action, c.title, c.before, c.after) for c in plan.changes] == [
        ("rename", "Road", {"title": "Street"}, {"title": "Road"}),
        ("rename", "Partially", {"value": "Partial"}, {"value": "Partially"})]
    sent = plan.desired_schema["tools"][0]
    assert sent["uiMeta"] == {"x": 1} and sent["color"] == "#abcdef"
    assert sent["classifications"][0]["options"][0]["schemaId"] == live["tools"][0]["classifications"][0][
        "options"][0]["schemaId"]


@pytest.mark.parametrize("order", [("Car", "Truck"), ("Truck", "Car")])
def test_a_title_match_wins_over_a_derived_id_whatever_the_order_of_siblings(order: tuple[str, str]) -> None:
    # The file made Car; the web UI renamed it Truck. A file naming Car and Truck takes the live node by its
    # title (Truck): Car is new (an id of its own), never a rename of the labelled Truck, in either order.
    live = to_category_schema(resolve(Ontology(tools=[Tool(type="bounding-box", title="Car")])))
    live["tools"][0]["title"] = "Truck"
    plan = make_plan(Ontology(tools=[Tool(type="bounding-box", title=title) for title in order]), live)
    assert [(c.action, c.title) for c in plan.changes if c.action != "reorder"] == [("create", "Car")]
    ids = {tool["title"]: tool["schemaId"] for tool in plan.desired_schema["tools"]}
    assert ids["Truck"] == live["tools"][0]["schemaId"] != ids["Car"]


@pytest.mark.parametrize("order", [("A", "B"), ("B", "A")])
def test_options_matched_by_value_first_then_by_derived_id_whatever_their_order(order: tuple[str, str]) -> None:
    # The file made option A; the web UI renamed it B. A file naming A and B keeps the live B, creates A.
    made = Ontology(classifications=[Classification(type="radio", title="Q", options=["A"])])
    live = to_category_schema(resolve(made))
    live["classifications"][0]["options"][0]["value"] = "B"
    plan = make_plan(Ontology(classifications=[Classification(type="radio", title="Q", options=list(order))]), live)
    assert [(c.action, c.title) for c in plan.changes if c.action != "reorder"] == [("create", "A")]
