"""Which ontology files a command acts on: files, folders (their label sets, not fragments) and globs.

A folder means every `*.yaml`, `*.yml` and `*.py` file below it, hidden folders and files left out,
and so are fragments: YAML files that hold a list (the pieces label sets `include:`), and Python files
whose name starts with `_` (helpers, `__init__.py`). A glob is expanded here too, for shells that
leave it as it is. The order is the arguments' order, then the path's, each file once.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import InputError

SUFFIXES = (".yaml", ".yml", ".py")
_GLOB_CHARS = frozenset("*?[")
_PEEK = 64 * 1024


def is_glob(argument: str) -> bool:
    return bool(_GLOB_CHARS & set(argument)) and not os.path.exists(argument)


def is_fragment(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a fragment: YAML whose first item is a list item (`- …` or `[…`), or a `_*.py`."""
    name = Path(path)
    if name.suffix == ".py":
        return name.name.startswith("_")
    try:
        with open(name, "rb") as handle:
            head = handle.read(_PEEK).decode("utf-8-sig", errors="replace")
    except OSError:
        return False  # loading it says what is wrong
    return first_token(head) in ("-", "[")


def first_token(text: str) -> str:
    """The first character of the YAML document's content (comments, directives and `---` skipped)."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "%")) or stripped == "---":
            continue
        if stripped.startswith("--- "):
            stripped = stripped[4:].lstrip()
        return stripped[:1]
    return ""


def expand(arguments: Sequence[str], *, fragments: bool = False) -> list[str]:
    """The ontology files named by `arguments` (files, folders, globs), each once, in order.

    Folders and globs skip fragments unless `fragments` is set; a file named on its own is always kept
    (the caller says what a fragment means to it). InputError for an argument that names no file.
    """
    seen: set[str] = set()
    out: list[str] = []
    for argument in arguments:
        for name in _one(argument, fragments):
            key = os.path.normpath(os.path.abspath(name))
            if key not in seen:
                seen.add(key)
                out.append(name)
    return out


def _one(argument: str, fragments: bool) -> list[str]:
    if is_glob(argument):
        matches = sorted(glob.glob(argument, recursive=True))
        found = [name for match in matches for name in _in_place(match, fragments)]
        if not found:
            raise InputError(f"{argument}: matches no ontology file")
        return found
    if os.path.isdir(argument):
        found = list(_in_folder(argument, fragments))
        if not found:
            raise InputError(f"{argument}: a folder with no ontology file (*.yaml, *.yml, *.py) in it")
        return found
    if not os.path.exists(argument):
        raise InputError(f"{argument}: no such file or folder")
    return [argument]


def _in_place(match: str, fragments: bool) -> list[str]:
    """A glob's match: a folder's files, or the file itself when it is an ontology file."""
    if os.path.isdir(match):
        return list(_in_folder(match, fragments))
    if _wanted(Path(match), fragments):
        return [match]
    return []


def _in_folder(folder: str, fragments: bool) -> Iterator[str]:
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not _hidden(name))
        for name in sorted(files):
            path = Path(root) / name
            if not _hidden(name) and _wanted(path, fragments):
                yield str(path)


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def _wanted(path: Path, fragments: bool) -> bool:
    if path.suffix not in SUFFIXES or not path.is_file():
        return False
    return fragments or not is_fragment(path)


def label_sets(files: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split named files into label sets and fragments (a fragment is checked where it is included)."""
    keep = [name for name in files if not is_fragment(name)]
    return keep, [name for name in files if name not in keep]


__all__ = ["SUFFIXES", "expand", "first_token", "is_fragment", "is_glob", "label_sets"]
