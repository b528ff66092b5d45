"""Shared pytest fixtures; each engineer's fixtures live in their own marked block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ango_ontology.hub import Hub
from ango_ontology.hub.client import HttpHub
from ango_ontology.hub.emulator import Emulator
from ango_ontology.hub.local import LocalHub
from ango_ontology.model import JSON

# ============================================================================================
# Hub fixtures (issue 3): the local hub, the emulator over loopback, a client pointed at it.
#
#   local_hub          a LocalHub in a fresh SQLite file under tmp_path
#   emulator           an Emulator serving local_hub on 127.0.0.1, port 0, started in a thread;
#                      .url, .store, .faults (change at any time), .requests (what it received)
#   emulator_api_key   the key the emulator accepts
#   emulator_hub       an HttpHub client for the emulator: no rate limit, retries without sleeping
#   project            a fresh project (its JSON, with "_id") in local_hub
# ============================================================================================

EMULATOR_TEST_KEY = "ak-test-3f9c2e71d4b84a0e9b6d5c1a"


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = LocalHub(tmp_path / "hub.db")
    yield hub
    hub.close()


@pytest.fixture
def emulator_api_key() -> str:
    return EMULATOR_TEST_KEY


@pytest.fixture
def emulator(local_hub: LocalHub, emulator_api_key: str) -> Iterator[Emulator]:
    with Emulator(local_hub, host="127.0.0.1", port=0, api_key=emulator_api_key) as running:
        yield running


@pytest.fixture
def emulator_hub(emulator: Emulator, emulator_api_key: str) -> Iterator[HttpHub]:
    hub = HttpHub(emulator.url, emulator_api_key, timeout=(5.0, 10.0), rate_limit=None, sleep=lambda _: None)
    yield hub
    hub.close()


@pytest.fixture
def project(local_hub: LocalHub) -> JSON:
    return local_hub.create_project("Vehicles", "a test project")


# ============================================================================================
# End of hub fixtures.
# ============================================================================================


# ============================================================================================
# Adopted-corpus fixtures (issues 12 and 13): the same test against the local hub and the emulator.
#
#   any_hub    (spec, hub): `local:PATH` and the LocalHub itself, or the emulator's URL (ANGO_API_KEY set
#              for the command line) and an HttpHub client for it; both store in `local_hub`
# ============================================================================================


@pytest.fixture(params=["local", "emulator"])
def any_hub(request: pytest.FixtureRequest, local_hub: LocalHub, emulator_api_key: str,
            monkeypatch: pytest.MonkeyPatch) -> tuple[str, Hub]:
    if request.param == "local":
        return f"local:{local_hub.path}", local_hub
    running: Emulator = request.getfixturevalue("emulator")
    monkeypatch.setenv("ANGO_API_KEY", emulator_api_key)
    client: HttpHub = request.getfixturevalue("emulator_hub")
    return running.url, client


# ============================================================================================
# End of adopted-corpus fixtures.
# ============================================================================================
