"""Turn a parsed YAML document into plain dicts with the models' field names, noting every problem.

On the slow pass (a round-trip document) it also notes where each key and item sits, so the
loader can report every problem as `file:line:col`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .model import (
    SECTIONS,
    TREE_TYPE,
    Classification,
    Ontology,
    Option,
    ProjectRef,
    Tool,
    TreeOption,
    attributes,
    wire_keys,
)

DocPath = tuple[Any, ...]
"""Where a value sits in the document: the keys and indices from the top, with the models' field names."""

INVALID = "\x00invalid"
"""Marks a node the loader could not read; its problem is already reported, so checks skip it."""

NODE_FIELDS = tuple(Tool.model_fields)
CLASSIFICATION_FIELDS = tuple(Classification.model_fields)
OPTION_FIELDS = tuple(Option.model_fields)
TREE_FIELDS = tuple(TreeOption.model_fields)
PROJECT_FIELDS = tuple(ProjectRef.model_fields)
TOP_FIELDS = tuple(Ontology.model_fields)
# Text fields of options and tree nodes (a number there is read as it is written).
_ITEM_TEXTS = ("value", "id", "renamed_from", "description")
# Ango's wire keys and the file's short keys, each meaning a model field.
ALIASES = {
    **{key: field for model in (Classification, Option, TreeOption)
       for key, field in wire_keys(model).items() if key != field},
    **{a.file_key: a.name for a in attributes(Classification) if a.file_key != a.name},
    "schema_id": "id", "_id": "id", "classification": "type", "relation": "type", "tree": "tree_options",
    "renamedFrom": "renamed_from",
}
# Fields whose value is text: a YAML number there is read as the text it was written with.
TEXT_FIELDS = frozenset({"title", "when", "renamed_from", "id", "parent_option_id", "description"}
                        | {a.name for a in attributes(Classification) if a.form == "text"})
_SECTION_TYPES = {section.name: section.types for section in SECTIONS}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a choice is close, else an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class AliasBomb(Exception):
    """The document expands to far more nodes than its text holds: an alias bomb."""


