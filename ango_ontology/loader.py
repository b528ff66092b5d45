"""Load an ontology from a YAML or Python file into validated models; ruamel's and pydantic's errors end here.

The happy path parses with the fastest YAML loader available and keeps no positions. Only when a
problem is found is the file parsed again with the round-trip loader, which knows where every key
and item sits, so each problem is reported as `file:line:col`. Errors raise `OntologyInvalid`;
warnings (rules of shape broken by nodes the hub already holds) come back with the label set.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.error import YAMLError

from .environments import check_environments
from .errors import InputError, OntologyInvalid, Problem
from .findings import Finding, label
from .includes import Files, Fragments, Includes
from .messages import pydantic_sentence
from .model import SECTIONS, Item, Ontology
from .normalise import AliasBomb, DocPath, Normaliser
from .positions import SWALLOWED
from .python_file import run_definition
from .validate import check
from .yaml_reader import DecimalText, NumberText, RoundTripKeepingNumbers, reader, syntax_problem

__all__ = ["DecimalText", "Loaded", "NumberText", "RoundTripKeepingNumbers", "load", "load_python", "load_text",
           "load_yaml", "max_bytes", "place", "read", "read_text", "remember_view", "syntax_problem"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def max_bytes() -> int:
    """The largest file we read, `ANGO_ONTOLOGY_MAX_BYTES` or 64 MiB."""
    return int(os.environ.get("ANGO_ONTOLOGY_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class Loaded:
    """A label set read from a file, and the warnings about it (errors are raised, never returned)."""

    ontology: Ontology
    warnings: tuple[Problem, ...] = ()


# --- pydantic ------------------------------------------------------------------------------------------

def _build(doc: dict[str, Any], broken: set[DocPath]) -> tuple[Ontology, list[Finding]]:
    """Models from the normalised document. The normaliser leaves pydantic little to refuse; whatever it
    still refuses is reported in our words, dropped, and the rest checked."""
    findings: list[Finding] = []
    for _ in range(5):
        try:
            return Ontology.model_validate(doc), findings
        except ValidationError as error:
            by_place: dict[DocPath, list[Any]] = {}
            for item in error.errors(include_url=False):
                by_place.setdefault(_in_document(doc, tuple(item["loc"])), []).append(item)
            for place, items in by_place.items():
                findings.append(Finding(place, "", pydantic_sentence(items, place)))
                _drop(doc, place)
                broken.add(place)
    return Ontology(), findings  # pragma: no cover - every pass removes what failed


def _in_document(doc: Any, loc: DocPath) -> DocPath:
    """The part of pydantic's location that is in the document (without union members like `str`)."""
    node = doc
    for depth, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return loc[:depth]
    return loc


def _drop(doc: Any, loc: DocPath) -> None:
    """Take out what failed so the rest can still be checked (its problem is already reported)."""
    parent = doc
    for part in loc[:-1]:
        parent = parent[part]
    last = loc[-1] if loc else None
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and isinstance(last, int):  # pragma: no cover - the normaliser shapes items
        parent[last] = {}


# --- positions and problems ----------------------------------------------------------------------------

def _breadcrumb(doc: dict[str, Any], path: DocPath) -> str:
    parts: list[str] = []
    node: Any = doc
    for index, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and index and isinstance(node, dict):
            kind = "tree" if path[index - 1] in ("tree_options", "children") else path[index - 1]
            name = node.get("title", node.get("value", node.get("name", "")))
            parts.append(f"{kind}[{label(name if isinstance(name, str) else '', part)}]")
    return " > ".join(parts)


