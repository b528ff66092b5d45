"""Choosing a hub: Ango Hub over HTTPS, an emulator on loopback, or the embedded local hub.

`open_hub(spec)` reads `spec` (from `--hub`), else `ANGO_HUB`, else Ango Hub's default host when
`ANGO_API_KEY` is set:

    https://HOST[:PORT]          Ango Hub; needs ANGO_API_KEY
    local, local:PATH            the embedded SQLite hub (default ./.ango-hub/hub.db)
    http://127.0.0.1:PORT        an emulator on loopback (`ango-ontology hub serve`); uses ANGO_API_KEY,
                                 or, when that is unset, the emulator's built-in key, which
                                 `hub serve` also accepts when it was given no key of its own
    http://OTHER-HOST            refused unless insecure=True: the key would travel in clear

An HTTP hub allows itself `ANGO_RATE_LIMIT` requests a minute (default 100, Ango's standard plan).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ango_ontology.errors import HubConfigError
from ango_ontology.hub.base import DEFAULT_API_KEY, DEFAULT_HOST, DEFAULT_LOCAL_PATH, Hub
from ango_ontology.hub.calls import check_api_key
from ango_ontology.hub.pacing import is_loopback
from ango_ontology.model import JSON

if TYPE_CHECKING:
    from ango_ontology.hub.client import HttpHub
    from ango_ontology.hub.local import LocalHub

# `requests` and SQLite are imported only by the hub that needs them: a command on the local hub
# should not pay for an HTTP stack at start-up, nor one on Ango Hub for the emulator.
_LAZY = {"HttpHub": "ango_ontology.hub.client", "LocalHub": "ango_ontology.hub.local"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["DEFAULT_HOST", "JSON", "HttpHub", "Hub", "LocalHub", "is_loopback", "open_hub", "shown"]

_SPECS = "an https:// URL, local, local:PATH, or http://127.0.0.1:PORT for an emulator"


def open_hub(spec: str | None, *, insecure: bool = False, environ: Mapping[str, str] | None = None) -> Hub:
    """The hub named by `spec` (or ANGO_HUB, or the default); HubConfigError when none is usable."""
    env = os.environ if environ is None else environ
    key = (env.get("ANGO_API_KEY") or "").strip() or None
    if key is not None:
        check_api_key(key)
    spec = (spec or env.get("ANGO_HUB") or "").strip() or None
    if spec is None:
        if key is None:
            raise HubConfigError(
                "no hub configured: set ANGO_API_KEY to use Ango Hub, or pass --hub local to try the tool "
                "with a local hub on this machine"
            )
        spec = DEFAULT_HOST
    if spec == "local" or spec.startswith("local:"):
        from ango_ontology.hub.local import LocalHub

        return LocalHub(_local_path(spec))
    return _http_hub(spec, key, insecure, _rate_limit(env))


def shown(spec: str) -> str:
    """A hub as it may be shown: its scheme and host only (`https://hub.example`), never a user, password,
    path, query or fragment, whatever the spec holds; `(an unreadable URL)` when even those cannot be read."""
    scheme, sep, _ = spec.partition("://")
    if not sep or "@" in spec:
        return f"{scheme.lower()}://…" if sep and scheme.isalpha() else "(an unreadable URL)"
    try:
        host = urlsplit(spec).hostname or ""
    except ValueError:
        host = ""
    return f"{scheme.lower()}://{host}" if host and scheme.isalpha() else "(an unreadable URL)"


def _rate_limit(env: Mapping[str, str]) -> int:
    """Requests per minute the client allows itself: `ANGO_RATE_LIMIT`, else Ango's standard plan's 100."""
    text = (env.get("ANGO_RATE_LIMIT") or "100").strip()
    if not text.isdigit() or int(text) < 1:
        raise HubConfigError(f"ANGO_RATE_LIMIT must be a whole number of requests per minute, at least 1; "
                             f"got {text!r}")
    return int(text)


def _local_path(spec: str) -> Path:
    path = spec[len("local:") :] if spec.startswith("local:") else ""
    return Path(path) if path else DEFAULT_LOCAL_PATH


def _http_hub(spec: str, key: str | None, insecure: bool, rate_limit: int) -> HttpHub:
    from ango_ontology.hub.client import HttpHub

    if "@" in spec:  # a user or password, or a host hidden behind one: nothing of it may be shown
        raise HubConfigError(f"hub URL {shown(spec)} holds '@': it must carry no user, password, query or fragment "
                             "(the API key comes from ANGO_API_KEY); give its scheme and host only, like https://HOST")
    try:
        url = urlsplit(spec)
        host = url.hostname or ""
        url.port  # noqa: B018 - reading it validates it
    except ValueError:
        raise HubConfigError(f"hub {shown(spec)} is not a valid URL (its host or port cannot be read); "
                             f"expected {_SPECS}") from None
    if url.scheme not in ("http", "https") or not host:
        raise HubConfigError(f"unknown hub {shown(spec)}: expected {_SPECS}")
    if url.query or url.fragment:
        raise HubConfigError(
            f"hub URL {url.scheme}://{host} must carry no user, password, query or fragment; "
            "the API key comes from ANGO_API_KEY"
        )
    base = f"{url.scheme}://{url.netloc}{url.path.rstrip('/')}"
    if url.scheme == "http" and is_loopback(host):
        return HttpHub(base, key or DEFAULT_API_KEY, rate_limit=rate_limit)
    if url.scheme == "http" and not insecure:
        raise HubConfigError(
            f"refusing plain http to {host}: the API key would travel in clear — use https, "
            "or pass --insecure if you really mean it"
        )
    if key is None:
        raise HubConfigError(
            f"ANGO_API_KEY is not set: {base} needs an API key — export ANGO_API_KEY, "
            "or pass --hub local to try the tool with a local hub"
        )
    return HttpHub(base, key, rate_limit=rate_limit)
