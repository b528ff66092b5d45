"""The emulator's routes: Ango Hub's REST paths answered from a local hub, with Ango's envelopes."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

from ango_ontology.errors import ConflictError, HubError, NotFoundError, ServerError
from ango_ontology.hub.local import LocalHub, is_object_id
from ango_ontology.model import JSON

MAX_PAGE = 100

log = logging.getLogger(__name__)


class Rejection(Exception):
    """An answer other than success, raised by a route."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# A route gets the path's parameters (and `if_match`, the request's If-Match precondition, when it has one),
# the query and the JSON body.
Route = Callable[[LocalHub, dict[str, str], dict[str, list[str]], JSON], tuple[int, JSON]]


def run_route(
    route: Route, store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON
) -> tuple[int, JSON]:
    """Call a route; turn the store's errors into Ango's status codes and envelopes."""
    project_id = params.get("project_id") or body.get("project")
    if "project_id" in params or "project" in body:
        _check_project_id(project_id)
    try:
        status, data = route(store, params, query, body)
    except NotFoundError:
        raise Rejection(404, f"Project not found: {project_id}") from None
    except ConflictError as exc:
        raise Rejection(412, f"Precondition failed: {exc.message}") from None
    except ServerError as exc:
        log.error("emulator store failed: %s", exc)
        raise Rejection(500, "Internal server error") from None
    except HubError as exc:
        raise Rejection(400, exc.message) from None
    return status, {"status": "success", "data": data}


def _check_project_id(project_id: object) -> None:
    if not isinstance(project_id, str) or not is_object_id(project_id):
        raise Rejection(400, f"Invalid project: {project_id}.")


def json_object(body: bytes) -> JSON:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        raise Rejection(400, "The request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise Rejection(400, "The request body must be a JSON object")
    return payload


def _page_args(query: dict[str, list[str]]) -> tuple[int, int]:
    try:
        page = int(query.get("page", ["1"])[0])
        limit = int(query.get("limit", ["10"])[0])
    except ValueError:
        raise Rejection(400, "page and limit must be integers") from None
    if page < 1 or limit < 1:
        raise Rejection(400, "page and limit must be at least 1")
    return page, min(limit, MAX_PAGE)


def _list_projects(
    store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON
) -> tuple[int, JSON]:
    projects, total = store.page_projects(*_page_args(query))
    return 200, {"projects": projects, "total": total}


def _get_project(store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON) -> tuple[int, JSON]:
    return 200, {"project": store.get_project(params["project_id"])}


def _create_label_set(
    store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON
) -> tuple[int, JSON]:
    schema, stages = body.get("categorySchema"), body.get("stages")
    if stages is not None and schema is None:
        # SDK's update_workflow_stages posts `{"stages": [...]}` to the same path.
        return 200, {"project": store.update_workflow_stages(params["project_id"], stages)}
    if not isinstance(schema, dict):
        raise Rejection(400, "categorySchema is required and must be an object")
    project = store.create_label_set(params["project_id"], schema, expected=params.get("if_match"))
    if stages is not None:
        project = store.update_workflow_stages(params["project_id"], stages)
    return 200, {"project": project}


def _create_project(
    store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON
) -> tuple[int, JSON]:
    name, description = body.get("name"), body.get("description") or ""
    if not isinstance(name, str) or not name.strip() or not isinstance(description, str):
        raise Rejection(400, "name is required and, with description, must be a string")
    return 201, {"project": store.create_project(name, description)}


def _create_batch(store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON) -> tuple[int, JSON]:
    project_id = params["project_id"]
    if isinstance(body.get("batches"), list):
        # The SDK's create_batches sends the existing batches plus the new ones, all by name.
        names = [b.get("name") for b in body["batches"] if isinstance(b, dict)]
        store.add_missing_batches(project_id, [name for name in names if isinstance(name, str)])
        return 201, {"project": store.get_project(project_id)}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Rejection(400, "name is required")
    # SDK 1.4.10 documents the new batch under `data.project`.
    return 201, {"project": store.create_batch(project_id, name)}


def _get_tasks(store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON) -> tuple[int, JSON]:
    include_answer = query.get("includeAnswer", ["false"])[0].lower() == "true"
    tasks, total = store.page_tasks(params["project_id"], *_page_args(query), include_answer)
    return 200, {"tasks": tasks, "total": total}


def _import_labels(
    store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON
) -> tuple[int, JSON]:
    labels = body.get("jsonContent")
    if not isinstance(labels, list):
        raise Rejection(400, "jsonContent is required and must be a list")
    return 200, store.import_labels(body["project"], labels)


def _upload_cloud(store: LocalHub, params: dict[str, str], query: dict[str, list[str]], body: JSON) -> tuple[int, JSON]:
    assets = body.get("assets")
    if not isinstance(assets, list):
        raise Rejection(400, "assets is required and must be a list")
    batches = _batch_ids(query)
    if batches:
        assets = [{**a, "batches": [*a.get("batches", []), *batches]} if isinstance(a, dict) else a for a in assets]
    return 200, store.upload_files_cloud(params["project_id"], assets)


def _batch_ids(query: dict[str, list[str]]) -> list[str]:
    raw = query.get("batches", ["[]"])[0]
    try:
        batches = json.loads(raw)
    except ValueError:
        raise Rejection(400, "batches must be a JSON list of batch ids") from None
    if not isinstance(batches, list):
        raise Rejection(400, "batches must be a JSON list of batch ids")
    return [str(b) for b in batches]


_PID = r"(?P<project_id>[^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Route]] = [
    ("GET", re.compile(r"^/v2/listProjects$"), _list_projects),
    ("GET", re.compile(rf"^/v2/project/{_PID}$"), _get_project),
    ("POST", re.compile(rf"^/v2/project/{_PID}$"), _create_label_set),
    ("POST", re.compile(r"^/v2/project$"), _create_project),
    ("POST", re.compile(rf"^/v2/batches/{_PID}$"), _create_batch),
    ("GET", re.compile(rf"^/v2/project/{_PID}/tasks$"), _get_tasks),
    ("POST", re.compile(rf"^/v2/project/{_PID}/cloud$"), _upload_cloud),
    ("POST", re.compile(r"^/v2/import/labels$"), _import_labels),
]
