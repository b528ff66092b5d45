"""CVAT labels (the label constructor's Raw JSON, https://docs.cvat.ai/docs/manual/basics/create_an_annotation_task/)
read into ontology models.

A label becomes a tool of its shape (rectangle → bounding-box, polygon, polyline, points → point,
mask → brush, `any` → bounding-box, noted); its attributes become questions under the tool: select →
single-dropdown, radio → radio, checkbox (a yes/no flag) → boolean, text → text, number → text with a
number pattern. A mutable attribute (it may change from frame to frame) is frame specific. Tag labels
(a label for the whole frame) become the answers of one checkbox question, "Tags", each with its
attributes revealed by it.
"""

from __future__ import annotations

from typing import Any

from ..model import Classification, Ontology, Tool
from .build import Titles, color, options
from .json_source import items, parse, unknown_keys
from .notes import Notes, Place

SHAPES = {"rectangle": "bounding-box", "polygon": "polygon", "polyline": "polyline", "points": "point",
          "mask": "brush", "any": "bounding-box"}
QUESTIONS = {"select": "single-dropdown", "radio": "radio", "checkbox": "boolean", "text": "text", "number": "text"}
NUMBER = r"^-?[0-9]+([.][0-9]+)?$"
UNDEFINED = "__undefined__"  # CVAT's value for "no answer yet" in a select
LABEL_KEYS = {"name", "color", "type", "attributes", "id", "parent_id", "has_parent", "project_id", "task_id",
              "url", "sublabels", "svg"}
ATTRIBUTE_KEYS = {"name", "mutable", "input_type", "default_value", "values", "id"}
TAGS = "Tags"


def read(text: str, notes: Notes) -> Ontology:
    data = parse(text, notes.source)
    root = Place()
    if isinstance(data, dict) and "labels" in data:  # a project or task as the API returns it
        data, root = data["labels"], Place("labels")
    if isinstance(data, dict) and isinstance(data.get("results"), list):  # GET /api/labels, one page
        data, root = data["results"], Place("results")
    titles = Titles(notes)
    tools: list[Tool] = []
    tags: list[tuple[dict[str, Any], Place]] = []
    for label, place in items(data, root, notes, "labels"):
        unknown_keys(label, LABEL_KEYS, place, notes)
        kind = str(label.get("type") or "any")
        if kind == "tag":
            tags.append((label, place))
        elif kind in SHAPES:
            tools.append(_tool(label, kind, place, notes, titles))
        else:
            article = "an" if kind[:1] in "aeiou" else "a"
            notes.warn(place.child("type"), f"label '{label.get('name')}' is drawn as {article} {kind}, which Ango "
                                            "has no tool for: left out" + _sublabels(label))
    return Ontology(tools=tools, classifications=_tags(tags, notes))


def _sublabels(label: dict[str, Any]) -> str:
    parts = label.get("sublabels")
    return f" (with its {len(parts)} sublabels)" if isinstance(parts, list) and parts else ""


def _tool(label: dict[str, Any], kind: str, place: Place, notes: Notes, titles: Titles) -> Tool:
    title = titles.take(label.get("name"), place)
    if kind == "any":
        notes.warn(place.child("type"), f"label '{title}' may be drawn with any shape; an Ango tool has one: "
                                        "imported as a bounding box")
    return Tool(type=SHAPES[kind], title=title, color=color(label.get("color"), place.child("color"), notes),
                classifications=_attributes(label.get("attributes"), place.child("attributes"), notes, None))


def _attributes(value: Any, place: Place, notes: Notes, when: str | None) -> list[Classification]:
    titles = Titles(notes)
    out = []
    for attribute, here in items(value, place, notes, "attributes"):
        unknown_keys(attribute, ATTRIBUTE_KEYS, here, notes)
        kind = str(attribute.get("input_type", ""))
        if kind not in QUESTIONS:
            notes.warn(here.child("input_type"), f"attribute input {kind!r} has no Ango equivalent: left out")
            continue
        out.append(_question(attribute, kind, here, notes, titles.take(attribute.get("name"), here), when))
    return out


def _question(attribute: dict[str, Any], kind: str, place: Place, notes: Notes, title: str,
              when: str | None) -> Classification:
    node = Classification(type=QUESTIONS[kind], title=title, when=when, frame_specific=bool(attribute.get("mutable")))
    values: list[Any] = attribute["values"] if isinstance(attribute.get("values"), list) else []
    default = attribute.get("default_value")
    if kind in ("select", "radio"):
        pairs = [(v, place.child(f"values[{i}]")) for i, v in enumerate(values) if v != UNDEFINED]
        node.options = options(pairs, notes)
        if default not in (None, "", UNDEFINED):
            notes.warn(place.child("default_value"), f"default answer {default!r} not kept: Ango questions start "
                                                     "unanswered")
        if not node.options:
            notes.warn(place.child("values"), f"'{title}' has no values: imported as free text")
            node.type = "text"
    elif kind == "checkbox":
        node.default_value = True if str(default).lower() == "true" else None
    elif kind == "number":
        node.regex = NUMBER
        if values:
            notes.warn(place.child("values"), f"the range min;max;step = {';'.join(map(str, values))} is not "
                                              "checked by Ango: any number is accepted")
    elif default not in (None, ""):
        notes.warn(place.child("default_value"), f"default text {default!r} not kept: Ango questions start "
                                                 "unanswered")
    return node


def _tags(tags: list[tuple[dict[str, Any], Place]], notes: Notes) -> list[Classification]:
    """Tag labels as the answers of one checkbox question; each reveals its own attributes."""
    if not tags:
        return []
    pairs = [(label.get("name"), place) for label, place in tags]
    question = Classification(type="checkbox", title=TAGS, options=options(pairs, notes))
    titles = Titles(notes)
    for label, place in tags:
        if label.get("color"):
            notes.warn(place.child("color"), f"the colour of tag '{label.get('name')}' is not kept: an answer has "
                                             "no colour in Ango")
        for child in _attributes(label.get("attributes"), place.child("attributes"), notes, str(label.get("name"))):
            child.title = titles.take(child.title, place)
            question.classifications.append(child)
    return [question]
