"""The official `ango` SDK 1.4.10, pointed at the emulator, works for every endpoint the toolkit uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ango_ontology.hub.client import HttpHub
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.model import JSON

sdk_module = pytest.importorskip("imerit_ango.sdk")
label_category = pytest.importorskip("imerit_ango.models.label_category")

SCHEMA: JSON = {
    "tools": [{"tool": "polygon", "title": "Road", "schemaId": "road", "color": "#00ff00"}],
    "classifications": [],
    "relations": [],
}


@pytest.fixture
def sdk(emulator: Emulator, emulator_api_key: str) -> Any:
    return sdk_module.SDK(emulator_api_key, host=emulator.url)


def test_sdk_creates_and_reads_a_project(sdk: Any) -> None:
    created = sdk.create_project("From the SDK", "made by ango 1.4.10")
    assert created["status"] == "success"
    project_id = created["data"]["project"]["_id"]
    got = sdk.get_project(project_id)["data"]["project"]
    assert got["description"] == "made by ango 1.4.10"
    assert got["categorySchema"] == {"tools": [], "classifications": [], "relations": []}


def test_sdk_lists_projects_page_by_page(sdk: Any, local_hub: LocalHub) -> None:
    for i in range(15):
        local_hub.create_project(f"p{i}")
    first = sdk.list_projects()["data"]
    second = sdk.list_projects(page=2, limit=10)["data"]
    assert (first["total"], len(first["projects"]), len(second["projects"])) == (15, 10, 5)


def test_sdk_pushes_a_label_set_built_from_its_classes(sdk: Any, project: JSON, local_hub: LocalHub) -> None:
    lc = label_category
    weather = lc.ClassificationCategory(
        lc.Classification.Radio,
        title="Weather",
        schemaId="weather",
        options=[lc.LabelOption("Sun", schemaId="sun"), lc.LabelOption("Rain", schemaId="rain")],
    )
    car = lc.ToolCategory(
        lc.Tool.BoundingBox, title="Car", schemaId="car", color="#ff0000", classifications=[weather]
    )
    answer = sdk.create_label_set(project["_id"], tools=[car])
    assert answer["status"] == "success"
    [tool] = local_hub.get_project(project["_id"])["categorySchema"]["tools"]
    assert (tool["title"], tool["classifications"][0]["options"][1]["schemaId"]) == ("Car", "rain")


def test_sdk_pushes_a_raw_category_schema(sdk: Any, project: JSON, local_hub: LocalHub) -> None:
    sdk.create_label_set(project["_id"], raw_category_schema=SCHEMA)
    assert local_hub.get_project(project["_id"])["categorySchema"] == SCHEMA


def test_sdk_sees_a_malformed_schema_refused(sdk: Any, project: JSON) -> None:
    with pytest.raises(Exception, match="categorySchema is required and must be an object"):
        sdk.create_label_set(project["_id"], raw_category_schema=["not a label set"])


def test_sdk_creates_and_reads_batches(sdk: Any, project: JSON) -> None:
    created = sdk.create_batch(project["_id"], "week 1")
    assert created["data"]["project"]["name"] == "week 1"
    sdk.create_batches(project["_id"], ["week 1", "week 2"])
    assert [b["name"] for b in sdk.get_batches(project["_id"])] == ["week 1", "week 2"]


def test_sdk_uploads_imports_and_reads_tasks_with_answers(sdk: Any, project: JSON, local_hub: LocalHub) -> None:
    local_hub.create_label_set(project["_id"], SCHEMA)
    batch = sdk.create_batch(project["_id"], "b")["data"]["project"]
    uploaded = sdk.upload_files_cloud(
        project["_id"], [{"data": "https://x/1.png", "externalId": "1.png"}], batches=["b"]
    )
    assert uploaded["status"] == "success"
    road = {"schemaId": "road", "objectId": "r1", "polygon": [[0, 0], [1, 1], [1, 0]]}
    labels = [{"externalId": "1.png", "objects": [road]}]
    assert sdk.import_labels(project["_id"], labels)["status"] == "success"

    tasks = sdk.get_tasks(project["_id"], include_answer=True)["data"]
    assert tasks["total"] == 1
    [task] = tasks["tasks"]
    assert task["asset"]["externalId"] == "1.png"
    assert task["batches"] == [batch["_id"]]
    assert task["answer"]["tools"] == [{**road, "title": "Road", "classifications": []}]
    assert "answer" not in sdk.get_tasks(project["_id"])["data"]["tasks"][0]


def test_sdk_with_a_wrong_key_is_refused(emulator: Emulator, project: JSON) -> None:
    with pytest.raises(Exception, match="Invalid API KEY"):
        sdk_module.SDK("wrong", host=emulator.url).get_project(project["_id"])


def _sent(emulator: Emulator, action: Callable[[], object]) -> tuple[str, str, str, bytes]:
    emulator.requests.clear()
    action()
    request = emulator.requests[-1]
    return request.method, request.path, request.headers["Content-Type"], request.body


def test_client_sends_the_same_bytes_as_the_sdk(
    sdk: Any, emulator_hub: HttpHub, emulator: Emulator, project: JSON
) -> None:
    pid = project["_id"]
    labels = [{"externalId": "a.png", "objects": []}]
    assets = [{"data": "https://x/a.png", "externalId": "a.png"}]
    pairs: list[tuple[Callable[[], object], Callable[[], object]]] = [
        (lambda: sdk.get_project(pid), lambda: emulator_hub.get_project(pid)),
        (
            lambda: sdk.create_label_set(pid, raw_category_schema=SCHEMA),
            lambda: emulator_hub.create_label_set(pid, SCHEMA),
        ),
        (lambda: sdk.create_project("P", "d"), lambda: emulator_hub.create_project("P", "d")),
        (lambda: sdk.create_project("P"), lambda: emulator_hub.create_project("P")),
        (lambda: sdk.list_projects(page=1, limit=100), lambda: emulator_hub.list_projects()),
        (lambda: sdk.create_batch(pid, "b"), lambda: emulator_hub.create_batch(pid, "b")),
        (
            lambda: sdk.get_tasks(pid, page=1, limit=100, include_answer=True),
            lambda: emulator_hub.get_tasks(pid),
        ),
        (
            lambda: sdk.get_tasks(pid, page=1, limit=100),
            lambda: emulator_hub.get_tasks(pid, include_answer=False),
        ),
        (lambda: sdk.import_labels(pid, labels), lambda: emulator_hub.import_labels(pid, labels)),
        (lambda: sdk.upload_files_cloud(pid, assets), lambda: emulator_hub.upload_files_cloud(pid, assets)),
    ]
    for by_sdk, by_client in pairs:
        assert _sent(emulator, by_client) == _sent(emulator, by_sdk)


# -- assets, labels, tasks and exports through the SDK ---------------------------------------------------

export_options = pytest.importorskip("imerit_ango.models.export_options")
enums = pytest.importorskip("imerit_ango.models.enums")

LABELED_SCHEMA: JSON = {
    "tools": [
        {
            "tool": "bounding-box",
            "title": "Car",
            "schemaId": "car",
            "color": "#ff0000",
            "classifications": [
                {
                    "tool": "radio",
                    "title": "Colour",
                    "schemaId": "colour",
                    "options": [{"value": "Red", "schemaId": "red"}, {"value": "Blue", "schemaId": "blue"}],
                }
            ],
        }
    ],
    "classifications": [
        {
            "tool": "checkbox",
            "title": "Flags",
            "schemaId": "flags",
            "options": [{"value": "Blurry", "schemaId": "blurry"}, {"value": "Dark", "schemaId": "dark"}],
        },
        {
            "tool": "tree-dropdown",
            "title": "Place",
            "schemaId": "place",
            "treeOptions": [
                {"title": "Europe", "key": "eu", "value": "eu", "children": [
                    {"title": "France", "key": "fr", "value": "fr", "children": []}]}
            ],
        },
    ],
    "relations": [{"tool": "one-to-one", "title": "Follows", "schemaId": "follows"}],
}

SDK_LABELS: list[JSON] = [
    {
        "externalId": "a.png",
        "objects": [
            {"schemaId": "car", "objectId": "c1", "bounding-box": {"x": 0, "y": 0, "width": 2, "height": 2},
             "classifications": [{"schemaId": "colour", "answer": "Red"}]},
            {"schemaId": "car", "objectId": "c2", "bounding-box": {"x": 5, "y": 5, "width": 1, "height": 1}},
        ],
        "classifications": [
            {"schemaId": "flags", "answer": ["Dark"]},
            {"schemaId": "place", "answer": ["Europe / France"]},
        ],
        "relations": [{"schemaId": "follows", "from": "c2", "to": "c1"}],
    },
    {"externalId": "b.png", "stage": "Review", "classifications": [{"schemaId": "flags", "answer": ["Blurry"]}]},
]


@pytest.fixture
def sdk_labeled(sdk: Any, project: JSON, local_hub: LocalHub) -> str:
    """Schema pushed, assets uploaded and labels imported, all by the SDK; c.png stays in Start."""
    pid: str = project["_id"]
    assert sdk.create_label_set(pid, raw_category_schema=LABELED_SCHEMA)["status"] == "success"
    assets = [{"data": f"https://x/{n}.png", "externalId": f"{n}.png"} for n in "abc"]
    assert sdk.upload_files_cloud(pid, assets)["status"] == "success"
    assert sdk.import_labels(pid, SDK_LABELS)["status"] == "success"
    return pid


def test_sdk_get_tasks_shows_option_ids(sdk: Any, sdk_labeled: str) -> None:
    data = sdk.get_tasks(sdk_labeled, limit=2, include_answer=True)["data"]
    assert (data["total"], len(data["tasks"])) == (3, 2)
    answer = data["tasks"][0]["answer"]
    assert answer["tools"][0]["classifications"][0]["answer"] == "red"
    assert [c["answer"] for c in answer["classifications"]] == [["dark"], ["fr"]]
    assert answer["relations"][0] == {
        "schemaId": "follows", "title": "Follows", "from": "c2", "to": "c1", "classifications": []
    }
    assert [t["stage"] for t in data["tasks"]] == ["Complete", "Review"]


def test_sdk_export_shows_values_for_the_stages_asked(sdk: Any, sdk_labeled: str, local_hub: LocalHub) -> None:
    every = sdk.export(sdk_labeled, export_options.ExportOptions(stage=["Start", "Review", "Complete"]))
    assert every == local_hub.export(sdk_labeled)
    [first] = [r for r in every if r["externalId"] == "a.png"]
    assert first["task"]["tools"][0]["classifications"][0]["answer"] == "Red"
    assert [c["answer"] for c in first["task"]["classifications"]] == [["Dark"], ["Europe / France"]]
    assert [r["externalId"] for r in sdk.export(sdk_labeled)] == ["a.png"]  # the SDK's default: Complete only
    review = sdk.export(sdk_labeled, export_options.ExportOptions(stage=["Review"]))
    assert [r["externalId"] for r in review] == ["b.png"]


def test_sdk_export_as_ndjson(sdk: Any, sdk_labeled: str) -> None:
    options = export_options.ExportOptions(stage=["Start"], export_format=enums.ExportFormats.NDJSON)
    lines, count = sdk.export(sdk_labeled, options)
    assert count == 1
    assert [r["externalId"] for r in lines] == ["c.png"]


def test_sdk_saves_the_export_zip(sdk: Any, sdk_labeled: str, tmp_path: Any) -> None:
    target = tmp_path / "export.zip"
    sdk.export(sdk_labeled, export_options.ExportOptions(stage=["Complete"]), zip_file_path=str(target))
    assert target.read_bytes()[:2] == b"PK"


def test_sdk_sees_a_bad_import_refused_with_the_label_named(sdk: Any, sdk_labeled: str, local_hub: LocalHub) -> None:
    before = local_hub.get_tasks(sdk_labeled)
    bad = [{"externalId": "c.png", "classifications": [{"schemaId": "flags", "answer": ["Shiny"]}]}]
    with pytest.raises(Exception, match=r"label 0 .*'Shiny' is not an option of checkbox 'Flags'"):
        sdk.import_labels(sdk_labeled, bad)
    assert local_hub.get_tasks(sdk_labeled) == before


def test_sdk_updates_workflow_stages(sdk: Any, project: JSON, local_hub: LocalHub) -> None:
    stages = [{"id": "Start", "name": "Start", "type": "Start"}, {"id": "Done", "name": "Done", "type": "Complete"}]
    assert sdk.update_workflow_stages(project["_id"], stages)["status"] == "success"
    assert local_hub.get_project(project["_id"])["stages"] == stages


def test_client_export_matches_the_sdks_request_but_for_every_stage(
    sdk: Any, emulator_hub: HttpHub, emulator: Emulator, sdk_labeled: str
) -> None:
    stages = ["Start", "Label", "Review", "Complete"]
    options = export_options.ExportOptions(stage=stages, include_history=False)
    options.task_types = [enums.TaskTypes.DEFAULT, enums.TaskTypes.CONSENSUS, enums.TaskTypes.BENCHMARK]
    emulator.requests.clear()
    sdk.export(sdk_labeled, options)
    by_sdk = emulator.requests[0]
    emulator.requests.clear()
    emulator_hub.export(sdk_labeled, stages=stages)
    by_client = emulator.requests[0]
    assert (by_client.method, by_client.path) == (by_sdk.method, by_sdk.path)
    assert by_sdk.path.startswith("/v2/export?")
