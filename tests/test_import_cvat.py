"""import --from cvat: labels as tools of their shape, attributes as the questions under them, tags as one question."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_checks import import_and_apply

from ango_ontology import api

LABELS = Path(__file__).parent / "data" / "imports" / "cvat-traffic.json"


@pytest.fixture(scope="module")
def imported() -> api.Imported:
    return api.import_config("cvat", LABELS)


def test_labels_become_tools_of_their_shape(imported: api.Imported) -> None:
    assert [(t.title, t.type, t.color) for t in imported.ontology.tools] == [
        ("car", "bounding-box", "#33DDFF"), ("person", "polygon", "#FA3253"), ("lane", "polyline", "#34D1B7"),
        ("light", "point", "#FF6037"), ("road", "brush", "#AAF0D1"), ("sign", "bounding-box", "#B83DF5")]


def test_attributes_become_questions_mutable_ones_per_frame(imported: api.Imported) -> None:
    car = imported.ontology.tools[0]
    assert [(q.title, q.type, q.frame_specific) for q in car.classifications] == [
        ("model", "single-dropdown", False), ("occluded_by", "radio", True), ("parked", "boolean", True),
        ("plate", "text", False), ("doors", "text", False)]
    model, _, parked, _, doors = car.classifications
    assert [o.value for o in model.options] == ["sedan", "hatchback", "suv", "van"]  # no __undefined__
    assert parked.default_value is True
    assert doors.regex is not None


def test_tag_labels_are_the_answers_of_one_question_each_revealing_its_attributes(imported: api.Imported) -> None:
    (tags,) = imported.ontology.classifications
    assert (tags.title, tags.type, [o.value for o in tags.options]) == ("Tags", "checkbox", ["night", "rain"])
    assert [(q.title, q.type, q.when) for q in tags.classifications] == [
        ("street lights", "boolean", "night"), ("intensity", "radio", "rain")]


def test_every_label_and_attribute_not_carried_over_is_reported(imported: api.Imported) -> None:
    found = {w.breadcrumb: w.message for w in imported.warnings}
    assert found["labels[6].type"].startswith("label 'wheel' is drawn as an ellipse")
    assert found["labels[7].type"].endswith("left out (with its 1 sublabels)")
    assert found["labels[5].type"].endswith("imported as a bounding box")
    assert found["labels[0].attributes[1].default_value"].startswith("default answer 'nothing' not kept")
    assert found["labels[0].attributes[4].values"].startswith("the range min;max;step = 2;5;1")
    assert "labels[8].color" in found
    assert len(found) == 8


def test_the_import_round_trips_through_fmt_and_plans_clean_once_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_and_apply("cvat", LABELS, tmp_path, capsys)


def test_a_bare_list_of_labels_is_read_as_the_raw_tab_holds_it(tmp_path: Path) -> None:
    raw = tmp_path / "labels.json"
    raw.write_text('[{"name": "cat", "attributes": [{"name": "age", "input_type": "slider", "values": []}]}]',
                   encoding="utf-8")
    imported = api.import_config("cvat", raw)
    assert [(t.title, t.type) for t in imported.ontology.tools] == [("cat", "bounding-box")]
    assert {w.breadcrumb for w in imported.warnings} == {"[0].type", "[0].attributes[0].input_type"}
