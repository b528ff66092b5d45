"""pull --into: bring live drift back into an existing file, touching only what `plan` would report as changed."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .diff_nodes import attributes as compared_attributes
from .fmt import NODE_ORDER, TREE_ORDER, give_trailing, ranker, round_trip_yaml, shorthand_key, take_trailing
from .identity import resolve
from .loader import load_text
from .model import JSON, SECTION_NAMES, TREE_TYPE, Classification, Item, Node, Option, TreeOption
from .model import attributes as plain_attributes
from .normalise import ALIASES
from .pull import attributes, live_ontology, node_lines, option_flow, tree_lines
from .wire import flatten_tree, tree_to_wire

Choices = list[tuple[str, str | None]]
# Model field -> the key pull writes for it.
_KEYS = {a.name: a.file_key for a in plain_attributes(Classification)}
_CONDITION_KEYS = ("when", "parent_option_id")
# What the file alone holds of a tree node, kept when Ango's side of its tree is written back.
_FILE_ONLY = ("description", "examples", "protect")


def merge_into(text: str, project_json_or_schema: JSON | None, filename: str = "<string>") -> str:
    """The file's text with the live label set's differences merged in; the rest kept byte for byte."""
    live = live_ontology(project_json_or_schema)
    resolved = resolve(load_text(text, filename), live)
    yaml = round_trip_yaml()
    doc = yaml.load(text)
    untouched = _dumped(yaml, yaml.load(text))
    for section in SECTION_NAMES:
        _merge_nodes(doc, section, section, getattr(resolved, section), getattr(live, section), [])
    merged = _dumped(yaml, doc)
    # Nothing merged: the file stays byte for byte (line endings, indentation, comments' columns).
    return text if merged == untouched else merged


def _dumped(yaml: Any, doc: Any) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _parse(lines: list[str]) -> Any:
    return round_trip_yaml().load("\n".join(lines) + "\n")


def _key_for(raw: CommentedMap, field: str) -> Any:
    """The key the file uses for a model field (any alias), or None."""
    return next((key for key in raw if ALIASES.get(key, key) == field), None)


def _seq(parent: CommentedMap, field: str, section: str) -> CommentedSeq:
    key = _key_for(parent, field)
    value = parent.get(key) if key is not None else None
    if isinstance(value, CommentedSeq):
        return value
    seq = CommentedSeq()
    if key is None:
        rank = ranker(NODE_ORDER)
        position = sum(1 for k in parent if rank(k) <= rank(field))
        parent.insert(position, section, seq)
    else:
        parent[key] = seq
    return seq


def _merge_nodes(parent: CommentedMap, field: str, section: str, mine: Sequence[Any], live: Sequence[Node],
                 choices: Choices) -> None:
    """Delete, update, insert and reorder one list of nodes so it matches the live list."""
    if not mine and not live:
        return
    seq = _seq(parent, field, section)
    by_id = {node.id: node for node in live}
    items = _drop_deleted(seq, list(zip(seq, mine, strict=True)), by_id)
    for position, (raw, node) in enumerate(items):
        try:
            _merge_node(raw, node, by_id[node.id], choices, section)
        except _Replace:
            fresh = _parse(node_lines(by_id[node.id], "", choices))[0]
            seq[_at(seq, raw)] = fresh
            items[position] = (fresh, node)
    _place(seq, {node.id: raw for raw, node in items}, live,
           lambda node: _parse(node_lines(node, "", choices))[0])
    if not seq:
        del parent[_key_for(parent, field) or section]


def _delete(seq: CommentedSeq, index: int) -> None:
    """Remove one item; the blank lines and comments after the list's last line stay after the list."""
    rest = take_trailing(seq) if index == len(seq) - 1 else ""
    del seq[index]
    give_trailing(seq, rest)


def _at(seq: CommentedSeq, item: Any) -> int:
    """The index of that very object (not an equal one) in the list."""
    return next(index for index, candidate in enumerate(seq) if candidate is item)


def _place(seq: CommentedSeq, kept: dict[Any, Any], live: Sequence[Any], render: Any) -> None:
    """Insert what is new and move what moved, so the list follows the live order."""
    for index, node in enumerate(live):
        raw = kept.get(node.id)
        if raw is None:
            seq.insert(index, render(node))
        elif _at(seq, raw) != index:
            seq.insert(index, seq.pop(_at(seq, raw)))


