"""The one interface every hub offers: the Ango Hub REST client and the embedded local hub alike."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from ango_ontology.hub.pacing import is_loopback
from ango_ontology.model import JSON
from ango_ontology.wire import fingerprint

DEFAULT_HOST = "https://imeritapi.ango.ai"
# The key the emulator accepts when it was given none: known to both sides, so it is no secret.
DEFAULT_API_KEY = "ango-emulator-key"
DEFAULT_PORT = 8765
DEFAULT_LOCAL_PATH = Path(".ango-hub") / "hub.db"
# How deeply a label set may nest: a top-level node is level 1, and each nested question, option and
# tree level adds one. Measured on CPython 3.11 (recursion limit 1000): the local hub's JSON Schema
# check of a categorySchema runs out of stack past ~125 nested questions or ~165 tree levels, the YAML
# reader past ~190 and ~290, `json` past ~490; SQLite keeps the text whatever its depth. `validate`
# refuses a deeper file and the local hub a deeper categorySchema, both at this one limit.
MAX_DEPTH = 100
_NESTED = ("classifications", "options", "treeOptions", "children")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def hub_identity(name: str) -> str:
    """Which hub a name means, however it was spelled: scheme and host in lower case, a default port dropped,
    every loopback address one (a server on this machine answers on all of them), no trailing slash. Run locks
    and a saved plan's hub are keyed by it, so `https://HUB` and `https://hub:443` are one hub."""
    if name.startswith("local:"):
        return f"local:{Path(name[len('local:'):]).expanduser().resolve()}"
    try:
        url = urlsplit(name)
        port = url.port
    except ValueError:
        return name  # not a URL the client would have accepted: compared as it is
    scheme, host = url.scheme.lower(), (url.hostname or "").lower()
    if is_loopback(host):
        host = "loopback"
    elif ":" in host:
        host = f"[{host}]"
    port_part = "" if port is None or port == _DEFAULT_PORTS.get(scheme) else f":{port}"
    return f"{scheme}://{host}{port_part}{url.path.rstrip('/')}"


@runtime_checkable
class Hub(Protocol):
    """What the rest of the toolkit may ask of a hub. Every method raises a `HubError` on failure."""

    @property
    def name(self) -> str:
        """Where this hub is, for plans and messages (`local:/path/hub.db`, a URL): never the key."""
        ...

    def get_project(self, project_id: str) -> JSON:
        """The project object (`data.project`), with its `categorySchema`; NotFoundError if absent."""
        ...

    def create_label_set(self, project_id: str, category_schema: JSON, *, expected: str | None = None) -> JSON:
        """Replace the project's whole categorySchema (POST /v2/project/{id}).

        `expected` is the precondition: the `wire.fingerprint` of the categorySchema the write was planned
        against (`label_set_fingerprint` of the project). The local hub and the emulator write only while the
        project still holds it, else raise ConflictError and write nothing; Ango Hub ignores it.
        """
        ...

    def create_project(self, name: str, description: str = "") -> JSON:
        """Create a project and return it (with `_id`)."""
        ...

    def list_projects(self) -> list[JSON]:
        """Every project the key can see, all pages read."""
        ...

    def get_batches(self, project_id: str) -> list[JSON]:
        """The project's batches: `[{"_id", "name"}]`."""
        ...

    def create_batch(self, project_id: str, name: str) -> JSON:
        """Create a batch in the project."""
        ...

    def get_tasks(self, project_id: str, include_answer: bool = True) -> list[JSON]:
        """Every task of the project, all pages read, with answers when asked."""
        ...

    def task_total(self, project_id: str) -> int | None:
        """How many tasks the project has, as the tasks endpoint's `total` says; None when it says nothing."""
        ...

    def import_labels(self, project_id: str, labels: list[JSON]) -> JSON:
        """Import labels (POST /v2/import/labels): option values and tree paths become the tasks' answers."""
        ...

    def upload_files_cloud(self, project_id: str, assets: list[JSON]) -> JSON:
        """Create one asset and its task per `{"data": URL, "externalId": ...}` (POST /v2/project/{id}/cloud)."""
        ...

    def export(self, project_id: str) -> list[JSON]:
        """Every task of every type in every stage as an export record, choice answers as option values:
        `{"externalId", "asset", "assetId", "batches", "task": {"taskId", "stage", "tools", "classifications",
        "relations"}}` (see docs/hub.md)."""
        ...

    def close(self) -> None:
        """Release sockets or database handles."""
        ...


def label_set_fingerprint(project: JSON) -> str:
    """The fingerprint a write's precondition names: of the project's categorySchema (none: an empty one)."""
    schema = project.get("categorySchema")
    return fingerprint(schema if isinstance(schema, dict) else None)


def schema_depth(category_schema: JSON) -> int:
    """How many levels of nodes a categorySchema nests (0 for an empty one, or one that is no object), read
    without recursion."""
    if not isinstance(category_schema, dict):
        return 0
    stack = [(1, node) for key in ("tools", "classifications", "relations")
             for node in _listed(category_schema.get(key))]
    deepest = 0
    while stack:
        level, node = stack.pop()
        deepest = max(deepest, level)
        stack.extend((level + 1, child) for key in _NESTED for child in _listed(node.get(key)))
    return deepest


def _listed(value: object) -> list[JSON]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
