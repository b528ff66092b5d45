"""Backups of live schemas taken before each write, written atomically, listed and read back for rollback."""

from __future__ import annotations

import builtins
import contextlib
import getpass
import json
import os
import re
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from .errors import InputError

FORMAT_VERSION = 1
DEFAULT_ROOT = Path(".ango-ontology") / "backups"
# Kept as they are in a folder name; every other byte is written %XX, `%` included, so that two
# project ids never share a folder (`a/b` and `a_b` differ) and no id can name `..` or a hidden file.
_KEPT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
_LEGACY = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Backup:
    """One saved live schema and what is known of the apply that replaced it."""

    path: Path
    project: str
    created_at: str
    applied_by: str
    plan_fingerprint: str | None
    git_commit: str | None
    category_schema: dict[str, Any] | None
    project_name: str | None = None
    changes: dict[str, int] | None = None  # what the apply that followed changed, by action (newer backups)
    rollback_to: str | None = None  # set when that apply was a rollback: the backup it restored

    @property
    def name(self) -> str:
        return self.path.stem


def atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it: never a half-written file.

    Raises InputError (with the reason) when the folder cannot be made or written.
    """
    try:
        _write_replacing(path, data)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None


def _write_replacing(path: Path, data: bytes) -> None:
    path = Path(os.path.realpath(path))  # through a symlink to its file, which keeps being the link's target
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(temp, mode)  # mkstemp makes it private; the file keeps the mode it had (or the usual one)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def git_commit(source: str | None) -> str | None:
    """The commit of the ontology file's repository (`+dirty` when the file has changes), or None."""
    if not source:
        return None
    folder = Path(source).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", str(Path(source).resolve())],
                               cwd=folder, capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty.strip() else "") if head else None


class BackupStore:
    """The backups of every project, one folder per project under `root`."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else DEFAULT_ROOT

    def check_writable(self) -> None:
        """InputError now, rather than after a project was created, if backups cannot be written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root):
                pass
        except OSError as error:
            raise InputError(f"cannot write backups in {self.root}: {error.strerror or error}") from None

    def folder(self, project: str) -> Path:
        """The project's own folder under the root: always inside it, and never another project's."""
        return self.root / folder_name(project)

    def save(self, project: str, schema: dict[str, Any] | None, *, hub: str, plan_fingerprint: str | None,
             source: str | None, commit: str | Literal[False] | None = False, project_name: str | None = None,
             changes: dict[str, int] | None = None, rollback_to: str | None = None) -> Path:
        """Save the live schema before a write; the path of the backup.

        `commit` is the ontology file's git commit when the caller looked it up already (it runs git).
        `changes` (counts by action) is what the write about to happen changes; `rollback_to` names the
        backup a rollback restores.
        """
        now = datetime.now(timezone.utc)
        record = {
            "format_version": FORMAT_VERSION,
            "project": project,
            "hub": hub,
            "created_at": now.isoformat(timespec="microseconds").replace("+00:00", "Z"),
            "applied_by": user_name(),
            "plan_fingerprint": plan_fingerprint,
            "git_commit": git_commit(source) if commit is False else commit,
            "source": source,
            "project_name": project_name,
            "changes": changes,
            "rollback_to": rollback_to,
            "category_schema": schema,
        }
        folder = self.folder(project)
        stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
        path = folder / f"{stamp}.json"
        counter = 1
        while path.exists():
            path = folder / f"{stamp}-{counter}.json"
            counter += 1
        atomic_write(path, (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return path

    def discard(self, path: Path) -> None:
        """Remove a backup taken for a write that surely did not happen (best effort: a kept one harms nothing)."""
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

    def list(self, project: str) -> list[Backup]:
        """Every backup of the project, oldest first; a record of another project is never among them.

        Backups written before folder names were made injective sit in a folder shared by look-alike
        ids (`a/b` and `a_b` both in `a_b`): they are read from there too, by the project they record.
        """
        paths = _paths(self.folder(project))
        legacy = self.root / _LEGACY.sub("_", project)
        if legacy != self.folder(project) and legacy.name not in ("", ".", ".."):
            paths += _paths(legacy)
        backups = [backup for backup in map(self.read, paths) if backup.project == project]
        return sorted(backups, key=lambda backup: backup.path.name)

    def find(self, project: str, which: str | None) -> Backup:
        """The latest backup, or the one named (by file name, stem or path); never another project's."""
        if which is not None and Path(which).is_file():
            backup = self.read(Path(which))
            if backup.project != project:
                raise InputError(f"{which} is a backup of project {backup.project}, not of {project}")
            return backup
        backups = self.list(project)
        if not backups:
            raise InputError(f"no backups of project {project} in {self.folder(project)}")
        if which is None:
            return backups[-1]
        for backup in backups:
            if which in (backup.name, backup.path.name):
                return backup
        prefixed = [backup for backup in backups if backup.name.startswith(which)]
        if len(prefixed) == 1:
            return prefixed[0]
        names = ", ".join(b.name for b in (prefixed or backups)[-5:])
        if prefixed:
            raise InputError(f"{len(prefixed)} backups of project {project} start with {which!r} ({names}…); "
                             "give more of the name")
        raise InputError(f"no backup {which!r} of project {project}; the latest are: {names}")

    def ids_named(self, name: str) -> builtins.list[str]:
        """The projects whose backups record `name` as the project's name (sorted ids)."""
        if not self.root.is_dir():
            return []
        found = set()
        for folder in sorted(self.root.iterdir()):
            latest = sorted(folder.glob("*.json"))[-1:] if folder.is_dir() else []
            for path in latest:
                try:
                    record = json.loads(path.read_text("utf-8"))
                except (OSError, ValueError):
                    continue
                if isinstance(record, dict) and record.get("project_name") == name:
                    found.add(str(record.get("project")))
        return sorted(found)

    @staticmethod
    def read(path: Path) -> Backup:
        try:
            data = json.loads(path.read_text("utf-8"))
            changes = data.get("changes")
            return Backup(path, str(data["project"]), str(data["created_at"]), str(data["applied_by"]),
                          data.get("plan_fingerprint"), data.get("git_commit"), data["category_schema"],
                          data.get("project_name"), changes if isinstance(changes, dict) else None,
                          data.get("rollback_to"))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(f"{path}: not a readable backup ({type(error).__name__}: {error})") from None


def _paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def folder_name(project: str) -> str:
    """The folder name of a project's backups: injective, and never empty, `.`, `..`, hidden or a path."""
    out = []
    for index, char in enumerate(project):
        if char in _KEPT and not (index == 0 and char == "."):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out) or "%"


def user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"
