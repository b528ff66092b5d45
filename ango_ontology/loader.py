"""Load an ontology from a YAML or Python file into validated models; ruamel's and pydantic's errors end here.

The happy path parses with the fastest YAML loader available and keeps no positions. Only when a
problem is found is the file parsed again with the round-trip loader, which knows where every key
and item sits, so each problem is reported as `file:line:col`.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import InputError, OntologyInvalid, Problem
from .model import Ontology
from .normalise import INVALID, AliasBomb, DocPath, Normaliser, kind_of_value
from .validate import check

__all__ = ["load", "load_python", "load_text", "load_yaml", "max_bytes"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_SCALARS = (str, int, float, bool, type(None))


def max_bytes() -> int:
    """The largest file we read, `ANGO_ONTOLOGY_MAX_BYTES` or 64 MiB."""
    return int(os.environ.get("ANGO_ONTOLOGY_MAX_BYTES", DEFAULT_MAX_BYTES))


# --- pydantic ------------------------------------------------------------------------------------------

def _build(doc: dict[str, Any]) -> tuple[Ontology, list[tuple[DocPath, str]]]:
    """Models from the normalised document; a field pydantic rejects is reported and dropped, then retried."""
    problems: list[tuple[DocPath, str]] = []
    for _ in range(5):
        try:
            return Ontology.model_validate(doc), problems
        except ValidationError as error:
            by_place: dict[DocPath, list[Any]] = {}
            for item in error.errors(include_url=False):
                by_place.setdefault(_in_document(doc, tuple(item["loc"])), []).append(item)
            for place, items in by_place.items():
                problems.append((place, _pydantic_message(items, place)))
                _repair(doc, place)
    return Ontology(), problems  # pragma: no cover - every pass removes what failed


def _in_document(doc: Any, loc: DocPath) -> DocPath:
    """The part of pydantic's location that is in the document (without union members like `str`)."""
    node = doc
    for depth, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return loc[:depth]
    return loc


def _pydantic_message(items: list[Any], place: DocPath) -> str:
    """One sentence for what pydantic found at one place (a union's several complaints made one)."""
    got = items[0].get("input")
    field = next((str(part) for part in reversed(place) if isinstance(part, str)), "value")
    shown = f" (got {got!r})" if isinstance(got, _SCALARS) else f" (got a {kind_of_value(got)})"
    if len(items) > 1:
        kinds = sorted({str(item["loc"][len(place)]) for item in items if len(item["loc"]) > len(place)})
        return f"{field}: expected one of {', '.join(kinds)}{shown}"
    return f"{field}: {items[0]['msg']}{shown}"


def _repair(doc: Any, loc: DocPath) -> None:
    """Drop what failed so the rest can still be checked (the failure is already reported)."""
    parent = doc
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return
    last = loc[-1]
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = f"{INVALID}{loc}"
    elif isinstance(parent, dict) and last in parent:
        if last in ("type", "title", "value"):
            parent[last] = INVALID if last == "type" else f"{INVALID}{loc}"
        else:
            del parent[last]
    elif isinstance(parent, dict):
        parent.setdefault("title", f"{INVALID}{loc}")
        parent.setdefault("value", f"{INVALID}{loc}")


# --- positions and problems ----------------------------------------------------------------------------

def _position(positions: dict[DocPath, tuple[int, int]], path: DocPath) -> tuple[int, int]:
    for end in range(len(path), -1, -1):
        found = positions.get(path[:end])
        if found is not None:
            return found
    return (1, 1)


def _breadcrumb(doc: dict[str, Any], path: DocPath) -> str:
    parts: list[str] = []
    node: Any = doc
    for index, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and index and isinstance(node, dict):
            label = "tree" if path[index - 1] in ("tree_options", "children") else path[index - 1]
            name = node.get("title", node.get("value", node.get("name", part)))
            if isinstance(name, str) and name.startswith(INVALID):
                name = f"#{part + 1}"
            parts.append(f"{label}[{name}]")
    return " > ".join(parts)


class NumberText(int):
    """An integer that remembers how it was written, so `id: 0012345` stays "0012345", not "12345"."""

    text: str


def _keep_text(value: Any, node: Any) -> Any:
    kept = NumberText(value)
    kept.text = node.value
    return kept


class _SafeKeepingNumbers(SafeConstructor):
    def construct_yaml_int(self, node: Any) -> Any:
        return _keep_text(super().construct_yaml_int(node), node)


class RoundTripKeepingNumbers(RoundTripConstructor):
    def construct_yaml_int(self, node: Any) -> Any:
        return _keep_text(super().construct_yaml_int(node), node)


_SafeKeepingNumbers.add_constructor("tag:yaml.org,2002:int", _SafeKeepingNumbers.construct_yaml_int)
RoundTripKeepingNumbers.add_constructor("tag:yaml.org,2002:int", RoundTripKeepingNumbers.construct_yaml_int)


