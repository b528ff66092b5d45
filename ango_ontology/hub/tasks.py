"""Assets, tasks and their answers in the local hub's SQLite file: upload, import, export records.

A task is stored as Ango's task JSON (`_id`, `project`, `asset`, `externalId`, `batches`, `stage`,
`status`, `isPreLabeled`, `answer`); its answer is in task format (option schemaIds, see `answers`).
"""

from __future__ import annotations

import copy
import json
import sqlite3
from typing import Any

from ango_ontology.errors import HubError
from ango_ontology.hub.answers import SchemaIndex, answer_to_export, label_to_answer
from ango_ontology.hub.calls import stage_names
from ango_ontology.model import JSON

EMPTY_ANSWER: JSON = {"tools": [], "classifications": [], "relations": []}
START_STAGE = "Start"
COMPLETE_STAGE = "Complete"
# A new project's workflow: Start, one labeling stage, one review stage, Complete.
DEFAULT_STAGES: list[JSON] = [
    {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
    {"id": "Label", "name": "Label", "type": "Label", "next": ["Review"]},
    {"id": "Review", "name": "Review", "type": "Review", "next": ["Complete"]},
    {"id": "Complete", "name": "Complete", "type": "Complete", "next": []},
]


def complete_stage(project: JSON) -> str:
    """The name of the project's stage of type Complete (where imported labels land), else `Complete`."""
    for stage in project.get("stages") or []:
        if isinstance(stage, dict) and stage.get("type") == "Complete" and stage.get("name"):
            return str(stage["name"])
    return COMPLETE_STAGE


def check_stages(stages: Any) -> list[JSON]:
    """A workflow as `update_workflow_stages` sends it: a list of objects with distinct names."""
    if not isinstance(stages, list) or not all(isinstance(s, dict) for s in stages):
        raise HubError("stages must be a list of stage objects")
    names = [s.get("name") for s in stages]
    if not all(isinstance(n, str) and n for n in names):
        raise HubError("every stage needs a name")
    if len(set(names)) != len(names):
        raise HubError("two stages share a name")
    return copy.deepcopy(stages)


def insert_task(
    db: sqlite3.Connection, project_id: str, asset: Any, ids: tuple[str, str], created_at: str
) -> None:
    """One asset and its task (`ids`: the task's and the asset's), in the Start stage with an empty answer."""
    if not isinstance(asset, dict) or not asset.get("externalId"):
        raise HubError("every asset needs an externalId")
    external_id = str(asset["externalId"])
    task = {
        "_id": ids[0],
        "project": project_id,
        "asset": {
            "_id": ids[1],
            "data": asset.get("data", ""),
            "externalId": external_id,
            "isPreLabeled": False,
        },
        "externalId": external_id,
        "batches": list(asset.get("batches") or []),
        "stage": START_STAGE,
        "status": "TODO",
        "isPreLabeled": False,
        "createdAt": created_at,
        "answer": copy.deepcopy(EMPTY_ANSWER),
    }
    db.execute(
        "INSERT INTO tasks (id, project_id, external_id, doc) VALUES (?, ?, ?, ?)",
        (task["_id"], project_id, external_id, json.dumps(task)),
    )


def import_label(
    db: sqlite3.Connection, project: JSON, index: SchemaIndex, number: int, label: JSON, imported_at: str
) -> int:
    """Resolve one label against the schema and store it on its task(s); 1 if it landed on a task, else 0.

    HubError names the label (its 0-based position and externalId) and the field at fault; the caller's
    transaction then keeps nothing of the import.
    """
    external_id = label.get("externalId")
    where = f"label {number}" + (f" (externalId {external_id!r})" if external_id is not None else "")
    if not isinstance(external_id, (str, int)) or isinstance(external_id, bool) or str(external_id) == "":
        raise HubError(f"{where}: externalId is required")
    answer = label_to_answer(label, index, where)
    stage = _target_stage(project, label, where)
    db.execute(
        "INSERT INTO labels (project_id, external_id, doc, imported_at) VALUES (?, ?, ?, ?)",
        (project["_id"], str(external_id), json.dumps(label), imported_at),
    )
    rows = db.execute(
        "SELECT id, doc FROM tasks WHERE project_id = ? AND external_id = ?", (project["_id"], str(external_id))
    ).fetchall()
    for task_id, doc in rows:
        task = json.loads(doc)
        task.update(answer=copy.deepcopy(answer), stage=stage, isPreLabeled=True)
        task["status"] = "Completed" if stage == complete_stage(project) else "TODO"
        if isinstance(task.get("asset"), dict):
            task["asset"]["isPreLabeled"] = True
        db.execute("UPDATE tasks SET doc = ? WHERE id = ?", (json.dumps(task), task_id))
    return 1 if rows else 0


def _target_stage(project: JSON, label: JSON, where: str) -> str:
    stage = label.get("stage")
    if stage is None:
        return complete_stage(project)
    names = stage_names(project)
    if not isinstance(stage, str) or not stage or (names and stage not in names):
        known = ", ".join(repr(n) for n in names)
        raise HubError(f"{where}.stage: {stage!r} is not a stage of this project; stages: {known}")
    return stage


def export_record(task: JSON, index: SchemaIndex) -> JSON:
    """One asset as an export lists it: choice answers as option values and tree paths."""
    asset: JSON = task["asset"] if isinstance(task.get("asset"), dict) else {}
    # As Ango exports it: the task's id and stage inside `task`, beside the answer.
    answer = {"taskId": task.get("_id"), "stage": task.get("stage")}
    return {
        "externalId": task.get("externalId"),
        "asset": asset.get("data", ""),
        "assetId": asset.get("_id"),
        "batches": list(task.get("batches") or []),
        "task": answer | answer_to_export(task.get("answer") or EMPTY_ANSWER, index),
    }


def selected(task: JSON, stages: list[str] | None, batches: list[str] | None) -> bool:
    """Whether an export filtered by these stages and batches (None: any) includes the task."""
    if stages is not None and task.get("stage") not in stages:
        return False
    return batches is None or any(b in batches for b in task.get("batches") or [])
