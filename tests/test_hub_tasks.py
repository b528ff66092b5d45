"""Assets, tasks, imported labels and exports: in the local hub, over the emulator, and through the client."""

from __future__ import annotations

import copy
import http.client
import io
import json
import logging
import socket
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from ango_ontology.errors import BadResponseError, HubError
from ango_ontology.hub import Hub, export_zip
from ango_ontology.hub.client import HttpHub
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.model import JSON

SCHEMA: JSON = {
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
        },
        {"tool": "point", "title": "Light", "schemaId": "light", "color": "#00ff00"},
    ],
    "classifications": [
        {
            "tool": "radio",
            "title": "Weather",
            "schemaId": "weather",
            "options": [{"value": "Sun", "schemaId": "sun"}, {"value": "Rain", "schemaId": "rain"}],
        },
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
                {
                    "title": "Europe",
                    "key": "eu",
                    "value": "eu",
                    "children": [{"title": "France", "key": "fr", "value": "fr", "children": []}],
                }
            ],
        },
        {"tool": "text", "title": "Note", "schemaId": "note"},
    ],
    "relations": [{"tool": "one-to-one", "title": "Follows", "schemaId": "follows"}],
}

CAR = {"schemaId": "car", "objectId": "c1", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4}}
LABEL: JSON = {
    "externalId": "1.png",
    "objects": [
        {**CAR, "classifications": [{"schemaId": "colour", "answer": "Blue"}]},
        {"title": "Light", "objectId": "l1", "point": [5, 6]},
    ],
    "classifications": [
        {"schemaId": "weather", "answer": "Rain"},
        {"title": "Flags", "answer": ["Dark", "Blurry"]},
        {"schemaId": "place", "answer": ["Europe / France", "Europe"]},
        {"schemaId": "note", "answer": "parked"},
    ],
    "relations": [{"schemaId": "follows", "from": "l1", "to": "c1"}],
}

TASK_ANSWER: JSON = {
    "tools": [
        {
            **CAR,
            "title": "Car",
            "classifications": [{"schemaId": "colour", "title": "Colour", "answer": "blue", "value": "Blue"}],
        },
        {"schemaId": "light", "objectId": "l1", "title": "Light", "point": [5, 6], "classifications": []},
    ],
    "classifications": [
        {"schemaId": "weather", "title": "Weather", "answer": "rain", "value": "Rain"},
        {"schemaId": "flags", "title": "Flags", "answer": ["dark", "blurry"], "value": ["Dark", "Blurry"]},
        {"schemaId": "place", "title": "Place", "answer": ["fr", "eu"], "value": ["Europe / France", "Europe"]},
        {"schemaId": "note", "title": "Note", "answer": "parked"},
    ],
    "relations": [{"schemaId": "follows", "title": "Follows", "from": "l1", "to": "c1", "classifications": []}],
}

EXPORTED: JSON = {
    "tools": [
        {**CAR, "title": "Car", "classifications": [{"schemaId": "colour", "title": "Colour", "answer": "Blue"}]},
        {"schemaId": "light", "objectId": "l1", "title": "Light", "point": [5, 6], "classifications": []},
    ],
    "classifications": [
        {"schemaId": "weather", "title": "Weather", "answer": "Rain"},
        {"schemaId": "flags", "title": "Flags", "answer": ["Dark", "Blurry"]},
        {"schemaId": "place", "title": "Place", "answer": ["Europe / France", "Europe"]},
        {"schemaId": "note", "title": "Note", "answer": "parked"},
    ],
    "relations": [{"schemaId": "follows", "title": "Follows", "from": "l1", "to": "c1", "classifications": []}],
}


@pytest.fixture
def labeled(local_hub: LocalHub, project: JSON) -> str:
    """A project with the schema above and three assets: 1.png labeled (Complete), 2.png in Label, 3.png not."""
    pid: str = project["_id"]
    local_hub.create_label_set(pid, SCHEMA)
    local_hub.upload_files_cloud(pid, [{"data": f"https://x/{i}.png", "externalId": f"{i}.png"} for i in (1, 2, 3)])
    second = {"externalId": "2.png", "stage": "Label", "classifications": [{"schemaId": "weather", "answer": "Sun"}]}
    local_hub.import_labels(pid, [LABEL, second])
    return pid


