"""Task answers in Ango's three shapes: imported labels, task answers (option ids) and exports (option values).

    import format   {"externalId", "objects": [{"schemaId"|"title", <shape>, "classifications"}],
                     "classifications": [{"schemaId"|"title", "answer"}], "relations": [...]}
                    choice answers as option VALUES, tree answers as "A / B / C" paths
    task format     {"tools": [{"schemaId", "objectId", "title", <shape>, "classifications"}],
                     "classifications": [{"schemaId", "title", "answer", "value"}],
                     "relations": [{"schemaId", "title", "from", "to"} | {"schemaId", "title", "group"}]}
                    choice answers as option schemaIds (tree: node keys); `value` keeps what was imported
    export format   the task format with choice answers as option values again and no `value`

`label_to_answer` resolves an imported label against the project's categorySchema (HubError naming the
label and the field on anything unknown); `answer_to_export` turns a stored answer back into values
with the schema as it is now, falling back to the kept `value` when an option has since been deleted.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from ango_ontology.errors import HubError
from ango_ontology.model import JSON

SINGLE_CHOICE = frozenset({"radio", "single-dropdown"})
# A rank answer is the options in the order chosen: a list, like a checkbox's (the official SDK counts it
# among its multiple-selection questions).
MULTI_CHOICE = frozenset({"checkbox", "multi-dropdown", "tree-dropdown", "rank"})
_OBJECT_KEYS = ("schemaId", "title", "objectId", "classifications")
_RELATION_KEYS = ("schemaId", "title", "from", "to", "group", "classifications")


def new_annotation_id() -> str:
    """An objectId shaped like the editor's: short random hex."""
    return secrets.token_hex(6)


def choices(node: JSON) -> list[tuple[str, str]]:
    """A choice classification's `(value, schemaId)` pairs; a tree's `("A / B / C" path, key)` pairs."""
    if node.get("tool") == "tree-dropdown" and isinstance(node.get("treeOptions"), list) and node["treeOptions"]:
        return list(_tree_paths(node["treeOptions"], ""))
    return [
        (str(o.get("value")), str(o.get("schemaId")))
        for o in node.get("options") or []
        if isinstance(o, dict) and o.get("schemaId") is not None
    ]


def _tree_paths(nodes: list[Any], prefix: str) -> Any:
    for tree_node in nodes:
        if not isinstance(tree_node, dict):
            continue
        title = str(tree_node.get("title") or tree_node.get("value") or "")
        path = f"{prefix} / {title}" if prefix else title
        key = tree_node.get("key") or tree_node.get("schemaId")
        if key is not None:
            yield path, str(key)
        yield from _tree_paths(tree_node.get("children") or [], path)


class SchemaIndex:
    """One categorySchema with its lookups built once: an import or export of many tasks stays linear."""

    def __init__(self, schema: JSON) -> None:
        self.schema = schema
        self._children: dict[tuple[int, str], tuple[dict[str, JSON], dict[str, list[JSON]]]] = {}
        self._choices: dict[int, tuple[dict[str, str], dict[str, str]]] = {}

    def children(self, owner: JSON | None, key: str) -> tuple[dict[str, JSON], dict[str, list[JSON]]]:
        """The nodes under `owner[key]` by schemaId and by title (None: no nodes)."""
        if owner is None:
            return {}, {}
        cache_key = (id(owner), key)
        if cache_key not in self._children:
            by_id: dict[str, JSON] = {}
            by_title: dict[str, list[JSON]] = {}
            for node in _nodes(owner, key):
                by_id.setdefault(str(node.get("schemaId")), node)
                by_title.setdefault(str(node.get("title")), []).append(node)
            self._children[cache_key] = (by_id, by_title)
        return self._children[cache_key]

    def choices(self, node: JSON) -> tuple[dict[str, str], dict[str, str]]:
        """A choice classification's value -> schemaId and schemaId -> value (trees: paths and keys)."""
        if id(node) not in self._choices:
            pairs = choices(node)
            self._choices[id(node)] = (dict(pairs), {schema_id: value for value, schema_id in reversed(pairs)})
        return self._choices[id(node)]