class _Parsed:
    """One pass over a YAML text: the normalised document, findings and (when tracked) positions."""

    def __init__(self, text: str, filename: str, track: bool) -> None:
        self.filename = filename
        self.syntax: Problem | None = None
        self.normaliser = Normaliser(budget=4 * len(text) + 10_000, track=track)
        self.doc: dict[str, Any] = {}
        yaml = YAML(typ="rt" if track else "safe", pure=False)
        yaml.Constructor = RoundTripKeepingNumbers if track else _SafeKeepingNumbers
        try:
            raw = yaml.load(text)
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            message = " ".join(str(part) for part in (error.context, error.problem) if part)
            self.syntax = Problem(f"YAML syntax error: {message}", "", filename, line, col)
            return
        except (YAMLError, RecursionError) as error:
            self.syntax = Problem(f"YAML error: {error}", "", filename, 1, 1)
            return
        try:
            self.doc = self.normaliser.document(raw)
        except AliasBomb:
            self.syntax = Problem("the document expands to far more nodes than the file holds "
                                  "(a YAML alias bomb?); refusing to read it", "", filename, 1, 1)
        except RecursionError:
            self.syntax = Problem("the document is nested too deeply to read", "", filename, 1, 1)


def load_text(text: str, filename: str = "<string>", notes: list[Problem] | None = None) -> Ontology:
    """Parse and validate an ontology given as YAML text; raises OntologyInvalid with every problem.

    What only the live project can settle (a `when:` naming an option's old value) is left to `plan`;
    it is added to `notes`, when given, as a problem with its place.
    """
    fast = _Parsed(text, filename, track=False)
    if fast.syntax is not None:
        raise OntologyInvalid([fast.syntax])
    ontology, findings, deferred = _validated(fast)
    if not findings and not (deferred and notes is not None):
        return ontology
    slow = _Parsed(text, filename, track=True)
    if slow.syntax is not None:  # pragma: no cover - the fast pass read it
        raise OntologyInvalid([slow.syntax])
    _, findings, deferred = _validated(slow)
    positions = slow.normaliser.positions

    def problems(found: list[tuple[DocPath, str, str]]) -> list[Problem]:
        return [Problem(message, crumb or _breadcrumb(slow.doc, path), filename, *_position(positions, path))
                for path, crumb, message in found]

    if findings:
        raise OntologyInvalid(problems(findings))
    if notes is not None:
        notes.extend(problems(deferred))
    return ontology


Found = list[tuple[DocPath, str, str]]


def _validated(parsed: _Parsed) -> tuple[Ontology, Found, Found]:
    """The models, the problems found, and those left for plan to settle with the live project."""
    findings: Found = [(p, "", m) for p, m in parsed.normaliser.findings]
    ontology, model_problems = _build(parsed.doc)
    findings += [(p, "", m) for p, m in model_problems]
    checked = check(ontology)
    findings += [(f.path, f.breadcrumb, f.message) for f in checked if not f.deferred]
    return ontology, findings, [(f.path, f.breadcrumb, f.message) for f in checked if f.deferred]


def load_yaml(path: str | os.PathLike[str], notes: list[Problem] | None = None) -> Ontology:
    name = os.fspath(path)
    data = _read(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OntologyInvalid([Problem(f"the file is not UTF-8 text (byte {error.start})", "", name)]) from None
    return load_text(text, name, notes)


def _read(name: str) -> bytes:
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


def load_python(path: str | os.PathLike[str], notes: list[Problem] | None = None) -> Ontology:
    """Run a Python definition and take its `ontology` (an Ontology); validated like YAML."""
    name = os.fspath(path)
    _read(name)
    try:
        namespace = runpy.run_path(name, run_name="__ango_ontology__")
    except ValidationError as error:
        raise OntologyInvalid([Problem(_pydantic_message([item], tuple(item["loc"]))
                                       + f" at {'.'.join(map(str, item['loc']))}", "", name)
                               for item in error.errors(include_url=False)]) from None
    except Exception as error:  # the user's code may raise anything; report it as their file's problem
        line = _user_line(error, name)
        raise OntologyInvalid([Problem(f"running the file raised {type(error).__name__}: {error}", "",
                                       name, line, 1 if line else 0)]) from None
    ontology = namespace.get("ontology")
    if not isinstance(ontology, Ontology):
        got = "nothing" if ontology is None else type(ontology).__name__
        raise OntologyInvalid([Problem(f"a Python definition must set `ontology` to an Ontology; found {got}",
                                       "", name)])
    checked = check(ontology)
    if any(not f.deferred for f in checked):
        raise OntologyInvalid([Problem(f.message, f.breadcrumb, name) for f in checked if not f.deferred])
    if notes is not None:
        notes.extend(Problem(f.message, f.breadcrumb, name) for f in checked)
    return ontology


def _user_line(error: BaseException, name: str) -> int:
    trace = error.__traceback__
    line = 0
    target = os.path.abspath(name)
    while trace is not None:
        if os.path.abspath(trace.tb_frame.f_code.co_filename) == target:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def load(path: str | os.PathLike[str], notes: list[Problem] | None = None) -> Ontology:
    """An ontology from a `.py` definition or a YAML file; raises OntologyInvalid with every problem (what only
    the live project can settle goes to `notes`, when given)."""
    if Path(path).suffix == ".py":
        return load_python(path, notes)
    return load_yaml(path, notes)