def _tasks(hub: Hub, pid: str) -> dict[str, JSON]:
    return {t["externalId"]: t for t in hub.get_tasks(pid)}


# -- the local hub -----------------------------------------------------------------------------------


def test_uploaded_assets_start_unlabeled_in_the_start_stage(local_hub: LocalHub, project: JSON) -> None:
    local_hub.upload_files_cloud(project["_id"], [{"data": "https://x/1.png", "externalId": "1.png"}])
    [task] = local_hub.get_tasks(project["_id"])
    assert (task["stage"], task["isPreLabeled"], task["asset"]["externalId"]) == ("Start", False, "1.png")
    assert set(task) >= {"_id", "asset", "externalId", "stage", "answer"}


def test_imported_values_become_option_ids_in_the_task_answer(local_hub: LocalHub, labeled: str) -> None:
    task = _tasks(local_hub, labeled)["1.png"]
    assert task["answer"] == TASK_ANSWER
    assert (task["stage"], task["status"], task["isPreLabeled"]) == ("Complete", "Completed", True)


def test_label_may_name_the_stage_its_task_moves_to(local_hub: LocalHub, labeled: str) -> None:
    tasks = _tasks(local_hub, labeled)
    assert {k: t["stage"] for k, t in tasks.items()} == {"1.png": "Complete", "2.png": "Label", "3.png": "Start"}


def test_objects_without_an_object_id_get_one(local_hub: LocalHub, labeled: str) -> None:
    local_hub.import_labels(labeled, [{"externalId": "3.png", "objects": [{"schemaId": "light", "point": [0, 0]}]}])
    [light] = _tasks(local_hub, labeled)["3.png"]["answer"]["tools"]
    assert isinstance(light["objectId"], str) and light["objectId"]


def test_export_shows_option_values_and_tree_paths(local_hub: LocalHub, labeled: str) -> None:
    records = {r["externalId"]: r for r in local_hub.export(labeled)}
    tasks = _tasks(local_hub, labeled)
    first = records["1.png"]
    # As Ango exports it: the task's id and stage inside `task`, beside the answer.
    assert first["task"] == {"taskId": tasks["1.png"]["_id"], "stage": "Complete", **EXPORTED}
    assert first["asset"] == "https://x/1.png" and "taskId" not in first
    assert records["3.png"]["task"] == {"taskId": tasks["3.png"]["_id"], "stage": "Start", "tools": [],
                                        "classifications": [], "relations": []}


def test_export_filters_by_stage_and_batch(local_hub: LocalHub, labeled: str) -> None:
    assert [r["externalId"] for r in local_hub.export(labeled)] == ["1.png", "2.png", "3.png"]
    assert [r["externalId"] for r in local_hub.export(labeled, stages=["Label", "Start"])] == ["2.png", "3.png"]
    assert local_hub.export(labeled, batches=["nope"]) == []


def test_export_after_an_option_is_deleted_still_shows_the_imported_value(local_hub: LocalHub, labeled: str) -> None:
    schema = copy.deepcopy(SCHEMA)
    weather = schema["classifications"][0]
    weather["options"] = [{"value": "Sunny", "schemaId": "sun"}]  # Rain deleted, Sun renamed
    local_hub.create_label_set(labeled, schema)
    records = {r["externalId"]: r for r in local_hub.export(labeled)}
    assert records["1.png"]["task"]["classifications"][0]["answer"] == "Rain"
    assert records["2.png"]["task"]["classifications"][0]["answer"] == "Sunny"
    assert _tasks(local_hub, labeled)["1.png"]["answer"]["classifications"][0]["answer"] == "rain"


def test_export_keeps_objects_of_a_deleted_tool(local_hub: LocalHub, labeled: str) -> None:
    schema = copy.deepcopy(SCHEMA)
    schema["tools"] = schema["tools"][1:]
    local_hub.create_label_set(labeled, schema)
    [record] = [r for r in local_hub.export(labeled) if r["externalId"] == "1.png"]
    car = record["task"]["tools"][0]
    assert (car["schemaId"], car["title"]) == ("car", "Car")
    assert car["classifications"] == [{"schemaId": "colour", "title": "Colour", "answer": "Blue"}]


