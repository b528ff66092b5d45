"""Load an ontology from a YAML or Python file into validated models; the only user of ruamel and pydantic errors.

The happy path parses with the fastest YAML loader available and keeps no positions. Only when a
problem is found is the file parsed again with the round-trip loader, which knows where every key
and item sits, so each problem is reported as `file:line:col`.
"""

from __future__ import annotations

import os
import runpy
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import InputError, OntologyInvalid, Problem
from .model import CLASSIFICATION_TYPES, RELATION_TYPES, TOOL_TYPES, TREE_TYPE, Ontology
from .validate import INVALID, check, did_you_mean

Path = tuple[Any, ...]
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

NODE_FIELDS = ("type", "title", "id", "required", "column_field", "color", "shortcut_key", "classifications",
               "options", "renamed_from", "protect", "extra")
CLASSIFICATION_FIELDS = NODE_FIELDS + ("tree_options", "when", "parent_option_id", "regex", "frame_specific",
                                       "show_dropdown", "rich_text", "multiple", "export_name", "display_name",
                                       "abbreviated_name", "attribute_type", "default_value")
OPTION_FIELDS = ("value", "id", "renamed_from", "protect", "extra")
TREE_FIELDS = ("title", "id", "value", "children", "renamed_from", "protect", "extra")
PROJECT_FIELDS = ("id", "name", "description")
TOP_FIELDS = ("project", "projects", "batches", "tools", "classifications", "relations")
ALIASES = {
    "schemaId": "id", "schema_id": "id", "key": "id", "_id": "id",
    "tool": "type", "classification": "type", "relation": "type",
    "columnField": "column_field", "shortcutKey": "shortcut_key", "shortcut": "shortcut_key",
    "treeOptions": "tree_options", "tree": "tree_options", "parentOptionId": "parent_option_id",
    "frameSpecific": "frame_specific", "showDropdown": "show_dropdown", "richText": "rich_text",
    "exportName": "export_name", "displayName": "display_name", "abbreviatedName": "abbreviated_name",
    "attributeType": "attribute_type", "defaultValue": "default_value", "renamedFrom": "renamed_from",
}
_SECTION_TYPES = {"tools": TOOL_TYPES, "classifications": CLASSIFICATION_TYPES, "relations": RELATION_TYPES}
_SCALARS = (str, int, float, bool, type(None))


def max_bytes() -> int:
    """The largest file we read, `ANGO_ONTOLOGY_MAX_BYTES` or 64 MiB."""
    return int(os.environ.get("ANGO_ONTOLOGY_MAX_BYTES", DEFAULT_MAX_BYTES))


class _AliasBomb(Exception):
    """The document expands to far more nodes than its text holds: an alias bomb."""


