"""fmt: one canonical layout for ontology YAML (key order, 2-space indentation), comments kept, idempotent."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.tokens import CommentToken

from .errors import OntologyInvalid, Problem
from .model import SECTION_NAMES, SECTIONS, Classification, attributes
from .normalise import ALIASES
from .pull import label_set_yaml
from .yaml_reader import DecimalText, NumberText, RoundTripKeepingNumbers, refuse_other_versions, syntax_problem

# The sections keep the order they are written in: a file may lead with what matters most to it.
TOP_ORDER = ("project", "projects", "batches", "<unknown>")
# Who it is and when it shows first, then its plain attributes in the models' order, then what it holds.
NODE_ORDER = ("type", "title", "id", "renamed_from", "when", "parent_option_id", "description", "examples",
              *(a.name for a in attributes(Classification)), "protect", "<unknown>", "extra",
              "options", "tree_options", "classifications")
OPTION_ORDER = ("value", "id", "renamed_from", "description", "examples", "protect", "<unknown>", "extra")
TREE_ORDER = ("title", "id", "value", "renamed_from", "description", "examples", "protect", "<unknown>", "extra",
              "children")
_SECTION_TYPES = {section.name: section.types for section in SECTIONS}


class _Representer(RoundTripRepresenter):
    """Writes a number back exactly as it was read (`+12`, `007`, `0x1F`, `1_0.5`, `1.5e400`, `.inf`): the loader
    reads them as text."""

    def represent_number_text(self, data: NumberText) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:int", data.text)

    def represent_decimal_text(self, data: DecimalText) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:float", data.text)


_Representer.add_representer(NumberText, _Representer.represent_number_text)
_Representer.add_representer(DecimalText, _Representer.represent_decimal_text)


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = RoundTripKeepingNumbers
    yaml.Representer = _Representer
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def format_text(text: str, filename: str = "<string>") -> str:
    """The canonical layout of an ontology file's text; raises OntologyInvalid when it is not YAML."""
    yaml = round_trip_yaml()
    try:
        refuse_other_versions(text)  # the round-trip reader would honour `%YAML 1.1`; the loader reads 1.2
        doc = yaml.load(text)
        _refuse_comments_in_flow(text, filename)
    except (YAMLError, RecursionError) as error:
        raise OntologyInvalid([syntax_problem(error, text, filename)]) from None
    if isinstance(doc, CommentedMap):
        _document(doc)
    out = io.StringIO()
    yaml.dump(doc, out)
    if isinstance(doc, CommentedSeq):  # a fragment: its list starts at the margin, like a section's items
        return "".join(line[2:] if line.startswith("  ") else line for line in out.getvalue().splitlines(True))
    return out.getvalue() if doc is not None else text


def _refuse_comments_in_flow(text: str, filename: str) -> None:
    """OntologyInvalid when a comment sits inside a `[…]` or `{…}` written over several lines: ruamel would drop
    it when writing the collection again, and fmt loses nothing."""
    if "#" not in text or not ("[" in text or "{" in text):
        return
    stack = [YAML(typ="safe", pure=False).compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, (MappingNode, SequenceNode)):
            children = [part for pair in node.value for part in pair] if isinstance(node, MappingNode) else node.value
            if node.flow_style and _commented(text, node, children):
                line = node.start_mark.line + 1
                raise OntologyInvalid([Problem(
                    "fmt cannot keep a comment inside a `[…]` or `{…}` written over several lines (it would be "
                    "lost); write the list as a block list (`- item` lines), or move the comment out of it",
                    "", filename, line, node.start_mark.column + 1)])
            stack.extend(children)


def _commented(text: str, node: Node, children: list[Node]) -> bool:
    """Whether a `#` sits between the brackets of a flow collection, outside its values (so: a comment)."""
    bounds = [node.start_mark.index + 1]
    for child in children:
        bounds += [child.start_mark.index, child.end_mark.index]
    bounds.append(node.end_mark.index - 1)
    return any("#" in text[start:end] for start, end in zip(bounds[::2], bounds[1::2], strict=True))


def json_to_yaml(text: str, filename: str = "<string>") -> str:
    """A label set written as JSON, laid out as readable YAML in the canonical layout.

    Ango's form — a categorySchema as the SDK writes it, a project's JSON (`categorySchema`, `_id`), or the
    API's `{"data": {"project": …}}` answer — becomes what `pull` writes (shorthand, an explicit id on every
    node, so `plan` of it against that project shows no changes); an ontology file written as JSON keeps
    its keys and gets block style.
    """
    try:
        data = json.loads(text)
    except ValueError as error:
        line, col = getattr(error, "lineno", 1), getattr(error, "colno", 1)
        raise OntologyInvalid([Problem(f"not JSON: {error}", "", filename, line, col)]) from None
    project = data.get("data", {}).get("project") if isinstance(data, dict) and \
        isinstance(data.get("data"), dict) else None
    if isinstance(project, dict):
        data = project
    if isinstance(data, dict) and isinstance(data.get("categorySchema"), dict):
        project_id = data.get("_id")
        return label_set_yaml(data, str(project_id) if project_id else None, [f"# Laid out from {filename}"])
    if _is_wire(data):
        return label_set_yaml(data, None, [f"# Laid out from {filename}"])
    yaml = round_trip_yaml()
    out = io.StringIO()
    yaml.dump(data, out)
    return format_text(out.getvalue(), filename)