class _Parsed:
    """One pass over a YAML text: the normalised document, its findings and (when tracked) positions."""

    def __init__(self, text: str, filename: str, track: bool, fragments: Fragments | None = None) -> None:
        self.filename = filename
        self.syntax: Problem | None = None
        self.normaliser = Normaliser(budget=4 * len(text) + 10_000, track=track)
        # `include:` fragments are spliced into the lists as the normaliser reads them (see includes.py).
        self.includes = Includes(self.normaliser, filename, fragments or Files(filename), reader(track))
        self.normaliser.expand = self.includes.expand
        self.normaliser.lines = self._lines
        self.lines = {filename: text.splitlines()}
        self.doc: dict[str, Any] = {}
        try:
            raw = reader(track)(text)
        except (YAMLError, RecursionError) as error:
            self.syntax = syntax_problem(error, text, filename)
            return
        try:
            self.doc = self.normaliser.document(raw)
        except AliasBomb:
            self.syntax = Problem("the document expands to far more nodes than the file holds "
                                  "(a YAML alias bomb?); refusing to read it", "", filename, 1, 1)
        except RecursionError:
            self.syntax = Problem("the document is nested too deeply to read", "", filename, 1, 1)

    def _lines(self, path: DocPath) -> list[str]:
        """The lines of the file the value at `path` is read from (the main file's, or a fragment's)."""
        name = self.includes.file_of(path)
        if name not in self.lines:
            self.lines[name] = self.includes.texts.get(name, "").splitlines()
        return self.lines[name]

    def checked(self) -> tuple[Ontology, list[Finding]]:
        """The models and every finding: the normaliser's, pydantic's and the semantic checks'."""
        broken = self.normaliser.broken
        findings = [Finding(path, "", message) for path, message in self.normaliser.findings]
        ontology, refused = _build(self.doc, broken)
        checked = check(ontology, broken)
        return ontology, findings + refused + checked + check_environments(ontology, checked)

    def problem(self, finding: Finding) -> Problem:
        line, column = self.normaliser.positions.find(finding.path)
        crumb = finding.breadcrumb or _breadcrumb(self.doc, finding.path)
        file = self.includes.file_of(finding.path)  # a fragment's problem is the fragment's
        return Problem(finding.message, crumb, file, line, column, warning=finding.warning)


def read_text(text: str, filename: str = "<string>", *, locate_warnings: bool = True,
              fragments: Fragments | None = None) -> Loaded:
    """Parse and check an ontology given as YAML text: the label set and its warnings.

    Raises OntologyInvalid with every error (and the warnings). Warnings are placed at their line and
    column when `locate_warnings` (a second, slower pass); else they name the file and breadcrumb only.
    `include:` paths are read from `fragments` (default: the working tree, relative to `filename`).
    """
    fast = _Parsed(text, filename, track=False, fragments=fragments)
    if fast.syntax is not None:
        raise OntologyInvalid([fast.syntax])
    ontology, findings = fast.checked()
    errors = any(not finding.warning for finding in findings)
    # Only the slow pass sees comments: a `#` glued to a word may have cut a value short.
    suspect = SWALLOWED.search(text) is not None
    if not errors and not suspect and not (findings and locate_warnings):
        _remember(ontology, filename, text, fragments)
        return Loaded(ontology, tuple(Problem(f.message, f.breadcrumb, filename, warning=True) for f in findings))
    slow = _Parsed(text, filename, track=True, fragments=fragments)
    if slow.syntax is not None:  # pragma: no cover - the fast pass read it
        raise OntologyInvalid([slow.syntax])
    problems = [slow.problem(finding) for finding in slow.checked()[1]]
    warnings = [problem for problem in problems if problem.warning]
    if len(warnings) != len(problems):
        raise OntologyInvalid([problem for problem in problems if not problem.warning], warnings)
    if errors:
        raise OntologyInvalid(_disagreement(findings, filename), warnings)
    _remember(ontology, filename, text, fragments)
    return Loaded(ontology, tuple(sorted(warnings, key=lambda p: (p.line, p.column))))


def _disagreement(findings: list[Finding], filename: str) -> list[Problem]:
    """The fast pass's errors when the slow pass found none: the two readers read the file differently, so
    neither reading is taken (fail closed), and the user is told what the fast one found."""
    return [Problem(f"{finding.message} (the two YAML readers of ango-ontology read this file differently: "
                    "nothing is taken from it; this is a bug in ango-ontology, please report it)",
                    finding.breadcrumb, filename) for finding in findings if not finding.warning]


def load_text(text: str, filename: str = "<string>", *, fragments: Fragments | None = None) -> Ontology:
    """Parse and validate an ontology given as YAML text; raises OntologyInvalid with every problem."""
    return read_text(text, filename, locate_warnings=False, fragments=fragments).ontology


