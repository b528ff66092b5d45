"""The official `ango` SDK 1.4.10, pointed at the emulator, works for every endpoint the toolkit uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ango_ontology.hub.base import JSON
from ango_ontology.hub.client import HttpHub
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub

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
    with pytest.raises(Exception, match="required property"):
        sdk.create_label_set(project["_id"], raw_category_schema={"tools": [{"title": "typeless"}]})


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
