"""Ontology definitions named on the command line: a file path, or `REV:PATH` read from the git repository."""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from .backups import git_commit
from .errors import InputError
from .includes import IncludeError, posix_locate
from .loader import load, load_text
from .model import Ontology
from .plan import SourceFile


def split_spec(spec: str) -> tuple[str, str] | None:
    """(revision, path) for `REV:PATH`; None for a plain file path (one that exists, or has no colon)."""
    if os.path.exists(spec) or ":" not in spec:
        return None
    rev, path = spec.split(":", 1)
    if not rev or not path:
        return None
    return rev, path


def load_spec(spec: str) -> Ontology:
    """The ontology in a file, or in `PATH` at git revision `REV` of the repository around the working folder."""
    if spec == os.devnull:  # git's side of an added or deleted file, when used as a diff driver
        return Ontology()
    parts = split_spec(spec)
    if parts is None:
        return load(spec)
    rev, path = parts
    data = git_show(rev, path)
    if path.endswith(".py"):
        return _load_python_text(data, Path(path).name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{spec}: the file is not UTF-8 text") from None
    return load_text(text, f"{rev}:{repository_path(path)}", fragments=GitFiles(rev))


class GitFiles:
    """Fragments read from a git revision, so `REV:PATH` loads the label set as it was, includes and all."""

    def __init__(self, rev: str) -> None:
        self.rev = rev

    def locate(self, including: str, target: str) -> tuple[str, str]:
        name = f"{self.rev}:{posix_locate(including.split(':', 1)[1], target)}"
        return name, name

    def read(self, name: str) -> str:
        path = name.split(":", 1)[1]
        data, why = blob(self.rev, path)
        if data is None:
            raise IncludeError(f"include: {path} is {why}" if why else
                               f"include: {path}: no such file at revision {self.rev}")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise IncludeError(f"include: {name} is not UTF-8 text (byte {error.start})") from None


def repository_path(path: str) -> str:
    """A `REV:PATH` path from the repository's root (git reads `./x` and `../x` from the working folder)."""
    if not path.startswith(("./", "../")):
        return path
    prefix = _git("rev-parse", "--show-prefix").stdout.decode().strip()
    return posixpath.normpath(posixpath.join(prefix, path))


def source_file(spec: str) -> SourceFile:
    """The file behind a definition named on the command line, with its git commit (REV for `REV:PATH`)."""
    parts = split_spec(spec) if spec != os.devnull else None
    if parts is not None:
        found = _git("rev-parse", "--verify", "--quiet", f"{parts[0]}^{{commit}}")
        return SourceFile(spec, found.stdout.decode().strip() or None if found.returncode == 0 else None)
    commit = git_commit(spec) if os.path.exists(spec) and spec != os.devnull else None
    if commit is None:
        return SourceFile(spec)
    return SourceFile(spec, commit.removesuffix("+dirty"), commit.endswith("+dirty"))


def _load_python_text(data: bytes, name: str) -> Ontology:
    with tempfile.TemporaryDirectory(prefix="ango-ontology-") as folder:
        target = Path(folder) / name
        target.write_bytes(data)
        return load(target)


def _git(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *argv], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("reading REV:PATH needs git, which is not installed") from None


def blob(rev: str, path: str) -> tuple[bytes | None, str]:
    """The bytes of file `path` at `rev`, symbolic links followed as a checkout would read them but only inside
    the repository (git's own `--follow-symlinks`: `git show` of a link gives its target's name, not the file);
    else None and what is there instead (`a folder…`; "" for nothing)."""
    shown = _git("cat-file", "--batch", "--follow-symlinks", stdin=f"{rev}:{path}\n".encode()).stdout
    header, _, rest = shown.partition(b"\n")
    fields = header.decode(errors="replace").split(" ")
    if len(fields) == 3 and fields[1] == "blob" and fields[2].isdigit():
        return rest[:int(fields[2])], ""
    if len(fields) == 3 and fields[1] in ("tree", "commit"):
        return None, f"a folder at revision {rev}, not a file"
    if len(fields) == 2 and fields[1].isdigit():
        target = rest[:int(fields[1])].decode(errors="replace")
        why = {"symlink": f"a symbolic link to {target!r}, outside the repository (not followed)",
               "dangling": f"a symbolic link to a file that does not exist at revision {rev}",
               "loop": "a symbolic link that leads round in a loop"}.get(fields[0])
        return None, why or ""
    return None, ""


def revision_problem(rev: str) -> str | None:
    """What is wrong with reading revision `rev` of the repository around the working folder, if anything."""
    if _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0:
        return None
    if _git("rev-parse", "--git-dir").returncode != 0:
        return "the working folder is not inside a git repository"
    return f"unknown git revision {rev!r}"


def git_show(rev: str, path: str) -> bytes:
    """The bytes of `path` at `rev`; InputError naming what is wrong (no repository, revision or path)."""
    problem = revision_problem(rev)
    if problem is not None:
        raise InputError(f"{rev}:{path}: {problem}")
    data, why = blob(rev, path)
    if data is None:
        raise InputError(f"{rev}:{path} is {why}" if why else f"{rev}:{path}: there is no file {path!r} at "
                         f"revision {rev} (paths are from the repository root, or start with ./)")
    return data


def folder_files(spec: str) -> list[str] | None:
    """The label-set files under a folder, or `REV:FOLDER` in git, relative to it; None when `spec` is no folder."""
    from .sources import SUFFIXES, expand, first_token

    parts = split_spec(spec)
    if parts is None:
        if not os.path.isdir(spec):
            return None
        return sorted(os.path.relpath(name, spec).replace(os.sep, "/") for name in expand([spec]))
    rev, path = parts
    if _git("cat-file", "-t", f"{rev}:{path}").stdout.strip() != b"tree":
        return None
    listed = _git("ls-tree", "-r", "--name-only", f"{rev}:{path}").stdout.decode().splitlines()
    wanted = [name for name in listed if name.endswith(SUFFIXES)
              and not any(part.startswith(".") for part in name.split("/"))]
    return sorted(name for name in wanted if not _fragment_at(rev, f"{path.rstrip('/')}/{name}", first_token))


def _fragment_at(rev: str, path: str, first_token: Callable[[str], str]) -> bool:
    if path.endswith(".py"):
        return posixpath.basename(path).startswith("_")
    return first_token(git_show(rev, path)[:65536].decode("utf-8", errors="replace")) in ("-", "[")


def joined(spec: str, name: str) -> str:
    """A file inside a folder spec (`REV:FOLDER` or a folder) as a spec of its own."""
    parts = split_spec(spec)
    if parts is None:
        return os.path.join(spec, name)
    return f"{parts[0]}:{parts[1].rstrip('/')}/{name}"


def tracked_path(path: str) -> str | None:
    """A working-tree file's path from the root of the repository around the working folder, if git tracks
    it there; None otherwise (no git, no repository, an untracked file)."""
    try:
        listed = subprocess.run(["git", "ls-files", "--full-name", "--error-unmatch", "--", path],
                                capture_output=True, check=False)
    except FileNotFoundError:
        return None
    names = listed.stdout.decode().splitlines()
    return names[0] if listed.returncode == 0 and len(names) == 1 else None


def exists_at(rev: str, path: str) -> bool:
    """Whether `path` (from the repository's root) is a file at revision `rev`."""
    return _git("cat-file", "-e", f"{rev}:{path}").returncode == 0