def _is_wire(data: Any) -> bool:
    """Whether a JSON document is a categorySchema: nodes keyed as Ango keys them (`tool`, `schemaId`)."""
    if not isinstance(data, dict):
        return False
    nodes = [node for name in SECTION_NAMES for node in data.get(name) or [] if isinstance(node, dict)]
    return bool(nodes) and all("tool" in node or "schemaId" in node for node in nodes)


def ranker(order: tuple[str, ...], first: Any = None) -> Callable[[Any], int]:
    """A sort key for a mapping's keys by `order` (aliases read as their field); `first` goes before all."""
    unknown = order.index("<unknown>") if "<unknown>" in order else len(order)

    def rank(key: Any) -> int:
        if first is not None and key == first:
            return -1
        field = ALIASES.get(key, key) if isinstance(key, str) else key
        return order.index(field) if field in order else unknown

    return rank


def reorder(mapping: CommentedMap, rank: Callable[[Any], int]) -> None:
    """Put the keys in rank order (stable); each key keeps the comments attached to it."""
    keys = list(mapping.keys())
    wanted = sorted(keys, key=rank)
    if wanted == keys:
        return
    rest = take_trailing(mapping)
    for key in wanted:
        mapping.move_to_end(key)
    give_trailing(mapping, rest)


def _tail(container: Any) -> tuple[Any, Any, int] | None:
    """Where the comment after a collection's last line sits: (holder, key or index, slot in its ca.items)."""
    if not isinstance(container, (CommentedMap, CommentedSeq)) or not container:
        return None
    key = list(container.keys())[-1] if isinstance(container, CommentedMap) else len(container) - 1
    value = container[key]
    nested = isinstance(value, (CommentedMap, CommentedSeq)) and value and not value.fa.flow_style()
    if nested:
        return _tail(value)
    return container, key, 2 if isinstance(container, CommentedMap) else 0


def take_trailing(mapping: CommentedMap | CommentedSeq) -> str:
    """Detach the lines after the mapping's last line (blank lines, comments on what follows); keep its own."""
    where = _tail(mapping)
    if where is None:
        return ""
    holder, key, slot = where
    entry = holder.ca.items.get(key)
    token = entry[slot] if entry is not None and len(entry) > slot else None
    if token is None or "\n" not in token.value:
        return ""
    own, rest = str(token.value).split("\n", 1)
    token.value = own + "\n"
    return rest


def give_trailing(mapping: CommentedMap | CommentedSeq, rest: str) -> None:
    """Attach detached trailing lines after the collection's (new) last line."""
    where = _tail(mapping)
    if not rest or where is None:
        return
    holder, key, slot = where
    entry = holder.ca.items.setdefault(key, [None, None, None, None] if slot == 2 else [None, None])
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        token.value = token.value + rest


def _document(doc: CommentedMap) -> None:
    reorder(doc, ranker(TOP_ORDER))
    for section in _SECTION_TYPES:
        _nodes(doc.get(section), section)


def _nodes(items: Any, section: str) -> None:
    if isinstance(items, CommentedSeq):
        for item in items:
            if isinstance(item, CommentedMap):
                _node(item, section)


def shorthand_key(node: CommentedMap, section: str) -> Any:
    """The `<type>: <title>` key, as the loader finds it: a known type, else the first unknown key."""
    keys = list(node.keys())
    fields = {ALIASES.get(k, k) for k in keys if isinstance(k, str)}
    if "type" in fields:
        return None
    typed = [k for k in keys if k in _SECTION_TYPES[section]]
    unknown = [k for k in keys if ALIASES.get(k, k) not in NODE_ORDER]
    return (typed or unknown or [None])[0]


def _node(node: CommentedMap, section: str) -> None:
    reorder(node, ranker(NODE_ORDER, shorthand_key(node, section)))
    for key, value in node.items():
        field = ALIASES.get(key, key) if isinstance(key, str) else key
        if field == "classifications":
            _nodes(value, "classifications")
        elif field == "options" and isinstance(value, CommentedSeq):
            for option in value:
                if isinstance(option, CommentedMap):
                    reorder(option, ranker(OPTION_ORDER))
        elif field == "tree_options":
            _tree(value)


def _tree(items: Any) -> None:
    if not isinstance(items, CommentedSeq):
        return
    for item in items:
        if not isinstance(item, CommentedMap):
            continue
        if len(item) == 1 and ALIASES.get(next(iter(item)), next(iter(item))) not in TREE_ORDER:
            _tree(next(iter(item.values())))
            continue
        reorder(item, ranker(TREE_ORDER))
        _tree(item.get("children"))
