"""import --from coco: categories as tools, grouped by supercategory, which each tool's description names."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_checks import import_and_apply

from ango_ontology import api
from ango_ontology.errors import InputError

CATEGORIES = Path(__file__).parent / "data" / "imports" / "coco-instances-categories.json"


def test_categories_become_tools_listed_by_supercategory() -> None:
    tools = api.import_config("coco", CATEGORIES).ontology.tools
    assert [(t.title, t.type, t.description) for t in tools] == [
        ("person", "bounding-box", None),
        ("bicycle", "bounding-box", "Supercategory: vehicle"),
        ("car", "bounding-box", "Supercategory: vehicle"),
        ("motorcycle", "bounding-box", "Supercategory: vehicle"),
        ("traffic light", "bounding-box", "Supercategory: outdoor"),
        ("stop sign", "bounding-box", "Supercategory: outdoor"),
        ("road", "segmentation", None),
        ("sky-other-merged", "segmentation", "Supercategory: sky"),
    ]
    assert [t.color for t in tools][-2:] == ["#804080", "#4682B4"]


def test_tool_picks_the_type_of_the_categories_that_are_things() -> None:
    tools = api.import_config("coco", CATEGORIES, tool="polygon").ontology.tools
    assert {t.type for t in tools} == {"polygon", "segmentation"}


def test_keypoints_and_skeletons_are_reported() -> None:
    warnings = api.import_config("coco", CATEGORIES).warnings
    assert [(w.breadcrumb, w.message) for w in warnings] == [
        ("categories[0].keypoints", "the keypoints of 'person' are left out: Ango has no skeleton tool"),
        ("categories[0].skeleton", "the skeleton of 'person' is left out: Ango has no skeleton tool")]


def test_an_unknown_tool_type_is_refused() -> None:
    with pytest.raises(InputError, match="--tool 'cuboid' is not a tool type"):
        api.import_config("coco", CATEGORIES, tool="cuboid")


def test_the_import_round_trips_through_fmt_and_plans_clean_once_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_and_apply("coco", CATEGORIES, tmp_path, capsys, "--tool", "polygon")


def test_a_file_without_categories_is_refused_saying_why(tmp_path: Path) -> None:
    empty = tmp_path / "instances.json"
    empty.write_text('{"images": [], "annotations": []}', encoding="utf-8")
    with pytest.raises(InputError, match=r"nothing in it becomes a tool.*\n.*no `categories` in this COCO file"):
        api.import_config("coco", empty)
