"""The emulator's export: `GET /v2/export` packs the records in a zip and hands out a URL to fetch it.

The query is what SDK 1.4.10's `ExportOptions.toDict()` sends (`project`, `stage`, `batches`,
`taskTypes`, `format`, `type`, and flags the emulator ignores). Unlike Ango Hub, whose default is the
Complete stage only, an absent `stage` means every stage. The zip is served by the emulator itself at
`/__exports/<token>.zip`, without a key, for `EXPORT_TTL` seconds (any number of times: the SDK fetches it
twice when asked to save the zip).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from ango_ontology.hub.export_zip import TASK_TYPES, pack
from ango_ontology.hub.local import LocalHub
from ango_ontology.hub.routes import Rejection

EXPORTS_PREFIX = "/__exports/"
EXPORT_TTL = 60.0


def export_file(store: LocalHub, project_id: str, query: dict[str, list[str]]) -> bytes:
    """The zip of the project's export as the query asks for it; Rejection(400) for a malformed query."""
    fmt = _one(query, "format", "json")
    if fmt not in ("json", "ndjson"):
        raise Rejection(400, f"format must be json or ndjson, not {fmt!r}")
    if _one(query, "type", "task") != "task":
        raise Rejection(400, "only type=task exports are supported by the emulator")
    task_types = _json_list(query, "taskTypes")
    unknown = sorted(set(task_types or []) - set(TASK_TYPES))
    if unknown:
        raise Rejection(400, f"unknown taskTypes: {', '.join(unknown)}")
    records = store.export(project_id, stages=_json_list(query, "stage"), batches=_json_list(query, "batches"))
    if task_types is not None and "default" not in task_types:
        records = []  # the emulator's tasks are all of the default type
    return pack(records, fmt, project_id)


def _one(query: dict[str, list[str]], key: str, default: str) -> str:
    return query.get(key, [default])[0]


def _json_list(query: dict[str, list[str]], key: str) -> list[str] | None:
    """A JSON list of strings from the query (as the SDK json.dumps it), or None when absent."""
    if key not in query:
        return None
    try:
        value: Any = json.loads(query[key][0])
    except ValueError:
        raise Rejection(400, f"{key} must be a JSON list of strings") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Rejection(400, f"{key} must be a JSON list of strings")
    return value


class ExportFiles:
    """Export zips waiting to be fetched, by token, each for `ttl` seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, ttl: float = EXPORT_TTL) -> None:
        self._clock = clock
        self.ttl = ttl
        self._files: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()

    def publish(self, data: bytes) -> str:
        """Keep `data`; return the path it is served at."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._prune()
            self._files[token] = (data, self._clock() + self.ttl)
        return f"{EXPORTS_PREFIX}{token}.zip"

    def fetch(self, path: str) -> bytes | None:
        """The zip at `path`, or None when there is none or it has expired."""
        token = path[len(EXPORTS_PREFIX) :].removesuffix(".zip")
        with self._lock:
            self._prune()
            found = self._files.get(token)
        return found[0] if found else None

    def _prune(self) -> None:
        now = self._clock()
        for token in [t for t, (_, expires) in self._files.items() if expires <= now]:
            del self._files[token]