def _merge_node(raw: Any, mine: Node, live: Node, choices: Choices, section: str) -> None:
    if not isinstance(raw, CommentedMap) or mine.type != live.type:
        raise _Replace
    if mine.title != live.title:
        key = _key_for(raw, "title")
        raw[shorthand_key(raw, section) if key is None else key] = live.title
    _merge_attributes(raw, mine, live, choices, section)
    own: Choices = [(o.value, o.id) for o in live.options]
    if isinstance(live, Classification) and live.type == TREE_TYPE:
        own = list(flatten_tree(live.tree_options))
        if isinstance(mine, Classification) and _wire_tree(mine.tree_options) != _wire_tree(live.tree_options):
            fresh = _parse([line for item in live.tree_options for line in tree_lines(item, "")])
            _carry_file_fields(fresh, {item.id: item for root in mine.tree_options for item in root.walk()})
            raw[_key_for(raw, "tree_options") or "tree"] = fresh
    else:
        _merge_options(raw, mine.options, live.options)
    _merge_nodes(raw, "classifications", "classifications", mine.classifications, live.classifications, own)


def _wire_tree(nodes: list[TreeOption]) -> list[JSON]:
    """What Ango holds of a tree: file-only keys (description, protect…) are no difference."""
    return [tree_to_wire(node) for node in nodes]


def _carry_file_fields(seq: Any, mine: Mapping[str | None, Item]) -> None:
    """A tree rewritten from the live side keeps what only the file knows of each node still in it."""
    for raw in seq if isinstance(seq, CommentedSeq) else ():
        if not isinstance(raw, CommentedMap):
            continue
        node = mine.get(getattr(raw.get("id"), "text", None) or str(raw.get("id")))
        rank = ranker(TREE_ORDER)
        for field in _FILE_ONLY if node is not None else ():
            value = getattr(node, field)
            if value:
                raw.insert(sum(1 for key in raw if rank(key) <= rank(field)), field, value)
        _carry_file_fields(raw.get("children"), mine)


class _Replace(Exception):
    """A node whose kind changed: written anew from the live side."""


def _merge_attributes(raw: CommentedMap, mine: Node, live: Node, choices: Choices, section: str) -> None:
    rendered = dict(attributes(live, choices))
    before, after = compared_attributes(mine), compared_attributes(live)
    changed = [name for name in after if before.get(name) != after[name]]
    if isinstance(mine, Classification) and isinstance(live, Classification) and \
            (mine.parent_option_id, mine.when) != (live.parent_option_id, live.when):
        changed += list(_CONDITION_KEYS)  # another option, or the same one renamed: `when:` must follow
    if any(live.extra.get(k) != v for k, v in mine.extra.items()):
        changed.append("extra")
    for name in changed:
        key = _key_for(raw, name)
        written = _KEYS.get(name, name)
        if written in rendered:
            value = _parse([f"v: {rendered[written]}"])["v"]
            if key is None:
                rank = ranker(NODE_ORDER, shorthand_key(raw, section))
                raw.insert(sum(1 for k in raw if rank(k) <= rank(name)), written, value)
            else:
                raw[key] = value
        elif key is not None:
            del raw[key]


def _drop_deleted(seq: CommentedSeq, items: list[tuple[Any, Any]],
                  live_ids: Mapping[Any, Any]) -> list[tuple[Any, Any]]:
    """Delete from the file every item whose node the live project no longer has; the items kept."""
    for index in reversed(range(len(items))):
        if items[index][1].id not in live_ids:
            _delete(seq, index)
            del items[index]
    return items


def _merge_options(raw: CommentedMap, mine: list[Option], live: list[Option]) -> None:
    if [(o.id, o.value) for o in mine] == [(o.id, o.value) for o in live] or (not mine and not live):
        return
    seq = _seq(raw, "options", "options")
    by_id = {option.id: option for option in live}
    items = _drop_deleted(seq, list(zip(seq, mine, strict=True)), by_id)
    for position, (raw_option, option) in enumerate(items):
        value = by_id[option.id].value
        if option.value == value:
            continue
        if isinstance(raw_option, CommentedMap):
            raw_option[_key_for(raw_option, "value") or "value"] = value
        else:
            fresh = _parse([option_flow(by_id[option.id])])
            seq[_at(seq, raw_option)] = fresh
            items[position] = (fresh, option)
    _place(seq, {option.id: raw_option for raw_option, option in items}, live,
           lambda option: _parse([option_flow(option)]))

