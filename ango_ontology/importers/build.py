"""Valid nodes from another platform's data: unique titles, usable colours and shortcut keys, options without
duplicates. Whatever had to change is noted where it was found."""

from __future__ import annotations

import re
from typing import Any

from ..model import COLUMN_TYPES, OPTION_TYPES, TREE_TYPE, Classification, Node, Ontology, Option, TreeOption
from ..validate import SHORTCUT_KEYS
from .notes import Notes, Place

_HEX = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
# The colour names label configurations use most (CSS's basic colours and a few more), as CSS defines them.
CSS_COLORS = {"black": "#000000", "silver": "#C0C0C0", "gray": "#808080", "grey": "#808080", "white": "#FFFFFF",
              "maroon": "#800000", "red": "#FF0000", "purple": "#800080", "fuchsia": "#FF00FF", "magenta": "#FF00FF",
              "green": "#008000", "lime": "#00FF00", "olive": "#808000", "yellow": "#FFFF00", "navy": "#000080",
              "blue": "#0000FF", "teal": "#008080", "aqua": "#00FFFF", "cyan": "#00FFFF", "orange": "#FFA500",
              "pink": "#FFC0CB", "brown": "#A52A2A", "gold": "#FFD700", "violet": "#EE82EE"}
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_TREE_SEPARATOR = " / "


class Titles:
    """Titles among one list of siblings: never empty, never twice (a repeat gets ` (2)`, and a warning)."""

    def __init__(self, notes: Notes, what: str = "title") -> None:
        self.notes = notes
        self.what = what
        self.seen: set[str] = set()

    def take(self, raw: Any, place: Place, fallback: str = "Untitled") -> str:
        title = "" if raw is None else str(raw)
        if not title.strip():
            self.notes.warn(place, f"no {self.what}: named '{fallback}'")
            title = fallback
        wanted, count = title, 1
        while title in self.seen:
            count += 1
            title = f"{wanted} ({count})"
        if count > 1:
            self.notes.warn(place, f"the {self.what} '{wanted}' is used twice among its siblings: "
                                   f"this one is named '{title}'")
        self.seen.add(title)
        return title


def options(values: list[tuple[Any, Place]], notes: Notes, descriptions: dict[str, str] | None = None,
            given: list[Option] | None = None) -> list[Option]:
    """Options from (value, place) pairs: an empty value is left out, a repeated one is kept once; both noted.

    With `given` (the options the pairs were read from), those options are kept as they are (ids, extra keys).
    """
    out: list[Option] = []
    seen: set[str] = set()
    for index, (raw, place) in enumerate(values):
        value = "" if raw is None else str(raw)
        if not value.strip():
            notes.warn(place, "an answer without a value is left out")
        elif value in seen:
            notes.warn(place, f"the answer '{value}' is listed twice: kept once")
        else:
            seen.add(value)
            out.append(given[index] if given is not None else
                       Option(value=value, description=(descriptions or {}).get(value)))
    return out


def tree_title(raw: Any, place: Place, titles: Titles) -> str:
    """A tree node's title, without the ` / ` Ango joins tree paths with."""
    title = titles.take(raw, place)
    if _TREE_SEPARATOR in title:
        fixed = title.replace(_TREE_SEPARATOR, " ∕ ")
        titles.notes.warn(place, f"'{title}' holds ' / ', which joins tree paths in Ango: named '{fixed}'")
        titles.seen.add(fixed)
        return fixed
    return title


def tree_node(title: str, children: list[TreeOption], description: str | None = None) -> TreeOption:
    return TreeOption(title=title, children=children, description=description)


