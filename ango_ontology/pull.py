"""Pull: a live label set written as concise YAML in the documented format, with an explicit id on every node."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from .characters import describe, escape
from .errors import InputError
from .identity import resolve_live
from .model import JSON, OPTION_TYPES, SECTION_NAMES, TREE_TYPE, Classification, Node, Ontology, Option, TreeOption
from .model import attributes as plain_attributes
from .wire import flatten_tree, from_category_schema

SCHEMA_URL = "https://ango-ontology.dev/schemas/ontology.schema.json"
# Text safe to write unquoted in block and flow context, under both YAML 1.1 and 1.2 resolvers.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ .\-/()']*")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def scalar(value: Any) -> str:
    """One YAML scalar: plain when that reads back as the same text, else double-quoted.

    InputError for text no file can hold — half of a surrogate pair, which Ango may store (its API takes
    JSON `\\ud800`) but YAML cannot read back, even escaped: the file would not load.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, (dict, list)):
        return flow(value)  # a JSON value as it is, never Python's spelling of it
    text = str(value)
    half = _SURROGATE.search(text)
    if half is not None:
        raise InputError(f"'{escape(text)}' holds {describe(half.group())} (half of a surrogate pair), which no YAML "
                         "file can hold, so nothing was written; correct the text where it comes from (in Ango's web "
                         "UI for a live project), then try again")
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _RESERVED:
        return text
    return _quoted(text)


def _quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in quoted)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def flow(value: Any) -> str:
    """A JSON-like value as one line of YAML flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(str(k))}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value)


def live_ontology(project_json_or_schema: JSON | None) -> Ontology:
    """The live label set as models, with the same ids `plan` derives for nodes stored without one."""
    data = project_json_or_schema or {}
    schema = data.get("categorySchema") if "categorySchema" in data else data
    live = from_category_schema(schema if isinstance(schema, dict) else None)
    return resolve_live(live)


def pull_yaml(project_json_or_schema: JSON | None, *, project_id: str, hub_name: str,
              now: datetime | None = None) -> str:
    """The live label set (a project's JSON, or its categorySchema) as an ontology file's text."""
    when = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return label_set_yaml(project_json_or_schema, project_id,
                          [f"# Pulled from project {project_id} on {hub_name} at {when} by ango-ontology"])


def label_set_yaml(project_json_or_schema: JSON | None, project_id: str | None, comments: list[str]) -> str:
    """A live label set (a project's JSON, or its categorySchema) as an ontology file's text, ids on every node."""
    lines = [f"# yaml-language-server: $schema={SCHEMA_URL}", *comments]
    if project_id is not None:
        lines.append(f"project: {scalar(project_id)}")
    live = live_ontology(project_json_or_schema)
    for section in SECTION_NAMES:
        nodes = live.section(section)
        if nodes:
            lines += ["", f"{section}:"]
            for node in nodes:
                lines += node_lines(node, "  ", [])
    return "\n".join(lines) + "\n"


def node_lines(node: Node, pad: str, choices: list[tuple[str, str | None]]) -> list[str]:
    """A tool, classification or relation as a `- <type>: <title>` item and everything under it."""
    inner = pad + "  "
    lines = [f"{pad}- {scalar(node.type)}: {scalar(node.title)}"]
    lines += [f"{inner}{key}: {value}" for key, value in attributes(node, choices)]
    # `when:` names an answer of a choice question; under anything else (a tool with options, a type the
    # toolkit does not know) a condition is written as the hub holds it, `parent_option_id`.
    own_choices: list[tuple[str, str | None]] = [(o.value, o.id) for o in node.options] \
        if isinstance(node, Classification) and node.type in OPTION_TYPES else []
    if isinstance(node, Classification) and node.type == TREE_TYPE and node.tree_options:
        lines.append(f"{inner}tree:")
        lines += [line for item in node.tree_options for line in tree_lines(item, inner + "  ")]
        own_choices = list(flatten_tree(node.tree_options))
    elif node.options:
        lines.append(f"{inner}options:")
        lines += [f"{inner}  - {option_flow(option)}" for option in node.options]
    if node.classifications:
        lines.append(f"{inner}classifications:")
        lines += [line for child in node.classifications for line in node_lines(child, inner + "  ", own_choices)]
    return lines


def attributes(node: Node, choices: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """(key, rendered value) for the id and every attribute that differs from its default."""
    out = [("id", scalar(node.id))]
    if isinstance(node, Classification):
        out += _condition(node, choices)
    for attribute in plain_attributes(type(node)):
        value = getattr(node, attribute.name)
        if value != attribute.default:
            out.append((attribute.file_key, scalar(value)))
    if node.extra:
        out.append(("extra", flow(node.extra)))
    return out


def _condition(node: Classification, choices: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """`when: <value>` when that value names exactly the parent option, else the raw `parent_option_id`."""
    if node.parent_option_id is None:
        return []
    first: dict[str, str | None] = {}
    for value, option_id in choices:
        first.setdefault(value, option_id)
    if node.when is not None and first.get(node.when) == node.parent_option_id:
        return [("when", scalar(node.when))]
    return [("parent_option_id", scalar(node.parent_option_id))]


def option_flow(option: Option) -> str:
    parts = [f"value: {scalar(option.value)}", f"id: {scalar(option.id)}"]
    if option.extra:
        parts.append(f"extra: {flow(option.extra)}")
    return "{" + ", ".join(parts) + "}"


def tree_lines(item: TreeOption, pad: str) -> list[str]:
    """A tree node: a one-line mapping for a leaf, a block with `children:` for a branch."""
    parts = [("title", scalar(item.title)), ("id", scalar(item.id))]
    if item.value is not None:
        parts.append(("value", scalar(item.value)))
    if item.extra:
        parts.append(("extra", flow(item.extra)))
    if not item.children:
        return [f"{pad}- {{" + ", ".join(f"{k}: {v}" for k, v in parts) + "}"]
    lines = [f"{pad}- {parts[0][0]}: {parts[0][1]}"]
    lines += [f"{pad}  {key}: {value}" for key, value in parts[1:]]
    lines.append(f"{pad}  children:")
    lines += [line for child in item.children for line in tree_lines(child, pad + "    ")]
    return lines
