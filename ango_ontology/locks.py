"""Run locks: one apply or rollback at a time per (hub, project) among this tool's own runs.

Like Terraform's state lock. A lock is a row in a SQLite table, taken and broken inside one
transaction, so two runs never both hold it:

- the local hub keeps its locks in its own database file: every process that uses that file sees them;
- an HTTP hub's locks live in `.locks.db` in the backup folder (`.ango-ontology/backups/` by default):
  they cover the runs on this machine that share that folder, and nothing else.

The row names its holder (user, host, pid, since). A second run waits up to its timeout and then
refuses, naming the holder. A lock whose holder is a process of this host that is no longer running
(checked by pid and, on Linux, the process's start time, so a reused pid is not mistaken for it) is
stale: it is broken, and the caller is told.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .backups import user_name
from .errors import HubError, LockTimeout
from .hub.base import Hub

DEFAULT_TIMEOUT = 120.0
LOCK_FILE = ".locks.db"
Notify = Callable[[str], None]
_DDL = """CREATE TABLE IF NOT EXISTS run_locks (
    key TEXT PRIMARY KEY, token TEXT NOT NULL, user TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
    started TEXT, since TEXT NOT NULL)"""


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: a process of a host, since when, and the token that proves it."""

    token: str
    user: str
    host: str
    pid: int
    started: str | None
    since: str

    @classmethod
    def me(cls) -> Holder:
        pid = os.getpid()
        return cls(secrets.token_hex(8), user_name(), socket.gethostname(), pid, _start_time(pid),
                   datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"))

    def describe(self) -> str:
        return f"{self.user}@{self.host}, pid {self.pid}, since {self.since}"

    def is_gone(self) -> bool:
        """Whether this holder surely is no longer running: a process of this host that has ended."""
        return self.host == socket.gethostname() and not _alive(self.pid, self.started)


@dataclass(frozen=True)
class LockSettings:
    """How long a run waits for a lock, and where it says what it is waiting for (or what it broke)."""

    timeout: float = DEFAULT_TIMEOUT
    notify: Notify | None = None
    poll: float = 0.25


class LockBook:
    """The run locks kept in one SQLite file."""

    def __init__(self, path: Path, settings: LockSettings) -> None:
        self.path = path
        self.settings = settings

    @contextmanager
    def hold(self, key: str, label: str) -> Iterator[None]:
        """Hold the lock `key` (`label` names it to people) for the `with` block; LockTimeout after waiting."""
        me = Holder.me()
        self._acquire(key, label, me)
        try:
            yield
        finally:
            self._release(key, me)

    def _acquire(self, key: str, label: str, me: Holder) -> None:
        deadline = time.monotonic() + self.settings.timeout
        told = False
        while True:
            holder = self._take(key, label, me)
            if holder is None:
                return
            if time.monotonic() >= deadline:
                raise LockTimeout(f"{label} is locked by another run of ango-ontology ({holder.describe()}); "
                                  f"gave up after waiting {self.settings.timeout:g} s — let that run finish and "
                                  "try again, or pass a longer --lock-timeout")
            if not told:
                self._say(f"Waiting for the lock on {label}, held by {holder.describe()} (up to "
                          f"{self.settings.timeout:g} s)…")
                told = True
            time.sleep(min(self.settings.poll, max(0.0, deadline - time.monotonic())))

    def _take(self, key: str, label: str, me: Holder) -> Holder | None:
        """Take the lock in one transaction: None when taken, else who holds it."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT token, user, host, pid, started, since FROM run_locks WHERE key = ?",
                                 (key,)).fetchone()
                holder = Holder(*row) if row else None
                if holder is not None and not holder.is_gone():
                    db.execute("ROLLBACK")
                    return holder
                db.execute("INSERT OR REPLACE INTO run_locks VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (key, me.token, me.user, me.host, me.pid, me.started, me.since))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        if holder is not None:
            self._say(f"Broke a stale lock on {label}: its holder ({holder.describe()}) is no longer running.")
        return None

    def _release(self, key: str, me: Holder) -> None:
        with self._connection() as db:
            db.execute("DELETE FROM run_locks WHERE key = ? AND token = ?", (key, me.token))

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise HubError(f"cannot open the run locks in {self.path}: {error}") from None
        try:
            db.execute(_DDL)
            yield db
        except sqlite3.Error as error:
            raise HubError(f"the run locks in {self.path} failed: {error}") from None
        finally:
            db.close()

    def _say(self, message: str) -> None:
        if self.settings.notify is not None:
            self.settings.notify(message)


def lock_file(hub: Hub, backup_root: Path) -> Path:
    """Where the locks for `hub` live: the local hub's own database, else `.locks.db` in the backup folder."""
    from .hub.local import LocalHub

    return hub.path if isinstance(hub, LocalHub) else backup_root / LOCK_FILE


class ProjectLocks:
    """The locks one apply holds on one project: by id, and by name while the project is still to be created."""

    def __init__(self, book: LockBook, hub: Hub, stack: ExitStack) -> None:
        self.book, self.hub, self.stack = book, hub, stack

    def add(self, project_id: str | None, name: str | None) -> None:
        """Hold the lock of the project (of its name, when it has no id yet) until the apply ends."""
        key, label = (f"id:{project_id}", f"project {project_id}") if project_id else \
            (f"name:{name}", f"the project named {name!r}")
        self.stack.enter_context(self.book.hold(f"{self.hub.name}\n{key}", label))


@contextmanager
def project_locks(hub: Hub, backup_root: Path, settings: LockSettings) -> Iterator[ProjectLocks]:
    """The locks of one apply, all released when it ends."""
    with ExitStack() as stack:
        yield ProjectLocks(LockBook(lock_file(hub, backup_root), settings), hub, stack)


def _start_time(pid: int) -> str | None:
    """When the process started (Linux: clock ticks since boot, from /proc), to tell a reused pid apart."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19] if len(fields) > 19 else None


def _alive(pid: int, started: str | None) -> bool:
    if os.name == "nt":  # signal 0 is CTRL_C_EVENT there: never probe, never break
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        pass
    now = _start_time(pid)
    return started is None or now is None or now == started
