"""Run locks: one apply at a time per (hub, project); waiting, refusing with the holder's name, stale locks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ango_ontology.errors import LockTimeout
from ango_ontology.hub.base import hub_identity
from ango_ontology.hub.client import HttpHub
from ango_ontology.hub.local import LocalHub
from ango_ontology.locks import LOCK_FOLDER, Holder, LockBook, LockSettings, lock_folder, project_locks

# A child process that takes a lock and then either holds it (sleeps) or dies without releasing it.
CHILD = """
import os, sys, time
from pathlib import Path
from ango_ontology.locks import LockBook, LockSettings
book = LockBook(Path(sys.argv[1]), LockSettings(timeout=5))
with book.hold("k", "project P"):
    print("held", flush=True)
    if sys.argv[2] == "die":
        os._exit(0)
    time.sleep(60)
"""


def _book(path: Path, timeout: float = 5.0, said: list[str] | None = None) -> LockBook:
    return LockBook(path, LockSettings(timeout, said.append if said is not None else None, poll=0.02))


def _child(path: Path, mode: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), mode], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_a_second_holder_waits_and_then_refuses_naming_the_holder(tmp_path: Path) -> None:
    path, said = tmp_path / "locks", []
    first = _book(path)
    second = _book(path, timeout=0.2, said=said)
    with first.hold("k", "project P"), pytest.raises(LockTimeout) as caught, second.hold("k", "project P"):
        pass  # pragma: no cover - never reached
    message = str(caught.value)
    assert f"project P is locked by another run of ango-ontology ({Holder.me().user}@{socket.gethostname()}, " \
           f"pid {os.getpid()}, since " in message
    assert "--lock-timeout" in message
    assert said and said[0].startswith("Waiting for the lock on project P, held by ")


def test_a_waiting_run_gets_the_lock_once_it_is_released(tmp_path: Path) -> None:
    path, order = tmp_path / "locks", []

    def second() -> None:
        with _book(path).hold("k", "P"):
            order.append("second")

    with _book(path).hold("k", "P"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        order.append("first done")
    thread.join(5)
    assert order == ["first done", "second"]


def test_locks_of_other_projects_do_not_block(tmp_path: Path) -> None:
    path = tmp_path / "locks"
    with _book(path).hold("a", "A"), _book(path, timeout=0).hold("b", "B"):
        pass


def test_a_lock_left_by_a_process_that_died_is_broken_with_a_message(tmp_path: Path) -> None:
    path, said = tmp_path / "locks", []
    child = _child(path, "die")
    assert child.wait(10) == 0
    with _book(path, timeout=0, said=said).hold("k", "project P"):
        pass
    assert len(said) == 1 and said[0].startswith("Broke a stale lock on project P: its holder (")
    assert f"pid {child.pid}," in said[0] and "ended without releasing it" in said[0]


def test_a_lock_held_by_a_live_process_is_not_broken(tmp_path: Path) -> None:
    path = tmp_path / "locks"
    child = _child(path, "hold")
    try:
        with pytest.raises(LockTimeout, match=f"pid {child.pid}, since"), _book(path, timeout=0.1).hold("k", "P"):
            pass  # pragma: no cover - never reached
    finally:
        child.kill()
        child.wait(10)
    with _book(path, timeout=0).hold("k", "P"):  # killed: its lock is stale now
        pass


def test_a_lock_file_naming_a_holder_nobody_is_is_taken_over_with_a_message(tmp_path: Path) -> None:
    said: list[str] = []
    with _book(tmp_path).hold("k", "P"):
        pass
    (lock,) = tmp_path.glob("*.lock")
    assert lock.read_text() == ""  # released: it names nobody
    lock.write_text(json.dumps({"user": "ci", "host": "build-host-7", "pid": 1, "since": "2020-01-01T00:00:00Z"}))
    with _book(tmp_path, timeout=0, said=said).hold("k", "P"):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert said == ["Broke a stale lock on P: its holder (ci@build-host-7, pid 1, since 2020-01-01T00:00:00Z) "
                    "ended without releasing it."]


def test_the_local_hub_keeps_its_locks_beside_its_database_and_an_http_hub_in_the_backup_folder(
        tmp_path: Path, local_hub: LocalHub) -> None:
    assert lock_folder(local_hub, tmp_path / "backups") == local_hub.path.parent / ".hub.db.locks"
    http = HttpHub("http://127.0.0.1:9", "k", rate_limit=None)
    assert lock_folder(http, tmp_path / "backups") == tmp_path / "backups" / LOCK_FOLDER
    http.close()


def test_locks_that_cannot_be_kept_are_a_clear_hub_error(tmp_path: Path) -> None:
    from ango_ontology.errors import HubError

    (tmp_path / "a-file").write_text("")
    with pytest.raises(HubError, match="cannot keep the run lock in"), _book(tmp_path / "a-file" / "x").hold("k", "P"):
        pass  # pragma: no cover - never reached


@pytest.mark.parametrize(("first", "second"), [
    ("http://127.0.0.1:8765", "http://localhost:8765/"),
    ("https://hub.example", "HTTPS://HUB.EXAMPLE:443"),
    ("http://hub.example/api", "http://Hub.Example:80/api/"),
])
def test_two_spellings_of_one_hub_share_its_project_locks(tmp_path: Path, first: str, second: str) -> None:
    hubs = [HttpHub(url, "k-0123456789abcdef", rate_limit=None) for url in (first, second)]
    with project_locks(hubs[0], tmp_path, LockSettings(5)) as held:
        held.add("p1", None)
        with pytest.raises(LockTimeout), project_locks(hubs[1], tmp_path, LockSettings(0.05, poll=0.01)) as other:
            other.add("p1", None)
        with pytest.raises(LockTimeout), project_locks(hubs[1], tmp_path, LockSettings(0.05, poll=0.01)) as other:
            held.add(None, "Shared")
            other.add(None, "Shared")


def test_hubs_that_differ_in_port_path_or_host_have_their_own_identity() -> None:
    names = ["https://hub.example", "https://hub.example:8443", "https://hub.example/api", "https://other.example",
             "http://hub.example"]
    assert len({hub_identity(name) for name in names}) == len(names)
    assert hub_identity("http://[::1]:9") == hub_identity("http://127.0.0.1:9") == hub_identity("http://localhost:9")
    assert hub_identity("local:./x.db") == hub_identity(f"local:{Path('x.db').resolve()}")
    assert hub_identity("https://[2001:DB8::1]:443/") == "https://[2001:db8::1]"
    assert hub_identity("https://hub.example:99999") == "https://hub.example:99999"  # unreadable: as it is
