"""Fragments: `- include: PATH` in any list of a label set splices in the items of another YAML file.

    # ontology/shared/occlusion.yaml — a fragment holds a list
    - radio: Occlusion
      options: [None, Partial, Heavy]

    # ontology/cars.yaml
    tools:
      - bounding-box: Car
        classifications:
          - include: shared/occlusion.yaml

The path is relative to the file that says `include:` and must stay inside the repository (the
folder holding `.git` above the label set; outside git, the working folder or the file's own);
fragments may include fragments, never in a cycle. The loader reads a fragment with the same reader
as the file, so a problem in it is reported at the fragment's own `file:line:col`. Splicing happens
before identity: an included node's path of titles, hence its derived id, is the same as if it had
been written in place.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.error import YAMLError

from .normalise import DocPath, Normaliser, kind_of_value
from .yaml_reader import syntax_problem

MAX_DEPTH = 16
INCLUDE = "include"


class IncludeError(Exception):
    """A fragment that cannot be read: the sentence says why."""


class Fragments(Protocol):
    """Where fragments come from: the working tree, or a git revision (`REV:PATH` loads)."""

    def locate(self, including: str, target: str) -> tuple[str, str]:
        """(name to show, key that identifies the file) of `target` included by `including`."""

    def read(self, name: str) -> str:
        """The fragment's text."""


class Files:
    """Fragments in the working tree, confined to the repository of the file that includes them."""

    def __init__(self, main: str) -> None:
        self.root = repository_root(main)

    def locate(self, including: str, target: str) -> tuple[str, str]:
        if os.path.isabs(target) or target.startswith("~"):
            raise IncludeError(f"include: {target!r} is an absolute path; write it relative to this file")
        folder = os.path.dirname(including) if including != "<string>" else ""
        name = os.path.normpath(os.path.join(folder, target))
        key = os.path.realpath(name)
        if os.path.commonpath([key, self.root]) != self.root:
            raise IncludeError(f"include: {target!r} is outside the repository ({self.root}); a fragment must "
                               "live in the same repository as the label sets that include it")
        return name, key

    def read(self, name: str) -> str:
        from .loader import max_bytes

        try:
            size = os.stat(name).st_size
            if size > max_bytes():
                raise IncludeError(f"include: {name} is {size:,} bytes, over the limit of {max_bytes():,}")
            return Path(name).read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise IncludeError(f"include: {name}: no such file") from None
        except IsADirectoryError:
            raise IncludeError(f"include: {name} is a folder; include one file") from None
        except UnicodeDecodeError as error:
            raise IncludeError(f"include: {name} is not UTF-8 text (byte {error.start})") from None
        except OSError as error:
            raise IncludeError(f"include: {name}: cannot read it ({error.strerror})") from None


def repository_root(main: str) -> str:
    """The folder holding `.git` above `main`; else the working folder when `main` is in it; else its folder."""
    here = Path(os.path.realpath(main if main != "<string>" else ".")).parent
    if main == "<string>":
        here = Path(os.path.realpath("."))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return str(folder)
    cwd = os.path.realpath(".")
    return cwd if os.path.commonpath([cwd, str(here)]) == cwd else str(here)


def includers(fragment: str) -> list[str]:
    """The label sets in the fragment's repository whose text names it in an `include:` (its file name)."""
    from .errors import InputError
    from .sources import expand

    root = repository_root(fragment)
    wanted = os.path.basename(fragment)
    out = []
    try:
        names = expand([root])
    except InputError:  # no label set at all
        return []
    for name in names:
        try:
            text = Path(name).read_text("utf-8", errors="replace")
        except OSError:
            continue
        if INCLUDE in text and wanted in text:
            out.append(os.path.relpath(name) if not os.path.isabs(fragment) else name)
    return out


def posix_locate(including: str, target: str) -> str:
    """A repository path for `target` relative to the repository path `including`; IncludeError outside it."""
    if target.startswith(("/", "~")):
        raise IncludeError(f"include: {target!r} is an absolute path; write it relative to this file")
    name = posixpath.normpath(posixpath.join(posixpath.dirname(including), target))
    if name == ".." or name.startswith("../"):
        raise IncludeError(f"include: {target!r} is outside the repository")
    return name


def is_include(item: Any) -> bool:
    """Whether a list item is `{include: PATH}`."""
    return isinstance(item, dict) and len(item) == 1 and INCLUDE in item