class Normaliser:
    """Turns a parsed YAML document into plain dicts with canonical field names, noting every problem."""

    def __init__(self, budget: int, track: bool) -> None:
        self.budget = budget
        self.track = track
        self.findings: list[tuple[DocPath, str]] = []
        self.positions: dict[DocPath, tuple[int, int]] = {}

    def spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise AliasBomb

    def note(self, path: DocPath, message: str) -> None:
        self.findings.append((path, message))

    def at_key(self, raw: Any, key: Any, path: DocPath) -> None:
        if self.track and isinstance(raw, CommentedMap):
            self._at(raw.lc.key, key, path)

    def at_value(self, raw: Any, key: Any, path: DocPath) -> None:
        if self.track and isinstance(raw, CommentedMap):
            self._at(raw.lc.value, key, path)

    def _at(self, where: Any, key: Any, path: DocPath) -> None:
        try:
            line, col = where(key)
        except KeyError:  # a key brought in by a `<<:` merge has no place of its own: the mapping's is used
            return
        self.positions[path] = (line + 1, col + 1)

    def at_item(self, raw: Any, index: int, path: DocPath) -> None:
        if self.track and isinstance(raw, CommentedSeq):
            line, col = raw.lc.item(index)
            self.positions[path] = (line + 1, col + 1)

    # --- the document ------------------------------------------------------------------------------------

    def document(self, raw: Any) -> dict[str, Any]:
        if raw is None:
            self.note((), "the file is empty; an ontology has `tools:`, `classifications:` or `relations:`")
            return {}
        if not isinstance(raw, dict):
            self.note((), f"the file must hold a mapping (tools:, classifications:, …), not a {kind_of_value(raw)}")
            return {}
        out: dict[str, Any] = {}
        for key, value, field in self.fields(raw, (), TOP_FIELDS, {}):
            path = (field,)
            if field in _SECTION_TYPES:
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

    def fields(self, raw: dict[Any, Any], path: DocPath, allowed: tuple[str, ...],
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

    def items(self, value: Any, path: DocPath, convert: Callable[[Any, DocPath], Any]) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.note(path, f"expected a list, not a {kind_of_value(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            self.spend()
            self.at_item(value, index, path + (index,))
            out.append(convert(item, path + (index,)))
        return out

    def mapping(self, raw: Any, path: DocPath, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.note(path, f"expected a mapping, not a {kind_of_value(raw)}")
            return {}
        known = self.fields(raw, path, allowed, ALIASES)
        return {field: self.plain(value, path + (field,)) for _, value, field in known}

    def batch(self, item: Any, path: DocPath) -> Any:
        if isinstance(item, dict) and set(item) == {"name"}:
            item = item["name"]
        return self.text(item, path) if item is not None else item

    # --- nodes -------------------------------------------------------------------------------------------

    def nodes(self, value: Any, path: DocPath, section: str) -> list[Any]:
        return self.items(value, path, lambda item, p: self.node(item, p, section))

    def node(self, raw: Any, path: DocPath, section: str) -> dict[str, Any]:
        singular = section[:-1]
        if not isinstance(raw, dict):
            example = _SECTION_TYPES[section][0]
            self.note(path, f"a {singular} is a mapping with its type and title, e.g. "
                            f"`- {example}: {raw if isinstance(raw, str) else 'Title'}`; got a {kind_of_value(raw)}")
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

    def node_keys(self, raw: dict[Any, Any], path: DocPath, allowed: tuple[str, ...],
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

    def title(self, raw: dict[Any, Any], key: Any, path: DocPath) -> str:
        self.at_value(raw, key, path + ("title",))
        value = raw[key]
        if value is None:
            self.note(path + ("title",), "the title is empty")
            return f"{INVALID}{path}"
        return str(self.text(value, path + ("title",)))

    def text(self, value: Any, path: DocPath) -> Any:
        if isinstance(value, (bool, float)):
            self.note(path, f"{value!r} reads as a {kind_of_value(value)} in YAML; put it in quotes")
            return str(value)
        if isinstance(value, int):
            return getattr(value, "text", str(value))  # as written: 0012345 stays 0012345
        if isinstance(value, str):
            return value
        self.note(path, f"expected text here, not a {kind_of_value(value)}")
        return f"{INVALID}{path}"

    def attribute(self, raw: dict[Any, Any], key: Any, value: Any, path: DocPath) -> Any:
        field = path[-1]
        if field == "classifications":
            return self.nodes(value, path, "classifications")
        if field == "options":
            return self.items(value, path, self.option)
        if field == "tree_options":
            return self.items(value, path, self.tree)
        if field == "examples":
            return self.items(value, path, self.text)
        if field in TEXT_FIELDS and value is not None:
            return self.text(value, path)
        return self.plain(value, path)

    def option(self, raw: Any, path: DocPath) -> Any:
        if isinstance(raw, dict):
            out = self.mapping(raw, path, OPTION_FIELDS)
            for field in _ITEM_TEXTS:
                if out.get(field) is not None:
                    out[field] = self.text(out[field], path + (field,))
            if "examples" in out:
                out["examples"] = self.items(out["examples"], path + ("examples",), self.text)
            if "value" not in out:
                self.note(path, "an option needs a `value`")
                out["value"] = f"{INVALID}{path}"
            return out
        if raw is None or isinstance(raw, (list,)):
            self.note(path, f"an option is a text or a mapping with `value:`, not a {kind_of_value(raw)}")
            return {"value": f"{INVALID}{path}"}
        return {"value": self.text(raw, path)}

    def tree(self, raw: Any, path: DocPath) -> Any:
        if isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)) not in TREE_FIELDS + ("key", "schemaId"):
            ((title, children),) = raw.items()
            self.at_key(raw, title, path + ("title",))
            if children is not None and not isinstance(children, list):
                self.note(path + ("children",), f"the children of '{title}' must be a list, "
                          f"not a {kind_of_value(children)}")
                children = None
            return {"title": self.text(title, path + ("title",)),
                    "children": self.items(children, path + ("children",), self.tree)}
        if isinstance(raw, dict):
            out: dict[str, Any] = {}
            for _, value, field in self.fields(raw, path, TREE_FIELDS, ALIASES):
                if field == "children":
                    out[field] = self.items(value, path + ("children",), self.tree)
                elif field == "examples":
                    out[field] = self.items(value, path + ("examples",), self.text)
                elif field in ("title", *_ITEM_TEXTS) and value is not None:
                    out[field] = self.text(value, path + (field,))
                else:
                    out[field] = self.plain(value, path + (field,))
            if "title" not in out:
                self.note(path, "a tree node needs a `title`")
                out["title"] = f"{INVALID}{path}"
            return out
        if raw is None or isinstance(raw, list):
            self.note(path, f"a tree node is a title or a mapping, not a {kind_of_value(raw)}")
            return {"title": f"{INVALID}{path}"}
        return {"title": self.text(raw, path)}

    def plain(self, value: Any, path: DocPath) -> Any:
        """A copy made of JSON values (plain dicts, lists, scalars), counting every node against the budget."""
        self.spend()
        if isinstance(value, dict):
            return {key: self.plain(item, path) for key, item in value.items()}
        if isinstance(value, list):
            return [self.plain(item, path) for item in value]
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        if value is None or isinstance(value, (str, float, bool)):
            return value
        # YAML dates, timestamps and binary have no JSON form: Ango could not store them.
        self.note(path, f"{value!r} reads as a {type(value).__name__} in YAML, which has no JSON form; "
                        "put it in quotes")
        return str(value)


def kind_of_value(value: Any) -> str:
    """`mapping`, `list`, `text`, `number`, `boolean` or `null`: a YAML value's kind, in words."""
    names = {dict: "mapping", list: "list", str: "text", int: "number", float: "number", bool: "boolean"}
    for cls, name in names.items():
        if isinstance(value, cls) and not (cls is int and isinstance(value, bool)):
            return name
    return "null" if value is None else type(value).__name__
