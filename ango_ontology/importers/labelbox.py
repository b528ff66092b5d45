"""Labelbox ontologies (the normalized JSON, https://docs.labelbox.com/reference/ontology) read into ontology models.

Tools become tools (rectangle → bounding-box, polygon, line → polyline, point, raster-segmentation
and superpixel → brush, named-entity → ner, edge/relationship → a one-to-one relation); classifications
(radio, checklist → checkbox, dropdown → single-dropdown, text) become questions, with the questions
nested under an option revealed by that option (`when:`). A classification's `instructions` (the
question the labeler reads) is its title; a `name` that differs is noted (Labelbox exports it, Ango the title).
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Classification, Ontology, Relation, Tool
from .build import Keys, Titles, color, options
from .json_source import items, parse, unknown_keys
from .notes import Notes, Place

TOOLS = {"rectangle": "bounding-box", "bbox": "bounding-box", "polygon": "polygon", "line": "polyline",
         "point": "point", "raster-segmentation": "brush", "superpixel": "brush", "named-entity": "ner"}
RELATIONS = ("edge", "relationship")
QUESTIONS = {"radio": "radio", "checklist": "checkbox", "dropdown": "single-dropdown", "text": "text"}
# Labelbox's own bookkeeping: ids, versions, positions. Left out by design (docs/import.md).
BOOKKEEPING = {"schemaNodeId", "featureSchemaId", "archived", "position", "kind", "id", "uuid", "label",
               "value", "color", "required", "name", "tool", "type", "instructions", "classifications", "options",
               "scope"}
_SLUG = re.compile(r"[^a-z0-9]+")


def read(text: str, notes: Notes) -> Ontology:
    data = parse(text, notes.source)
    root = Place()
    if isinstance(data, dict) and isinstance(data.get("normalized"), dict):  # `ontology { normalized }` as returned
        data, root = data["normalized"], Place("normalized")
    if not isinstance(data, dict):
        notes.warn(root, "a Labelbox ontology is a JSON object with `tools` and `classifications`: nothing imported")
        return Ontology()
    unknown_keys(data, {"tools", "classifications", "relationships"}, root, notes)
    keys, titles = Keys(notes), Titles(notes)
    tools: list[Tool] = []
    relations: list[Relation] = []
    for item, place in items(data.get("tools"), root.child("tools"), notes, "tools"):
        node = _tool(item, place, notes, keys, titles)
        if isinstance(node, Tool):
            tools.append(node)
        elif isinstance(node, Relation):
            relations.append(node)
    for item, place in items(data.get("relationships"), root.child("relationships"), notes, "relationships"):
        node = _tool(item, place, notes, keys, titles)
        if node is not None:
            relations.append(Relation(**node.model_dump(exclude={"type"}), type="one-to-one"))
    return Ontology(tools=tools, relations=relations,
                    classifications=_questions(data.get("classifications"), root.child("classifications"), notes))


def _tool(item: dict[str, Any], place: Place, notes: Notes, keys: Keys, titles: Titles) -> Tool | Relation | None:
    unknown_keys(item, BOOKKEEPING, place, notes)
    kind = str(item.get("tool", ""))
    if kind not in TOOLS and kind not in RELATIONS:
        notes.warn(place.child("tool"), f"tool {kind!r} ('{item.get('name')}') has no Ango equivalent: left out")
        return None
    title = titles.take(item.get("name"), place)
    fields = {"title": title, "required": bool(item.get("required")),
              "color": color(item.get("color"), place.child("color"), notes),
              "classifications": _questions(item.get("classifications"), place.child("classifications"), notes)}
    if kind in RELATIONS:
        return Relation(type="one-to-one", **fields)
    return Tool(type=TOOLS[kind], **fields)


def _questions(value: Any, place: Place, notes: Notes, when: str | None = None) -> list[Classification]:
    titles = Titles(notes)
    out = []
    for item, here in items(value, place, notes, "classifications"):
        node = _question(item, here, notes, titles, when)
        if node is not None:
            out.append(node)
    return out


def _question(item: dict[str, Any], place: Place, notes: Notes, titles: Titles,
              when: str | None) -> Classification | None:
    unknown_keys(item, BOOKKEEPING, place, notes)
    kind = str(item.get("type", ""))
    if kind not in QUESTIONS:
        notes.warn(place.child("type"), f"classification type {kind!r} has no Ango equivalent: left out")
        return None
    name = item.get("name")
    title = titles.take(item.get("instructions") or name, place)
    if isinstance(name, str) and _slug(name) != _slug(title):
        notes.warn(place.child("name"), f"'{title}' is exported as '{name}' by Labelbox; Ango exports its title")
    node = Classification(type=QUESTIONS[kind], title=title, when=when, required=bool(item.get("required")),
                          frame_specific=item.get("scope") == "index")
    pairs = []
    nested: list[Classification] = []
    for option, here in items(item.get("options"), place.child("options"), notes, "options"):
        unknown_keys(option, BOOKKEEPING, here, notes)
        value = option.get("label") if option.get("label") is not None else option.get("value")
        _same_value(option, here, notes)
        pairs.append((value, here))
        nested += _questions(option.get("options"), here.child("options"), notes, str(value))
    node.options = options(pairs, notes) if kind != "text" else []
    if kind == "text" and pairs:
        notes.warn(place.child("options"), "a text classification's options are left out")
    if kind != "text" and not node.options:
        notes.warn(place, f"'{title}' has no options: imported as free text")
        node.type = "text"
    node.classifications = _unique(nested, notes, place)
    return node


def _same_value(option: dict[str, Any], place: Place, notes: Notes) -> None:
    """Labelbox exports an answer's `value`; Ango its label. Say so when they are more than a slug apart."""
    label, value = option.get("label"), option.get("value")
    if isinstance(label, str) and isinstance(value, str) and _slug(label) != _slug(value):
        notes.warn(place.child("value"), f"the answer '{label}' is exported as '{value}' by Labelbox; Ango exports "
                                         f"'{label}'")


def _slug(text: str) -> str:
    return _SLUG.sub("", text.lower())


def _unique(nodes: list[Classification], notes: Notes, place: Place) -> list[Classification]:
    """Questions from several options share one list in Ango: their titles must differ there."""
    titles = Titles(notes)
    for node in nodes:
        node.title = titles.take(node.title, place)
    return nodes
