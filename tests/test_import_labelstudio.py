"""import --from labelstudio: a labeling config's tags mapped to tools, questions and relations; the rest noted."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_checks import import_and_apply

from ango_ontology import api
from ango_ontology.errors import InputError
from ango_ontology.importers.xml import parse
from ango_ontology.loader import load_text
from ango_ontology.model import Classification, Ontology

CONFIG = Path(__file__).parent / "data" / "imports" / "labelstudio-driving-scene.xml"
CONTROLS = {"rectanglelabels", "polygonlabels", "keypointlabels", "brushlabels", "ellipselabels", "relations",
            "choices", "textarea", "number", "taxonomy", "rating", "pairwise"}


@pytest.fixture(scope="module")
def imported() -> api.Imported:
    return api.import_config("labelstudio", CONFIG)


def by_title(nodes: list, title: str):  # type: ignore[no-untyped-def,type-arg]
    (node,) = [node for node in nodes if node.title == title]
    return node


def test_labels_become_tools_of_their_shape_with_colour_hotkey_and_hint(imported: api.Imported) -> None:
    tools = {tool.title: tool for tool in imported.ontology.tools}
    assert {title: tool.type for title, tool in tools.items()} == {
        "Car": "bounding-box", "Truck": "bounding-box", "Pedestrian": "bounding-box", "Road": "polygon",
        "Sidewalk": "polygon", "Traffic light": "point", "Sky": "brush"}
    assert (tools["Car"].color, tools["Car"].shortcut_key) == ("#1F77B4", "1")
    assert tools["Pedestrian"].color == "#FF0000"  # CSS's `red`
    assert tools["Pedestrian"].description == "Anyone on foot, pushing a pram or a bike"
    assert [relation.title for relation in imported.ontology.relations] == ["Tows"]


def test_per_region_questions_nest_under_the_tools_of_their_label_values(imported: api.Imported) -> None:
    tools = {tool.title: [child.title for child in tool.classifications] for tool in imported.ontology.tools}
    assert tools["Car"] == ["car_kind", "plate"]
    assert tools["Truck"] == ["plate", "axles"]
    assert tools["Pedestrian"] == []
    car_kind = by_title(imported.ontology.tools[0].classifications, "car_kind")
    assert (car_kind.type, car_kind.required, [o.value for o in car_kind.options]) == ("radio", True,
                                                                                        ["Sedan", "SUV", "Van"])
    axles = by_title(imported.ontology.tools[1].classifications, "axles")
    assert axles.type == "text" and axles.regex is not None


def test_choice_selected_questions_nest_under_the_answer_that_shows_them(imported: api.Imported) -> None:
    weather = by_title(imported.ontology.classifications, "weather")
    assert (weather.type, weather.required, weather.description) == ("radio", True, "What is the weather like?")
    assert weather.options[1].description == "Drops on the lens count too"
    assert [(child.title, child.type, child.when) for child in weather.classifications] == [
        ("rain_strength", "single-dropdown", "Rain"), ("visibility_notes", "text", "Snow")]
    scene = by_title(imported.ontology.classifications, "scene")
    assert scene.type == "tree-dropdown"
    assert [(child.title, child.when) for child in scene.classifications] == [("street_name", "Urban / Residential")]


def test_choices_map_by_choice_and_rating_to_a_scale(imported: api.Imported) -> None:
    top = imported.ontology.classifications
    assert by_title(top, "lighting").type == "checkbox"
    assert [o.value for o in by_title(top, "image_quality").options] == ["1", "2", "3", "4"]


def test_what_has_no_ango_equivalent_is_reported_with_its_line(imported: api.Imported) -> None:
    lines = {(w.line, w.message.split(":")[0]) for w in imported.warnings}
    assert (30, "<EllipseLabels> on an <image> has no Ango tool") in lines
    assert (83, "<Pairwise> has no Ango equivalent") in lines
    texts = [str(w) for w in imported.warnings]
    assert any(":60:3: <TextArea 'visibility_notes'>: shown for several answers (Snow, Fog)" in t for t in texts)
    assert any(":78:3: <Choices 'shown_unless_clear'>: visibleWhen='choice-unselected'" in t for t in texts)
    assert any(":67:3: <Taxonomy 'scene'>: leafsonly='true' not kept" in t for t in texts)
    assert any(":41:7: <Choice 'Van'>: hotkey='v' of an answer not kept" in t for t in texts)
    assert len(texts) == len(set(texts)), "a warning was repeated"


def test_every_element_of_the_config_either_maps_or_is_reported(imported: api.Imported) -> None:
    root = parse(CONFIG.read_text(encoding="utf-8"), str(CONFIG))
    names = _everything_named(imported.ontology)
    reported = {w.line for w in imported.warnings}
    for element in root.walk():
        if element.name not in CONTROLS:
            continue
        # A labels or relations tag is a group: its labels are what is imported. A question is itself.
        group = element.name.endswith(("labels", "relations"))
        for item in element.children if group else [element, *element.children]:
            label = item.attrs.get("value") if item is not element else item.attrs.get("name")
            assert label in names or item.line in reported or element.line in reported, \
                f"<{item.tag}> at line {item.line} is neither imported nor reported"


def _everything_named(ontology: Ontology) -> set[str]:
    names = set()
    for item in ontology.walk():
        names.add(getattr(item, "title", None) or getattr(item, "value", ""))
        if isinstance(item, Classification):
            names.update(o.value for o in item.options)
    return names


def test_the_import_round_trips_through_fmt_and_plans_clean_once_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_and_apply("labelstudio", CONFIG, tmp_path, capsys)


def test_the_file_lists_the_warnings_at_its_top_and_reads_back_as_imported(imported: api.Imported) -> None:
    head = imported.text.split("\n\n")[0]
    assert f"# Not carried over exactly ({len(imported.warnings)}):" in head
    assert load_text(imported.text).tools[0].title == "Car"


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<View><Choices name="q" toName="t"><Choice value="&lol2;"/></Choices></View>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE v [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<View><Choices name="q" toName="t"><Choice value="&secret;"/></Choices></View>
"""


