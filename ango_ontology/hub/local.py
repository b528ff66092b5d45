"""The embedded hub: Ango Hub's projects, batches, tasks and labels kept in a local SQLite database."""

from __future__ import annotations

import copy
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from ango_ontology.errors import ConflictError, HubError, NotFoundError, ServerError
from ango_ontology.hub.answers import SchemaIndex
from ango_ontology.hub.base import DEFAULT_LOCAL_PATH, MAX_DEPTH, label_set_fingerprint, schema_depth
from ango_ontology.hub.tasks import (
    DEFAULT_STAGES,
    check_stages,
    export_record,
    import_label,
    insert_task,
    selected,
)
from ango_ontology.model import JSON

BUSY_TIMEOUT_MS = 30_000
# Read from beside the package (it ships as package data), the same in a checkout and in a wheel.
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "category-schema.schema.json"

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL,
    external_id TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_project ON tasks (project_id, external_id);
CREATE TABLE IF NOT EXISTS labels (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    external_id TEXT,
    doc TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
"""

EMPTY_SCHEMA: JSON = {"tools": [], "classifications": [], "relations": []}


def new_object_id() -> str:
    """A 24-hex id shaped like a MongoDB ObjectId (seconds since epoch, then randomness)."""
    return f"{int(time.time()):08x}{secrets.token_hex(8)}"


def is_object_id(text: str) -> bool:
    """Whether `text` looks like an Ango id (24 lowercase or uppercase hex digits)."""
    return len(text) == 24 and all(c in "0123456789abcdefABCDEF" for c in text)


def now_iso() -> str:
    """The current time as Ango writes it: `2022-12-13T13:28:34.479Z`."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@lru_cache(maxsize=1)
def _schema_validator() -> Any:
    # Imported here: jsonschema costs a tenth of a second at start-up, and only writes need it.
    import jsonschema  # type: ignore[import-untyped]  # ships no stubs; types-jsonschema is not a dependency

    schema = _inline_leaf_refs(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)  # type: ignore[no-any-return]


def _inline_leaf_refs(schema: JSON) -> JSON:
    """The schema with every `$ref` to a definition that holds no `$ref` itself written out in place.

    Same meaning, but each reference costs a registry lookup per validated value: on a large label set
    the `nullableString`-style ones were most of the time of a write.
    """
    defs = schema.get("$defs", {})
    leaves = {f"#/$defs/{name}": body for name, body in defs.items() if '"$ref"' not in json.dumps(body)}

    def inline(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"$ref"} and value["$ref"] in leaves:
                return leaves[value["$ref"]]
            return {key: inline(item) for key, item in value.items()}
        if isinstance(value, list):
            return [inline(item) for item in value]
        return value

    inlined: JSON = inline(schema)
    return inlined


def category_schema_problems(category_schema: object) -> list[str]:
    """Every way `category_schema` breaks the categorySchema JSON Schema, as `path: message` lines."""
    errors = sorted(_schema_validator().iter_errors(category_schema), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path}: {e.message}" for e in errors]


def project_summary(project: JSON) -> JSON:
    """What listProjects shows of a project: no label set, no batches."""
    keys = ("_id", "name", "description", "organization", "createdAt")
    return {k: project[k] for k in keys if k in project}


class LocalHub:
    """The `Hub` interface over a SQLite file; safe for threads of one process and for several processes."""

    def __init__(self, path: Path | str = DEFAULT_LOCAL_PATH) -> None:
        self.path = Path(path).expanduser().resolve()
        self._lock = threading.RLock()
        self._conn = self._connect()

    def __repr__(self) -> str:
        return f"LocalHub({str(self.path)!r})"

    @property
    def name(self) -> str:
        return f"local:{self.path}"

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are opened explicitly with BEGIN IMMEDIATE below.
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_DDL)
        except (OSError, sqlite3.Error) as exc:
            raise ServerError(f"cannot open the local hub at {self.path}: {exc}") from exc
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE locks up front, so read-modify-write is safe."""
        with self._lock, self._translated():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._translated():
            yield self._conn

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise ServerError(f"the local hub at {self.path} failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- projects -------------------------------------------------------------------------------

    def _identity(self, db: sqlite3.Connection) -> tuple[str, str]:
        """This database's organisation and user ids, made once and kept."""
        rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('organization', 'user')").fetchall())
        for key in ("organization", "user"):
            if key not in rows:
                rows[key] = new_object_id()
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, rows[key]))
        return rows["organization"], rows["user"]

    def _load_project(self, db: sqlite3.Connection, project_id: str) -> JSON:
        row = db.execute("SELECT doc FROM projects WHERE id = ?", (project_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"project {project_id} not found on {self.name}")
        project: JSON = json.loads(row[0])
        return project

    def _store_project(self, db: sqlite3.Connection, project: JSON) -> None:
        db.execute("UPDATE projects SET doc = ? WHERE id = ?", (json.dumps(project), project["_id"]))

    def get_project(self, project_id: str) -> JSON:
        with self._read() as db:
            return self._load_project(db, project_id)

    def create_project(self, name: str, description: str = "") -> JSON:
        if not name:
            raise HubError("a project needs a name")
        with self._write() as db:
            organization, user = self._identity(db)
            project = _new_project(name, description or "", organization, user)
            db.execute("INSERT INTO projects (id, doc) VALUES (?, ?)", (project["_id"], json.dumps(project)))
        return project

    def create_label_set(self, project_id: str, category_schema: JSON, *, expected: str | None = None) -> JSON:
        """Replace the schema in one transaction; with `expected`, only while the project still holds the label
        set of that fingerprint (a compare-and-swap: ConflictError, and nothing written, otherwise)."""
        depth = schema_depth(category_schema)
        if depth > MAX_DEPTH:  # the JSON Schema check below would run out of stack
            raise HubError(f"categorySchema rejected: it nests {depth} levels deep; the local hub stores at most "
                           f"{MAX_DEPTH}")
        problems = category_schema_problems(category_schema)
        if problems:
            raise HubError("categorySchema rejected: " + "; ".join(problems[:5]))
        with self._write() as db:
            project = self._load_project(db, project_id)
            if expected is not None and label_set_fingerprint(project) != expected:
                raise ConflictError(f"project {project_id} no longer holds the label set this write was planned "
                                    "against: another writer changed it; nothing was written")
            project["categorySchema"] = copy.deepcopy(category_schema)
            self._store_project(db, project)
        return project

    def list_projects(self) -> list[JSON]:
        projects, _ = self.page_projects(1, 0)
        return projects

    def page_projects(self, page: int, limit: int) -> tuple[list[JSON], int]:
        """One page of project summaries, newest first as Ango Hub lists them, and the total; `limit` 0: all."""
        with self._read() as db:
            total = db.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
            rows = db.execute("SELECT doc FROM projects ORDER BY seq DESC LIMIT ? OFFSET ?",
                              _window(page, limit)).fetchall()
        return [project_summary(json.loads(r[0])) for r in rows], total

    # -- batches --------------------------------------------------------------------------------

    def get_batches(self, project_id: str) -> list[JSON]:
        batches: list[JSON] = self.get_project(project_id).get("batches") or []
        return batches

    def create_batch(self, project_id: str, name: str) -> JSON:
        if not name:
            raise HubError("a batch needs a name")
        batch = {"_id": new_object_id(), "name": name}
        with self._write() as db:
            project = self._load_project(db, project_id)
            project["batches"] = [*(project.get("batches") or []), batch]
            self._store_project(db, project)
        return batch

    def add_missing_batches(self, project_id: str, names: list[str]) -> list[str]:
        """Create the named batches the project lacks, in one transaction (two callers never both add one)."""
        with self._write() as db:
            project = self._load_project(db, project_id)
            batches = list(project.get("batches") or [])
            existing = {b.get("name") for b in batches}
            added = [name for name in dict.fromkeys(names) if name and name not in existing]
            project["batches"] = batches + [{"_id": new_object_id(), "name": name} for name in added]
            self._store_project(db, project)
        return added

    # -- tasks and labels -----------------------------------------------------------------------

    def upload_files_cloud(self, project_id: str, assets: list[JSON]) -> JSON:
        """Create one asset and its task per `{"data": URL, "externalId": ...}`; answers start empty."""
        with self._write() as db:
            self._load_project(db, project_id)
            for asset in assets:
                insert_task(db, project_id, asset, (new_object_id(), new_object_id()), now_iso())
        return {"project": project_id, "assets": len(assets)}

    def get_tasks(self, project_id: str, include_answer: bool = True) -> list[JSON]:
        tasks, _ = self.page_tasks(project_id, 1, 0, include_answer)
        return tasks

    def task_total(self, project_id: str) -> int | None:
        return self.page_tasks(project_id, 1, 1, False)[1]

    def page_tasks(self, project_id: str, page: int, limit: int, include_answer: bool) -> tuple[list[JSON], int]:
        """One page of the project's tasks (oldest first) and the total; `limit` 0 means all."""
        with self._read() as db:
            self._load_project(db, project_id)
            total = db.execute("SELECT COUNT(*) FROM tasks WHERE project_id = ?", (project_id,)).fetchone()[0]
            rows = db.execute(
                "SELECT doc FROM tasks WHERE project_id = ? ORDER BY seq LIMIT ? OFFSET ?",
                (project_id, *_window(page, limit)),
            ).fetchall()
        tasks = [json.loads(r[0]) for r in rows]
        if not include_answer:
            for task in tasks:
                task.pop("answer", None)
        return tasks, total

    def import_labels(self, project_id: str, labels: list[JSON]) -> JSON:
        """Resolve every label against the current schema and make it its task's answer, all or nothing.

        Choice answers (option values, tree paths) become option schemaIds; the task moves to the label's
        `stage` (optional) or to the Complete stage. Anything unknown raises HubError naming the label and
        the field, and nothing of the import is kept.
        """
        if not isinstance(labels, list) or not all(isinstance(label, dict) for label in labels):
            raise HubError("jsonContent must be a list of label objects")
        matched = 0
        with self._write() as db:
            project = self._load_project(db, project_id)
            index = SchemaIndex(project.get("categorySchema") or {})
            for number, label in enumerate(labels):
                matched += import_label(db, project, index, number, label, now_iso())
        return {"project": project_id, "imported": len(labels), "matched": matched}

    def get_labels(self, project_id: str) -> list[JSON]:
        """Every label imported into the project, in import order, as it was sent."""
        with self._read() as db:
            rows = db.execute("SELECT doc FROM labels WHERE project_id = ? ORDER BY seq", (project_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def export(
        self, project_id: str, *, stages: list[str] | None = None, batches: list[str] | None = None
    ) -> list[JSON]:
        """Every task as an export record (choices as values), oldest first; None for a filter means all."""
        with self._read() as db:
            project = self._load_project(db, project_id)
            rows = db.execute("SELECT doc FROM tasks WHERE project_id = ? ORDER BY seq", (project_id,)).fetchall()
        index = SchemaIndex(project.get("categorySchema") or {})
        tasks = (json.loads(r[0]) for r in rows)
        return [export_record(t, index) for t in tasks if selected(t, stages, batches)]

    def update_workflow_stages(self, project_id: str, stages: list[JSON]) -> JSON:
        """Replace the project's workflow stages (as SDK's update_workflow_stages sends them)."""
        checked = check_stages(stages)
        with self._write() as db:
            project = self._load_project(db, project_id)
            project["stages"] = checked
            self._store_project(db, project)
        return project


def _window(page: int, limit: int) -> tuple[int, int]:
    """LIMIT and OFFSET for a 1-based page; SQLite reads LIMIT -1 as 'no limit'."""
    if limit <= 0:
        return -1, 0
    return limit, (max(page, 1) - 1) * limit


def _new_project(name: str, description: str, organization: str, user: str) -> JSON:
    """A project with every key Ango returns for a new one."""
    return {
        "aiAssistance": {"cocoRelations": []},
        "description": description,
        "categorySchema": copy.deepcopy(EMPTY_SCHEMA),
        "consensusCount": 1,
        "benchmark": False,
        "deleted": False,
        "reviewConf": {"filters": []},
        "batches": [],
        "stages": copy.deepcopy(DEFAULT_STAGES),
        "_id": new_object_id(),
        "name": name,
        "user": user,
        "organization": organization,
        "createdAt": now_iso(),
        "assignedTo": [],
        "tags": [],
        "__v": 0,
    }