def test_a_rank_answer_is_its_options_in_order_by_id_in_tasks_and_by_value_in_exports(
        local_hub: LocalHub, project: JSON) -> None:
    pid: str = project["_id"]
    rank = {"tool": "rank", "title": "Preference", "schemaId": "pref",
            "options": [{"value": "Tea", "schemaId": "tea"}, {"value": "Coffee", "schemaId": "coffee"}]}
    local_hub.create_label_set(pid, {"classifications": [rank]})
    local_hub.upload_files_cloud(pid, [{"data": "https://x/1.png", "externalId": "1.png"}])
    local_hub.import_labels(pid, [{"externalId": "1.png",
                                   "classifications": [{"schemaId": "pref", "answer": ["Coffee", "Tea"]}]}])
    [answer] = _tasks(local_hub, pid)["1.png"]["answer"]["classifications"]
    assert (answer["answer"], answer["value"]) == (["coffee", "tea"], ["Coffee", "Tea"])
    [record] = local_hub.export(pid)
    assert record["task"]["classifications"][0]["answer"] == ["Coffee", "Tea"]
    with pytest.raises(HubError, match="'Milk' is not an option of rank 'Preference'"):
        local_hub.import_labels(pid, [{"externalId": "1.png",
                                       "classifications": [{"schemaId": "pref", "answer": ["Milk"]}]}])


