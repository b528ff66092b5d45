"""How a plan is said in words, shared by every renderer: the summary line, verbs, markers and values."""

from __future__ import annotations

import json
from typing import Any

from ..characters import reveal, spaced
from ..plan import ACTIONS, Change, Move, Plan, count_of

MARKERS = {"create": "+", "delete": "-", "rename": "~", "update": "~", "replace": "±", "move": ">",
           "reorder": "↕"}
PLURALS = {"tool": "tools", "classification": "classifications", "relation": "relations",
           "option": "options", "tree-option": "tree options"}
ABSENT = "(absent)"  # a key one side of an update does not have at all (unlike a key holding null)
NO_CHANGES = "No changes."
DESTRUCTIVE_HEADING = "Destructive changes — existing annotations may be orphaned:"
PROTECTED_NOTE = "[protected: apply refuses this]"


def inert(text: str) -> str:
    """Text as every renderer shows it: control characters, line separators, bidi controls and invisible
    characters written as codes (`\\x1b`, `\\u202e`, `\\u200b`), whatever their source — a live title too — so
    no title can forge a line of a plan, a terminal escape or the order of what follows it, and two titles that
    differ are seen to differ."""
    return reveal(text)


def setup_lines(plan: Plan) -> list[str]:
    """What apply creates besides the label set: `create project Fresh`, `create batch Week 1`."""
    project = [f"create project {plan.project_name or '(unnamed)'}"] if plan.creates_project else []
    return project + [f"create batch {batch}" for batch in plan.batches]


def summary_line(plan: Plan) -> str:
    """`Plan: create project Fresh, 2 batches to create, 3 to create, 1 to delete — 1 destructive` (zero counts
    left out)."""
    if plan.is_empty:
        return NO_CHANGES
    counts = plan.counts
    batches = len(plan.batches)
    parts = ([f"create project {plan.project_name or '(unnamed)'}"] if plan.creates_project else []) + \
        ([f"{batches} batch{'es' if batches != 1 else ''} to create"] if batches else []) + \
        [f"{counts[action]} to {action}" for action in ACTIONS if counts[action]]
    orphans = ""
    if plan.usage_checked:
        unknown = plan.unknown_impacts
        least = "at least " if unknown else ""
        orphans = f", would orphan {least}{count_of(plan.orphaned_annotations, 'annotation')}"
        orphans += f" ({unknown} of unknown impact)" if unknown else ""
    return f"Plan: {', '.join(parts)} — {plan.destructive} destructive{orphans}"


def plural(number: int, kind: str) -> str:
    """`1 option`, `3 tree options`."""
    return f"{number} {kind if number == 1 else PLURALS.get(kind, kind + 's')}"


def heading(plan: Plan) -> str:
    """Which project (name and id) on which hub, as far as the plan knows; empty when it knows neither."""
    if not (plan.project or plan.project_name or plan.hub):
        return f"Changes from {plan.base.describe()}" if plan.base else ""
    if plan.project:
        project = f"project {plan.project_name} ({plan.project})" if plan.project_name else f"project {plan.project}"
    else:
        project = f"new project {plan.project_name}" if plan.project_name else "a new project"
    hub = f" on {plan.hub}" if plan.hub else ""
    return f"Plan for {project}{hub}"


def source_line(plan: Plan) -> str:
    """`File: ontology.yaml at commit 1a2b3c4d5e6f` (and the other side of a diff); empty when not known."""
    if plan.source is None:
        return ""
    if plan.base is not None and (plan.project or plan.hub):
        return f"File: {plan.source.describe()}, against {plan.base.describe()}"
    if plan.base is not None:
        return f"To: {plan.source.describe()}"
    return f"File: {plan.source.describe()}"