def read_yaml(path: str | os.PathLike[str], *, locate_warnings: bool = True) -> Loaded:
    name = os.fspath(path)
    data = _read_bytes(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OntologyInvalid([Problem(f"the file is not UTF-8 text (byte {error.start})", "", name)]) from None
    return read_text(text, name, locate_warnings=locate_warnings)


def load_yaml(path: str | os.PathLike[str]) -> Ontology:
    return read_yaml(path, locate_warnings=False).ontology


def _read_bytes(name: str) -> bytes:
    try:
        size = os.stat(name).st_size
        limit = max_bytes()
        if size > limit:
            raise OntologyInvalid([Problem(f"the file is {size:,} bytes, over the limit of {limit:,} "
                                           "(set ANGO_ONTOLOGY_MAX_BYTES to raise it)", "", name)])
        with open(name, "rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not an ontology file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read it ({error.strerror})") from None


def read_python(path: str | os.PathLike[str]) -> Loaded:
    """Run a Python definition and take its `ontology`; checked like YAML (problems name the file only)."""
    name = os.fspath(path)
    _read_bytes(name)
    ontology = run_definition(name)
    checked = check(ontology)
    problems = [Problem(f.message, f.breadcrumb, name, warning=f.warning)
                for f in [*checked, *check_environments(ontology, checked)]]
    warnings = [problem for problem in problems if problem.warning]
    if len(warnings) != len(problems):
        raise OntologyInvalid([problem for problem in problems if not problem.warning], warnings)
    _remember(ontology, name, None)
    return Loaded(ontology, tuple(warnings))


def load_python(path: str | os.PathLike[str]) -> Ontology:
    return read_python(path).ontology


def read(path: str | os.PathLike[str], *, locate_warnings: bool = True) -> Loaded:
    """A label set and its warnings from a `.py` definition or a YAML file; OntologyInvalid on any error."""
    if Path(path).suffix == ".py":
        return read_python(path)
    return read_yaml(path, locate_warnings=locate_warnings)


def load(path: str | os.PathLike[str]) -> Ontology:
    """An ontology from a `.py` definition or a YAML file; raises OntologyInvalid with every error."""
    return read(path, locate_warnings=False).ontology


# --- problems met after loading ----------------------------------------------------------------------------

# The file (its YAML text, and where its fragments are read from) each loaded label set came from, while it
# lives: a problem found later, at plan time, is placed in the file by parsing that text again (the fast pass
# kept no positions). An environment's label set is a view of its file's: `_VIEWS` leads back to the file.
_SOURCES: dict[int, tuple[weakref.ref[Ontology], str, str | None, Fragments | None]] = {}
_VIEWS: dict[int, tuple[weakref.ref[Ontology], Ontology, str]] = {}


def _remember(ontology: Ontology, filename: str, text: str | None, fragments: Fragments | None = None) -> None:
    key = id(ontology)
    _SOURCES[key] = (weakref.ref(ontology, lambda _: _SOURCES.pop(key, None)), filename, text, fragments)


def remember_view(view: Ontology, ontology: Ontology, environment: str) -> None:
    """`view` is environment `environment` of `ontology`, holding its very nodes: placed in its file."""
    if id(ontology) in _SOURCES:
        key = id(view)
        _VIEWS[key] = (weakref.ref(view, lambda _: _VIEWS.pop(key, None)), ontology, environment)


def place(ontology: Ontology, found: Iterable[tuple[Item, str, Problem]]) -> list[Problem]:
    """Problems about items of a loaded label set (item, field, problem), placed at `file:line:col` — in the
    fragment that holds the item, or under `environments[NAME]` for a node an environment adds.

    A label set that was not loaded from a file keeps its problems as they are.
    """
    found = list(found)
    view = _VIEWS.get(id(ontology))
    if view is not None and view[0]() is ontology:
        ontology = view[1]
    source = _SOURCES.get(id(ontology))
    if source is None or source[0]() is not ontology:
        return [problem for _, _, problem in found]
    _, filename, text, fragments = source
    if text is None:
        return [replace(problem, file=filename) for _, _, problem in found]
    paths = _item_paths(ontology)
    parsed = _Parsed(text, filename, track=True, fragments=fragments)
    out = []
    for item, field, problem in found:
        path = paths.get(id(item), ()) + (field,)
        line, column = parsed.normaliser.positions.find(path)
        crumb = f"environments[{path[1]}] > {problem.breadcrumb}" if path[0] == "environments" else \
            problem.breadcrumb
        out.append(replace(problem, file=parsed.includes.file_of(path), line=line, column=column, breadcrumb=crumb))
    return out


def _item_paths(ontology: Ontology) -> dict[int, DocPath]:
    """Every item of the label set (by identity) -> its path in the document, environments' nodes included."""
    out: dict[int, DocPath] = {}
    stack: list[tuple[DocPath, Any]] = [(where + (section.name, index), node) for section in SECTIONS
                                        for where, owner in [((), ontology), *(
                                            (("environments", name), env) for name, env in
                                            ontology.environments.items())]
                                        for index, node in enumerate(getattr(owner, section.name))]
    while stack:
        path, item = stack.pop()
        out[id(item)] = path
        for field in _CHILD_FIELDS:
            for index, child in enumerate(getattr(item, field, ())):
                stack.append((path + (field, index), child))
    return out


_CHILD_FIELDS = ("options", "tree_options", "classifications", "children")