# -- import: values -> ids ------------------------------------------------------------------------


def label_to_answer(label: JSON, index: SchemaIndex, where: str) -> JSON:
    """The task answer for one imported label; HubError(`where: field: reason`) on anything unknown."""
    root = index.schema
    objects = _list(label, "objects", where)
    tools = [_object(index, o, root, f"{where}: objects[{i}]") for i, o in enumerate(objects)]
    object_ids = [t["objectId"] for t in tools]
    if len(set(object_ids)) != len(object_ids):
        raise HubError(f"{where}: objects: two objects share an objectId")
    classifications = [
        _classification(index, c, root, f"{where}: classifications[{i}]")
        for i, c in enumerate(_list(label, "classifications", where))
    ]
    relations = [
        _relation(index, r, set(object_ids), f"{where}: relations[{i}]")
        for i, r in enumerate(_list(label, "relations", where))
    ]
    return {"tools": tools, "classifications": classifications, "relations": relations}


def _list(item: JSON, key: str, where: str) -> list[JSON]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise HubError(f"{where}: {key} must be a list of objects")
    return value


def _nodes(node: JSON | None, key: str) -> list[JSON]:
    value = (node or {}).get(key)
    return [n for n in value if isinstance(n, dict)] if isinstance(value, list) else []


def _scope(index: SchemaIndex, owner: JSON) -> str:
    if owner is index.schema:
        return "in the label set"
    return f"under {owner.get('title')!r} (schemaId {owner.get('schemaId')!r})"


def _find(index: SchemaIndex, owner: JSON, key: str, item: JSON, kind: str, where: str) -> JSON:
    """The schema node under `owner[key]` an annotation names, by schemaId, else by (unambiguous) title."""
    by_id, by_title = index.children(owner, key)
    if item.get("schemaId") is not None:
        schema_id = str(item["schemaId"])
        if schema_id in by_id:
            return by_id[schema_id]
        raise HubError(f"{where}.schemaId: no {kind} with schemaId {schema_id!r} {_scope(index, owner)}")
    title = item.get("title")
    if not isinstance(title, str) or not title:
        raise HubError(f"{where}: a {kind} needs a schemaId or a title")
    found = by_title.get(title, [])
    if not found:
        raise HubError(f"{where}.title: no {kind} titled {title!r} {_scope(index, owner)}")
    if len(found) > 1:
        raise HubError(f"{where}.title: {len(found)} {kind}s are titled {title!r}; name it by schemaId")
    return found[0]


def _object(index: SchemaIndex, item: JSON, owner: JSON, where: str) -> JSON:
    node = _find(index, owner, "tools", item, "tool", where)
    object_id = item.get("objectId")
    out: JSON = {
        "schemaId": node["schemaId"],
        "objectId": str(object_id) if object_id else new_annotation_id(),
        "title": node.get("title"),
    }
    out.update({k: copy.deepcopy(v) for k, v in item.items() if k not in _OBJECT_KEYS})
    out["classifications"] = _nested(index, item, node, where)
    return out


def _nested(index: SchemaIndex, item: JSON, node: JSON, where: str) -> list[JSON]:
    return [
        _classification(index, c, node, f"{where}.classifications[{i}]")
        for i, c in enumerate(_list(item, "classifications", where))
    ]


def _classification(index: SchemaIndex, item: JSON, owner: JSON, where: str) -> JSON:
    node = _find(index, owner, "classifications", item, "classification", where)
    if "answer" not in item:
        raise HubError(f"{where}.answer: missing")
    value = item["answer"]
    out: JSON = {"schemaId": node["schemaId"], "title": node.get("title"), "answer": _to_ids(index, node, value, where)}
    if node.get("tool") in SINGLE_CHOICE | MULTI_CHOICE:
        out["value"] = copy.deepcopy(value)
    if item.get("classifications"):
        out["classifications"] = _nested(index, item, node, where)
    return out