def headline(change: Change, verb: bool = True) -> str:
    """`create tool Car (bounding-box, after Bus)`, `reorder options (1 move)`: the verb, what, which, where."""
    if change.action == "reorder":
        moves = f" ({count_of(len(change.moves), 'move')})" if change.moves else ""
        return f"reorder {PLURALS[change.kind]}{moves}"
    if change.kind == "label-set":
        return f"{change.action} the label set" if verb else "the label set"
    node = change.after if change.action == "create" else change.before if change.action == "delete" else None
    # A move to another `when` under the same parent stays where it is: only a new parent says where.
    placed = change.action == "create" or (change.action == "move" and "parent" in (change.after or {}))
    where = change.position.describe() if change.position and placed else None
    what = f"{change.kind} {spaced(change.title)}{_type_note(node, where)}{change.impact_note}"
    return f"{change.action} {what}" if verb else what


def _type_note(node: dict[str, Any] | None, where: str | None = None) -> str:
    parts = []
    if node and "type" in node:
        parts.append(str(node["type"]))
        if node.get("when") is not None:
            parts.append(f"when {value(node['when'])}")
    if where:
        parts.append(where)
    return f" ({', '.join(parts)})" if parts else ""


def move_lines(change: Change) -> list[str]:
    """`move option Bus: #3 → #1 (first)`, one per child a reorder moves."""
    return [f"move {change.kind} {spaced(move.title)}: {move_words(move)}" for move in change.moves]


def move_words(move: Move) -> str:
    """Where a child moves: `#5 → #3 (after B)`; when its number stays, what changed is its neighbour, so that
    is what is said — `after E, was after C (still #4)` — never `#4 → #4`."""
    now = _place(move.after)
    if move.origin != move.target:
        return f"#{move.origin} → #{move.target} ({now})"
    if move.was is None:  # a plan saved before moves recorded their live neighbour
        return f"{now} (still #{move.target})"
    was = _place(move.was.after)
    if was == now:  # two siblings of one title: the number is what tells them apart
        was = f"{was}, another of that title"
    return f"{now}, was {was} (still #{move.target})"


def _place(after: str | None) -> str:
    return "first" if after is None else f"after {spaced(after)}"


def attribute_lines(change: Change) -> list[str]:
    """`required: false → true`, one per changed attribute (rename, update, replace, move, reorder)."""
    if change.action in ("create", "delete"):
        return []
    if change.moves:
        return move_lines(change)
    before, after = change.before or {}, change.after or {}
    names = sorted(before.keys() | after.keys())
    if change.action == "move" and "when" in names:  # the option's id is said with its value (`_side`)
        names = [name for name in names if name != "parent_option_id"]
    return [f"{name}: {_side(before, name)} → {_side(after, name)}" for name in names]


def _side(values: dict[str, Any], name: str) -> str:
    if name not in values:
        return ABSENT
    shown = value(values[name], name)
    if name == "when" and "parent_option_id" in values:
        shown += f" (option id {value(values['parent_option_id'])})"
    return shown


def value(item: Any, name: str = "") -> str:
    """A value as a reviewer reads it: JSON scalars, a parent as a path, an order as a list."""
    if name == "parent" and isinstance(item, list):
        return join_path(item) if item else "(top level)"
    if name == "order" and isinstance(item, list):
        return ", ".join(str(title) for title in item)
    return json.dumps(item, ensure_ascii=False)


def join_path(path: Any) -> str:
    return " › ".join(spaced(str(title)) for title in path)


def nested_lines(node: dict[str, Any]) -> list[tuple[int, str]]:
    """The subtree of a create or delete summary as (depth below the node, `kind title (type)`)."""
    out: list[tuple[int, str]] = []
    stack = [(1, kind, child) for kind, child in reversed(_children(node))]
    while stack:
        depth, kind, child = stack.pop()
        title = child.get("title", child.get("value", ""))
        out.append((depth, f"{kind} {spaced(str(title))}{_type_note(child)}"))
        stack.extend((depth + 1, sub_kind, sub) for sub_kind, sub in reversed(_children(child)))
    return out


def _children(node: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    keys = (("classifications", "classification"), ("options", "option"), ("tree_options", "tree-option"),
            ("children", "tree-option"))
    return [(kind, child) for key, kind in keys for child in node.get(key) or []]


def notes(change: Change) -> list[str]:
    """The hint and warnings of a change, each as one line."""
    lines = [f"hint: {change.hint}"] if change.hint else []
    return lines + [f"warning: {warning}" for warning in change.warnings]