class _Normaliser:
    """Turns a parsed YAML document into plain dicts with canonical field names, noting every problem."""

    def __init__(self, budget: int, track: bool) -> None:
        self.budget = budget
        self.track = track
        self.findings: list[tuple[Path, str]] = []
        self.positions: dict[Path, tuple[int, int]] = {}

    def spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise _AliasBomb

    def note(self, path: Path, message: str) -> None:
        self.findings.append((path, message))

    def at_key(self, raw: Any, key: Any, path: Path) -> None:
        if self.track and isinstance(raw, CommentedMap):
            line, col = raw.lc.key(key)
            self.positions[path] = (line + 1, col + 1)

    def at_value(self, raw: Any, key: Any, path: Path) -> None:
        if self.track and isinstance(raw, CommentedMap):
            line, col = raw.lc.value(key)
            self.positions[path] = (line + 1, col + 1)

    def at_item(self, raw: Any, index: int, path: Path) -> None:
        if self.track and isinstance(raw, CommentedSeq):
            line, col = raw.lc.item(index)
            self.positions[path] = (line + 1, col + 1)

    # --- the document ------------------------------------------------------------------------------------

    def document(self, raw: Any) -> dict[str, Any]:
        if raw is None:
            self.note((), "the file is empty; an ontology has `tools:`, `classifications:` or `relations:`")
            return {}
        if not isinstance(raw, dict):
            self.note((), f"the file must hold a mapping (tools:, classifications:, …), not a {_kind(raw)}")
            return {}
        out: dict[str, Any] = {}
        for key, value, field in self.fields(raw, (), TOP_FIELDS, {}):
            path = (field,)
            if field in ("tools", "classifications", "relations"):
                out[field] = self.nodes(value, path, field)
            elif field == "project":
                out[field] = value if isinstance(value, (str, int)) else self.mapping(value, path, PROJECT_FIELDS)
            elif field == "projects":
                out[field] = self.items(value, path, lambda item, p: item if isinstance(item, (str, int))
                                        else self.mapping(item, p, PROJECT_FIELDS))
            else:
                out[field] = self.items(value, path, lambda item, p: self.batch(item, p))
            del key
        return out

    def fields(self, raw: dict[Any, Any], path: Path, allowed: tuple[str, ...],
               aliases: dict[str, str]) -> list[tuple[Any, Any, str]]:
        """(raw key, value, canonical field) for the known keys; unknown keys are noted with a hint."""
        known = []
        for key, value in raw.items():
            self.spend()
            field = aliases.get(key, key) if isinstance(key, str) else key
            if field in allowed:
                self.at_key(raw, key, path + (field,))
                known.append((key, value, field))
            else:
                self.at_key(raw, key, path + (f"<{key}>",))
                hint = did_you_mean(str(key), list(allowed) + [a for a, f in aliases.items() if f in allowed])
                self.note(path + (f"<{key}>",), f"unknown key '{key}'{hint}")
        return known

    def items(self, value: Any, path: Path, convert: Callable[[Any, Path], Any]) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.note(path, f"expected a list, not a {_kind(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            self.spend()
            self.at_item(value, index, path + (index,))
            out.append(convert(item, path + (index,)))
        return out

    def mapping(self, raw: Any, path: Path, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.note(path, f"expected a mapping, not a {_kind(raw)}")
            return {}
        return {field: self.plain(value) for _, value, field in self.fields(raw, path, allowed, ALIASES)}

    def batch(self, item: Any, path: Path) -> Any:
        if isinstance(item, dict) and set(item) == {"name"}:
            return item["name"]
        return item

    # --- nodes -------------------------------------------------------------------------------------------

    def nodes(self, value: Any, path: Path, section: str) -> list[Any]:
        return self.items(value, path, lambda item, p: self.node(item, p, section))

    def node(self, raw: Any, path: Path, section: str) -> dict[str, Any]:
        singular = section[:-1]
        if not isinstance(raw, dict):
            example = _SECTION_TYPES[section][0]
            self.note(path, f"a {singular} is a mapping with its type and title, e.g. "
                            f"`- {example}: {raw if isinstance(raw, str) else 'Title'}`; got a {_kind(raw)}")
            return {"type": INVALID, "title": f"{INVALID}{path}"}
        allowed = CLASSIFICATION_FIELDS if section == "classifications" else NODE_FIELDS
        raw_fields, shorthand = self.node_keys(raw, path, allowed, section)
        out: dict[str, Any] = {}
        for key, value, field in raw_fields:
            out[field] = self.attribute(raw, key, value, path + (field,))
        if shorthand is not None and "type" not in out:
            out["type"], out["title"] = str(shorthand), self.title(raw, shorthand, path)
        if "type" not in out:
            self.note(path, f"this {singular} has no type: write `- <type>: <title>`, e.g. "
                            f"`- {_SECTION_TYPES[section][0]}: Name`")
            out["type"] = INVALID
        if "title" not in out:
            self.note(path + ("title",), f"this {singular} has no title")
            out["title"] = f"{INVALID}{path}"
        if out["type"] == TREE_TYPE and out.get("tree_options"):
            # Ango stores a tree dropdown's options as its flattened tree: derived, so not read twice.
            out.pop("options", None)
        return out

    def node_keys(self, raw: dict[Any, Any], path: Path, allowed: tuple[str, ...],
                  section: str) -> tuple[list[tuple[Any, Any, str]], Any]:
        """Split keys into known fields and the `<type>: <title>` shorthand key (if any)."""
        known: list[tuple[Any, Any, Any]] = []
        unknown: list[tuple[Any, Any, Any]] = []
        for key, value in raw.items():
            self.spend()
            field = ALIASES.get(key, key) if isinstance(key, str) else key
            (known if field in allowed else unknown).append((key, value, field))
        shorthand = None
        fields = {field for _, _, field in known}
        if "type" not in fields and unknown:
            typed = [u for u in unknown if u[0] in _SECTION_TYPES[section]]
            untyped = [u for u in unknown if isinstance(u[1], (str, int, float)) or u[1] is None]
            # With an explicit title, an unknown key is a typo, never the `<type>: <title>` shorthand.
            candidates = typed or ([] if "title" in fields else untyped)
            if candidates:
                shorthand = candidates[0][0]
                unknown.remove(candidates[0])
                self.at_key(raw, shorthand, path + ("type",))
        for key, _, field in known:
            self.at_key(raw, key, path + (field,))
        for key, _, _ in unknown:
            self.at_key(raw, key, path + (f"<{key}>",))
            hint = did_you_mean(str(key), list(allowed) + [a for a, f in ALIASES.items() if f in allowed])
            self.note(path + (f"<{key}>",), f"unknown key '{key}'{hint}")
        return known, shorthand

    def title(self, raw: dict[Any, Any], key: Any, path: Path) -> str:
        self.at_value(raw, key, path + ("title",))
        value = raw[key]
        if value is None:
            self.note(path + ("title",), "the title is empty")
            return f"{INVALID}{path}"
        return str(self.text(value, path + ("title",)))

    def text(self, value: Any, path: Path) -> Any:
        if isinstance(value, (bool, float)):
            self.note(path, f"{value!r} reads as a {_kind(value)} in YAML; put it in quotes")
            return str(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return value
        self.note(path, f"expected text here, not a {_kind(value)}")
        return f"{INVALID}{path}"

    def attribute(self, raw: dict[Any, Any], key: Any, value: Any, path: Path) -> Any:
        field = path[-1]
        if field == "classifications":
            return self.nodes(value, path, "classifications")
        if field == "options":
            return self.items(value, path, self.option)
        if field == "tree_options":
            return self.items(value, path, self.tree)
        if field in ("title", "when", "renamed_from", "id", "parent_option_id", "shortcut_key") and \
                value is not None:
            return self.text(value, path)
        return self.plain(value)

    def option(self, raw: Any, path: Path) -> Any:
        if isinstance(raw, dict):
            out = self.mapping(raw, path, OPTION_FIELDS)
            for field in ("value", "id", "renamed_from"):
                if out.get(field) is not None:
                    out[field] = self.text(out[field], path + (field,))
            if "value" not in out:
                self.note(path, "an option needs a `value`")
                out["value"] = f"{INVALID}{path}"
            return out
        if raw is None or isinstance(raw, (list,)):
            self.note(path, f"an option is a text or a mapping with `value:`, not a {_kind(raw)}")
            return {"value": f"{INVALID}{path}"}
        return {"value": self.text(raw, path)}

    def tree(self, raw: Any, path: Path) -> Any:
        if isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)) not in TREE_FIELDS + ("key", "schemaId"):
            ((title, children),) = raw.items()
            self.at_key(raw, title, path + ("title",))
            if children is not None and not isinstance(children, list):
                self.note(path + ("children",), f"the children of '{title}' must be a list, "
                          f"not a {_kind(children)}")
                children = None
            return {"title": self.text(title, path + ("title",)),
                    "children": self.items(children, path + ("children",), self.tree)}
        if isinstance(raw, dict):
            out: dict[str, Any] = {}
            for _, value, field in self.fields(raw, path, TREE_FIELDS, ALIASES):
                if field == "children":
                    out[field] = self.items(value, path + ("children",), self.tree)
                elif field in ("title", "id", "value", "renamed_from") and value is not None:
                    out[field] = self.text(value, path + (field,))
                else:
                    out[field] = self.plain(value)
            if "title" not in out:
                self.note(path, "a tree node needs a `title`")
                out["title"] = f"{INVALID}{path}"
            return out
        if raw is None or isinstance(raw, list):
            self.note(path, f"a tree node is a title or a mapping, not a {_kind(raw)}")
            return {"title": f"{INVALID}{path}"}
        return {"title": self.text(raw, path)}

    def plain(self, value: Any) -> Any:
        """A copy made of plain dicts and lists, counting every node against the budget."""
        self.spend()
        if isinstance(value, dict):
            return {key: self.plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.plain(item) for item in value]
        return value


def _kind(value: Any) -> str:
    names = {dict: "mapping", list: "list", str: "text", int: "number", float: "number", bool: "boolean"}
    for cls, name in names.items():
        if isinstance(value, cls) and not (cls is int and isinstance(value, bool)):
            return name
    return "null" if value is None else type(value).__name__


# --- pydantic ------------------------------------------------------------------------------------------

def _build(doc: dict[str, Any]) -> tuple[Ontology, list[tuple[Path, str]]]:
    """Models from the normalised document; a field pydantic rejects is reported and dropped, then retried."""
    problems: list[tuple[Path, str]] = []
    for _ in range(5):
        try:
            return Ontology.model_validate(doc), problems
        except ValidationError as error:
            for item in error.errors(include_url=False):
                loc = tuple(item["loc"])
                problems.append((loc, _pydantic_message(item)))
                _repair(doc, loc)
    return Ontology(), problems  # pragma: no cover - every pass removes what failed


def _pydantic_message(item: Any) -> str:
    got = item.get("input")
    field = next((str(part) for part in reversed(item["loc"]) if isinstance(part, str)), "value")
    shown = f" (got {got!r})" if isinstance(got, _SCALARS) else f" (got a {_kind(got)})"
    return f"{field}: {item['msg']}{shown}"


def _repair(doc: Any, loc: Path) -> None:
    """Drop what failed so the rest can still be checked (the failure is already reported)."""
    parent = doc
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return
    last = loc[-1]
    if isinstance(parent, dict) and last in parent:
        if last in ("type", "title", "value"):
            parent[last] = INVALID if last == "type" else f"{INVALID}{loc}"
        else:
            del parent[last]
    elif isinstance(parent, dict):
        parent.setdefault("title", f"{INVALID}{loc}")
        parent.setdefault("value", f"{INVALID}{loc}")


# --- positions and problems ----------------------------------------------------------------------------

def _position(positions: dict[Path, tuple[int, int]], path: Path) -> tuple[int, int]:
    for end in range(len(path), -1, -1):
        found = positions.get(path[:end])
        if found is not None:
            return found
    return (1, 1)


def _breadcrumb(doc: dict[str, Any], path: Path) -> str:
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


class _Parsed:
    """One pass over a YAML text: the normalised document, findings and (when tracked) positions."""

    def __init__(self, text: str, filename: str, track: bool) -> None:
        self.filename = filename
        self.syntax: Problem | None = None
        self.normaliser = _Normaliser(budget=4 * len(text) + 10_000, track=track)
        self.doc: dict[str, Any] = {}
        yaml = YAML(typ="rt" if track else "safe", pure=False)
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
        except _AliasBomb:
            self.syntax = Problem("the document expands to far more nodes than the file holds "
                                  "(a YAML alias bomb?); refusing to read it", "", filename, 1, 1)
        except RecursionError:
            self.syntax = Problem("the document is nested too deeply to read", "", filename, 1, 1)


def load_text(text: str, filename: str = "<string>") -> Ontology:
    """Parse and validate an ontology given as YAML text; raises OntologyInvalid with every problem."""
    fast = _Parsed(text, filename, track=False)
    if fast.syntax is not None:
        raise OntologyInvalid([fast.syntax])
    ontology, findings, found = _validated(fast)
    if not found:
        return ontology
    slow = _Parsed(text, filename, track=True)
    if slow.syntax is not None:  # pragma: no cover - the fast pass read it
        raise OntologyInvalid([slow.syntax])
    ontology, findings, _ = _validated(slow)
    positions = slow.normaliser.positions
    problems = [Problem(message, crumb or _breadcrumb(slow.doc, path), filename, *_position(positions, path))
                for path, crumb, message in findings]
    raise OntologyInvalid(problems)


def _validated(parsed: _Parsed) -> tuple[Ontology, list[tuple[Path, str, str]], bool]:
    findings: list[tuple[Path, str, str]] = [(p, "", m) for p, m in parsed.normaliser.findings]
    ontology, model_problems = _build(parsed.doc)
    findings += [(p, "", m) for p, m in model_problems]
    findings += [(f.path, f.breadcrumb, f.message) for f in check(ontology)]
    return ontology, findings, bool(findings)


def load_yaml(path: str | os.PathLike[str]) -> Ontology:
    name = os.fspath(path)
    data = _read(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OntologyInvalid([Problem(f"the file is not UTF-8 text (byte {error.start})", "", name)]) from None
    return load_text(text, name)


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


def load_python(path: str | os.PathLike[str]) -> Ontology:
    """Run a Python definition and take its `ontology` (an Ontology); validated like YAML."""
    name = os.fspath(path)
    _read(name)
    try:
        namespace = runpy.run_path(name, run_name="__ango_ontology__")
    except ValidationError as error:
        raise OntologyInvalid([Problem(_pydantic_message(item) + f" at {'.'.join(map(str, item['loc']))}",
                                       "", name) for item in error.errors(include_url=False)]) from None
    except Exception as error:  # the user's code may raise anything; report it as their file's problem
        line = _user_line(error, name)
        raise OntologyInvalid([Problem(f"running the file raised {type(error).__name__}: {error}", "",
                                       name, line, 1 if line else 0)]) from None
    ontology = namespace.get("ontology")
    if not isinstance(ontology, Ontology):
        got = "nothing" if ontology is None else type(ontology).__name__
        raise OntologyInvalid([Problem(f"a Python definition must set `ontology` to an Ontology; found {got}",
                                       "", name)])
    findings = check(ontology)
    if findings:
        raise OntologyInvalid([Problem(f.message, f.breadcrumb, name) for f in findings])
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


def load(path: str | os.PathLike[str]) -> Ontology:
    """An ontology from a `.py` definition or a YAML file; raises OntologyInvalid with every problem."""
    if FilePath(path).suffix == ".py":
        return load_python(path)
    return load_yaml(path)
