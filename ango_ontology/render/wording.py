"""How a plan is said in words, shared by every renderer: the summary line, verbs, markers and values."""

from __future__ import annotations

import json
from typing import Any

from ..plan import ACTIONS, Change, Plan, count_of

MARKERS = {"create": "+", "delete": "-", "rename": "~", "update": "~", "replace": "±", "move": ">",
           "reorder": "↕"}
PLURALS = {"tool": "tools", "classification": "classifications", "relation": "relations",
           "option": "options", "tree-option": "tree options"}
NO_CHANGES = "No changes."
DESTRUCTIVE_HEADING = "Destructive changes — existing annotations may be orphaned:"
PROTECTED_NOTE = "[protected: apply refuses this]"


def summary_line(plan: Plan) -> str:
    """`Plan: 3 to create, 1 to rename, 2 to update, 1 to delete — 1 destructive` (zero counts left out)."""
    if plan.is_empty:
        return NO_CHANGES
    counts = plan.counts
    parts = [f"{counts[action]} to {action}" for action in ACTIONS if counts[action]]
    orphans = ""
    if plan.usage_checked:
        unknown = plan.unknown_impacts
        least = "at least " if unknown else ""
        orphans = f", would orphan {least}{count_of(plan.orphaned_annotations, 'annotation')}"
        orphans += f" ({unknown} of unknown impact)" if unknown else ""
    return f"Plan: {', '.join(parts)} — {plan.destructive} destructive{orphans}"


def heading(plan: Plan) -> str:
    """Which project on which hub, as far as the plan knows; empty when it knows neither."""
    name = f" ({plan.project_name})" if plan.project_name else ""
    project = f"project {plan.project}{name}" if plan.project else f"new project{name}"
    hub = f" on {plan.hub}" if plan.hub else ""
    return f"Plan for {project}{hub}" if plan.project or plan.project_name or plan.hub else ""


def headline(change: Change) -> str:
    """`create tool Car (bounding-box)`, `reorder options`: the verb, what, and which."""
    if change.action == "reorder":
        return f"reorder {PLURALS[change.kind]}"
    node = change.after if change.action == "create" else change.before if change.action == "delete" else None
    return f"{change.action} {change.kind} {change.title}{_type_note(node)}{change.impact_note}"


def _type_note(node: dict[str, Any] | None) -> str:
    if not node or "type" not in node:
        return ""
    when = f", when {value(node['when'])}" if node.get("when") is not None else ""
    return f" ({node['type']}{when})"


def attribute_lines(change: Change) -> list[str]:
    """`required: false → true`, one per changed attribute (rename, update, replace, move, reorder)."""
    if change.action in ("create", "delete"):
        return []
    before, after = change.before or {}, change.after or {}
    return [f"{name}: {value(before.get(name), name)} → {value(after.get(name), name)}"
            for name in sorted(before.keys() | after.keys())]


def value(item: Any, name: str = "") -> str:
    """A value as a reviewer reads it: JSON scalars, a parent as a path, an order as a list."""
    if name == "parent" and isinstance(item, list):
        return join_path(item) if item else "(top level)"
    if name == "order" and isinstance(item, list):
        return ", ".join(str(title) for title in item)
    return json.dumps(item, ensure_ascii=False)


def join_path(path: Any) -> str:
    return " › ".join(str(title) for title in path)


def nested_lines(node: dict[str, Any]) -> list[tuple[int, str]]:
    """The subtree of a create or delete summary as (depth below the node, `kind title (type)`)."""
    out: list[tuple[int, str]] = []
    stack = [(1, kind, child) for kind, child in reversed(_children(node))]
    while stack:
        depth, kind, child = stack.pop()
        title = child.get("title", child.get("value", ""))
        out.append((depth, f"{kind} {title}{_type_note(child)}"))
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