@pytest.mark.parametrize("text", [BOMB, EXTERNAL], ids=["entity-expansion", "external-entity"])
def test_a_config_with_a_dtd_or_entities_is_refused_unread(text: str, tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"config\.xml:2:\d+: the XML declares a DOCTYPE or entities"):
        api.import_config("labelstudio", config)


def test_xml_that_is_not_well_formed_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text("<View>\n  <Choices name='q'>\n</View>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"config\.xml:3:\d+: not well-formed XML \(mismatched tag\)"):
        api.import_config("labelstudio", config)


def test_labels_on_an_image_take_the_shapes_beside_them(tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text("""<View>
  <Image name="img" value="$image"/>
  <Labels name="label" toName="img"><Label value="Cat"/><Label value="Dog"/></Labels>
  <Rectangle name="box" toName="img"/>
  <Polygon name="outline" toName="img"/>
  <Text name="txt" value="$text"/>
  <Labels name="ner" toName="txt"><Label value="Person"/></Labels>
  <Choices name="sentiment" toName="txt" choice="multiple" layout="select"><Choice value="Happy"/></Choices>
</View>""", encoding="utf-8")
    imported = api.import_config("labelstudio", config)
    assert [(tool.title, tool.type) for tool in imported.ontology.tools] == [
        ("Cat (box)", "bounding-box"), ("Dog (box)", "bounding-box"), ("Cat (outline)", "polygon"),
        ("Dog (outline)", "polygon"), ("Person", "ner")]
    assert imported.ontology.classifications[0].type == "multi-dropdown"
    assert imported.warnings == []


# https://labelstud.io/tags/collapse: panels that fold parts of the labeling interface away.
COLLAPSE = """<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="lbl" toName="img">
    <Label value="Car" alias="vehicle_car" selected="true"/>
  </RectangleLabels>
  <Collapse>
    <Panel value="Scene">
      <Choices name="weather" toName="img" choice="single" required="true">
        <Choice value="Sunny"/>
        <Choice value="Rainy"/>
      </Choices>
    </Panel>
  </Collapse>
  <Taxonomy name="tax" toName="img">
    <Choice value="Animal" alias="animal" hotkey="1" selected="true" background="red">
      <Choice value="Cat" alias="felis"/>
    </Choice>
  </Taxonomy>
  <Repeater on="$images">
    <TextArea name="caption" toName="img"/>
  </Repeater>
</View>
"""


def test_questions_inside_collapse_panels_and_repeaters_are_imported(tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text(COLLAPSE, encoding="utf-8")
    imported = api.import_config("labelstudio", config)
    weather = by_title(imported.ontology.classifications, "weather")
    assert (weather.type, weather.required, [o.value for o in weather.options]) == ("radio", True, ["Sunny", "Rainy"])
    assert by_title(imported.ontology.classifications, "caption").type == "text"
    assert any(":19:3: <Repeater>: <Repeater> repeats its questions" in str(w) for w in imported.warnings)
    assert "Everything in it was carried over" not in imported.text


def test_every_attribute_a_label_or_an_answer_loses_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "config.xml"
    config.write_text(COLLAPSE, encoding="utf-8")
    said = {(w.line, w.message.split("=")[0]) for w in api.import_config("labelstudio", config).warnings}
    assert {(4, "alias"), (4, "selected")} <= said  # a label's
    assert {(15, "alias"), (15, "hotkey"), (15, "selected"), (15, "background"), (16, "alias")} <= said  # a tree's


def test_a_config_nested_deeper_than_any_labeling_config_is_refused_as_read(tmp_path: Path) -> None:
    depth = 1_000
    config = tmp_path / "deep.xml"
    config.write_text('<View><Text name="t" value="$t"/><Taxonomy name="tax" toName="t">'
                      + '<Choice value="x">' * depth + "</Choice>" * depth + "</Taxonomy></View>", encoding="utf-8")
    with pytest.raises(InputError, match=r"deep\.xml:1:\d+: the XML nests elements more than 200 deep"):
        api.import_config("labelstudio", config)
