"""The pieces of a request to a hub that need no HTTP library: the kept key, a call, a failed attempt."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ango_ontology.errors import BadResponseError, HubConfigError, HubError
from ango_ontology.model import JSON


class Secret:
    """Holds the API key so that no repr, str or f-string of the client can show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__

    def reveal(self) -> str:
        return self._value


def check_api_key(key: str) -> None:
    """HubConfigError, never quoting the key, when a header cannot carry it (the HTTP library would quote it
    back in its error): a space, a control or a non-ASCII character."""
    if not key or not all(" " < char < "\x7f" for char in key):
        raise HubConfigError("ANGO_API_KEY holds a space, a control or a non-ASCII character (a copy-paste "
                             "slip?), or nothing: set it again to the key exactly as Ango Hub shows it")


@dataclass(frozen=True)
class Call:
    """One logical request: what it is for, so that a failure can say so."""

    method: str
    path: str
    payload: JSON | None = None
    project_id: str | None = None
    idempotent: bool = True
    # A whole URL elsewhere than the hub's API (an export file): sent without the key unless `with_key`.
    absolute: bool = False
    with_key: bool = True
    # The If-Match precondition: the fingerprint of the label set a write was planned against.
    if_match: str | None = None

    @property
    def label(self) -> str:
        if self.absolute:
            return f"{self.method} the export file"
        return f"{self.method} {self.path.split('?')[0]}"


@dataclass(frozen=True)
class Failure:
    """A failed attempt, before deciding whether to retry it."""

    error: type[HubError]
    message: str
    retryable: bool
    retry_after: float | None = None
    may_have_landed: bool = False  # the request may have been carried out although no answer came back


def seg(value: str) -> str:
    """A path segment: Ango ids pass unchanged (as the SDK sends them), anything else cannot escape it."""
    return quote(str(value), safe="")


def dict_member(data: JSON, key: str, label: str) -> JSON:
    value = data.get(key)
    if not isinstance(value, dict):
        raise BadResponseError(f"{label}: the answer has no object `data.{key}`")
    return value


def created_batch(data: JSON, name: str) -> JSON:
    """The new batch, whether the hub answers with the batch itself or with the whole project."""
    created = data.get("batch") or data.get("project") or data
    if isinstance(created, dict) and isinstance(created.get("batches"), list):
        named = [b for b in created["batches"] if isinstance(b, dict) and b.get("name") == name]
        if named:
            return dict(named[-1])
    if not isinstance(created, dict):
        raise BadResponseError("POST /v2/batches/{id}: the answer holds no batch")
    return dict(created)


def stage_names(project: JSON) -> list[str]:
    """The names of the project's workflow stages, in order; [] when the project reports none."""
    stages = project.get("stages")
    if not isinstance(stages, list):
        return []
    return [str(s["name"]) for s in stages if isinstance(s, dict) and s.get("name")]