def _to_ids(index: SchemaIndex, node: JSON, value: Any, where: str) -> Any:
    kind = node.get("tool")
    if kind not in SINGLE_CHOICE | MULTI_CHOICE:
        return copy.deepcopy(value)
    ids = index.choices(node)[0]
    what = "a path of tree-dropdown" if kind == "tree-dropdown" else f"an option of {kind}"
    shown = f"{node.get('title')!r} (schemaId {node.get('schemaId')!r})"

    def one(v: Any) -> str:
        if not isinstance(v, str) or v not in ids:
            known = ", ".join(repr(k) for k in list(ids)[:10]) or "none"
            raise HubError(f"{where}.answer: {v!r} is not {what} {shown}; known: {known}")
        return ids[v]

    if kind in SINGLE_CHOICE:
        return one(value)
    if not isinstance(value, list):
        raise HubError(f"{where}.answer: {kind} {shown} takes a list of values, not {value!r}")
    return [one(v) for v in value]


def _relation(index: SchemaIndex, item: JSON, object_ids: set[str], where: str) -> JSON:
    node = _find(index, index.schema, "relations", item, "relation", where)
    out: JSON = {"schemaId": node["schemaId"], "title": node.get("title")}
    ends = ("group",) if "group" in item else ("from", "to")
    if ends == ("group",) and not item["group"]:
        raise HubError(f"{where}.group: empty")
    for end in ends:
        given = item.get(end)
        members = given if end == "group" and isinstance(given, list) else [given]
        for member in members:
            if not isinstance(member, str) or member not in object_ids:
                raise HubError(f"{where}.{end}: {member!r} is not the objectId of an object of this label")
        out[end] = copy.deepcopy(given)
    out.update({k: copy.deepcopy(v) for k, v in item.items() if k not in _RELATION_KEYS})
    out["classifications"] = _nested(index, item, node, where)
    return out


# -- export: ids -> values ------------------------------------------------------------------------


def answer_to_export(answer: JSON, index: SchemaIndex) -> JSON:
    """A stored task answer with choices as values, read against the schema as it is now."""
    root = index.schema
    return {
        "tools": [_export_node(index, o, root, "tools") for o in _nodes(answer, "tools")],
        "classifications": [_export_classification(index, c, root) for c in _nodes(answer, "classifications")],
        "relations": [_export_node(index, r, root, "relations") for r in _nodes(answer, "relations")],
    }


def _export_node(index: SchemaIndex, item: JSON, owner: JSON, key: str) -> JSON:
    """An object or a relation; one whose class was deleted keeps its stored schemaId and title."""
    node = index.children(owner, key)[0].get(str(item.get("schemaId")))
    out = {k: copy.deepcopy(v) for k, v in item.items() if k != "classifications"}
    if node is not None:
        out["title"] = node.get("title")
    out["classifications"] = [_export_classification(index, c, node) for c in _nodes(item, "classifications")]
    return out


def _export_classification(index: SchemaIndex, item: JSON, owner: JSON | None) -> JSON:
    node = index.children(owner, "classifications")[0].get(str(item.get("schemaId")))
    out = {k: copy.deepcopy(v) for k, v in item.items() if k not in ("value", "classifications")}
    if node is not None:
        out["title"] = node.get("title")
        if node.get("tool") in SINGLE_CHOICE | MULTI_CHOICE:
            out["answer"] = _to_values(index.choices(node)[1], item.get("answer"), item.get("value"))
    elif "value" in item:
        out["answer"] = copy.deepcopy(item["value"])
    if "classifications" in item:
        out["classifications"] = [_export_classification(index, c, node) for c in _nodes(item, "classifications")]
    return out


def _to_values(values: dict[str, str], ids: Any, kept: Any) -> Any:
    """Option ids as today's values; an id no longer in the schema shows the value kept at import."""
    if isinstance(ids, list):
        kept_list = kept if isinstance(kept, list) and len(kept) == len(ids) else list(ids)
        return [values.get(str(i), k) for i, k in zip(ids, kept_list, strict=True)]
    return values.get(str(ids), kept if kept is not None else ids)
