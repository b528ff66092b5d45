"""JSON sources read strictly: one clear error for text that is not JSON, typed access that notes the unexpected."""

from __future__ import annotations

import json
from typing import Any

from ..errors import InputError
from .notes import Notes, Place

COMMENT = "$comment"


def parse(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{source}:{error.lineno}:{error.colno}: not JSON ({error.msg})") from None
    except RecursionError:
        raise InputError(f"{source}: the JSON is nested too deeply to read") from None


def items(value: Any, place: Place, notes: Notes, what: str) -> list[tuple[dict[str, Any], Place]]:
    """The mappings of a JSON list, each with its place; anything else in the list is noted."""
    if value is None:
        return []
    if not isinstance(value, list):
        notes.warn(place, f"{what} should be a list, not {type(value).__name__}: left out")
        return []
    out = []
    for index, item in enumerate(value):
        here = place.child(f"[{index}]")
        if isinstance(item, dict):
            out.append((item, here))
        else:
            notes.warn(here, f"{what} holds {item!r}, not an object: left out")
    return out


def unknown_keys(item: dict[str, Any], known: set[str], place: Place, notes: Notes) -> None:
    """Note each key the import does not understand (a key it leaves out on purpose is in `known`).

    `$comment` is JSON's customary comment (JSON Schema's): it is read as one, never as data.
    """
    for key, value in item.items():
        if key not in known and key != COMMENT:
            notes.warn(place.child(key), f"{key}={json.dumps(value, ensure_ascii=False)[:60]} has no Ango "
                                         "equivalent: left out")
