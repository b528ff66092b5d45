"""Tests of the embedded SQLite hub: the Hub interface, durability and concurrency."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import adopted_corpus
import pytest

from ango_ontology.errors import HubError, NotFoundError, ServerError
from ango_ontology.hub import Hub
from ango_ontology.hub.local import LocalHub, category_schema_problems, is_object_id
from ango_ontology.model import JSON

CAR_SCHEMA: JSON = {
    "tools": [{"tool": "bounding-box", "title": "Car", "schemaId": "car", "color": "#ff0000"}],
    "classifications": [
        {"tool": "radio", "title": "Weather", "schemaId": "w", "options": [{"value": "Sun", "schemaId": "s"}]}
    ],
    "relations": [],
}
ABSENT_ID = "0" * 24


def test_local_hub_implements_the_hub_protocol(local_hub: LocalHub) -> None:
    assert isinstance(local_hub, Hub)
    assert local_hub.name == f"local:{local_hub.path}"
    assert str(local_hub.path) in repr(local_hub)


def test_new_project_carries_the_keys_ango_returns(local_hub: LocalHub) -> None:
    project = local_hub.create_project("Vehicles", "cars and trucks")

    assert is_object_id(project["_id"])
    assert project["categorySchema"] == {"tools": [], "classifications": [], "relations": []}
    for key in ("name", "description", "batches", "createdAt", "organization", "user", "assignedTo", "__v"):
        assert key in project
    assert project["createdAt"].endswith("Z")
    assert local_hub.get_project(project["_id"]) == project


def test_projects_of_one_database_share_an_organisation(local_hub: LocalHub) -> None:
    first = local_hub.create_project("a")
    second = local_hub.create_project("b")
    assert first["organization"] == second["organization"]
    assert first["_id"] != second["_id"]


def test_unknown_project_is_not_found(local_hub: LocalHub) -> None:
    with pytest.raises(NotFoundError, match=ABSENT_ID):
        local_hub.get_project(ABSENT_ID)
    with pytest.raises(NotFoundError):
        local_hub.create_label_set(ABSENT_ID, CAR_SCHEMA)
    with pytest.raises(NotFoundError):
        local_hub.create_batch(ABSENT_ID, "b")
    with pytest.raises(NotFoundError):
        local_hub.get_tasks(ABSENT_ID)
    with pytest.raises(NotFoundError):
        local_hub.import_labels(ABSENT_ID, [])


def test_project_without_name_is_refused(local_hub: LocalHub) -> None:
    with pytest.raises(HubError, match="name"):
        local_hub.create_project("")


def test_label_set_replaces_the_whole_schema_and_survives_reopening(
    local_hub: LocalHub, project: JSON
) -> None:
    local_hub.create_label_set(project["_id"], CAR_SCHEMA)
    only_relations: JSON = {
        "tools": [],
        "classifications": [],
        "relations": [{"tool": "one-to-one", "title": "r"}],
    }
    local_hub.create_label_set(project["_id"], only_relations)
    local_hub.close()

    reopened = LocalHub(local_hub.path)
    assert reopened.get_project(project["_id"])["categorySchema"] == only_relations
    reopened.close()


def test_stored_schema_is_a_copy_not_the_callers_object(local_hub: LocalHub, project: JSON) -> None:
    schema = json.loads(json.dumps(CAR_SCHEMA))
    local_hub.create_label_set(project["_id"], schema)
    schema["tools"].clear()
    assert local_hub.get_project(project["_id"])["categorySchema"] == CAR_SCHEMA


def test_malformed_schema_is_refused_and_the_previous_one_kept(local_hub: LocalHub, project: JSON) -> None:
    local_hub.create_label_set(project["_id"], CAR_SCHEMA)
    with pytest.raises(HubError, match=r"\$: \[7\] is not of type 'object'"):
        local_hub.create_label_set(project["_id"], [7])  # type: ignore[arg-type]
    assert local_hub.get_project(project["_id"])["categorySchema"] == CAR_SCHEMA


def test_only_a_schema_that_is_no_object_is_a_problem(local_hub: LocalHub) -> None:
    # Ango holds entries that are no node in a list of nodes, and other values where a list goes: kept as sent.
    held = {"tools": [7, None, {"options": "x", "classifications": {}}], "relations": "x"}
    assert category_schema_problems(held) == []
    assert category_schema_problems(CAR_SCHEMA) == []
    assert category_schema_problems(["x"]) == ["$: ['x'] is not of type 'object'"]


def test_batches_are_created_in_order(local_hub: LocalHub, project: JSON) -> None:
    first = local_hub.create_batch(project["_id"], "first")
    second = local_hub.create_batch(project["_id"], "second")
    assert is_object_id(first["_id"])
    assert local_hub.get_batches(project["_id"]) == [first, second]
    with pytest.raises(HubError):
        local_hub.create_batch(project["_id"], "")


def test_list_projects_shows_summaries_newest_first_as_ango_does(local_hub: LocalHub) -> None:
    # Ango's listProjects sorts by `-createdAt` unless told otherwise: https://docs.imerit.net/api/docs/projects
    ids = [local_hub.create_project(f"p{i}")["_id"] for i in range(5)][::-1]
    listed = local_hub.list_projects()
    assert [p["_id"] for p in listed] == ids
    assert "categorySchema" not in listed[0]
    page, total = local_hub.page_projects(2, 2)
    assert total == 5
    assert [p["_id"] for p in page] == ids[2:4]


def test_uploaded_assets_become_tasks_with_empty_answers(local_hub: LocalHub, project: JSON) -> None:
    local_hub.upload_files_cloud(project["_id"], [{"data": "https://x/1.png", "externalId": "1.png"}])
    [task] = local_hub.get_tasks(project["_id"])
    assert task["externalId"] == "1.png"
    assert task["asset"]["data"] == "https://x/1.png"
    assert task["answer"] == {"tools": [], "classifications": [], "relations": []}
    assert "answer" not in local_hub.get_tasks(project["_id"], include_answer=False)[0]


def test_asset_without_external_id_is_refused_whole(local_hub: LocalHub, project: JSON) -> None:
    with pytest.raises(HubError, match="externalId"):
        local_hub.upload_files_cloud(project["_id"], [{"data": "a", "externalId": "a"}, {"data": "b"}])
    assert local_hub.get_tasks(project["_id"]) == []


def test_tasks_page_by_page(local_hub: LocalHub, project: JSON) -> None:
    assets = [{"data": f"u{i}", "externalId": f"{i}"} for i in range(7)]
    local_hub.upload_files_cloud(project["_id"], assets)
    page, total = local_hub.page_tasks(project["_id"], 3, 3, include_answer=True)
    assert total == 7
    assert [t["externalId"] for t in page] == ["6"]


def test_imported_labels_answer_their_tasks_and_are_kept(local_hub: LocalHub, project: JSON) -> None:
    local_hub.create_label_set(project["_id"], CAR_SCHEMA)
    local_hub.upload_files_cloud(project["_id"], [{"data": "u", "externalId": "1.png"}])
    car = {"schemaId": "car", "objectId": "o1", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4}}
    labels = [{"externalId": "1.png", "objects": [car]}, {"externalId": "ghost.png", "objects": []}]

    result = local_hub.import_labels(project["_id"], labels)

    assert result == {"project": project["_id"], "imported": 2, "matched": 1}
    [task] = local_hub.get_tasks(project["_id"])
    stored = {**car, "title": "Car", "classifications": []}
    assert task["answer"] == {"tools": [stored], "classifications": [], "relations": []}
    assert local_hub.get_labels(project["_id"]) == labels


def test_labels_must_be_a_list_of_objects(local_hub: LocalHub, project: JSON) -> None:
    with pytest.raises(HubError, match="jsonContent"):
        local_hub.import_labels(project["_id"], ["not a label"])  # type: ignore[list-item]


def test_database_runs_in_wal_mode_with_a_busy_timeout(local_hub: LocalHub) -> None:
    with sqlite3.connect(local_hub.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert local_hub._conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_unopenable_database_is_a_server_error(tmp_path: Path) -> None:
    (tmp_path / "hub.db").mkdir()
    with pytest.raises(ServerError, match="cannot open the local hub"):
        LocalHub(tmp_path / "hub.db")


def test_database_failure_is_a_server_error(local_hub: LocalHub) -> None:
    local_hub.close()
    with pytest.raises(ServerError, match="local hub"):
        local_hub.list_projects()
    with pytest.raises(ServerError, match="local hub"):
        local_hub.create_project("after close")


def test_threads_adding_batches_lose_none(local_hub: LocalHub, project: JSON) -> None:
    def add(prefix: str) -> None:
        for i in range(10):
            local_hub.create_batch(project["_id"], f"{prefix}{i}")

    threads = [threading.Thread(target=add, args=(p,)) for p in "abcd"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(local_hub.get_batches(project["_id"])) == 40


# -- several processes ---------------------------------------------------------------------------

ADD_BATCHES = """
import sys
from ango_ontology.hub.local import LocalHub
hub = LocalHub(sys.argv[1])
for i in range(25):
    hub.create_batch(sys.argv[2], sys.argv[3] + str(i))