BAD_LABELS = [
    ({"objects": [{"schemaId": "bus"}]}, r"label 1 \(externalId '3.png'\): objects\[0\]\.schemaId: no tool .*'bus'"),
    ({"objects": [{"title": "Bus"}]}, r"objects\[0\]\.title: no tool titled 'Bus'"),
    ({"objects": [{**CAR, "classifications": [{"schemaId": "colour", "answer": "Green"}]}]},
     r"objects\[0\]\.classifications\[0\]\.answer: 'Green' is not an option of radio 'Colour'"),
    ({"objects": [{**CAR, "classifications": [{"schemaId": "weather", "answer": "Sun"}]}]},
     r"objects\[0\]\.classifications\[0\]\.schemaId: no classification .*'weather' under 'Car'"),
    ({"classifications": [{"schemaId": "flags", "answer": "Dark"}]}, r"classifications\[0\]\.answer: .*list"),
    ({"classifications": [{"schemaId": "place", "answer": ["Europe / Spain"]}]},
     r"classifications\[0\]\.answer: 'Europe / Spain' is not a path of tree-dropdown 'Place'"),
    ({"classifications": [{"schemaId": "weather"}]}, r"classifications\[0\]\.answer: missing"),
    ({"objects": [CAR], "relations": [{"schemaId": "follows", "from": "zz", "to": "c1"}]},
     r"relations\[0\]\.from: 'zz' is not the objectId"),
    ({"relations": [{"schemaId": "likes", "group": []}]}, r"relations\[0\]\.schemaId: no relation"),
    ({"stage": "Nowhere"}, r"label 1 .*stage: 'Nowhere' is not a stage of this project"),
    ({"externalId": None}, r"label 1: externalId is required"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_LABELS)
def test_a_bad_label_rejects_the_whole_import_naming_label_and_field(
    local_hub: LocalHub, labeled: str, bad: JSON, message: str
) -> None:
    before = local_hub.get_tasks(labeled)
    kept = local_hub.get_labels(labeled)
    good = {"externalId": "3.png", "classifications": [{"schemaId": "note", "answer": "fine"}]}
    with pytest.raises(HubError, match=message):
        local_hub.import_labels(labeled, [good, {"externalId": "3.png", **bad}])
    assert local_hub.get_tasks(labeled) == before
    assert local_hub.get_labels(labeled) == kept


def test_workflow_stages_can_be_replaced(local_hub: LocalHub, labeled: str) -> None:
    local_hub.update_workflow_stages(labeled, [{"name": "Start"}, {"name": "QA"}, {"name": "Done", "type": "Complete"}])
    local_hub.import_labels(labeled, [{"externalId": "3.png"}])
    assert _tasks(local_hub, labeled)["3.png"]["stage"] == "Done"
    with pytest.raises(HubError, match="share a name"):
        local_hub.update_workflow_stages(labeled, [{"name": "A"}, {"name": "A"}])


# -- the emulator --------------------------------------------------------------------------------------


def _get(emulator: Emulator, path: str, key: str | None) -> tuple[int, dict[str, str], bytes]:
    url = urlsplit(emulator.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    conn.request("GET", path, headers={"apikey": key} if key else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def _export_via_emulator(emulator: Emulator, key: str, **params: str) -> tuple[str, Any]:
    status, _, body = _get(emulator, "/v2/export?" + urlencode(params), key)
    assert status == 200, body
    link = json.loads(body)["data"]["exportPath"]
    status, headers, data = _get(emulator, urlsplit(link).path, None)
    assert (status, headers["Content-Type"]) == (200, "application/zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [name] = archive.namelist()
        text = archive.read(name).decode()
    return link, (json.loads(text) if params.get("format", "json") == "json" else text)


def test_export_endpoint_answers_a_loopback_zip_url_holding_the_records(
    emulator: Emulator, emulator_api_key: str, labeled: str, local_hub: LocalHub
) -> None:
    link, records = _export_via_emulator(emulator, emulator_api_key, project=labeled)
    assert link.startswith(emulator.url + "/__exports/") and link.endswith(".zip")
    assert records == local_hub.export(labeled)


def test_export_endpoint_filters_by_the_stage_list(emulator: Emulator, emulator_api_key: str, labeled: str) -> None:
    _, records = _export_via_emulator(emulator, emulator_api_key, project=labeled, stage='["Complete"]')
    assert [r["externalId"] for r in records] == ["1.png"]
    _, records = _export_via_emulator(emulator, emulator_api_key, project=labeled, taskTypes='["consensus"]')
    assert records == []


def test_export_endpoint_writes_ndjson_when_asked(emulator: Emulator, emulator_api_key: str, labeled: str) -> None:
    _, text = _export_via_emulator(emulator, emulator_api_key, project=labeled, format="ndjson")
    assert isinstance(text, str)
    assert [json.loads(line)["externalId"] for line in text.splitlines()] == ["1.png", "2.png", "3.png"]


@pytest.mark.parametrize(
    ("query", "status"),
    [("project=nope", 400), ("project=" + "0" * 24, 404), ("stage=Complete", 400), ("format=xml", 400)],
)
def test_export_endpoint_refuses_bad_queries(
    emulator: Emulator, emulator_api_key: str, labeled: str, query: str, status: int
) -> None:
    if "project" not in query:
        query += f"&project={labeled}"
    assert _get(emulator, f"/v2/export?{query}", emulator_api_key)[0] == status


def test_export_endpoint_needs_the_key_but_the_zip_does_not(
    emulator: Emulator, emulator_api_key: str, labeled: str
) -> None:
    assert _get(emulator, f"/v2/export?project={labeled}", "wrong")[0] == 401
    assert _get(emulator, "/__exports/unknown.zip", None)[0] == 404


def test_export_zip_expires(emulator: Emulator, emulator_api_key: str, labeled: str) -> None:
    emulator.exports.ttl = 0.0
    body = _get(emulator, f"/v2/export?project={labeled}", emulator_api_key)[2]
    link = json.loads(body)["data"]["exportPath"]
    assert _get(emulator, urlsplit(link).path, None)[0] == 404


def test_import_endpoint_answers_400_naming_the_label(
    emulator_hub: HttpHub, labeled: str, local_hub: LocalHub
) -> None:
    before = local_hub.get_tasks(labeled)
    with pytest.raises(HubError, match=r"label 0 \(externalId '3.png'\): classifications\[0\]\.answer: 'Snow'"):
        emulator_hub.import_labels(labeled, [{"externalId": "3.png", "classifications": [
            {"schemaId": "weather", "answer": "Snow"}]}])
    assert local_hub.get_tasks(labeled) == before


# -- the client -------------------------------------------------------------------------------------------


def test_client_reads_tasks_with_option_ids(emulator_hub: HttpHub, labeled: str) -> None:
    assert _tasks(emulator_hub, labeled)["1.png"]["answer"] == TASK_ANSWER


def test_client_export_names_every_stage_then_fetches_the_zip(
    emulator_hub: HttpHub, emulator: Emulator, labeled: str, local_hub: LocalHub
) -> None:
    emulator.requests.clear()
    assert emulator_hub.export(labeled) == local_hub.export(labeled)
    project_get, export_get, zip_get = emulator.requests
    assert project_get.path == f"/v2/project/{labeled}"
    query = parse_qs(urlsplit(export_get.path).query)
    assert json.loads(query["stage"][0]) == ["Start", "Label", "Review", "Complete"]
    assert json.loads(query["taskTypes"][0]) == ["default", "consensus", "benchmark"]
    assert query["project"] == [labeled]
    assert zip_get.path.startswith("/__exports/")


def test_client_export_with_known_stages_sends_two_requests(
    emulator_hub: HttpHub, emulator: Emulator, labeled: str
) -> None:
    emulator.requests.clear()
    assert [r["externalId"] for r in emulator_hub.export(labeled, stages=["Label"])] == ["2.png"]
    assert len(emulator.requests) == 2


def test_client_export_reads_stages_from_tasks_when_the_project_has_none(
    emulator_hub: HttpHub, labeled: str, local_hub: LocalHub
) -> None:
    local_hub.update_workflow_stages(labeled, [])
    assert len(emulator_hub.export(labeled)) == 3


def test_client_export_retries_a_dropped_zip_download(
    emulator: Emulator, emulator_api_key: str, labeled: str, local_hub: LocalHub
) -> None:
    session = requests.Session()

    def drop_the_download(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if "/v2/export" in response.url:
            emulator.faults.drop_next = 1  # the next request, the zip's, gets no answer

    session.hooks["response"].append(drop_the_download)
    hub = HttpHub(emulator.url, emulator_api_key, rate_limit=None, sleep=lambda _: None, session=session)
    emulator.requests.clear()
    assert hub.export(labeled) == local_hub.export(labeled)
    paths = [r.path.split("?")[0] for r in emulator.requests]
    assert paths[1:] == ["/v2/export", paths[2], paths[2]] and paths[2].startswith("/__exports/")
    hub.close()


# -- export URLs from a stub hub ------------------------------------------------------------------------


class _StubHub:
    """A loopback hub whose /v2/export points at a scripted URL; also serves `/file` with `body`."""

    def __init__(self, body: bytes, link: str | None = None) -> None:
        self.body = body
        self.link = link
        self.seen: list[tuple[str, bool]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.seen.append((self.path.split("?")[0], "apikey" in self.headers))
                if self.path.startswith("/v2/export"):
                    data = json.dumps({"status": "success", "data": {"exportPath": stub.link or stub.url + "/file"}})
                    payload, kind = data.encode(), "application/json"
                else:
                    payload, kind = stub.body, "application/zip"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stubs() -> Iterator[list[_StubHub]]:
    made: list[_StubHub] = []
    yield made
    for stub in made:
        stub.close()


def _zip(name: str, text: str | bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


@contextmanager
def socket_closed() -> Iterator[int]:
    """A loopback port that was free a moment ago: nothing listens on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    yield port


def _client(url: str) -> HttpHub:
    return HttpHub(url, "k-stub-secret", rate_limit=None, sleep=lambda _: None)


def test_client_sends_the_key_to_its_own_host_only(stubs: list[_StubHub]) -> None:
    files = _StubHub(_zip("a.json", json.dumps([{"externalId": "a"}])))
    hub_stub = _StubHub(b"", link=files.url + "/file")
    own = _StubHub(_zip("a.json", json.dumps([{"externalId": "b"}])))
    stubs += [files, hub_stub, own]
    assert _client(hub_stub.url).export("p", stages=["Complete"]) == [{"externalId": "a"}]
    assert hub_stub.seen == [("/v2/export", True)] and files.seen == [("/file", False)]
    assert _client(own.url).export("p", stages=["Complete"]) == [{"externalId": "b"}]
    assert own.seen == [("/v2/export", True), ("/file", True)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not a zip", "not a readable zip"),
        (_zip("a.json", "{oops"), "neither JSON nor NDJSON"),
        (_zip("a.json", "[1, 2]"), "other than asset records"),
        (_zip("a.json", '"text"'), "no list of records"),
        (_zip("a.json", b"\xff\xfe[]"), "not UTF-8"),
    ],
)
def test_an_unreadable_export_is_a_bad_response(stubs: list[_StubHub], body: bytes, message: str) -> None:
    stub = _StubHub(body)
    stubs.append(stub)
    with pytest.raises(BadResponseError, match=message) as caught:
        _client(stub.url).export("p", stages=["Complete"])
    assert "k-stub-secret" not in str(caught.value)


def test_client_reads_an_ndjson_export(stubs: list[_StubHub]) -> None:
    stub = _StubHub(_zip("a.ndjson", '{"externalId": "a"}\n{"externalId": "b"}\n'))
    stubs.append(stub)
    assert [r["externalId"] for r in _client(stub.url).export("p", stages=["S"])] == ["a", "b"]


def test_an_export_path_that_is_not_http_is_refused(stubs: list[_StubHub]) -> None:
    stub = _StubHub(b"", link="file:///etc/passwd")
    stubs.append(stub)
    with pytest.raises(BadResponseError, match="not an http"):
        _client(stub.url).export("p", stages=["S"])


def test_a_failed_download_names_no_part_of_the_signed_link(stubs: list[_StubHub]) -> None:
    with socket_closed() as port:
        link = f"http://127.0.0.1:{port}/bucket/x.zip?X-Signature=s3cr3t-sig"
    stub = _StubHub(b"", link=link)
    stubs.append(stub)
    with pytest.raises(HubError) as caught:
        _client(stub.url).export("p", stages=["S"])
    assert "s3cr3t-sig" not in str(caught.value) and "/bucket/x.zip" not in str(caught.value)
    assert "export file" in str(caught.value)


def test_an_export_that_unpacks_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_zip, "MAX_EXPORT_BYTES", 1000)
    packed = export_zip.pack([{"externalId": "x" * 2000}], "json", "export")
    with pytest.raises(BadResponseError, match="over the limit of 1,000"):
        export_zip.unpack(packed, "the export")


class _FailingFiles:
    """An export host that answers every download with `status` and a body quoting the request's path and query,
    as some storage services' error pages do."""

    def __init__(self, status: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = f"<Error><Key>{self.path}</Key><Message>denied {self.path}</Message></Error>".encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("status", [403, 404, 500, 503])
def test_an_export_host_error_shows_no_part_of_the_signed_link_in_errors_or_logs(
        stubs: list[_StubHub], status: int, caplog: pytest.LogCaptureFixture) -> None:
    files = _FailingFiles(status)
    link = files.url + "/bucket/my export.zip?X-Amz-Signature=s3cr3t-sig&X-Amz-Credential=AKIA%2Fkey"
    stub = _StubHub(b"", link=link)
    stubs.append(stub)
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(HubError) as caught:
            _client(stub.url).export("p", stages=["S"])
    finally:
        files.close()
    shown = str(caught.value) + "\n" + caplog.text
    for secret in ("s3cr3t-sig", "AKIA", "bucket", "my export", "my%20export"):
        assert secret not in shown, secret
    assert f"answered {status}" in str(caught.value) and "127.0.0.1" in str(caught.value)
    assert "<export link>" in caplog.text  # urllib3's request line, with the link masked


def test_a_signed_link_is_masked_in_the_debug_log_by_its_host_whatever_its_path(
        stubs: list[_StubHub], caplog: pytest.LogCaptureFixture) -> None:
    files = _StubHub(_zip("a.json", "[]"))
    hub_stub = _StubHub(b"", link=files.url + "/v2/files/p.zip?X-Amz-Signature=T0PSECRETSIG")
    stubs += [files, hub_stub]
    caplog.set_level(logging.DEBUG)
    assert _client(hub_stub.url).export("p", stages=["Complete"]) == []
    assert files.seen == [("/v2/files/p.zip", False)]
    assert "T0PSECRETSIG" not in caplog.text and "/v2/files" not in caplog.text
    assert "/v2/export?" in caplog.text  # the hub's own request line is still there to read


def test_urls_and_request_lines_of_hosts_that_are_no_hub_are_masked_outside_a_download_too() -> None:
    from ango_ontology.hub.client import _masked

    hub = _client("http://127.0.0.1:7001")
    try:
        redirect = _masked(("/v2/project/p", "https://storage.example/v2/p.zip?sig=S3CRET"))
        assert redirect == ("/v2/project/p", "<export link>")
        line = ("http", "127.0.0.1", 7002, "GET", "/v2/p.zip?sig=S3CRET", "HTTP/1.1", 200, 3)
        assert _masked(line)[4] == "<export link>"
        assert _masked(("http", "127.0.0.1", 7001, "GET", "/v2/project/p", "HTTP/1.1", 200, 3))[4] == "/v2/project/p"
        assert _masked(("http://LOCALHOST.example:80/x?s=1",)) == ("<export link>",)
        assert _masked(("http://127.0.0.1:99999/x?s=1", 3)) == ("<export link>", 3)  # a port no URL can have
    finally:
        hub.close()
