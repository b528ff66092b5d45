"""import --from labelbox: tools, classifications and options (and the questions they reveal) from ontology JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_checks import import_and_apply

from ango_ontology import api
from ango_ontology.errors import InputError

ONTOLOGY = Path(__file__).parent / "data" / "imports" / "labelbox-retail-shelf.json"


@pytest.fixture(scope="module")
def imported() -> api.Imported:
    return api.import_config("labelbox", ONTOLOGY)


def test_tools_map_by_their_labelbox_type(imported: api.Imported) -> None:
    assert [(t.title, t.type, t.color) for t in imported.ontology.tools] == [
        ("Product", "bounding-box", "#1CE6FF"), ("Shelf edge", "polyline", "#FF34FF"),
        ("Empty slot", "polygon", "#FF4A46"), ("Barcode", "point", "#008941"), ("Spill", "brush", "#006FA6"),
        ("Brand mention", "ner", "#A30059")]
    assert imported.ontology.tools[0].required is True
    assert [(r.title, r.type) for r in imported.ontology.relations] == [("Same product", "one-to-one")]


def test_questions_nested_under_an_option_are_revealed_by_it(imported: api.Imported) -> None:
    price_tag, damage = imported.ontology.tools[0].classifications
    assert (price_tag.title, price_tag.type, price_tag.required) == ("Is the price tag visible?", "radio", True)
    assert [o.value for o in price_tag.options] == ["Yes", "No"]
    assert [(c.title, c.type, c.when) for c in price_tag.classifications] == [("Price", "text", "Yes")]
    assert (damage.type, [o.value for o in damage.options]) == ("checkbox", ["Dented", "Torn", "Wet"])


def test_global_classifications_keep_their_type_and_frame_scope(imported: api.Imported) -> None:
    store, fullness = imported.ontology.classifications
    assert (store.title, store.type, store.required, store.frame_specific) == (
        "Store format", "single-dropdown", True, False)
    assert (fullness.type, fullness.frame_specific) == ("radio", True)


def test_what_does_not_carry_over_is_reported_with_its_path(imported: api.Imported) -> None:
    found = {(w.breadcrumb, w.message) for w in imported.warnings}
    assert ("tools[7].tool", "tool 'cuboid' ('Shelf cube') has no Ango equivalent: left out") in found
    assert ("tools[0].classifications[1].options[2].value",
            "the answer 'Wet' is exported as 'water_damage' by Labelbox; Ango exports 'Wet'") in found
    assert ("tools[0].classifications[0].name",
            "'Is the price tag visible?' is exported as 'price_tag_visible' by Labelbox; Ango exports its title") \
        in found
    assert ("classifications[1].name", "'Shelf fullness' is exported as 'fullness' by Labelbox; Ango exports its "
            "title") in found
    assert len(found) == 5  # and 'Packaging damage' (damage); `store_format` is 'Store format' as a slug


def test_the_import_round_trips_through_fmt_and_plans_clean_once_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_and_apply("labelbox", ONTOLOGY, tmp_path, capsys)


def test_the_graphql_answer_around_the_ontology_is_read_too(tmp_path: Path) -> None:
    wrapped = tmp_path / "ontology.json"
    wrapped.write_text('{"normalized": {"tools": [{"name": "Box", "tool": "rectangle"}], "classifications": [], '
                       '"unexpected": 1}}', encoding="utf-8")
    imported = api.import_config("labelbox", wrapped)
    assert [t.title for t in imported.ontology.tools] == ["Box"]
    assert [w.breadcrumb for w in imported.warnings] == ["normalized.unexpected"]


def test_text_that_is_not_json_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "ontology.json"
    broken.write_text('{"tools": [\n  {"name": "Box",}\n]}', encoding="utf-8")
    with pytest.raises(InputError, match=r"ontology\.json:2:18: not JSON"):
        api.import_config("labelbox", broken)
