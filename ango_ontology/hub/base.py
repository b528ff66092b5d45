"""The one interface every hub offers: the Ango Hub REST client and the embedded local hub alike."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from ango_ontology.model import JSON

DEFAULT_HOST = "https://imeritapi.ango.ai"
# The key the emulator accepts when it was given none: known to both sides, so it is no secret.
DEFAULT_API_KEY = "ango-emulator-key"
DEFAULT_PORT = 8765
DEFAULT_LOCAL_PATH = Path(".ango-hub") / "hub.db"


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

    def create_label_set(self, project_id: str, category_schema: JSON) -> JSON:
        """Replace the project's whole categorySchema (POST /v2/project/{id})."""
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

    def import_labels(self, project_id: str, labels: list[JSON]) -> JSON:
        """Import labels (POST /v2/import/labels): option values and tree paths become the tasks' answers."""
        ...

    def upload_files_cloud(self, project_id: str, assets: list[JSON]) -> JSON:
        """Create one asset and its task per `{"data": URL, "externalId": ...}` (POST /v2/project/{id}/cloud)."""
        ...

    def export(self, project_id: str) -> list[JSON]:
        """Every task of every type in every stage as an export record, choice answers as option values:
        `{"externalId", "asset", "assetId", "taskId", "stage", "batches", "task": {"tools", "classifications",
        "relations"}}` (see docs/hub.md)."""
        ...

    def close(self) -> None:
        """Release sockets or database handles."""
        ...
