"""An imported label set written as a person would write it, already in `fmt`'s canonical layout.

`- bounding-box: Vehicle`, options as plain strings, `when:` for conditions, the tree shorthand, no ids.
Keys follow `layout.NODE_ORDER`, so `fmt` finds nothing to change.
"""

from __future__ import annotations

from typing import Any

from ..fmt import NODE_ORDER
from ..model import TREE_TYPE, Classification, Node, Ontology, Option, TreeOption
from ..normalise import TREE_FIELDS
from ..pull import SCHEMA_URL, flow, scalar

# Model field -> the key written for it, when they differ.
_KEYS = {"shortcut_key": "shortcut", "tree_options": "tree"}
_SKIPPED = ("type", "title", "options", "tree_options", "classifications", "<unknown>")
# A flow list longer than this is written one item a line.
FLOW_WIDTH = 100


def write(ontology: Ontology, header: list[str]) -> str:
    """The file's text: `header` as comment lines, then the sections."""
    lines = [f"# yaml-language-server: $schema={SCHEMA_URL}", *(f"# {comment(line)}".rstrip() for line in header)]
    for section in ("tools", "classifications", "relations"):
        nodes: list[Node] = getattr(ontology, section)
        if nodes:
            lines += ["", f"{section}:"]
            for node in nodes:
                lines += _node(node, "  ")
    return "\n".join(lines) + "\n"


def comment(text: str) -> str:
    """Text safe in a YAML comment: on one line, control characters shown as `\\uXXXX`."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def _node(node: Node, pad: str) -> list[str]:
    inner = pad + "  "
    lines = [f"{pad}- {scalar(node.type)}: {scalar(node.title)}"]
    for field in NODE_ORDER:
        if field in _SKIPPED or field not in type(node).model_fields:
            continue
        value = getattr(node, field)
        if value != type(node).model_fields[field].get_default(call_default_factory=True):
            lines.append(f"{inner}{_KEYS.get(field, field)}: {_value(field, value)}")
    if isinstance(node, Classification) and node.type == TREE_TYPE:
        lines += [f"{inner}tree:", *(line for item in node.tree_options for line in _tree(item, inner + "  "))]
    elif node.options:
        lines += _options(node.options, inner)
    if node.classifications:
        lines.append(f"{inner}classifications:")
        lines += [line for child in node.classifications for line in _node(child, inner + "  ")]
    return lines


def _value(field: str, value: Any) -> str:
    if field == "shortcut_key":
        return '"' + value + '"' if value.isdigit() else scalar(value)
    if isinstance(value, (list, dict)):
        return flow(value)
    return scalar(value)


def _options(options: list[Option], pad: str) -> list[str]:
    items = [_option(option) for option in options]
    flow = f"{pad}options: [" + ", ".join(items) + "]"
    if len(flow) <= FLOW_WIDTH:
        return [flow]
    return [f"{pad}options:", *(f"{pad}  - {item}" for item in items)]


def _option(option: Option) -> str:
    parts = _extras(option)
    return "{" + ", ".join([f"value: {scalar(option.value)}", *parts]) + "}" if parts else scalar(option.value)


def _extras(item: Option | TreeOption) -> list[str]:
    """`id`, `description` and `examples` of an option or tree node, in the canonical order."""
    parts = [f"id: {scalar(item.id)}"] if item.id is not None else []
    if isinstance(item, TreeOption) and item.value is not None:
        parts.append(f"value: {scalar(item.value)}")
    if item.description is not None:
        parts.append(f"description: {scalar(item.description)}")
    if item.examples:
        parts.append(f"examples: {_value('examples', item.examples)}")
    if item.extra:
        parts.append(f"extra: {flow(item.extra)}")
    return parts


def _tree(item: TreeOption, pad: str) -> list[str]:
    """A leaf as its title, a branch as `Title: [children]`; the long form when the short one would misread."""
    plain = _is_plain(item)
    if plain and not item.children:
        return [f"{pad}- {scalar(item.title)}"]
    if plain:
        leaves = [child for child in item.children if not child.children and _is_plain(child)]
        flow = f"{pad}- {scalar(item.title)}: [" + ", ".join(scalar(c.title) for c in leaves) + "]"
        if len(leaves) == len(item.children) and len(flow) <= FLOW_WIDTH:
            return [flow]
        return [f"{pad}- {scalar(item.title)}:", *(line for child in item.children
                                                     for line in _tree(child, pad + "    "))]
    lines = [f"{pad}- title: {scalar(item.title)}", *(f"{pad}  {part}" for part in _extras(item))]
    if item.children:
        lines.append(f"{pad}  children:")
        lines += [line for child in item.children for line in _tree(child, pad + "    ")]
    return lines


def _is_plain(item: TreeOption) -> bool:
    return not _extras(item) and item.title not in TREE_FIELDS + ("key", "schemaId")