"""

# Blocks inside the write transaction, after the new schema is written, right before COMMIT.
KILL_AT_COMMIT = """
import json, sys, time
from ango_ontology.hub.local import LocalHub
hub = LocalHub(sys.argv[1])
def hold(statement):
    if statement == "COMMIT":
        print("writing", flush=True)
        time.sleep(60)
hub._conn.set_trace_callback(hold)
hub._conn.execute("PRAGMA cache_size = 10")  # spill the new pages to the WAL before commit
hub.create_label_set(sys.argv[2], json.loads(sys.stdin.read()))
"""

REWRITE_FOREVER = """
import json, sys
from ango_ontology.hub.local import LocalHub
hub = LocalHub(sys.argv[1])
print("ready", flush=True)
for i in range(100000):
    hub.create_label_set(sys.argv[2], {"tools": [
        {"tool": "point", "title": f"v{i}-{n}", "schemaId": str(n)} for n in range(2000)]})
"""


def _python(script: str, *args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdin=stdin, stdout=subprocess.PIPE, text=True
    )


def test_two_processes_adding_batches_lose_none(local_hub: LocalHub, project: JSON) -> None:
    procs = [_python(ADD_BATCHES, str(local_hub.path), project["_id"], p) for p in "xy"]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    names = {b["name"] for b in local_hub.get_batches(project["_id"])}
    assert len(names) == 50


def test_process_killed_before_commit_leaves_the_previous_schema(local_hub: LocalHub, project: JSON) -> None:
    local_hub.create_label_set(project["_id"], CAR_SCHEMA)
    huge = {
        "tools": [{"tool": "polygon", "title": f"T{i}" + "x" * 200, "schemaId": str(i)} for i in range(20000)]
    }
    proc = _python(KILL_AT_COMMIT, str(local_hub.path), project["_id"], stdin=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(huge))
    proc.stdin.close()
    assert proc.stdout.readline().strip() == "writing"
    wal = Path(f"{local_hub.path}-wal")
    assert wal.stat().st_size > 1_000_000, "the uncommitted schema should have reached the WAL"

    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    reopened = LocalHub(local_hub.path)
    assert reopened.get_project(project["_id"])["categorySchema"] == CAR_SCHEMA
    assert reopened._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened.create_label_set(project["_id"], {"tools": []})  # the write lock was released
    reopened.close()


def test_process_killed_at_any_moment_leaves_a_whole_schema(local_hub: LocalHub, project: JSON) -> None:
    proc = _python(REWRITE_FOREVER, str(local_hub.path), project["_id"])
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.7)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    tools = LocalHub(local_hub.path).get_project(project["_id"])["categorySchema"]["tools"]
    assert len(tools) in (0, 2000)
    assert len({t["title"].split("-")[0] for t in tools}) <= 1, "tools from two different writes"


@pytest.mark.parametrize("key", ["classifications", "treeOptions"])
def test_a_label_set_nested_past_the_limit_is_refused_with_a_reason(local_hub: LocalHub, project: JSON,
                                                                    key: str) -> None:
    from ango_ontology.hub.base import MAX_DEPTH, schema_depth

    node: JSON = {"tool": "text", "title": "Q", "schemaId": "q"}
    root = node
    for level in range(MAX_DEPTH):
        child: JSON = {"tool": "text", "title": f"Q{level}", "schemaId": f"q{level}"}
        if key == "treeOptions":
            child = {"title": f"L{level}", "key": f"l{level}", "children": []}
        node.setdefault(key if node is root or key == "classifications" else "children", []).append(child)
        node = child
    schema = {"tools": [], "classifications": [root], "relations": []}
    assert schema_depth(schema) == MAX_DEPTH + 1
    with pytest.raises(HubError, match=f"nests {MAX_DEPTH + 1} levels deep; the local hub stores at most"):
        local_hub.create_label_set(project["_id"], schema)
    assert local_hub.get_project(project["_id"])["categorySchema"]["classifications"] == []


def test_a_write_with_a_precondition_is_a_compare_and_swap_across_connections(tmp_path: Path,
                                                                           project: JSON) -> None:
    from ango_ontology.errors import ConflictError
    from ango_ontology.hub.base import label_set_fingerprint

    expected = label_set_fingerprint(project)
    hubs = [LocalHub(tmp_path / "hub.db") for _ in range(2)]
    start, results = threading.Barrier(2), {}

    def write(index: int) -> None:
        schema = {**CAR_SCHEMA, "tools": [{**CAR_SCHEMA["tools"][0], "title": f"Writer {index}"}]}
        start.wait()
        try:
            hubs[index].create_label_set(project["_id"], schema, expected=expected)
            results[index] = "written"
        except ConflictError:
            results[index] = "refused"

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == ["refused", "written"]
    (winner,) = [i for i, result in results.items() if result == "written"]
    assert hubs[0].get_project(project["_id"])["categorySchema"]["tools"][0]["title"] == f"Writer {winner}"
    for hub in hubs:
        hub.close()


@pytest.mark.parametrize("name", adopted_corpus.CASES)
def test_any_label_set_ango_holds_is_stored_as_sent(local_hub: LocalHub, project: JSON, name: str) -> None:
    schema = adopted_corpus.case(name)
    local_hub.create_label_set(project["_id"], schema)
    assert json.dumps(local_hub.get_project(project["_id"])["categorySchema"]) == json.dumps(schema)
