"""Where each key and item of a round-trip YAML document sits, and comments that swallowed part of a value.

Only the slow pass (ruamel's round-trip loader) knows lines, columns and comments. YAML reads
`color: #1F77B4` as an empty colour followed by a comment, and `- point: Car #1` as the title
`Car` — on the key's line or on the line where a value written below its key ends: all read fine
and all lose what the person meant, so the comment is looked at too.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

DocPath = tuple[Any, ...]
"""Where a value sits in the document: the keys and indices from the top, with the models' field names."""

# A `#` glued to the word after it, after a blank: what a value holding `#` looks like once YAML has
# made a comment of it. A file without one needs no look at its comments (the fast pass checks this).
SWALLOWED = re.compile(r"[ \t]#[^\s#]")
_SCALARS = (str, int, float)


class Positions:
    """1-based (line, column) of every key and item the normaliser visits, by document path."""

    def __init__(self) -> None:
        self.at: dict[DocPath, tuple[int, int]] = {}

    def key(self, raw: Any, key: Any, path: DocPath) -> None:
        if isinstance(raw, CommentedMap):
            self._mark(raw.lc.key, key, path)

    def value(self, raw: Any, key: Any, path: DocPath) -> None:
        """Where a key's value starts; an empty value has no place of its own, so its key's is used."""
        if isinstance(raw, CommentedMap):
            self._mark(raw.lc.value if raw.get(key) is not None else raw.lc.key, key, path)

    def _mark(self, where: Any, key: Any, path: DocPath) -> None:
        found = _place(where, key)
        if found is not None:  # a key brought in by a `<<:` merge has no place of its own: the mapping's is used
            self.at[path] = (found[0] + 1, found[1] + 1)

    def item(self, raw: Any, index: int, path: DocPath) -> None:
        if isinstance(raw, CommentedSeq):
            line, col = raw.lc.item(index)
            self.at[path] = (line + 1, col + 1)

    def find(self, path: DocPath) -> tuple[int, int]:
        """The position of `path`, else of the nearest enclosing place that has one."""
        for end in range(len(path), -1, -1):
            found = self.at.get(path[:end])
            if found is not None:
                return found
        return (1, 1)


def swallowed(raw: Any, key: Any, lines: list[str], scalar: bool = True) -> str | None:
    """The `#…` comment YAML made of the end of a key's value (or item), if it looks like text.

    `lines` are the document's lines. A comment cut the value when it trails it on the line where the value
    ends (`title:` and `Lane #2` on the next line), or, for a key with no value, when it is the next
    thing below the key, indented as its value would be (`color:` and `#1F77B4` on the next line) — for a
    key that takes a `scalar` (below a list's key, `#- radio: Old` is an item commented out).
    """
    entry = raw.ca.items.get(key) if isinstance(raw, (CommentedMap, CommentedSeq)) else None
    token = (entry[2] if isinstance(raw, CommentedMap) else entry[0]) if entry else None
    if token is not None and SWALLOWED.match(" " + token.value):
        line, column = token.start_mark.line, token.start_mark.column
        before = lines[line][:column] if line < len(lines) else ""
        if before.strip():  # the comment trails text on its line: the end of this value
            return str(token.value).split("\n", 1)[0].rstrip()
    where = _place(raw.lc.key, key) if scalar and isinstance(raw, CommentedMap) and raw.get(key) is None else None
    return _below_empty(lines, *where) if where is not None else None


def _place(where: Any, key: Any) -> tuple[int, int] | None:
    """(line, column) from ruamel's `lc.key` or `lc.value`; None for a key a `<<:` merge brought in (ruamel
    knows no place for it: it raises KeyError, or gives None)."""
    try:
        found = where(key)
    except KeyError:
        return None
    return (int(found[0]), int(found[1])) if found is not None else None


def _below_empty(lines: list[str], line: int, column: int) -> str | None:
    """A comment glued to a word on the first line below an empty value, indented deeper than its key."""
    for below in lines[line + 1:]:
        if not below.strip():
            continue
        text = below.lstrip(" ")
        deeper = len(below) - len(text) > column
        return text.rstrip() if deeper and SWALLOWED.match(" " + text) else None
    return None


def swallowed_message(name: Any, value: Any, comment: str) -> str | None:
    """What to say when a comment swallowed (part of) a value; None when the value is not a scalar or empty."""
    if value is None:
        return (f"{name} holds nothing: `{comment}` after it is a YAML comment; if it is the value, quote it: "
                f'{name}: "{comment}", and if it is a comment, put a space after the #')
    if isinstance(value, _SCALARS) and not isinstance(value, bool):
        return (f"`{comment}` after {str(value)!r} is a YAML comment, so the value is {str(value)!r}; if "
                f'`{comment}` is part of it, quote the whole text ("{value} {comment}"), and if it is a '
                "comment, put a space after the #")
    return None
