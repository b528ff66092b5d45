"""COCO categories (https://cocodataset.org/#format-data) read into ontology models.

Each category becomes a tool, of the type `--tool` names (bounding-box unless told; panoptic "stuff"
categories, `isthing: 0`, become segmentation). The supercategory groups the tools: they are listed
supercategory by supercategory, and each tool's description names its supercategory. Keypoints and
skeletons have no Ango tool and are noted.
"""

from __future__ import annotations

from typing import Any

from ..model import Ontology, Tool
from .build import Titles, color
from .json_source import items, parse, unknown_keys
from .notes import Notes, Place

KNOWN = {"id", "name", "supercategory", "color", "isthing", "keypoints", "skeleton"}


def read(text: str, notes: Notes, tool: str = "bounding-box") -> Ontology:
    data = parse(text, notes.source)
    place = Place("categories")
    if isinstance(data, dict):
        categories = data.get("categories")
        if categories is None:
            notes.warn(Place(), "no `categories` in this COCO file: nothing imported")
    else:
        categories, place = data, Place()  # a bare list of categories
    groups: dict[str, list[tuple[dict[str, Any], Place]]] = {}
    for category, here in items(categories, place, notes, "categories"):
        unknown_keys(category, KNOWN, here, notes)
        groups.setdefault(str(category.get("supercategory") or ""), []).append((category, here))
    titles = Titles(notes, "name")
    tools = [_tool(category, here, notes, titles, tool) for group in groups.values() for category, here in group]
    return Ontology(tools=tools)


def _tool(category: dict[str, Any], place: Place, notes: Notes, titles: Titles, tool: str) -> Tool:
    title = titles.take(category.get("name"), place)
    parent = category.get("supercategory")
    stuff = category.get("isthing") == 0
    for key, verb in (("keypoints", "are"), ("skeleton", "is")):
        if category.get(key):
            notes.warn(place.child(key), f"the {key} of '{title}' {verb} left out: Ango has no skeleton tool")
    return Tool(type="segmentation" if stuff else tool, title=title,
                color=color(category.get("color"), place.child("color"), notes),
                description=f"Supercategory: {parent}" if parent and parent != title else None)
