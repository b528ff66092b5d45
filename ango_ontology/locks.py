"""Run locks: one apply or rollback at a time per (hub, project) among this tool's own runs.

Like Terraform's state lock. A lock is a file locked by the operating system (`flock`; on Windows a
byte range), so it is released the moment its holder ends, however it ends; the file also names its
holder (user, host, pid, since) for whoever has to wait. Where the files live:

- the local hub: beside its database (`.ango-hub/.hub.db.locks/`), for every process that uses it;
- an HTTP hub: in the backup folder (`.ango-ontology/backups/.locks/` by default), for the runs on
  this machine that share that folder, and nothing else.

A second run waits up to its timeout and then refuses, naming the holder. A lock file that still
names a holder although nobody holds it was left by a run that ended without releasing it (killed,
or its machine lost power): it is stale, taken over, and the caller is told.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from .backups import user_name
from .errors import HubError, LockTimeout
from .hub.base import Hub, hub_identity

DEFAULT_TIMEOUT = 120.0
LOCK_FOLDER = ".locks"
Notify = Callable[[str], None]

if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
    import msvcrt

    _FAR = 1 << 30  # lock a byte far past the holder's record, which must stay readable

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _FAR, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _FAR, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: a process of a host, and since when."""

    user: str
    host: str
    pid: int
    since: str

    @classmethod
    def me(cls) -> Holder:
        return cls(user_name(), socket.gethostname(), os.getpid(),
                   datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"))

    @classmethod
    def read(cls, text: str) -> Holder | None:
        """The holder a lock file names; None for an empty (released) or unreadable one."""
        try:
            data = json.loads(text)
            return cls(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]))
        except (ValueError, TypeError, KeyError):
            return None

    def describe(self) -> str:
        return f"{self.user}@{self.host}, pid {self.pid}, since {self.since}"


@dataclass(frozen=True)
class LockSettings:
    """How long a run waits for a lock, and where it says what it is waiting for (or what it took over)."""

    timeout: float = DEFAULT_TIMEOUT
    notify: Notify | None = None
    poll: float = 0.25


class LockBook:
    """The run locks kept in one folder, a file per lock."""

    def __init__(self, folder: Path, settings: LockSettings) -> None:
        self.folder = folder
        self.settings = settings

    @contextmanager
    def hold(self, key: str, label: str) -> Iterator[None]:
        """Hold the lock `key` (`label` names it to people) for the `with` block; LockTimeout after waiting."""
        path = self.folder / (hashlib.sha256(key.encode()).hexdigest()[:40] + ".lock")
        fd = self._open(path)
        try:
            self._acquire(fd, label)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)  # a released lock names nobody
                _unlock(fd)
        finally:
            os.close(fd)

    def _open(self, path: Path) -> int:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise HubError(f"cannot keep the run lock in {self.folder}: {error.strerror or error}") from None

    def _acquire(self, fd: int, label: str) -> None:
        deadline = time.monotonic() + self.settings.timeout
        told = False
        while not _try_lock(fd):
            holder = _holder(fd)
            who = holder.describe() if holder is not None else "a run that has not said who it is yet"
            if time.monotonic() >= deadline:
                raise LockTimeout(f"{label} is locked by another run of ango-ontology ({who}); gave up after "
                                  f"waiting {self.settings.timeout:g} s — let that run finish and try again, or "
                                  "pass a longer --lock-timeout")
            if not told:
                self._say(f"Waiting for the lock on {label}, held by {who} (up to {self.settings.timeout:g} s)…")
                told = True
            time.sleep(min(self.settings.poll, max(0.0, deadline - time.monotonic())))
        left = _holder(fd)
        if left is not None:
            self._say(f"Broke a stale lock on {label}: its holder ({left.describe()}) ended without releasing it.")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(asdict(Holder.me())).encode())
        os.fsync(fd)

    def _say(self, message: str) -> None:
        if self.settings.notify is not None:
            self.settings.notify(message)


def _holder(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    return Holder.read(os.read(fd, 4096).decode("utf-8", "replace"))


def lock_folder(hub: Hub, backup_root: Path) -> Path:
    """Where the locks for `hub` live: beside the local hub's database, else in the backup folder."""
    if hub.name.startswith("local:"):  # by name: an HTTPS run must not load the local hub (nor SQLite)
        database = Path(hub.name[len("local:"):])
        return database.parent / f".{database.name}{LOCK_FOLDER}"
    return backup_root / LOCK_FOLDER


class ProjectLocks:
    """The locks one apply holds on one project: by id, and by name while the project is still to be created."""

    def __init__(self, book: LockBook, hub: Hub, stack: ExitStack) -> None:
        self.book, self.hub, self.stack = book, hub, stack

    def add(self, project_id: str | None, name: str | None) -> None:
        """Hold the lock of the project (of its name, when it has no id yet) until the apply ends."""
        key, label = (f"id:{project_id}", f"project {project_id}") if project_id else \
            (f"name:{name}", f"the project named {name!r}")
        self.stack.enter_context(self.book.hold(f"{hub_identity(self.hub.name)}\n{key}", label))


@contextmanager
def project_locks(hub: Hub, backup_root: Path, settings: LockSettings) -> Iterator[ProjectLocks]:
    """The locks of one apply, all released when it ends."""
    with ExitStack() as stack:
        yield ProjectLocks(LockBook(lock_folder(hub, backup_root), settings), hub, stack)
