"""Where a node was read from: the categorySchema dict behind a live node, so what no model holds is kept.

A node parsed from a live categorySchema keeps the very dict it was read from (no copy), so that what the
toolkit does not model — unknown keys, the JSON type of ids and values, nulls, missing keys — is written
back as it was read (`wire_write`). A desired node matched to a live one continues that dict together
with the live node it stands for: the writer starts from the dict and overlays only the values that
differ from that node. The dict is kept as the model's private state (pydantic's `__pydantic_private__`,
unused otherwise), so a parsed node costs no allocation for it; a continuing node holds a `_Continues`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

JSON = dict[str, Any]
M = TypeVar("M", bound=BaseModel)


def evolve(model: M, update: dict[str, Any]) -> M:
    """`model` with `update` applied, like `model_copy(update=…)` without pydantic's copies of its sets and dicts.

    Resolution copies every node of an ontology; pydantic's copy also copies the set of fields that were
    set and the private state, which costs more than the node's own values on a large label set. What
    resolution fills in (derived ids, a live colour, a linked condition) is implied by the dict a node was
    read from, so a node read from the wire stays "as read".
    """
    cls = type(model)
    copied = cls.__new__(cls)
    object.__setattr__(copied, "__dict__", {**model.__dict__, **update})
    object.__setattr__(copied, "__pydantic_fields_set__", model.__pydantic_fields_set__)
    object.__setattr__(copied, "__pydantic_extra__", None)
    object.__setattr__(copied, "__pydantic_private__", model.__pydantic_private__)
    return copied


class Continues(dict[str, Any]):
    """The private state of a node written as changes over a dict: `raw`, and `was`, the node it stands for."""


def read_from(item: BaseModel) -> tuple[JSON, BaseModel] | None:
    """The categorySchema dict a node continues, and the node that dict stands for; None for a new node."""
    private = item.__pydantic_private__
    if private is None:
        return None
    if type(private) is Continues:
        return private["raw"], private["was"]
    return private, item


def is_as_read(item: BaseModel) -> bool:
    """Whether a node holds exactly what its own dict says (read from the wire, unchanged since)."""
    private = item.__pydantic_private__
    return private is not None and type(private) is not Continues


def mark_read(item: BaseModel, raw: JSON) -> None:
    """Record that `item` was parsed from `raw` and holds what it says."""
    object.__setattr__(item, "__pydantic_private__", raw)


def forget_read(item: BaseModel) -> None:
    """Let `item` be written whole, as a new node."""
    object.__setattr__(item, "__pydantic_private__", None)


def borrow(item: BaseModel, twin: BaseModel) -> None:
    """Let `item` be written as changes over the dict its live twin was read from."""
    read = read_from(twin)
    if read is not None:
        object.__setattr__(item, "__pydantic_private__", Continues(raw=read[0], was=read[1]))


def written_over(item: BaseModel, **held: Any) -> None:
    """`item`, which continues a dict, is written with `held` as what that dict holds for those fields (where
    it holds other than its node says: an id the hub stores none of), so they are written as changes."""
    private = item.__pydantic_private__
    if type(private) is Continues:
        was = evolve(private["was"], held)
        object.__setattr__(item, "__pydantic_private__", Continues(raw=private["raw"], was=was))


def before_change(item: BaseModel, original: BaseModel | None = None) -> None:
    """A node read from the wire is about to differ from its dict (or `item` is a changed copy of `original`):
    from now on it is written as changes over what the dict says, kept as a snapshot (its lists copied, so a
    child added to the node later is not added to the snapshot too)."""
    source = original if original is not None else item
    if is_as_read(source):
        lists = {name: list(value) for name, value in source.__dict__.items() if isinstance(value, list)}
        snapshot = source if original is not None else evolve(source, lists)
        object.__setattr__(item, "__pydantic_private__", Continues(raw=source.__pydantic_private__, was=snapshot))