def color(raw: Any, place: Place, notes: Notes) -> str | None:
    """`#RRGGBB` from `#RRGGBB`, `RRGGBB`, `#RGB`, a CSS colour name or an `[r, g, b]` list; else noted, left out."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, list) and len(raw) == 3 and all(isinstance(v, int) and 0 <= v <= 255 for v in raw):
        return "#" + "".join(f"{v:02X}" for v in raw)
    if isinstance(raw, str) and raw.strip().lower() in CSS_COLORS:
        return CSS_COLORS[raw.strip().lower()]
    found = _HEX.fullmatch(str(raw).strip()) if isinstance(raw, str) else None
    if found is None:
        notes.warn(place, f"colour {raw!r} is not #RRGGBB: left out (a colour is chosen for it)")
        return None
    digits = found.group(1)
    return "#" + (digits if len(digits) == 6 else "".join(ch * 2 for ch in digits)).upper()


class Keys:
    """Shortcut keys among nodes that share a keyboard: only Ango's keys, each once."""

    def __init__(self, notes: Notes) -> None:
        self.notes = notes
        self.used: dict[str, str] = {}

    def take(self, raw: Any, owner: str, place: Place) -> str:
        if raw is None or str(raw).strip() == "":
            return ""
        key = str(raw).strip().lower()
        if key not in SHORTCUT_KEYS:
            self.notes.warn(place, f"shortcut key '{raw}' of '{owner}' is not one Ango offers "
                                   "('0'-'9', 'ctrl+0'-'ctrl+9', 'a'-'k'): left out")
            return ""
        if key in self.used:
            self.notes.warn(place, f"shortcut key '{key}' of '{owner}' is already '{self.used[key]}''s: left out")
            return ""
        self.used[key] = owner
        return key


# --- a whole label set made valid (the SDK and raw categorySchemas allow what Ango's rules do not) -------

def tidy(ontology: Ontology, notes: Notes) -> None:
    """Fix in place what would break a rule of the file format, noting each fix with the node's path."""
    keys = Keys(notes)  # top-level tools, classifications and relations share one keyboard
    for section in ("tools", "classifications", "relations"):
        titles = Titles(notes)
        for index, node in enumerate(getattr(ontology, section)):
            _tidy_node(node, Place(f"{section}[{index}]"), titles, keys, notes)


def _tidy_node(node: Node, place: Place, titles: Titles, keys: Keys, notes: Notes) -> None:
    node.title = titles.take(node.title, place)
    if node.color is not None and not _COLOR.fullmatch(node.color):
        node.color = color(node.color, place.child("color"), notes)
    node.shortcut_key = keys.take(node.shortcut_key, node.title, place.child("shortcutKey"))
    takes_options = isinstance(node, Classification) and node.type in OPTION_TYPES
    if node.options and not takes_options:
        notes.warn(place.child("options"), f"a {node.type} takes no options in Ango: the options of "
                                           f"'{node.title}' are left out")
        node.options = []
    node.options = options([(o.value, place.child(f"options[{i}]")) for i, o in enumerate(node.options)], notes,
                           {o.value: o.description for o in node.options if o.description}, node.options)
    if isinstance(node, Classification):
        _tidy_question(node, place, notes)
    child_titles, child_keys = Titles(notes), Keys(notes)
    for index, child in enumerate(node.classifications):
        _tidy_node(child, place.child(f"classifications[{index}]"), child_titles, child_keys, notes)


def _tidy_question(node: Classification, place: Place, notes: Notes) -> None:
    if node.type in OPTION_TYPES and not node.options:
        notes.warn(place, f"'{node.title}' is a {node.type} without options: imported as free text")
        node.type = "text"
    if node.type == TREE_TYPE:
        node.tree_options = _tidy_tree(node.tree_options, place.child("treeOptions"), notes)
        if not node.tree_options:
            notes.warn(place, f"'{node.title}' is a tree dropdown without a tree: imported as free text")
            node.type = "text"
    for name in ("regex", "rich_text"):
        if getattr(node, name) and node.type != "text":
            notes.warn(place.child(name), f"{name} applies to text questions only: left out of '{node.title}'")
            setattr(node, name, None if name == "regex" else False)
    if node.column_field and node.type not in COLUMN_TYPES:
        notes.warn(place.child("columnField"), f"only instance questions can be table columns: '{node.title}' "
                                               "is not one")
        node.column_field = False


def _tidy_tree(nodes: list[TreeOption], place: Place, notes: Notes) -> list[TreeOption]:
    titles = Titles(notes)
    for index, item in enumerate(nodes):
        here = place.child(f"[{index}]")
        item.title = tree_title(item.title, here, titles)
        item.children = _tidy_tree(item.children, here.child("children"), notes)
    return nodes
