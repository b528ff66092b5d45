"""Tests of the emulator over loopback with raw HTTP: Ango's paths, envelopes, status codes and faults."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import adopted_corpus
import pytest

from ango_ontology.commands.hub import register as add_hub_parser
from ango_ontology.commands.hub import serve_command
from ango_ontology.errors import ServerError
from ango_ontology.hub.base import label_set_fingerprint
from ango_ontology.hub.emulator import DEFAULT_API_KEY, Emulator, Faults
from ango_ontology.hub.local import LocalHub
from ango_ontology.model import JSON


class Raw:
    """A curl-like client: one request, SDK-shaped headers, the answer as (status, headers, JSON or text)."""

    def __init__(self, emulator: Emulator, key: str) -> None:
        self.port = int(emulator.url.rsplit(":", 1)[1])
        self.key = key

    def __call__(
        self, method: str, path: str, body: Any = None, *, key: str | None = "", raw: bytes | None = None,
        extra: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Content-Type": "application/json", **(extra or {})}
        if key is not None:
            headers["apikey"] = key or self.key
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        try:
            payload = json.loads(text)
        except ValueError:
            payload = text
        return response.status, dict(response.getheaders()), payload


@pytest.fixture
def raw(emulator: Emulator, emulator_api_key: str) -> Raw:
    return Raw(emulator, emulator_api_key)


SCHEMA: JSON = {
    "tools": [{"tool": "point", "title": "Eye", "schemaId": "eye"}],
    "classifications": [],
    "relations": [],
}


# -- endpoints --------------------------------------------------------------------------------------


def test_create_then_get_project_in_ango_envelopes(raw: Raw) -> None:
    status, headers, body = raw("POST", "/v2/project", {"name": "Faces", "description": "d"})
    assert status == 201
    assert headers["Content-Type"].startswith("application/json")
    project = body["data"]["project"]
    assert body["status"] == "success"

    status, _, body = raw("GET", f"/v2/project/{project['_id']}")
    assert status == 200
    assert body == {"status": "success", "data": {"project": project}}


def test_project_needs_a_name(raw: Raw) -> None:
    status, _, body = raw("POST", "/v2/project", {"description": "no name"})
    assert (status, body["status"]) == (400, "fail")
    assert "name" in body["message"]


def test_label_set_is_stored_and_returned(raw: Raw, project: JSON, local_hub: LocalHub) -> None:
    status, _, body = raw("POST", f"/v2/project/{project['_id']}", {"categorySchema": SCHEMA})
    assert status == 200
    assert body["data"]["project"]["categorySchema"] == SCHEMA
    assert local_hub.get_project(project["_id"])["categorySchema"] == SCHEMA


def test_a_write_with_if_match_lands_only_while_the_project_holds_that_label_set(
        raw: Raw, project: JSON, local_hub: LocalHub) -> None:
    path, empty = f"/v2/project/{project['_id']}", label_set_fingerprint(project)
    status, _, _ = raw("POST", path, {"categorySchema": SCHEMA}, extra={"If-Match": f'"{empty}"'})
    assert status == 200
    edited = {**SCHEMA, "tools": [{"tool": "point", "title": "Nose", "schemaId": "nose"}]}
    status, _, body = raw("POST", path, {"categorySchema": edited}, extra={"If-Match": f'"{empty}"'})
    assert status == 412 and body["status"] == "fail" and body["message"].startswith("Precondition failed: ")
    assert local_hub.get_project(project["_id"])["categorySchema"] == SCHEMA
    assert raw("POST", path, {"categorySchema": edited}, extra={"If-Match": "*"})[0] == 200


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"categorySchema": [1]}, "categorySchema"),
        ({"categorySchema": "nope"}, "must be an object"),
        ({}, "categorySchema is required"),
    ],
)
def test_malformed_label_set_is_a_400_with_a_message(
    raw: Raw, project: JSON, payload: JSON, message: str
) -> None:
    status, _, body = raw("POST", f"/v2/project/{project['_id']}", payload)
    assert status == 400
    assert body["status"] == "fail"
    assert message in body["message"]


def test_body_that_is_not_a_json_object_is_a_400(raw: Raw, project: JSON) -> None:
    assert raw("POST", "/v2/project", raw=b"{not json")[0] == 400
    status, _, body = raw("POST", "/v2/project", [1, 2])
    assert status == 400
    assert "object" in body["message"]


def test_malformed_project_id_is_invalid_and_absent_one_not_found(raw: Raw) -> None:
    status, _, body = raw("GET", "/v2/project/nope")
    assert (status, body) == (400, {"status": "fail", "message": "Invalid project: nope."})
    status, _, body = raw("GET", "/v2/project/" + "a" * 24)
    assert status == 404
    assert body["status"] == "fail"


def test_list_projects_pages_with_total(raw: Raw, local_hub: LocalHub) -> None:
    for i in range(12):
        local_hub.create_project(f"p{i}")
    status, _, body = raw("GET", "/v2/listProjects?page=2&limit=5")
    assert status == 200
    assert body["data"]["total"] == 12
    assert [p["name"] for p in body["data"]["projects"]] == [f"p{i}" for i in range(6, 1, -1)]  # newest first
    assert len(raw("GET", "/v2/listProjects")[2]["data"]["projects"]) == 10  # Ango's default limit


@pytest.mark.parametrize("query", ["page=0", "limit=0", "page=x"])
def test_bad_paging_is_a_400(raw: Raw, query: str) -> None:
    assert raw("GET", f"/v2/listProjects?{query}")[0] == 400


def test_page_size_is_capped(raw: Raw, local_hub: LocalHub) -> None:
    for i in range(105):
        local_hub.create_project(f"p{i}")
    body = raw("GET", "/v2/listProjects?page=1&limit=1000")[2]
    assert len(body["data"]["projects"]) == 100
    assert body["data"]["total"] == 105


def test_create_batch_answers_with_the_batch(raw: Raw, project: JSON, local_hub: LocalHub) -> None:
    status, _, body = raw("POST", f"/v2/batches/{project['_id']}", {"name": "week 1"})
    assert status == 201
    assert body["data"]["project"]["name"] == "week 1"
    assert local_hub.get_batches(project["_id"]) == [body["data"]["project"]]
    assert raw("POST", f"/v2/batches/{project['_id']}", {"name": ""})[0] == 400


def test_bulk_batches_add_only_new_names(raw: Raw, project: JSON, local_hub: LocalHub) -> None:
    local_hub.create_batch(project["_id"], "old")
    status, _, body = raw(
        "POST", f"/v2/batches/{project['_id']}", {"batches": [{"name": "old"}, {"name": "new"}, 3]}
    )
    assert status == 201
    assert [b["name"] for b in body["data"]["project"]["batches"]] == ["old", "new"]


def test_tasks_page_and_answers_come_only_when_asked(raw: Raw, project: JSON, local_hub: LocalHub) -> None:
    local_hub.upload_files_cloud(project["_id"], [{"data": f"u{i}", "externalId": str(i)} for i in range(3)])
    pid = project["_id"]
    body = raw("GET", f"/v2/project/{pid}/tasks?page=1&limit=2&includeAnswer=true")[2]
    assert body["data"]["total"] == 3
    assert [t["externalId"] for t in body["data"]["tasks"]] == ["0", "1"]
    assert "answer" in body["data"]["tasks"][0]
    body = raw("GET", f"/v2/project/{pid}/tasks?page=2&limit=2&includeAnswer=false")[2]
    assert [t["externalId"] for t in body["data"]["tasks"]] == ["2"]
    assert "answer" not in body["data"]["tasks"][0]


def test_import_labels_lands_on_the_task(raw: Raw, project: JSON, local_hub: LocalHub) -> None:
    local_hub.create_label_set(project["_id"], SCHEMA)
    local_hub.upload_files_cloud(project["_id"], [{"data": "u", "externalId": "a.png"}])
    eye = {"schemaId": "eye", "objectId": "e1", "point": [1, 2]}
    labels = [{"externalId": "a.png", "objects": [eye]}]
    status, _, body = raw("POST", "/v2/import/labels", {"project": project["_id"], "jsonContent": labels})
    assert status == 200
    assert body["data"]["matched"] == 1
    assert local_hub.get_tasks(project["_id"])[0]["answer"]["tools"] == [{**eye, "title": "Eye", "classifications": []}]
    assert raw("POST", "/v2/import/labels", {"project": project["_id"], "jsonContent": {}})[0] == 400
    assert raw("POST", "/v2/import/labels", {"project": "x", "jsonContent": []})[0] == 400


def test_cloud_upload_creates_tasks_in_the_named_batches(
    raw: Raw, project: JSON, local_hub: LocalHub
) -> None:
    body = {
        "assets": [{"data": "https://x/1.png", "externalId": "1.png"}],
        "uploadLocal": None,
        "priority": 0,
    }
    status, _, answer = raw("POST", f"/v2/project/{project['_id']}/cloud?batches=%5B%22b1%22%5D", body)
    assert status == 200
    assert answer["data"]["assets"] == 1
    assert local_hub.get_tasks(project["_id"])[0]["batches"] == ["b1"]
    assert raw("POST", f"/v2/project/{project['_id']}/cloud?batches=%7B%7D", body)[0] == 400
    assert raw("POST", f"/v2/project/{project['_id']}/cloud?batches=oops", body)[0] == 400
    assert raw("POST", f"/v2/project/{project['_id']}/cloud", {"assets": "x"})[0] == 400
    assert raw("POST", f"/v2/project/{project['_id']}/cloud", {"assets": [{"data": "no id"}]})[0] == 400


def test_unknown_path_or_method_is_a_404(raw: Raw) -> None:
    assert raw("GET", "/v2/nothing")[0] == 404
    assert raw("DELETE", "/v2/project")[0] == 404
    assert raw("PUT", "/v2/listProjects")[0] == 404


# -- the API key ------------------------------------------------------------------------------------


def test_missing_or_wrong_key_is_a_401_as_ango_says_it(raw: Raw) -> None:
    for key in (None, "wrong"):
        status, _, body = raw("GET", "/v2/listProjects", key=key)
        assert (status, body) == (401, {"status": "fail", "message": "Invalid API KEY"})


def test_recorded_requests_hide_the_key(raw: Raw, emulator: Emulator, emulator_api_key: str) -> None:
    raw("GET", "/v2/listProjects?page=1&limit=10")
    [recorded] = emulator.requests
    assert recorded.path == "/v2/listProjects?page=1&limit=10"
    assert recorded.headers["apikey"] == "<redacted>"
    assert emulator_api_key not in repr(recorded)
    assert recorded.json() is None


def test_emulator_repr_shows_where_it_serves(emulator: Emulator) -> None:
    assert emulator.url.startswith("http://127.0.0.1:")
    assert emulator.url in repr(emulator)


# -- faults -----------------------------------------------------------------------------------------


def test_fail_next_answers_injected_failures_then_recovers(raw: Raw, emulator: Emulator) -> None:
    emulator.faults.fail_next = 2
    emulator.faults.fail_status = 503
    assert [raw("GET", "/v2/listProjects")[0] for _ in range(3)] == [503, 503, 200]
    assert raw("GET", "/v2/listProjects")[2]["status"] == "success"


def test_fail_rate_of_one_fails_everything(raw: Raw, emulator: Emulator) -> None:
    emulator.faults.fail_rate = 1.0
    status, _, body = raw("GET", "/v2/listProjects")
    assert (status, body["status"]) == (500, "error")


def test_throttle_answers_429_with_retry_after(raw: Raw, emulator: Emulator) -> None:
    emulator.faults.throttle_next = 1
    emulator.faults.retry_after = 2.5
    status, headers, _ = raw("GET", "/v2/listProjects")
    assert (status, headers["Retry-After"]) == (429, "3")
    assert raw("GET", "/v2/listProjects")[0] == 200


def test_rate_limit_counts_a_sliding_window(raw: Raw, emulator: Emulator) -> None:
    now = [1000.0]
    emulator.clock = lambda: now[0]
    emulator.faults.rate_limit = 3
    emulator.faults.rate_window = 60
    assert [raw("GET", "/v2/listProjects")[0] for _ in range(4)] == [200, 200, 200, 429]
    now[0] += 20
    status, headers, _ = raw("GET", "/v2/listProjects")
    assert (status, headers["Retry-After"]) == (429, "40")
    now[0] += 40
    assert raw("GET", "/v2/listProjects")[0] == 200


def test_retry_after_defaults_to_one_second(raw: Raw, emulator: Emulator) -> None:
    emulator.faults.throttle_next = 1
    assert raw("GET", "/v2/listProjects")[1]["Retry-After"] == "1"


def test_dropped_connection_gets_no_answer(raw: Raw, emulator: Emulator) -> None:
    emulator.faults.drop_next = 1
    with pytest.raises(http.client.RemoteDisconnected):
        raw("GET", "/v2/listProjects")
    assert raw("GET", "/v2/listProjects")[0] == 200
    emulator.faults.drop_rate = 1.0
    with pytest.raises(http.client.RemoteDisconnected):
        raw("GET", "/v2/listProjects")


def test_latency_delays_every_answer(raw: Raw, emulator: Emulator) -> None:
    emulator.faults.latency = 0.3
    started = time.monotonic()
    raw("GET", "/v2/listProjects")
    assert time.monotonic() - started >= 0.3


def test_faults_can_be_read_and_changed_over_http(raw: Raw, emulator: Emulator) -> None:
    status, _, body = raw("POST", "/__faults", {"fail_next": 1, "retry_after": None})
    assert status == 200
    assert body["data"]["faults"]["fail_next"] == 1
    assert emulator.faults.fail_next == 1
    assert raw("GET", "/__faults")[2]["data"]["faults"]["fail_next"] == 1  # not itself a victim
    assert raw("GET", "/v2/listProjects")[0] == 500


@pytest.mark.parametrize(
    ("payload", "status"), [({"nonsense": 1}, 400), ({"latency": "slow"}, 400), ({"latency": True}, 400)]
)
def test_bad_fault_settings_are_refused(raw: Raw, payload: JSON, status: int) -> None:
    assert raw("POST", "/__faults", payload)[0] == status


def test_fault_settings_need_the_key(raw: Raw) -> None:
    assert raw("GET", "/__faults", key="wrong")[0] == 401


def test_store_failure_is_a_500(raw: Raw, local_hub: LocalHub) -> None:
    local_hub.close()
    status, _, body = raw("GET", "/v2/listProjects")
    assert (status, body["status"]) == (500, "error")


def test_emulator_bug_still_answers_500(
    raw: Raw, local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(local_hub, "page_projects", broken)
    assert raw("GET", "/v2/listProjects")[0] == 500


def test_store_errors_map_to_ango_status_codes(
    raw: Raw, local_hub: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object) -> None:
        raise ServerError("disk full")

    monkeypatch.setattr(local_hub, "create_project", failing)
    assert raw("POST", "/v2/project", {"name": "x"})[0] == 500


def test_faults_given_at_start_apply(local_hub: LocalHub) -> None:
    with Emulator(local_hub, faults=Faults(fail_next=1), seed=1) as emulator:
        assert Raw(emulator, DEFAULT_API_KEY)("GET", "/v2/listProjects")[0] == 500


# -- hub serve --------------------------------------------------------------------------------------


def _serve_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ango-ontology")
    add_hub_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["hub", "serve", *argv])


def test_serve_parser_reads_every_option(tmp_path: Path) -> None:
    args = _serve_args(
        "--host",
        "127.0.0.2",
        "--port",
        "0",
        "--db",
        str(tmp_path / "h.db"),
        "--api-key",
        "k",
        "--latency",
        "0.1",
        "--fail-rate",
        "0.2",
        "--rate-limit",
        "30",
        "--drop-rate",
        "0.3",
    )
    assert args.func is serve_command
    assert (args.host, args.port, args.db, args.api_key) == ("127.0.0.2", 0, tmp_path / "h.db", "k")
    assert (args.latency, args.fail_rate, args.rate_limit, args.drop_rate) == (0.1, 0.2, 30, 0.3)
    defaults = _serve_args()
    assert (defaults.host, defaults.port, defaults.latency) == ("127.0.0.1", 8765, 0.0)


def test_serve_stops_on_ctrl_c_without_showing_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(self: Emulator) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Emulator, "serve_forever", interrupted)
    args = _serve_args("--port", "0", "--db", str(tmp_path / "h.db"), "--api-key", "s3cret-key-value")
    assert args.func(args) == 0
    out = capsys.readouterr()
    assert "serving local:" in out.out
    assert "from --api-key" in out.out
    assert "s3cret-key-value" not in out.out + out.err


def test_serve_takes_the_key_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Emulator, "serve_forever", lambda self: None)
    monkeypatch.setenv("ANGO_API_KEY", "env-secret-value")
    args = _serve_args("--port", "0", "--db", str(tmp_path / "h.db"))
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "from ANGO_API_KEY" in out
    assert "env-secret-value" not in out


def test_serve_warns_when_not_on_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Emulator, "__init__", lambda self, *a, **k: None)
    monkeypatch.setattr(Emulator, "url", property(lambda self: "http://0.0.0.0:1"))
    monkeypatch.setattr(Emulator, "serve_forever", lambda self: None)
    monkeypatch.setattr(Emulator, "stop", lambda self: None)
    args = _serve_args("--host", "0.0.0.0", "--db", str(tmp_path / "h.db"))
    assert args.func(args) == 0
    assert "reachable from other machines" in capsys.readouterr().err


def test_serve_on_a_busy_port_fails_with_exit_1(
    tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ANGO_API_KEY", raising=False)
    port = emulator.url.rsplit(":", 1)[1]
    args = _serve_args("--port", port, "--db", str(tmp_path / "h.db"))
    assert serve_command(args) == 1
    assert "cannot serve" in capsys.readouterr().err


SERVE = """
import argparse, sys
from ango_ontology.commands.hub import register as add_hub_parser
parser = argparse.ArgumentParser()
add_hub_parser(parser.add_subparsers())
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def test_hub_serve_answers_sdk_shaped_requests_until_interrupted(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ANGO_API_KEY"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "hub", "serve", "--port", "0", "--db", str(tmp_path / "hub.db")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        assert "the built-in 'ango-emulator-key'" in banner
        port = int(banner.split(" at http://127.0.0.1:")[1].split(" ")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Content-Type": "application/json", "apikey": DEFAULT_API_KEY}
        conn.request("POST", "/v2/project", body=b'{"name": "curl", "description": ""}', headers=headers)
        assert conn.getresponse().status == 201
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_a_non_numeric_content_length_is_answered_400(emulator: Emulator, emulator_api_key: str) -> None:
    url = urlsplit(emulator.url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=5)
    connection.putrequest("POST", "/v2/project")
    connection.putheader("apikey", emulator_api_key)
    connection.putheader("Content-Length", "abc")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 400 and b"Content-Length" in response.read()
    connection.close()


def test_batches_created_at_once_by_many_clients_are_created_once(local_hub: LocalHub) -> None:
    project = local_hub.create_project("P", "")["_id"]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: local_hub.add_missing_batches(project, ["Week 1"]), range(16)))
    assert [b["name"] for b in local_hub.get_batches(project)] == ["Week 1"]


@pytest.mark.parametrize("name", adopted_corpus.CASES)
def test_any_label_set_ango_holds_is_accepted_and_returned_as_sent(raw: Raw, project: JSON, name: str) -> None:
    schema = adopted_corpus.case(name)
    status, _, _ = raw("POST", f"/v2/project/{project['_id']}", {"categorySchema": schema})
    assert status == 200
    status, _, body = raw("GET", f"/v2/project/{project['_id']}")
    assert json.dumps(body["data"]["project"]["categorySchema"]) == json.dumps(schema)
