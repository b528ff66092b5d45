"""Reading one YAML value as the models want it, and noting where each sits and what is wrong with it.

Text is kept as written (`0012345`, `2.50`), true and false are the only booleans (YAML 1.2 reads
`yes` as text), anything else is a JSON value. What cannot be read is reported once and its path
kept in `broken`: out of band, so no value a person writes can pass for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Set
from datetime import date, datetime
from typing import Any

from .positions import DocPath, Positions, swallowed, swallowed_message

DROP = object()
"""Returned for a value that was refused: the field is left out (its problem is already reported)."""
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
# Keys whose value is a list or a mapping: a comment below an empty one is an item commented out.
_COLLECTIONS = frozenset({"tools", "classifications", "relations", "options", "tree_options", "children", "examples",
                          "projects", "batches", "environments", "extra"})
# In this order: a boolean is an int, a timestamp a date, to Python.
_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"), ((int, float), "number"), (str, "text"), (dict, "mapping"), (list, "list"),
    (datetime, "timestamp"), (date, "date"), (bytes, "binary value"), (Set, "set"))
_WRITTEN_AS_TEXT = date  # what a person most likely meant as text: quoting it makes it so


class AliasBomb(Exception):
    """The document expands to far more nodes than its text holds: an alias bomb."""


class Scalars:
    """The bookkeeping of one pass (findings, broken paths, positions, the alias budget) and scalar readers."""

    def __init__(self, budget: int, track: bool) -> None:
        self.budget = budget
        self.track = track
        self.findings: list[tuple[DocPath, str]] = []
        self.positions = Positions()
        self.broken: set[DocPath] = set()
        # The lines of the document a path is read from (the file's, or an included fragment's).
        self.lines: Callable[[DocPath], list[str]] = lambda _: []

    def spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise AliasBomb

    def note(self, path: DocPath, message: str) -> None:
        self.findings.append((path, message))

    def fail(self, path: DocPath, message: str) -> None:
        """A value that cannot be read: reported here, and nothing at or under `path` is checked again."""
        self.note(path, message)
        self.broken.add(path)

    def at_key(self, raw: Any, key: Any, path: DocPath) -> None:
        if self.track:
            self.positions.key(raw, key, path)

    def at_value(self, raw: Any, key: Any, path: DocPath) -> None:
        if self.track:
            self.positions.value(raw, key, path)

    def at_item(self, raw: Any, index: int, path: DocPath) -> None:
        if self.track:
            self.positions.item(raw, index, path)
            self.comment(raw, index, path)

    def comment(self, raw: Any, key: Any, path: DocPath) -> None:
        """A comment glued to the end of a value on its line: YAML cut the value there (`color: #1F77B4`)."""
        scalar = not path or path[-1] not in _COLLECTIONS
        found = swallowed(raw, key, self.lines(path), scalar) if self.track else None
        message = swallowed_message(key, raw[key], found) if found is not None else None
        if message is not None:
            self.fail(path, message)

    def text(self, value: Any, path: DocPath) -> Any:
        if isinstance(value, bool):
            self.fail(path, f"{value!r} reads as a {kind_of_value(value)} in YAML; put it in quotes")
            return str(value)
        if isinstance(value, (int, float)):
            return getattr(value, "text", str(value))  # as written: 0012345 stays 0012345, 2.50 stays 2.50
        if isinstance(value, str):
            return value
        quote = "; put it in quotes if it is text" if isinstance(value, _WRITTEN_AS_TEXT) else ""
        self.fail(path, f"expected text here, not a {kind_of_value(value)}{quote}")
        return ""

    def flag(self, key: Any, value: Any, path: DocPath) -> Any:
        """true or false, nothing else: YAML 1.2 reads `yes`, `on` and `1` as text or numbers."""
        if isinstance(value, bool):
            return value
        fix = f"write `{key}: true` or `{key}: false`"
        if isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
            self.fail(path, f"{key}: {value!r} is text, not a boolean: this file is read as YAML 1.2, where "
                            f"only true and false are booleans; {fix}")
        elif isinstance(value, str) and value.lower() in ("true", "false"):
            self.fail(path, f"{key}: {value!r} is text, not a boolean (it is quoted or tagged); {fix}, unquoted")
        elif value is None:
            self.fail(path, f"{key} is empty; {fix}")
        else:
            shown = repr(value) if isinstance(value, (str, int, float)) else f"a {kind_of_value(value)}"
            self.fail(path, f"{key}: expected true or false, not {shown}; {fix}")
        return DROP

    def plain(self, value: Any, path: DocPath) -> Any:
        """A copy made of JSON values (plain dicts, lists, scalars), counting every node against the budget."""
        self.spend()
        if isinstance(value, dict):
            return {key: self.plain(item, path) for key, item in value.items() if self._json_key(key, path)}
        if isinstance(value, list):
            return [self.plain(item, path) for item in value]
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, float):
            if not math.isfinite(value):  # JSON has no NaN or infinity: Ango could not store it as typed
                self.fail(path, f"{value} is no JSON number (JSON has no NaN or infinity); put it in quotes for text")
            return float(value)
        if value is None or isinstance(value, (str, bool)):
            return value
        # YAML dates, timestamps and binary have no JSON form: Ango could not store them.
        self.note(path, f"this reads as a {kind_of_value(value)} in YAML, which has no JSON form; put it in quotes")
        return str(value)



    def _json_key(self, key: Any, path: DocPath) -> bool:
        """Whether `key` can be a key of a JSON object: only text can (`2:` would be stored as `"2"` and never
        compare equal again, `[1]:` not at all); anything else is refused with the fix."""
        if isinstance(key, str):
            return True
        if isinstance(key, (int, float, bool)) or key is None:
            self.fail(path, f"the key {key!r} is not text, and a JSON object's keys are; put it in quotes")
        else:  # a list or mapping as a key (YAML's `? ` or `[1]:`), read as a tuple or frozen mapping
            self.fail(path, "a key that is a list or a mapping cannot be a JSON object's key; write it as text")
        return False


def kind_of_value(value: Any) -> str:
    """`mapping`, `list`, `text`, `number`, `boolean`, `null`, `timestamp`, `date`…: a YAML value's kind, in words
    (the same whichever of the two YAML readers read it)."""
    if value is None:
        return "null"
    return next((name for kinds, name in _KINDS if isinstance(value, kinds)), "value of a kind YAML alone has")
