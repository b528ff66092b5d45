"""Turn a parsed YAML document into plain dicts with the models' field names, noting every problem.

The structure lives here (sections, nodes and their `<type>: <title>` shorthand, options, trees,
projects, batches); how one value is read, and the bookkeeping of broken paths and positions, in
`scalars`. What cannot be read is reported once and skipped by the checks that follow.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

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
from .positions import DocPath
from .scalars import DROP, AliasBomb, Scalars, kind_of_value

__all__ = ["ALIASES", "AliasBomb", "DocPath", "Normaliser", "did_you_mean", "kind_of_value"]

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
# Fields whose value is true or false, and nothing else (pydantic would take "yes", 1 or "on").
FLAG_FIELDS = frozenset({"protect"} | {a.name for a in attributes(Classification) if a.form == "flag"})
_TEXT_DEFAULTS = {a.name: a.default for a in attributes(Classification) if a.form == "text"}
_SECTION_TYPES = {section.name: section.types for section in SECTIONS}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a choice is close, else an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Normaliser(Scalars):
    """Turns a parsed YAML document into plain dicts with canonical field names, noting every problem."""

    # Set by the loader to splice `include:` fragments into each list before it is read (see includes.py).
    expand: Callable[[list[Any], DocPath], list[Any]] | None = None

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
                out[field] = self.project(value, path)
            elif field == "projects":
                out[field] = self.items(value, path, self.project)
            elif field == "environments":
                from .environments import normalise  # it checks with validate, which imports this module

                out[field] = normalise(self, value, path)
            else:
                out[field] = self.items(value, path, lambda item, p: self.batch(item, p))
            del key
        return out

    def project(self, raw: Any, path: DocPath) -> Any:
        """A project: its id (digits are an id too, kept as written) or a mapping with `id`/`name`."""
        if isinstance(raw, dict):
            return self.mapping(raw, path, PROJECT_FIELDS, texts=PROJECT_FIELDS)
        if raw is None or isinstance(raw, list):
            self.fail(path, f"a project is its id or a mapping with `id` or `name`, not a {kind_of_value(raw)}")
            return {}
        return {"id": self.text(raw, path)}

    def fields(self, raw: dict[Any, Any], path: DocPath, allowed: tuple[str, ...],
               aliases: dict[str, str]) -> list[tuple[Any, Any, str]]:
        """(raw key, value, canonical field) for the known keys; unknown keys are noted with a hint."""
        known = []
        for key, value in raw.items():
            self.spend()
            field = aliases.get(key, key) if isinstance(key, str) else key
            if field in allowed:
                known.append((key, value, field))
            else:
                self.at_key(raw, key, path + (f"<{key}>",))
                hint = did_you_mean(str(key), list(allowed) + [a for a, f in aliases.items() if f in allowed])
                self.note(path + (f"<{key}>",), f"unknown key '{key}'{hint}")
        return self.once(raw, path, known)

    def once(self, raw: dict[Any, Any], path: DocPath, known: list[tuple[Any, Any, str]]) -> list[tuple[Any, Any, str]]:
        """The known fields, each reached through one key: a field written twice (`id:` and `schemaId:`, two
        spellings of one field) is an error, never a silent choice of one of them."""
        first: dict[str, Any] = {}
        out = []
        for key, value, field in known:
            if field in first:
                self.at_key(raw, key, path + (f"<{key}>",))
                self.note(path + (f"<{key}>",), f"'{key}' and '{first[field]}' are two spellings of one key; "
                                                "keep one of them")
                continue
            first[field] = key
            self.at_key(raw, key, path + (field,))
            self.comment(raw, key, path + (field,))
            out.append((key, value, field))
        return out

    def items(self, value: Any, path: DocPath, convert: Callable[[Any, DocPath], Any]) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.note(path, f"expected a list, not a {kind_of_value(value)}")
            return []
        if self.expand is not None:
            value = self.expand(value, path)
        out = []
        for index, item in enumerate(value):
            self.spend()
            self.at_item(value, index, path + (index,))
            out.append(convert(item, path + (index,)))
        return out

    def mapping(self, raw: Any, path: DocPath, allowed: tuple[str, ...],
                texts: tuple[str, ...] = ()) -> dict[str, Any]:
        """The known fields of a mapping; those in `texts` read as text (numbers as written), an empty one left out."""
        if not isinstance(raw, dict):
            self.fail(path, f"expected a mapping, not a {kind_of_value(raw)}")
            return {}
        out = {}
        for _, value, field in self.fields(raw, path, allowed, ALIASES):
            if field not in texts:
                out[field] = self.plain(value, path + (field,))
            elif value is not None:
                out[field] = self.text(value, path + (field,))
        return out

    def batch(self, item: Any, path: DocPath) -> Any:
        if isinstance(item, dict) and set(item) == {"name"}:
            item = item["name"]
        return self.text(item, path) if item is not None else ""  # an empty name is reported by the checks

    # --- nodes -------------------------------------------------------------------------------------------

    def nodes(self, value: Any, path: DocPath, section: str) -> list[Any]:
        return self.items(value, path, lambda item, p: self.node(item, p, section))

    def node(self, raw: Any, path: DocPath, section: str) -> dict[str, Any]:
        singular = section[:-1]
        if not isinstance(raw, dict):
            example = _SECTION_TYPES[section][0]
            self.fail(path, f"a {singular} is a mapping with its type and title, e.g. "
                            f"`- {example}: {raw if isinstance(raw, str) else 'Title'}`; got a {kind_of_value(raw)}")
            return {"type": "", "title": ""}
        allowed = CLASSIFICATION_FIELDS if section == "classifications" else NODE_FIELDS
        raw_fields, shorthand = self.node_keys(raw, path, allowed, section)
        out: dict[str, Any] = {}
        for key, value, field in raw_fields:
            read = self.attribute(raw, key, value, path + (field,))
            if read is not DROP:
                out[field] = read
        if shorthand is not None and "type" not in out:
            out["type"], out["title"] = str(shorthand), self.title(raw, shorthand, path)
        if "type" not in out:
            self.fail(path, f"this {singular} has no type: write `- <type>: <title>`, e.g. "
                            f"`- {_SECTION_TYPES[section][0]}: Name`")
            out["type"] = ""
        if "title" not in out:
            self.fail(path + ("title",), f"this {singular} has no title")
            out["title"] = ""
        if out["type"] == TREE_TYPE and _is_flattened_tree(out.get("options"), out.get("tree_options")):
            # A pasted categorySchema holds a tree dropdown's options as its flattened tree: derived, so
            # not read twice. Any other options on a tree dropdown are reported by the checks.
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
                self.comment(raw, shorthand, path + ("title",))
        known = self.once(raw, path, known)
        if shorthand is not None and "title" in fields:
            title = next(key for key, _, field in known if field == "title")
            self.at_key(raw, title, path + ("<title>",))
            self.note(path + ("<title>",), f"the title is given twice, by {_shown(shorthand, raw[shorthand])} and "
                                           f"by {_shown(title, raw[title])}; keep one of them")
        for key, _, _ in unknown:
            self.at_key(raw, key, path + (f"<{key}>",))
            hint = did_you_mean(str(key), list(allowed) + [a for a, f in ALIASES.items() if f in allowed])
            self.note(path + (f"<{key}>",), f"unknown key '{key}'{hint}")
        return known, shorthand

    def title(self, raw: dict[Any, Any], key: Any, path: DocPath) -> str:
        self.at_value(raw, key, path + ("title",))
        value = raw[key]
        if value is None:
            return ""  # the checks report an empty title (a warning for a node the hub holds)
        return str(self.text(value, path + ("title",)))

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
        if field in FLAG_FIELDS:
            return self.flag(key, value, path)
        if field in TEXT_FIELDS:
            if value is None:
                return None if _TEXT_DEFAULTS.get(field) is None else DROP  # empty: the default
            return self.text(value, path)
        if field == "extra" and not isinstance(value, dict):
            self.fail(path, f"extra: expected a mapping of Ango keys to values, not a {kind_of_value(value)}")
            return DROP
        return self.plain(value, path)

    def option(self, raw: Any, path: DocPath) -> Any:
        if isinstance(raw, dict):
            if self.colon_in_text(raw, path, OPTION_FIELDS, "option's value"):
                return {"value": ""}
            out = self.mapping(raw, path, OPTION_FIELDS, texts=_ITEM_TEXTS)
            if "examples" in out:
                out["examples"] = self.items(out["examples"], path + ("examples",), self.text)
            self.flags(out, path)
            if "value" not in out:
                self.fail(path, "an option needs a `value`")
                out["value"] = ""
            return out
        if raw is None or isinstance(raw, (list,)):
            self.fail(path, f"an option is a text or a mapping with `value:`, not a {kind_of_value(raw)}")
            return {"value": ""}
        return {"value": self.text(raw, path)}

    def flags(self, out: dict[str, Any], path: DocPath) -> None:
        """An option's or tree node's `protect`: true or false, else reported and left out."""
        if "protect" in out:
            read = self.flag("protect", out.pop("protect"), path + ("protect",))
            if read is not DROP:
                out["protect"] = read

    def colon_in_text(self, raw: dict[Any, Any], path: DocPath, allowed: tuple[str, ...], what: str) -> bool:
        """`- Size: large` is a mapping in YAML; when that is no field of ours, the `: ` was meant as text."""
        if len(raw) != 1:
            return False
        ((key, value),) = raw.items()
        if ALIASES.get(key, key) in allowed or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return False
        self.at_key(raw, key, path)
        self.fail(path, f"`{key}: {value}` reads as a mapping in YAML because of the `: ` in it; if it is the "
                        f'{what}, quote it: "{key}: {value}"')
        return True

    def tree(self, raw: Any, path: DocPath) -> Any:
        if isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)) not in TREE_FIELDS + ("key", "schemaId"):
            if self.colon_in_text(raw, path, TREE_FIELDS, "tree node's title"):
                return {"title": ""}
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
            self.flags(out, path)
            if "title" not in out:
                self.fail(path, "a tree node needs a `title`")
                out["title"] = ""
            return out
        if raw is None or isinstance(raw, list):
            self.fail(path, f"a tree node is a title or a mapping, not a {kind_of_value(raw)}")
            return {"title": ""}
        return {"title": self.text(raw, path)}

def _shown(key: Any, value: Any) -> str:
    """`key: value` as written, quoted as code (`polygon:` (empty) for an empty value)."""
    return f"`{key}:` (empty)" if value is None else f"`{key}: {value}`"


def _is_flattened_tree(options: Any, tree: Any) -> bool:
    """Whether a tree dropdown's options are its tree flattened (`A / B` paths and keys), as Ango stores them."""
    if not options or not tree:
        return not options
    flattened = list(_flatten(tree, ""))
    if len(flattened) != len(options):
        return False
    return all(isinstance(option, dict) and option.get("value") == value and option.get("id") in (None, key)
               for option, (value, key) in zip(options, flattened, strict=True))


def _flatten(nodes: list[Any], prefix: str) -> Any:
    for node in nodes:
        path = f"{prefix} / {node.get('title')}" if prefix else str(node.get("title"))
        yield path, node.get("id")
        yield from _flatten(node.get("children") or [], path)