class Includes:
    """Splices fragments into the lists of one document as the normaliser reads them; notes what is wrong.

    `origins` maps the path of every spliced item to its fragment, so a problem found anywhere inside it
    is reported in that fragment's file.
    """

    def __init__(self, normaliser: Normaliser, main: str, fragments: Fragments,
                 parse: Callable[[str], Any]) -> None:
        self.normaliser = normaliser
        self.main = main
        self.fragments = fragments
        self.parse = parse
        self.origins: dict[DocPath, str] = {}
        self.chains: dict[DocPath, tuple[str, ...]] = {}
        self.cache: dict[str, Any] = {}
        self.texts: dict[str, str] = {}  # each fragment's text, by file
        self.located: dict[tuple[str, str], tuple[str, str]] = {}
        self.used: list[str] = []
        self.count = 0

    def file_of(self, path: DocPath) -> str:
        """The file that holds the item at `path`: the fragment of its closest spliced ancestor, or the main."""
        for end in range(len(path), 0, -1):
            found = self.origins.get(path[:end])
            if found is not None:
                return found
        return self.main

    def _chain(self, path: DocPath) -> tuple[str, ...]:
        for end in range(len(path), 0, -1):
            found = self.chains.get(path[:end])
            if found is not None:
                return found
        return (os.path.realpath(self.main) if self.main != "<string>" else self.main,)

    def expand(self, value: list[Any], path: DocPath) -> list[Any]:
        """The list with every `include:` item replaced by its fragment's items (recursively)."""
        if not any(is_include(item) for item in value):
            return value
        home = self.file_of(path)
        stack = [(item, home, _place(value, index), self._chain(path))
                 for index, item in reversed(list(enumerate(value)))]
        out: list[tuple[Any, str, tuple[int, int] | None, tuple[str, ...]]] = []
        while stack:
            item, file, where, chain = stack.pop()
            if not is_include(item):
                out.append((item, file, where, chain))
                continue
            self.normaliser.spend()  # each include counts, so a fan-out of fragments cannot expand for ever
            self.count += 1
            items = self._fragment(item[INCLUDE], file, where, chain, path + (f"<include {self.count}>",))
            stack.extend(reversed(items))
        return self._spliced(out, home, path)

    def _spliced(self, out: list[tuple[Any, str, tuple[int, int] | None, tuple[str, ...]]], home: str,
                 path: DocPath) -> list[Any]:
        spliced = CommentedSeq([item for item, _, _, _ in out]) if self.normaliser.track else [
            item for item, _, _, _ in out]
        for index, (_, file, where, chain) in enumerate(out):
            if isinstance(spliced, CommentedSeq):
                spliced.lc.add_idx_line_col(index, list(where or (0, 0)))
            if file != home:
                self.origins[path + (index,)] = file
                self.chains[path + (index,)] = chain
        return spliced

    def _fragment(self, target: Any, including: str, where: tuple[int, int] | None, chain: tuple[str, ...],
                  at: DocPath) -> list[tuple[Any, str, tuple[int, int] | None, tuple[str, ...]]]:
        """The items of one fragment, each with its file, position and include chain; [] when it fails."""
        self.origins[at] = including
        if where is not None and self.normaliser.track:
            self.normaliser.positions.at[at] = (where[0] + 1, where[1] + 1)
        if not isinstance(target, str) or not target.strip():
            self.normaliser.note(at, f"include: expected the path of a fragment, not a {kind_of_value(target)}")
            return []
        try:
            name, key = self._locate(including, target)
            if key in chain:
                cycle = " → ".join([*(os.path.basename(c) for c in chain[chain.index(key):]), target])
                raise IncludeError(f"include: {target!r} includes itself ({cycle}); fragments cannot include "
                                   "each other in a cycle")
            if len(chain) > MAX_DEPTH:
                raise IncludeError(f"include: {target!r} is nested more than {MAX_DEPTH} fragments deep")
            raw = self._read(name, key)
        except IncludeError as error:
            self.normaliser.note(at, str(error))
            return []
        except _SyntaxError as error:
            place = at + ("<fragment>",)
            self.origins[place] = name
            if self.normaliser.track:
                self.normaliser.positions.at[place] = error.where
            self.normaliser.note(place, error.message)
            return []
        return [(item, name, _place(raw, index), (*chain, key)) for index, item in enumerate(raw)]

    def _locate(self, including: str, target: str) -> tuple[str, str]:
        found = self.located.get((including, target))
        if found is None:
            found = self.located[(including, target)] = self.fragments.locate(including, target)
        return found

    def _read(self, name: str, key: str) -> Any:
        if key not in self.cache:
            self.cache[key] = self._parsed(name)
            self.used.append(name)
        found = self.cache[key]
        if isinstance(found, Exception):
            raise found
        return found

    def _parsed(self, name: str) -> Any:
        try:
            text = self.fragments.read(name)
        except IncludeError as error:
            return error
        self.texts[name] = text
        self.normaliser.budget += 4 * len(text) + 1_000  # the fragment's own nodes, as the main file's are
        try:
            raw = self.parse(text)
        except (YAMLError, RecursionError) as error:
            problem = syntax_problem(error, text, name)  # in our words, as the file's own
            return _SyntaxError(problem.message, (problem.line or 1, problem.column or 1))
        if raw is None:
            return []
        if not isinstance(raw, list):
            return IncludeError(f"include: {name} holds a {kind_of_value(raw)}; a fragment holds a list "
                                "(`- radio: …`), whose items take the place of the `include:`")
        return raw


class _SyntaxError(Exception):
    def __init__(self, message: str, where: tuple[int, int]) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


def _place(raw: Any, index: int) -> tuple[int, int] | None:
    """Where item `index` of a parsed list sits (0-based), when the parser kept it."""
    if isinstance(raw, CommentedSeq) and raw.lc.data is not None and index in raw.lc.data:
        line, col = raw.lc.item(index)
        return int(line), int(col)
    return None


__all__ = ["Files", "Fragments", "IncludeError", "Includes", "is_include", "posix_locate", "repository_root"]
